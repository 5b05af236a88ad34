import { CameraKeyStore, VerifiedCameraKey } from '@platekeeper/persistence';
import { CameraKeyLookups } from './camera-key-lookups';

/** A stand-in key table whose lookups answer only when the test says so, recording what each asked for. */
class ScriptedKeyStore {
  readonly current = new Set<string>();
  readonly lookups: Array<{ apiKeys: string[]; answer(): void }> = [];

  verifyMany(apiKeys: string[]): Promise<Map<string, VerifiedCameraKey>> {
    // The table is read when the lookup starts, as PostgreSQL would read it.
    const found = new Map(apiKeys.filter((apiKey) => this.current.has(apiKey)).map((apiKey) => [apiKey, verified(apiKey)]));
    return new Promise((resolve) => this.lookups.push({ apiKeys, answer: () => resolve(found) }));
  }
}

const verified = (apiKey: string): VerifiedCameraKey => ({ id: `id-${apiKey}`, agencyId: 'wa-auburn-pd', format: 'verkada', cameras: [] });
const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('CameraKeyLookups', () => {
  it('looks up the keys of requests arriving while lookups are out together, each key once', async () => {
    const store = new ScriptedKeyStore();
    ['pkc_a', 'pkc_b', 'pkc_c'].forEach((apiKey) => store.current.add(apiKey));
    const lookups = new CameraKeyLookups(store as unknown as CameraKeyStore);
    const first = [lookups.verify('pkc_a'), lookups.verify('pkc_b')];
    const waiting = [lookups.verify('pkc_c'), lookups.verify('pkc_a'), lookups.verify('pkc_c'), lookups.verify('pkc_x')];
    await settle();
    expect(store.lookups.map((lookup) => lookup.apiKeys)).toEqual([['pkc_a'], ['pkc_b']]);
    store.lookups[0].answer();
    await settle();
    expect(store.lookups[2].apiKeys).toEqual(['pkc_c', 'pkc_a', 'pkc_x']);
    store.lookups.slice(1).forEach((lookup) => lookup.answer());
    expect((await Promise.all(first)).map((key) => key?.id)).toEqual(['id-pkc_a', 'id-pkc_b']);
    expect((await Promise.all(waiting)).map((key) => key?.id ?? null)).toEqual(['id-pkc_c', 'id-pkc_a', 'id-pkc_c', null]);
  });

  it('refuses a key revoked while an earlier lookup of it was out: a request never takes the answer of a lookup that started before it', async () => {
    const store = new ScriptedKeyStore();
    store.current.add('pkc_a');
    const lookups = new CameraKeyLookups(store as unknown as CameraKeyStore);
    const beforeRevocation = lookups.verify('pkc_a');
    await settle();
    store.current.delete('pkc_a');
    const afterRevocation = lookups.verify('pkc_a');
    await settle();
    store.lookups.forEach((lookup) => lookup.answer());
    await settle();
    store.lookups.forEach((lookup) => lookup.answer());
    expect((await beforeRevocation)?.id).toBe('id-pkc_a');
    expect(await afterRevocation).toBeNull();
  });

  it('fails the requests of a lookup PostgreSQL failed, and serves later ones', async () => {
    let failing = true;
    const store = {
      verifyMany: async (apiKeys: string[]) => {
        if (failing) throw new Error('connection lost');
        return new Map(apiKeys.map((apiKey) => [apiKey, verified(apiKey)]));
      },
    };
    const lookups = new CameraKeyLookups(store as unknown as CameraKeyStore);
    await expect(lookups.verify('pkc_a')).rejects.toThrow('connection lost');
    failing = false;
    expect((await lookups.verify('pkc_a'))?.id).toBe('id-pkc_a');
  });
});
