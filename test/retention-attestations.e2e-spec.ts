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

    // Our sweep's attestation is in the chain as the sweep answered it.
    const [ours] = await stack.dataSource.query(
      `SELECT seq::text AS seq, hash, payload->'after'->'attestations'->$1 AS attestation FROM audit_records
        WHERE kind = 'change' AND action = 'retention.sweep' AND payload->'after'->'attestations' ? $1 ORDER BY seq DESC LIMIT 1`,
      [owner],
    );
    expect(ours.attestation).toEqual(attestation);
    // The public "latest" is the chain's newest sweep record: ours, unless another service sweeping the same database
    // (other suites' stacks share it, each with its own indices) recorded one after it.
    const latest = await stack.request('GET', '/v1/retention/attestations/latest');
    expect(latest.status).toBe(200);
    const [newest] = await stack.dataSource.query(
      `SELECT seq::text AS seq, hash FROM audit_records WHERE kind = 'change' AND action = 'retention.sweep' ORDER BY seq DESC LIMIT 1`,
    );
    expect(latest.body.attestation).toMatchObject({ seq: newest.seq, hash: newest.hash });
    if (newest.seq === ours.seq) expect(latest.body.attestation.owners[owner]).toEqual(attestation);

    // The owner's public page shows its own latest attestation, whichever sweep was last for everyone.
    const page = await stack.request('GET', `/v1/public/agencies/${owner}/transparency`);
    expect(page.status).toBe(200);
    expect(page.body.retention.latestAttestation).toEqual({ ...attestation, seq: ours.seq, hash: ours.hash, sweptAt: expect.any(String) });
  });
});
