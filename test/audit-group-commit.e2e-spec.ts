import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { loadConfig } from '@platekeeper/config';
import { AuditRecordStore, dataSourceOptions, migrateDatabase } from '@platekeeper/persistence';
import { AuditEntry, AuditTrail, WorldMovedError } from '../apps/search/src/audit/audit-trail.service';
import { DomainError } from '../apps/search/src/errors/domain-error';

jest.setTimeout(120_000);

/** Many searches recorded at once, as 16 busy clients make them: every record written, chained, and durable when its caller resumes. */
describe('audit appends under concurrency', () => {
  const config = loadConfig({ ...process.env, DATABASE_URL: process.env.TEST_DATABASE_URL ?? 'postgres://postgres:postgres@127.0.0.1:5432/platekeeper_test' });
  let dataSource: DataSource;
  let observer: DataSource;
  let trail: AuditTrail;
  const actor = `group-commit-${randomUUID().slice(0, 8)}`;

  const entry = (position: number, actorUserId = `${actor}@test`): AuditEntry => ({
    kind: 'search', action: 'search.reads', actorUserId, actorAgencyId: actor,
    payload: { searchId: randomUUID(), position, criteria: { plate: 'GRP1234' }, nested: { b: 2, a: [1, { z: true }] } },
  });

  beforeAll(async () => {
    await migrateDatabase(config);
    dataSource = await new DataSource(dataSourceOptions(config)).initialize();
    observer = await new DataSource(dataSourceOptions(config)).initialize();
    trail = new AuditTrail(new AuditRecordStore(dataSource));
  });

  afterAll(async () => {
    await dataSource?.destroy();
    await observer?.destroy();
  });

  it('writes every one of 200 concurrent appends as its own record, committed by the time its caller resumes, in one chain verify accepts', async () => {
    const visibleWhenResolved: boolean[] = [];
    const records = await Promise.all(
      Array.from({ length: 200 }, async (_, position) => {
        const record = await trail.append(entry(position));
        // Another connection sees it at once: the caller was not told "recorded" before the commit.
        const rows = await observer.query('SELECT hash FROM audit_records WHERE seq = $1::bigint', [record.seq]);
        visibleWhenResolved.push(rows.length === 1 && rows[0].hash === record.hash);
        return record;
      }),
    );
    expect(visibleWhenResolved.every(Boolean)).toBe(true);
    expect(new Set(records.map((record) => record.seq)).size).toBe(200);

    const stored: Array<{ prev_hash: string; hash: string }> = await observer.query(
      'SELECT prev_hash, hash FROM audit_records WHERE actor_agency_id = $1 ORDER BY seq', [actor]);
    expect(stored).toHaveLength(200);
    for (let index = 1; index < stored.length; index++) expect(stored[index].prev_hash).toBe(stored[index - 1].hash);
    const verified = await trail.verify();
    expect(verified).toMatchObject({ valid: true, firstBroken: null });
  });

  it('keeps one chain while two instances and change records in their own transactions append at once, each instance chaining onto a head another moved', async () => {
    const otherSource = await new DataSource(dataSourceOptions(config)).initialize();
    try {
      const otherInstance = new AuditTrail(new AuditRecordStore(otherSource));
      const appends = Array.from({ length: 120 }, (_, position) => {
        if (position % 10 === 0) return dataSource.transaction((manager) => trail.append(entry(position), manager));
        return (position % 2 === 0 ? trail : otherInstance).append(entry(position));
      });
      const records = await Promise.all(appends);
      expect(new Set(records.map((record) => record.seq)).size).toBe(120);
      const stored: Array<{ seq: string; prev_hash: string; hash: string }> = await observer.query(
        'SELECT seq::text AS seq, prev_hash, hash FROM audit_records WHERE seq >= $1::bigint ORDER BY seq',
        [records.map((record) => BigInt(record.seq)).reduce((low, seq) => (seq < low ? seq : low)).toString()],
      );
      for (let index = 1; index < stored.length; index++) expect(stored[index].prev_hash).toBe(stored[index - 1].hash);
      expect(await trail.verify()).toMatchObject({ valid: true, firstBroken: null });
    } finally {
      await otherSource.destroy();
    }
  });

  it('fails only the append that cannot be written, not the others that shared its moment, and keeps the chain intact', async () => {
    const tooLongUserId = `${'x'.repeat(250)}@test`;
    const outcomes = await Promise.allSettled(
      Array.from({ length: 20 }, (_, position) => trail.append(position === 7 ? entry(position, tooLongUserId) : entry(position))),
    );
    expect(outcomes.filter((outcome) => outcome.status === 'fulfilled')).toHaveLength(19);
    const failed = outcomes[7];
    expect(failed.status).toBe('rejected');
    expect((failed as PromiseRejectedResult).reason).toBeInstanceOf(DomainError);
    expect((failed as PromiseRejectedResult).reason.code).toBe('AUDIT.UNAVAILABLE');
    expect(await trail.verify()).toMatchObject({ valid: true, firstBroken: null });
  });

  it('writes a search record only while the sharing world is at the version its answer was decided in, and tells the caller when it moved', async () => {
    const worldVersion = async (): Promise<string> =>
      (await observer.query('SELECT version::text AS version FROM sharing_world_version WHERE id = 1'))[0].version;
    const decidedIn = await worldVersion();
    const written = await trail.appendDecidedIn(entry(0), decidedIn);
    expect(written.seq).not.toBe('');

    // A sharing change commits after these searches took their world and before their records: the world moves.
    await observer.query('UPDATE sharing_world_version SET version = version + 1 WHERE id = 1');
    const moved = await worldVersion();
    const searcher = `${actor}-worlds`;
    const entryOf = (position: number): AuditEntry => ({ ...entry(position), actorAgencyId: searcher });
    const stale = Array.from({ length: 10 }, (_, position) => entryOf(100 + position));
    const fresh = Array.from({ length: 10 }, (_, position) => entryOf(200 + position));
    const plain = Array.from({ length: 5 }, (_, position) => entryOf(300 + position));
    // Interleaved, so groups hold records of both worlds and records decided under none (refusals).
    const outcomes = await Promise.allSettled(stale.flatMap((staleEntry, position) => [
      trail.appendDecidedIn(staleEntry, decidedIn), trail.appendDecidedIn(fresh[position], moved), ...(position < 5 ? [trail.append(plain[position])] : []),
    ]));
    const rejected = outcomes.filter((outcome): outcome is PromiseRejectedResult => outcome.status === 'rejected');
    expect(rejected).toHaveLength(10);
    for (const { reason } of rejected) {
      expect(reason).toBeInstanceOf(WorldMovedError);
      expect(reason.worldVersion).toBe(moved);
    }
    const stored: Array<{ position: number }> = await observer.query(
      `SELECT (payload->>'position')::int AS position FROM audit_records WHERE actor_agency_id = $1`, [searcher]);
    // Nothing of the answers decided in the old world was recorded; everything else was, once.
    expect(stored.map((row) => row.position).sort((a, b) => a - b)).toEqual([
      ...fresh.map((freshEntry) => freshEntry.payload.position), ...plain.map((plainEntry) => plainEntry.payload.position),
    ].sort((a, b) => (a as number) - (b as number)));
    expect(await trail.verify()).toMatchObject({ valid: true, firstBroken: null });
  });
});
