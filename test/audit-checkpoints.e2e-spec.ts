import { createPublicKey, generateKeyPairSync, verify } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import stringify from 'safe-stable-stringify';
import { PlatekeeperTestStack } from './support/platekeeper-stack';

jest.setTimeout(120_000);

/**
 * Anchored records: the chain alone cannot show that its newest records were removed (the head just moves back).
 * A checkpoint signed with an Ed25519 key held in a file, published to a directory, can: verification holds the
 * chain against the latest checkpoint and reports the truncation.
 */
describe('signed audit checkpoints', () => {
  const stack = new PlatekeeperTestStack();
  const directory = mkdtempSync(join(tmpdir(), 'platekeeper-checkpoints-'));
  const keyFile = join(directory, 'checkpoint-key.pem');
  const sinkDirectory = join(directory, 'published');
  let platformAdmin: string;
  const COLUMNS = 'seq, recorded_at, kind, action, actor_user_id, actor_agency_id, payload, prev_hash, hash';

  const verifyChain = async () => (await stack.request('GET', '/v1/audit/verify', { token: platformAdmin })).body;
  const publish = async () => stack.request('POST', '/v1/audit/checkpoints', { token: platformAdmin });
  async function recordSomething(): Promise<void> {
    const agencyId = stack.id('anchor-pd');
    const response = await stack.request('POST', '/v1/searches', {
      token: await stack.token(agencyId),
      body: { purpose: 'stolen_vehicle', caseNumber: 'ANCHOR-1', reason: 'checkpoint example search', plate: 'ANC0001' },
    });
    expect(response.status).toBe(200);
  }

  beforeAll(async () => {
    const { privateKey } = generateKeyPairSync('ed25519');
    writeFileSync(keyFile, privateKey.export({ type: 'pkcs8', format: 'pem' }));
    await stack.start({ env: { AUDIT_CHECKPOINT_KEY_FILE: keyFile, AUDIT_CHECKPOINT_DIR: sinkDirectory, AUDIT_CHECKPOINT_MINUTES: '0' } });
    await stack.registerAgency({ id: stack.id('anchor-pd'), state: 'QA', cameras: [] });
    platformAdmin = await stack.token(stack.id('platform'), ['platform_admin']);
  });

  afterAll(async () => {
    await stack.stop();
    rmSync(directory, { recursive: true, force: true });
  });

  it('publishes a checkpoint of the head that anyone can verify with the published public key', async () => {
    await recordSomething();
    const published = await publish();
    expect(published.status).toBe(201);
    const [{ seq, hash }] = await stack.dataSource.query('SELECT seq::text AS seq, hash FROM audit_records ORDER BY seq DESC LIMIT 1');
    expect(published.body).toMatchObject({ seq, headHash: hash, algorithm: 'Ed25519' });
    expect(readdirSync(sinkDirectory).filter((file) => file.startsWith('checkpoint-'))).toHaveLength(1);
    expect(JSON.parse(readFileSync(join(sinkDirectory, 'latest.json'), 'utf8'))).toEqual(published.body);

    // The transparency page's view, without a token; checked here with Node's crypto alone, as an outsider would.
    const latest = await stack.request('GET', '/v1/audit/checkpoints/latest');
    expect(latest.status).toBe(200);
    const { checkpoint, publicKeyPem } = latest.body;
    const body = stringify({ seq: checkpoint.seq, headHash: checkpoint.headHash, headRecordedAt: checkpoint.headRecordedAt, publishedAt: checkpoint.publishedAt })!;
    expect(verify(null, Buffer.from(body), createPublicKey(publicKeyPem), Buffer.from(checkpoint.signature, 'base64'))).toBe(true);
    // Another sequence number under the same signature (on a fresh database the head may be record 1, so never "1").
    const forged = stringify({ seq: String(BigInt(checkpoint.seq) + 1n), headHash: checkpoint.headHash, headRecordedAt: checkpoint.headRecordedAt, publishedAt: checkpoint.publishedAt })!;
    expect(verify(null, Buffer.from(forged), createPublicKey(publicKeyPem), Buffer.from(checkpoint.signature, 'base64'))).toBe(false);

    // Each agency's public page names the same checkpoint.
    const page = await stack.request('GET', `/v1/public/agencies/${stack.id('anchor-pd')}/transparency`);
    expect(page.status).toBe(200);
    expect(page.body.latestCheckpoint).toEqual({ seq: checkpoint.seq, headHash: checkpoint.headHash, publishedAt: checkpoint.publishedAt, keyId: checkpoint.keyId });
  });

  it('verifies records appended after the checkpoint as consistent with it', async () => {
    await recordSomething();
    expect(await verifyChain()).toMatchObject({ valid: true, firstBroken: null, checkpoint: { status: 'consistent', problem: null } });
  });

  it('detects the newest records deleted behind the trigger, which the chain alone accepts, and is intact again once they are back', async () => {
    await recordSomething();
    const checkpoint = (await publish()).body;
    await recordSomething();
    const removed: Array<Record<string, unknown>> = await stack.dataSource.query(
      `SELECT seq::text, recorded_at::text, kind, action, actor_user_id, actor_agency_id, payload::text, prev_hash, hash
         FROM audit_records WHERE seq >= $1::bigint - 1 ORDER BY seq`, [checkpoint.seq],
    );
    expect(removed.length).toBeGreaterThanOrEqual(3);
    await stack.dataSource.transaction(async (manager) => {
      await manager.query('ALTER TABLE audit_records DISABLE TRIGGER audit_records_append_only');
      await manager.query('DELETE FROM audit_records WHERE seq >= $1::bigint - 1', [checkpoint.seq]);
      await manager.query('ALTER TABLE audit_records ENABLE TRIGGER audit_records_append_only');
    });
    try {
      const verdict = await verifyChain();
      // Every remaining record still links: without the checkpoint this cut would pass unnoticed.
      expect(verdict.firstBroken).toBeNull();
      expect(verdict).toMatchObject({
        valid: false,
        checkpoint: { status: 'truncated', checkpoint: { seq: checkpoint.seq, headHash: checkpoint.headHash }, problem: expect.stringContaining('removed') },
      });
    } finally {
      for (const row of removed) {
        await stack.dataSource.query(
          `INSERT INTO audit_records (${COLUMNS}) VALUES ($1::bigint, $2::timestamptz, $3, $4, $5, $6, $7::jsonb, $8, $9)`,
          Object.values(row),
        );
      }
    }
    expect(await verifyChain()).toMatchObject({ valid: true, checkpoint: { status: 'consistent' } });
  });

  it('reports a checkpoint file that was not signed by the service\'s key, or a record rewritten under it', async () => {
    const checkpoint = (await publish()).body;
    const latestFile = join(sinkDirectory, 'latest.json');
    const original = readFileSync(latestFile, 'utf8');
    writeFileSync(latestFile, JSON.stringify({ ...checkpoint, headHash: 'f'.repeat(64) }));
    try {
      expect(await verifyChain()).toMatchObject({ valid: false, checkpoint: { status: 'bad_signature' } });
    } finally {
      writeFileSync(latestFile, original);
    }
    const setHead = (hash: string) => stack.dataSource.transaction(async (manager) => {
      await manager.query('ALTER TABLE audit_records DISABLE TRIGGER audit_records_append_only');
      await manager.query('UPDATE audit_records SET hash = $2 WHERE seq = $1::bigint', [checkpoint.seq, hash]);
      await manager.query('ALTER TABLE audit_records ENABLE TRIGGER audit_records_append_only');
    });
    // A rewritten head record whose hash was recomputed to match its new content: only the checkpoint still knows the old one.
    await setHead('e'.repeat(64));
    try {
      expect(await verifyChain()).toMatchObject({ valid: false, checkpoint: { status: 'diverged' } });
    } finally {
      await setHead(checkpoint.headHash);
    }
    expect(await verifyChain()).toMatchObject({ valid: true, checkpoint: { status: 'consistent' } });
  });
});

