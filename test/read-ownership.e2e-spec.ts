import { randomUUID } from 'node:crypto';
import { KafkaMessage } from 'kafkajs';
import { DLQ_HEADERS } from '@platekeeper/contract';
import { PlatekeeperTestStack, eventually } from './support/platekeeper-stack';

jest.setTimeout(300_000);

const minutesAgo = (minutes: number) => new Date(Date.now() - minutes * 60_000).toISOString();
const reasonOf = (message: KafkaMessage) => message.headers?.[DLQ_HEADERS.reasonCode]?.toString();
const stageOf = (message: KafkaMessage) => message.headers?.[DLQ_HEADERS.stage]?.toString();

/**
 * CONTRACT §2: a read belongs, forever, to the agency that owned its camera when it was captured; no later
 * message, replay, camera move or foreign producer changes an indexed read. Real Kafka, Elasticsearch, PostgreSQL.
 */
describe('read ownership: no producer, replay or camera move can take or rewrite an indexed read', () => {
  const stack = new PlatekeeperTestStack();
  const rogue = stack.id('rogue-pd');
  const victim = stack.id('victim-pd');
  const auburn = stack.id('auburn-pd');
  const seattle = stack.id('seattle-pd');
  const rogueCamera = stack.id('cam-rogue');
  const victimCamera = stack.id('cam-victim');
  const search = { purpose: 'criminal_investigation', caseNumber: 'OWN-1', reason: 'read ownership check' };
  let platformAdmin: string;

  beforeAll(async () => {
    await stack.start();
    const state = await stack.unusedStateCode();
    await stack.clearJurisdictions([state]);
    for (const id of [rogue, victim, auburn, seattle]) {
      await stack.registerAgency({ id, state, cameras: [], sharing: { statewide: true, nationalLookup: true } });
    }
    platformAdmin = await stack.token(stack.id('platform'), ['platform_admin'], stack.id('platform-operator'));
    for (const [cameraId, agencyId] of [[rogueCamera, rogue], [victimCamera, victim]]) {
      const registered = await stack.request('PUT', `/v1/cameras/${cameraId}`, {
        token: platformAdmin, body: { agencyId, name: cameraId, lat: 47.3, lon: -122.2 },
      });
      expect(registered.status).toBe(200);
    }
  });

  afterAll(() => stack.stop());

  async function searchAs(agencyId: string, body: Record<string, unknown>) {
    const response = await stack.request('POST', '/v1/searches', { token: await stack.token(agencyId), body: { ...search, ...body } });
    expect(response.status).toBe(200);
    return response.body as { total: number; items: Array<Record<string, any>>; nextCursor: string | null };
  }

  const untilFound = (agencyId: string, body: Record<string, unknown>, total: number, what: string) =>
    eventually(async () => {
      const found = await searchAs(agencyId, body);
      return found.total === total ? found : undefined;
    }, 90_000, what);

  it('keeps a read of one agency untouched when another agency\'s camera publishes a read with the same readId', async () => {
    const sharedReadId = randomUUID();
    const capturedAt = minutesAgo(30);
    await stack.produceRaw([{ readId: sharedReadId, cameraId: victimCamera, capturedAt, plate: 'VICTIM01', vehicle: { make: 'Volvo' } }]);
    await untilFound(victim, { plate: 'VICTIM01' }, 1, 'the victim\'s read');

    await stack.produceRaw([{ readId: sharedReadId, cameraId: rogueCamera, capturedAt, plate: 'ROGUE01', vehicle: { make: 'Ford' } }]);
    const rogueRead = await untilFound(rogue, { plate: 'ROGUE01' }, 1, 'the rogue agency\'s own read');
    expect(rogueRead.items[0]).toMatchObject({ readId: sharedReadId, agencyId: rogue, cameraId: rogueCamera });

    const victimReads = await searchAs(victim, { plate: 'VICTIM01' });
    expect(victimReads.total).toBe(1);
    expect(victimReads.items[0]).toMatchObject({
      readId: sharedReadId, agencyId: victim, cameraId: victimCamera, plate: 'VICTIM01', vehicle: { make: 'Volvo' },
    });
    expect((await searchAs(victim, { plate: 'ROGUE01' })).total).toBe(0);
    const bothVisible = await searchAs(rogue, { plate: 'VICTIM01', scope: 'national' });
    expect(bothVisible.items.map((read) => read.agencyId)).toEqual([victim]);
  });

  it('keeps reads captured before a camera moved with the agency that owned it then, through replays and late deliveries', async () => {
    const cameraId = stack.id('cam-moving');
    const put = (agencyId: string, lat: number, lon: number) =>
      stack.request('PUT', `/v1/cameras/${cameraId}`, { token: platformAdmin, body: { agencyId, name: 'moving camera', lat, lon } });
    expect((await put(auburn, 47.31, -122.23)).status).toBe(200);
    const beforeMove = Array.from({ length: 200 }, (_, index) => ({
      cameraId, capturedAt: new Date(Date.now() - 3_600_000 + index * 1_000).toISOString(), plate: index < 100 ? 'MVEARLY1' : 'MVLATE01',
    }));
    const [indexedBeforeTheMove, deliveredAfterTheMove] = [beforeMove.slice(0, 100), beforeMove.slice(100)];
    await stack.produceRaw(indexedBeforeTheMove);
    await untilFound(auburn, { plate: 'MVEARLY1', limit: 500 }, 100, 'Auburn\'s reads before the move');

    expect((await put(seattle, 47.62, -122.33)).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 5));
    const afterMove = Array.from({ length: 5 }, (_, index) => ({
      cameraId, capturedAt: new Date(Date.now() + index).toISOString(), plate: 'MVAFTER1',
    }));
    await stack.produceRaw([...beforeMove, ...deliveredAfterTheMove, ...afterMove]);
    const seattleAfter = await untilFound(seattle, { plate: 'MVAFTER1' }, 5, 'Seattle\'s reads after the move');
    expect(seattleAfter.items.every((read) => read.agencyId === seattle && read.location.lat === 47.62)).toBe(true);

    for (const plate of ['MVEARLY1', 'MVLATE01']) {
      const auburnReads = await searchAs(auburn, { plate, limit: 500 });
      expect(auburnReads.total).toBe(100);
      expect(auburnReads.items.every((read) => read.agencyId === auburn && read.location.lat === 47.31)).toBe(true);
      expect((await searchAs(seattle, { plate, limit: 500 })).total).toBe(0);
    }
    expect((await searchAs(auburn, { plate: 'MVAFTER1' })).total).toBe(0);
  });

  it('never rewrites an indexed read when its readId is delivered again with other content, and keeps one hit per replayed read', async () => {
    const readId = randomUUID();
    const capturedAt = minutesAgo(15);
    await stack.produceRaw([{ readId, cameraId: victimCamera, capturedAt, plate: 'FIRST001', vehicle: { make: 'Subaru', color: 'green' } }]);
    await untilFound(victim, { plate: 'FIRST001' }, 1, 'the first delivery');

    const replayed = ['RPLY0001', 'RPLY0002', 'RPLY0003'].map((plate, index) => ({ cameraId: victimCamera, capturedAt: minutesAgo(10 + index), plate }));
    await stack.produceRaw([
      { readId, cameraId: victimCamera, capturedAt, plate: 'FIRST001', vehicle: { make: 'Ford', color: 'red' } },
      { readId, cameraId: victimCamera, capturedAt: minutesAgo(5), plate: 'SECOND01' },
      ...replayed, ...replayed, ...replayed,
      { cameraId: victimCamera, capturedAt: minutesAgo(1), plate: 'SENTINL1' },
    ]);
    await untilFound(victim, { plate: 'SENTINL1' }, 1, 'the read produced after the redeliveries');

    const first = await searchAs(victim, { plate: 'FIRST001' });
    expect(first.total).toBe(1);
    expect(first.items[0]).toMatchObject({ readId, vehicle: { make: 'Subaru', color: 'green' } });
    expect(Date.parse(first.items[0].capturedAt)).toBe(Date.parse(capturedAt));
    expect((await searchAs(victim, { plate: 'SECOND01' })).total).toBe(0);
    for (const read of replayed) expect((await searchAs(victim, { plate: read.plate })).total).toBe(1);
  });

  it('pages through reads of two owners that share a readId and a capture instant without skipping or repeating one', async () => {
    const readId = randomUUID();
    const capturedAt = new Date(Date.now() - 2 * 60_000).toISOString();
    const document = (agencyId: string, cameraId: string) => ({
      readId, cameraId, agencyId, agencyState: 'WA', capturedAt, plate: 'TWINS001', plateFolded: 'TW1N5001', plateRaw: 'TWINS001',
      location: { lat: 47.3, lon: -122.2 }, ingestedAt: new Date().toISOString(),
    });
    await stack.indexReads([document(victim, victimCamera), document(rogue, rogueCamera)]);
    const page = (cursor?: string) => searchAs(auburn, { plate: 'TWINS001', scope: 'national', limit: 1, ...(cursor && { cursor }) });
    const first = await page();
    expect(first.total).toBe(2);
    const second = await page(first.nextCursor!);
    expect([...first.items, ...second.items].map((read) => read.agencyId).sort()).toEqual([rogue, victim].sort());

    const issuedBeforeTheOwnerTieBreak = Buffer.from(JSON.stringify([Date.parse(capturedAt), readId])).toString('base64url');
    const stale = await stack.request('POST', '/v1/searches', {
      token: await stack.token(auburn), body: { ...search, plate: 'TWINS001', scope: 'national', cursor: issuedBeforeTheOwnerTieBreak },
    });
    expect(stale.status).toBe(400);
    expect(stale.body.message.join(' ')).toMatch(/cursor/);
  });

  it('dead-letters reads older than the owner\'s retention or the configured floor, and never creates an index for them', async () => {
    const ancient = { cameraId: victimCamera, capturedAt: '2001-01-15T10:00:00Z', plate: 'ANCIENT1' };
    const pastRetention = { cameraId: victimCamera, capturedAt: minutesAgo(40 * 24 * 60), plate: 'EXPIRED1' };
    const forgedEnriched = {
      readId: randomUUID(), cameraId: victimCamera, agencyId: victim, agencyState: 'WA', capturedAt: '2001-02-01T10:00:00.000Z',
      plate: 'FORGED01', plateFolded: 'F0R6E001', plateRaw: 'FORGED01', location: { lat: 47.3, lon: -122.2 }, ingestedAt: new Date().toISOString(),
    };
    await stack.produceRaw([ancient, pastRetention]);
    await stack.produceEnriched([forgedEnriched]);
    await stack.produceRaw([{ cameraId: victimCamera, capturedAt: minutesAgo(1), plate: 'SENTINL2' }]);
    await untilFound(victim, { plate: 'SENTINL2' }, 1, 'the read produced after the old ones');

    const deadLetters = await stack.readDeadLetters((messages) => messages.filter((message) => reasonOf(message) === 'READ.TOO_OLD').length >= 3);
    const tooOld = deadLetters.filter((message) => reasonOf(message) === 'READ.TOO_OLD');
    const fromIngest = tooOld.filter((message) => stageOf(message) === 'ingest').map((message) => JSON.parse(message.value!.toString()).plate);
    const fromIndexer = tooOld.filter((message) => stageOf(message) === 'indexer').map((message) => JSON.parse(message.value!.toString()).plate);
    expect(fromIngest.sort()).toEqual(['ANCIENT1', 'EXPIRED1']);
    expect(fromIndexer).toEqual(['FORGED01']);
    const indices = await stack.readIndexNames();
    expect(indices).not.toContain(`${stack.config.READS_INDEX_PREFIX}-2001.01`);
    expect(indices).not.toContain(`${stack.config.READS_INDEX_PREFIX}-2001.02`);
    expect(await stack.countStoredReads('FORGED01')).toBe(0);
  });

  it('answers an agency admin the same for another agency\'s registered camera id and an unregistered foreign id', async () => {
    const rogueAdmin = await stack.token(rogue, ['agency_admin'], `${rogue}-admin`);
    const claim = (cameraId: string) =>
      stack.request('PUT', `/v1/cameras/${cameraId}`, { token: rogueAdmin, body: { agencyId: rogue, name: 'claimed', lat: 1, lon: 1 } });
    const existing = await claim(victimCamera);
    const unregistered = await claim(`${victim}.cam-next-month`);
    expect(existing.status).toBe(403);
    expect(unregistered.status).toBe(403);
    expect(unregistered.body).toEqual(existing.body);
    expect(existing.text).not.toContain(victimCamera);

    const own = await claim(`${rogue}.cam-1`);
    expect(own.status).toBe(200);
    const owners: Array<{ id: string; agency_id: string }> = await stack.dataSource.query('SELECT id, agency_id FROM cameras WHERE id = ANY($1)', [
      [victimCamera, `${victim}.cam-next-month`, `${rogue}.cam-1`],
    ]);
    expect(Object.fromEntries(owners.map((camera) => [camera.id, camera.agency_id]))).toEqual({ [victimCamera]: victim, [`${rogue}.cam-1`]: rogue });
  });
});
