import { randomUUID } from 'node:crypto';
import { PlatekeeperTestStack } from './support/platekeeper-stack';

jest.setTimeout(120_000);

/** Each retention sweep attests, per owner and into the audit chain, what it deleted and the oldest read it still holds. */
describe('retention attestations', () => {
  const stack = new PlatekeeperTestStack();
  const owner = stack.id('att-pd');
  const plate = `ATT${stack.runId.slice(-5).toUpperCase()}`;
  const hoursAgo = (hours: number) => new Date(Date.now() - hours * 3_600_000).toISOString();
  const document = (capturedAt: string) => ({
    readId: randomUUID(), cameraId: `${owner}-cam`, agencyId: owner, agencyState: 'WA', capturedAt, plate,
    plateFolded: plate, plateRaw: plate, location: { lat: 47.3, lon: -122.2 }, ingestedAt: new Date().toISOString(),
  });

  beforeAll(async () => {
    await stack.start({ env: { RETENTION_SWEEP_MINUTES: '0' } });
    await stack.registerAgency({ id: owner, state: 'WA', cameras: [] });
    await stack.dataSource.query(`UPDATE agencies SET retention_days = 3 WHERE id = $1`, [owner]);
    await stack.indexReads([document(hoursAgo(5 * 24)), document(hoursAgo(4 * 24)), document(hoursAgo(30))]);
  });

  afterAll(() => stack.stop());

  it("attests the owner's deleted reads and that the oldest read it still holds is within its retention, and publishes the latest", async () => {
    const sweep = await stack.request('POST', '/v1/retention/sweep', { token: await stack.token(stack.id('platform'), ['platform_admin']) });
    expect(sweep.status).toBe(200);
    const attestation = sweep.body.attestations[owner];
    expect(attestation).toMatchObject({ retentionDays: 3, deletedReads: 2, withinRetention: true });
    expect(attestation.oldestHeldAgeDays).toBeGreaterThan(1.2);
    expect(attestation.oldestHeldAgeDays).toBeLessThan(1.3);

    const latest = await stack.request('GET', '/v1/retention/attestations/latest');
    expect(latest.status).toBe(200);
    expect(latest.body.attestation.owners[owner]).toEqual(attestation);
    const [record] = await stack.dataSource.query(`SELECT action, hash FROM audit_records WHERE seq = $1::bigint`, [latest.body.attestation.seq]);
    expect(record).toEqual({ action: 'retention.sweep', hash: latest.body.attestation.hash });
  });
});