/**
 * Every search instance runs the checkpoint schedule; exactly one of them publishes each interval (the checkpoint
 * advisory lock and the slot it records), so two instances make one checkpoint per interval, not two.
 */
describe('scheduled audit checkpoints with two search instances', () => {
  const stack = new PlatekeeperTestStack();
  const directory = mkdtempSync(join(tmpdir(), 'platekeeper-checkpoint-schedule-'));
  const sinkDirectory = join(directory, 'published');
  const intervalMs = 6_000;

  beforeAll(async () => {
    const keyFile = join(directory, 'checkpoint-key.pem');
    writeFileSync(keyFile, generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }));
    await stack.start({
      searchInstances: 2,
      env: { AUDIT_CHECKPOINT_KEY_FILE: keyFile, AUDIT_CHECKPOINT_DIR: sinkDirectory, AUDIT_CHECKPOINT_MINUTES: String(intervalMs / 60_000) },
    });
    await stack.registerAgency({ id: stack.id('schedule-pd'), state: 'QA', cameras: [] });
  });

  afterAll(async () => {
    await stack.stop();
    rmSync(directory, { recursive: true, force: true });
  });

  it('publishes one checkpoint per interval, whichever instance comes first', async () => {
    const response = await stack.request('POST', '/v1/searches', {
      token: await stack.token(stack.id('schedule-pd')),
      body: { purpose: 'stolen_vehicle', caseNumber: 'ANCHOR-2', reason: 'checkpoint schedule example search', plate: 'ANC0002' },
    });
    expect(response.status).toBe(200);
    // From the start of the next interval, four intervals of both instances' schedules.
    const firstSlot = Math.floor(Date.now() / intervalMs) + 1;
    const lastSlot = firstSlot + 3;
    await new Promise((resolve) => setTimeout(resolve, (lastSlot + 1) * intervalMs - Date.now() + 1_500));
    const slotsPublished = readdirSync(sinkDirectory)
      .filter((file) => file.startsWith('checkpoint-'))
      .map((file) => Math.floor(Date.parse(JSON.parse(readFileSync(join(sinkDirectory, file), 'utf8')).publishedAt) / intervalMs))
      .filter((slot) => slot >= firstSlot && slot <= lastSlot)
      .sort();
    expect(slotsPublished).toEqual([firstSlot, firstSlot + 1, firstSlot + 2, lastSlot]);
  });
});
