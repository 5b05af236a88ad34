import { randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import { DLQ_HEADERS } from '@platekeeper/contract';
import { PlatekeeperTestStack, eventually } from './support/platekeeper-stack';

jest.setTimeout(240_000);

const minutesAgo = (minutes: number) => new Date(Date.now() - minutes * 60_000).toISOString();

describe('the read path on the real engines: Kafka → ingest → indexer → Elasticsearch → search REST', () => {
  const stack = new PlatekeeperTestStack();
  const auburn = stack.id('wa-auburn-pd');
  const kent = stack.id('wa-kent-pd');
  const auburnCamera = stack.id('cam-auburn');
  const kentCamera = stack.id('cam-kent');
  const sharedPlate = 'ZQK4417';
  const search = { purpose: 'stolen_vehicle', caseNumber: 'CASE-2026-0001', reason: 'stolen vehicle report #4417' };
  let auburnInvestigator: string;
  const duplicateReadId = randomUUID();

  beforeAll(async () => {
    await stack.start();
    await stack.clearJurisdictions(['WA', 'OR']);
    await stack.registerAgency({ id: auburn, state: 'WA', cameras: [auburnCamera], sharing: { nationalLookup: true } });
    await stack.registerAgency({ id: kent, state: 'WA', cameras: [kentCamera] });
    auburnInvestigator = await stack.token(auburn);
    const duplicate = { readId: duplicateReadId, cameraId: auburnCamera, capturedAt: minutesAgo(30), plate: 'DUP 0001' };
    await stack.produceRaw([
      { cameraId: auburnCamera, capturedAt: minutesAgo(10), plate: 'zqk-4417', confidence: 0.91, vehicle: { make: 'Subaru', color: 'Green' } },
      { cameraId: auburnCamera, capturedAt: minutesAgo(20), plate: 'ZQK 4417' },
      { cameraId: kentCamera, capturedAt: minutesAgo(5), plate: sharedPlate },
      duplicate,
      duplicate,
      '{"cameraId": "broken',
      { cameraId: auburnCamera, capturedAt: '2026-01-01 10:00', plate: 'BADTIME1' },
      { cameraId: auburnCamera, capturedAt: minutesAgo(1), plate: '--' },
      { cameraId: auburnCamera, capturedAt: minutesAgo(1), plate: 'ABCDEFGHIJKLMNOPQRS' },
      { cameraId: auburnCamera, capturedAt: new Date(Date.now() + 3_600_000).toISOString(), plate: 'FUTURE1' },
      { cameraId: auburnCamera, capturedAt: minutesAgo(1), plate: 'CONF1', confidence: 7 },
      { cameraId: auburnCamera, capturedAt: minutesAgo(1), plate: 'RID1', readId: 'not-a-uuid' },
      { capturedAt: minutesAgo(1), plate: 'NOCAM1' },
      { cameraId: stack.id('cam-nobody-registered'), capturedAt: minutesAgo(1), plate: 'GHOST1' },
      { cameraId: auburnCamera, capturedAt: minutesAgo(2), plate: 'LATE 001' },
    ]);
  });

  afterAll(() => stack.stop());

  async function searchAs(token: string, body: Record<string, unknown>) {
    return stack.request('POST', '/v1/searches', { token, body: { ...search, ...body } });
  }

  it('finds the agency\'s own reads by exact plate once they are indexed, newest first', async () => {
    const found = await eventually(async () => {
      const response = await searchAs(auburnInvestigator, { plate: sharedPlate });
      return response.body.total === 2 ? response : undefined;
    }, 90_000, 'Auburn reads to become searchable');
    expect(found.status).toBe(200);
    expect(found.body.items.map((read: { plate: string }) => read.plate)).toEqual([sharedPlate, sharedPlate]);
    expect(found.body.items.every((read: { agencyId: string }) => read.agencyId === auburn)).toBe(true);
    const [newest, older] = found.body.items;
    expect(Date.parse(newest.capturedAt)).toBeGreaterThan(Date.parse(older.capturedAt));
    expect(newest).toMatchObject({ cameraId: auburnCamera, confidence: 0.91, vehicle: { make: 'Subaru', color: 'Green' } });
    expect(typeof found.body.searchId).toBe('string');
  });

  it('never returns another agency\'s reads, in any scope, when that agency shares nothing', async () => {
    for (const scope of ['local', 'statewide', 'national']) {
      const response = await searchAs(auburnInvestigator, { plate: sharedPlate, scope });
      expect(response.status).toBe(200);
      expect(response.body.items.map((read: { agencyId: string }) => read.agencyId)).not.toContain(kent);
      expect(response.body.total).toBe(2);
    }
    // Kent's read travels on its own key (another partition), so it may arrive after Auburn's: wait for it as Kent.
    const kentInvestigator = await stack.token(kent);
    const kentOwn = await eventually(async () => {
      const response = await searchAs(kentInvestigator, { plate: sharedPlate });
      return response.body.total === 1 ? response : undefined;
    }, 60_000, "Kent's read to become searchable");
    expect(kentOwn.body.items.map((read: { agencyId: string }) => read.agencyId)).toEqual([kent]);
    for (const scope of ['local', 'statewide', 'national']) {
      const response = await searchAs(auburnInvestigator, { plate: sharedPlate, scope });
      expect(response.body.items.map((read: { agencyId: string }) => read.agencyId)).toEqual([auburn, auburn]);
    }
  });

  it('keeps exactly one searchable read for a read produced twice, once a later read of the same camera is searchable', async () => {
    // LATE 001 shares the duplicates' key (the camera), so their partition, and was produced after both copies.
    await eventually(async () => {
      const later = await searchAs(auburnInvestigator, { plate: 'LATE001' });
      return later.body.total === 1 ? later : undefined;
    }, 60_000, 'the read produced after the duplicates on the same key');
    const response = await searchAs(auburnInvestigator, { plate: 'DUP0001' });
    expect(response.body.total).toBe(1);
    expect(response.body.items).toHaveLength(1);
    expect(response.body.items[0]).toMatchObject({ readId: duplicateReadId, plate: 'DUP0001', cameraId: auburnCamera, agencyId: auburn });
  });

  it('dead-letters every malformed read with its reason and source, and keeps later good reads flowing', async () => {
    const late = await eventually(async () => {
      const found = await searchAs(auburnInvestigator, { plate: 'LATE001' });
      return found.body.total === 1 ? found : undefined;
    }, 60_000, 'the good read produced after the bad ones');
    expect(late.body.items[0].plate).toBe('LATE001');

    const deadLetters = await stack.readDeadLetters((messages) => messages.length >= 9);
    const byReason = deadLetters.map((message) => ({
      code: message.headers?.[DLQ_HEADERS.reasonCode]?.toString(),
      detail: JSON.parse(message.headers?.[DLQ_HEADERS.reasonDetail]?.toString() ?? '{}'),
      sourceTopic: message.headers?.[DLQ_HEADERS.sourceTopic]?.toString(),
      sourceOffset: message.headers?.[DLQ_HEADERS.sourceOffset]?.toString(),
      original: message.value?.toString(),
    }));
    expect(byReason).toHaveLength(9);
    const fieldsViolated = byReason
      .filter((entry) => entry.code === 'READ.RULE_VIOLATION')
      .map((entry) => [...new Set(entry.detail.violations.map((violation: { field: string }) => violation.field))].join(','));
    expect(fieldsViolated.sort()).toEqual(['cameraId', 'capturedAt', 'capturedAt', 'confidence', 'plate', 'plate', 'readId']);
    expect(byReason.find((entry) => entry.code === 'READ.INVALID_JSON')?.original).toBe('{"cameraId": "broken');
    expect(byReason.find((entry) => entry.code === 'READ.UNKNOWN_CAMERA')?.original).toContain('GHOST1');
    for (const entry of byReason) {
      expect(entry.sourceTopic).toBe(stack.config.TOPIC_RAW);
      expect(entry.sourceOffset).toMatch(/^\d+$/);
    }
  });

  it('dead-letters a document Elasticsearch rejects and still indexes the reads around it', async () => {
    const good = (plate: string) => ({
      readId: randomUUID(), cameraId: auburnCamera, agencyId: auburn, agencyState: 'WA', capturedAt: minutesAgo(3),
      plate, plateFolded: plate, plateRaw: plate, location: { lat: 47.3, lon: -122.2 }, ingestedAt: new Date().toISOString(),
    });
    await stack.produceEnriched([good('IDXOK1'), { ...good('IDXBAD1'), location: 'somewhere over there' }, good('IDXOK2')]);
    await eventually(async () => {
      const found = await searchAs(auburnInvestigator, { plate: 'IDXOK2' });
      return found.body.total === 1 ? found : undefined;
    }, 60_000, 'the read after the rejected one');
    const rejected = await stack.readDeadLetters((messages) =>
      messages.some((message) => message.headers?.[DLQ_HEADERS.reasonCode]?.toString() === 'READ.INDEX_REJECTED'),
    );
    const rejection = rejected.find((message) => message.headers?.[DLQ_HEADERS.reasonCode]?.toString() === 'READ.INDEX_REJECTED');
    expect(rejection?.value?.toString()).toContain('IDXBAD1');
    expect(rejection?.headers?.[DLQ_HEADERS.sourceTopic]?.toString()).toBe(stack.config.TOPIC_ENRICHED);
    expect((await searchAs(auburnInvestigator, { plate: 'IDXOK1' })).body.total).toBe(1);
  });

  describe('bad requests', () => {
    it('answers 401 without a token or with a bad one', async () => {
      const anonymous = await stack.request('POST', '/v1/searches', { body: { ...search, plate: sharedPlate } });
      expect(anonymous.status).toBe(401);
      expect(anonymous.body).toMatchObject({ statusCode: 401, error: 'Unauthorized' });
      expect(anonymous.body.message[0]).toMatch(/bearer token/);
      const forged = await stack.request('POST', '/v1/searches', { token: `${auburnInvestigator}x`, body: { ...search, plate: sharedPlate } });
      expect(forged.status).toBe(401);
    });

    it('answers 401 to a correctly signed token that never expires', async () => {
      const forever = await new SignJWT({ agency: auburn, roles: ['investigator'] }).setProtectedHeader({ alg: 'HS256' })
        .setSubject('investigator@auburn').sign(new TextEncoder().encode(stack.config.JWT_SECRET));
      const response = await stack.request('POST', '/v1/searches', { token: forever, body: { ...search, plate: sharedPlate } });
      expect(response.status).toBe(401);
      expect(response.body.message[0]).toMatch(/"exp" claim/);
    });

    it('answers 400 naming each bad field, and refuses unknown fields', async () => {
      const response = await stack.request('POST', '/v1/searches', {
        token: auburnInvestigator,
        body: { purpose: 'curiosity', caseNumber: '', reason: 'short', plate: sharedPlate, limit: 1000, agencyId: 'everyone' },
      });
      expect(response.status).toBe(400);
      const messages: string[] = response.body.message;
      for (const field of ['purpose', 'caseNumber', 'reason', 'limit', 'agencyId']) {
        expect(messages.some((message) => message.includes(field))).toBe(true);
      }
    });

    it('answers 400 to a body that is not JSON and 415 to one that is not declared as JSON', async () => {
      const broken = await stack.request('POST', '/v1/searches', {
        token: auburnInvestigator, headers: { 'content-type': 'application/json' }, rawBody: '{"purpose": ',
      });
      expect(broken.status).toBe(400);
      expect(broken.body.message[0]).toMatch(/JSON/);
      const text = await stack.request('POST', '/v1/searches', {
        token: auburnInvestigator, headers: { 'content-type': 'text/plain' }, rawBody: 'plate=ABC123',
      });
      expect(text.status).toBe(415);
      expect(text.body).toMatchObject({ statusCode: 415, error: 'Unsupported Media Type' });
    });

    it('answers 400 when neither plate nor vehicle is given', async () => {
      const response = await searchAs(auburnInvestigator, {});
      expect(response.status).toBe(400);
      expect(response.body.message.join(' ')).toMatch(/plate or vehicle/);
    });

    it('answers 403 to a valid token without the investigator role', async () => {
      const adminOnly = await stack.token(auburn, ['agency_admin']);
      const response = await searchAs(adminOnly, { plate: sharedPlate });
      expect(response.status).toBe(403);
    });

    it('answers 400 to a cursor it did not issue', async () => {
      const response = await searchAs(auburnInvestigator, { plate: sharedPlate, cursor: 'bm90LWEtY3Vyc29y' });
      expect(response.status).toBe(400);
      expect(response.body.message[0]).toMatch(/cursor/);
    });
  });

  it('pages through results with a cursor without repeating or skipping reads', async () => {
    const first = await searchAs(auburnInvestigator, { plate: sharedPlate, limit: 1 });
    expect(first.body.items).toHaveLength(1);
    expect(first.body.total).toBe(2);
    const second = await searchAs(auburnInvestigator, { plate: sharedPlate, limit: 1, cursor: first.body.nextCursor });
    expect(second.body.items).toHaveLength(1);
    expect(second.body.items[0].readId).not.toBe(first.body.items[0].readId);
    const third = await searchAs(auburnInvestigator, { plate: sharedPlate, limit: 1, cursor: second.body.nextCursor });
    expect(third.body.items).toHaveLength(0);
  });

  it('counts ingested, dead-lettered and indexed reads and answered searches in Prometheus metrics', async () => {
    const metrics = await stack.request('GET', '/metrics');
    expect(metrics.status).toBe(200);
    const sample = (pattern: RegExp) => Number(pattern.exec(metrics.text)?.[1] ?? Number.NaN);
    expect(sample(/platekeeper_reads_ingested_total\{outcome="dead_lettered",reason="READ.RULE_VIOLATION"\} (\d+)/)).toBe(7);
    expect(sample(/platekeeper_reads_ingested_total\{outcome="dead_lettered",reason="READ.UNKNOWN_CAMERA"\} (\d+)/)).toBe(1);
    expect(sample(/platekeeper_reads_indexed_total\{outcome="indexed"\} (\d+)/)).toBeGreaterThanOrEqual(6);
    expect(sample(/platekeeper_searches_total\{scope="national"\} (\d+)/)).toBeGreaterThanOrEqual(1);
  });

  it('serves its OpenAPI description at /docs and reports healthy engines', async () => {
    const docs = await stack.request('GET', '/docs-json');
    expect(docs.status).toBe(200);
    expect(Object.keys(docs.body.paths)).toContain('/v1/searches');
    const health = await stack.request('GET', '/health');
    expect(health.body).toMatchObject({ status: 'ok', engines: { postgres: 'up' } });
  });
});
