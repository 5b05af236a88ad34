import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DLQ_HEADERS } from '@platekeeper/contract';
import { createElasticClient, ensureReadsIndexTemplate, readsIndexLayout, readsIndexTemplate } from '@platekeeper/elastic';
import { createGatewayApp } from '../apps/gateway/src/gateway-app';
import { PlatekeeperTestStack, eventually } from './support/platekeeper-stack';

jest.setTimeout(240_000);

/** The vendors' documented example payloads (apps/gateway/src/translators/fixtures/README.md names each source). */
const fixture = (name: string): any => JSON.parse(readFileSync(join(__dirname, '../apps/gateway/src/translators/fixtures', name), 'utf8'));
const MINUTE = 60_000;

/** A wall-clock time in a zone, as Blue Iris' &ALERT_TIME sends it (no offset). */
function localTime(instant: Date, timeZone: string): string {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', {
      timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit',
    }).formatToParts(instant).map((part) => [part.type, part.value]),
  );
  return `${parts.year}-${parts.month}-${parts.day}T${parts.hour}:${parts.minute}:${parts.second}.${String(instant.getUTCMilliseconds()).padStart(3, '0')}`;
}

describe('the camera gateway on the real engines: vendor webhook → gateway → raw topic → ingest → indexer → POST /v1/searches', () => {
  const stack = new PlatekeeperTestStack();
  const auburn = stack.id('wa-auburn-pd');
  const seattle = stack.id('wa-seattle-pd');
  const camera = (name: string) => `${auburn}.${name}`;
  const seattleCamera = `${seattle}.cam-1`;
  const search = { purpose: 'criminal_investigation', caseNumber: 'GW-1', reason: 'gateway end-to-end check' };
  const now = Date.now();
  const times = {
    openalpr: new Date(now - 10 * MINUTE), platerecognizer: new Date(now - 11 * MINUTE), frigateLpr: new Date(now - 12 * MINUTE),
    frigateEvent: new Date(now - 13 * MINUTE), verkada: new Date(now - 14 * MINUTE), blueiris: new Date(now - 15 * MINUTE),
  };
  let gateway: NestFastifyApplication;
  let gatewayUrl: string;
  let auburnAdmin: string;
  let seattleAdmin: string;
  let investigator: string;
  const keys: Record<string, { id: string; apiKey: string }> = {};

  async function issue(format: string, cameras: Array<{ vendorCameraId: string; cameraId: string; timeZone?: string }>, token = auburnAdmin, agency = auburn) {
    return stack.request('POST', `/v1/agencies/${agency}/camera-keys`, { token, body: { name: `${format} agent`, format, cameras } });
  }

  async function post(apiKey: string, body: unknown, headers: Record<string, string> = {}) {
    return stack.request('POST', '/v1/reads', {
      baseUrl: gatewayUrl,
      rawBody: typeof body === 'string' || Buffer.isBuffer(body) ? (body as string) : JSON.stringify(body),
      headers: { 'content-type': 'application/json', 'x-api-key': apiKey, ...headers },
    });
  }

  async function found(plate: string) {
    return eventually(async () => {
      const response = await stack.request('POST', '/v1/searches', { token: investigator, body: { ...search, plate } });
      return response.body.total === 1 ? response.body.items[0] : undefined;
    }, 90_000, `${plate} to become searchable`);
  }

  beforeAll(async () => {
    await stack.start();
    await stack.clearJurisdictions(['WA']);
    await stack.registerAgency({
      id: auburn, state: 'WA', cameras: ['openalpr', 'platerecognizer', 'frigate', 'verkada', 'blueiris', 'platekeeper', 'moving'].map(camera),
    });
    await stack.registerAgency({ id: seattle, state: 'WA', cameras: [seattleCamera] });
    auburnAdmin = await stack.token(auburn, ['agency_admin']);
    seattleAdmin = await stack.token(seattle, ['agency_admin']);
    investigator = await stack.token(auburn, ['investigator']);
    gateway = await createGatewayApp(stack.config);
    await gateway.listen(0, '127.0.0.1');
    gatewayUrl = await gateway.getUrl();
    const mappings: Record<string, Array<{ vendorCameraId: string; cameraId: string; timeZone?: string }>> = {
      openalpr: [{ vendorCameraId: '1414799424', cameraId: camera('openalpr') }],
      platerecognizer: [{ vendorCameraId: 'camera-1', cameraId: camera('platerecognizer') }],
      frigate: [{ vendorCameraId: 'front_door_cam', cameraId: camera('frigate') }, { vendorCameraId: 'driveway', cameraId: camera('frigate') }],
      verkada: [{ vendorCameraId: '38718198-8a78-4718-a60f-68e1a8de30ac', cameraId: camera('verkada') }],
      blueiris: [{ vendorCameraId: 'LPR1', cameraId: camera('blueiris'), timeZone: 'America/Los_Angeles' }],
      platekeeper: [{ vendorCameraId: camera('platekeeper'), cameraId: camera('platekeeper') }, { vendorCameraId: 'moving', cameraId: camera('moving') }],
    };
    for (const [format, cameras] of Object.entries(mappings)) {
      const issued = await issue(format, cameras);
      expect(issued.status).toBe(201);
      keys[format] = { id: issued.body.id, apiKey: issued.body.apiKey };
    }
  });

  afterAll(async () => {
    await gateway?.close();
    await stack.stop();
  });

  it('OpenALPR alpr_group: best plate, candidates, 0–100 confidence as 0–1, owner from the registry, start time', async () => {
    const group = { ...fixture('openalpr-alpr-group.json'), epoch_start: times.openalpr.getTime(), epoch_end: times.openalpr.getTime() + 1257 };
    const answer = await post(keys.openalpr.apiKey, group);
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ accepted: 1, cameraIds: [camera('openalpr')] });
    const read = await found('A13709');
    expect(read).toMatchObject({ agencyId: auburn, cameraId: camera('openalpr'), plate: 'A13709', plateRegion: 'MO', confidence: 0.92075, capturedAt: times.openalpr.toISOString() });
    expect(read.candidates[0]).toEqual({ plate: 'A137O9', confidence: 0.83324 });
    expect(read.candidates).toHaveLength(9);
  });

  it('OpenALPR heartbeat: accepted, no read', async () => {
    expect((await post(keys.openalpr.apiKey, fixture('openalpr-heartbeat.json'))).body).toEqual({ accepted: 0, cameraIds: [] });
  });

  it('Plate Recognizer Stream webhook: plate, score, candidates, vehicle type/make/model/color, direction', async () => {
    const hook = fixture('platerecognizer-stream.json');
    hook.data.timestamp = times.platerecognizer.toISOString();
    expect((await post(keys.platerecognizer.apiKey, hook)).status).toBe(200);
    const read = await found('9JUB11');
    expect(read).toMatchObject({
      agencyId: auburn, plate: '9JUB11', plateRegion: 'GB', confidence: 0.839, direction: 210, capturedAt: times.platerecognizer.toISOString(),
      vehicle: { type: 'Big Truck', make: 'Volkswagen', model: 'Golf', color: 'white' },
    });
    expect(read.candidates).toEqual([{ plate: 'SJU88Y' }, { plate: 'SJUBI' }]);
  });

  it('Plate Recognizer Snapshot webhook as multipart (json field plus the image): the image is dropped, the read kept', async () => {
    const hook = fixture('platerecognizer-snapshot.json');
    hook.data.camera_id = 'camera-1';
    hook.data.timestamp = new Date(now - 16 * MINUTE).toISOString();
    const boundary = 'platekeeperboundary';
    const body = Buffer.concat([
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="json"\r\n\r\n${JSON.stringify(hook)}\r\n`),
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="upload"; filename="car.jpg"\r\nContent-Type: image/jpeg\r\n\r\n`),
      Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x0d, 0x0a, 0x2d, 0x2d]),
      Buffer.from(`\r\n--${boundary}--\r\n`),
    ]);
    const answer = await post(keys.platerecognizer.apiKey, body, { 'content-type': `multipart/form-data; boundary=${boundary}` });
    expect(answer.status).toBe(200);
    expect((await found('NHK552'))).toMatchObject({ agencyId: auburn, confidence: 0.903, candidates: [{ plate: 'NHK5S2', confidence: 0.811 }], vehicle: { type: 'Sedan' } });
  });

  it('Frigate tracked_object_update (lpr) and events: plate, score, camera name, time in seconds', async () => {
    const lpr = { ...fixture('frigate-tracked-object-update-lpr.json'), timestamp: times.frigateLpr.getTime() / 1000 };
    expect((await post(keys.frigate.apiKey, lpr)).status).toBe(200);
    const event = fixture('frigate-events.json');
    event.after.frame_time = times.frigateEvent.getTime() / 1000;
    expect((await post(keys.frigate.apiKey, event)).status).toBe(200);
    expect(await found('123ABC')).toMatchObject({ agencyId: auburn, cameraId: camera('frigate'), confidence: 0.95, capturedAt: times.frigateLpr.toISOString() });
    expect(await found('ABC12345')).toMatchObject({ agencyId: auburn, confidence: 0.933451, vehicle: { type: 'car' }, capturedAt: times.frigateEvent.toISOString() });
  });

  it('Verkada lpr webhook: plate, state, confidence, detected ms', async () => {
    const hook = fixture('verkada-lpr.json');
    hook.data.detected = times.verkada.getTime();
    expect((await post(keys.verkada.apiKey, hook)).status).toBe(200);
    expect(await found('ABCD123')).toMatchObject({ agencyId: auburn, plateRegion: 'CA', confidence: 0.9630414285714286, capturedAt: times.verkada.toISOString() });
  });

  it('Blue Iris alert (ALPR-Database format): ai_dump prediction, local alert time placed in the camera\'s time zone', async () => {
    const alert = { ...fixture('blueiris-alpr-database.json'), timestamp: localTime(times.blueiris, 'America/Los_Angeles') };
    expect((await post(keys.blueiris.apiKey, alert)).status).toBe(200);
    expect(await found('ABC1234')).toMatchObject({ agencyId: auburn, cameraId: camera('blueiris'), confidence: 0.9051, capturedAt: times.blueiris.toISOString() });
  });

  it('Platekeeper NDJSON batch: every line a read, with candidates and direction', async () => {
    const lines = [
      { cameraId: camera('platekeeper'), capturedAt: new Date(now - 17 * MINUTE).toISOString(), plate: 'NDJ 001', candidates: [{ plate: 'NDJ00I', confidence: 0.4 }], direction: 90 },
      { cameraId: camera('platekeeper'), capturedAt: new Date(now - 18 * MINUTE).toISOString(), plate: 'NDJ 002', confidence: 0.7 },
    ].map((line) => JSON.stringify(line)).join('\n');
    const answer = await post(keys.platekeeper.apiKey, lines, { 'content-type': 'application/x-ndjson' });
    expect(answer.body).toEqual({ accepted: 2, cameraIds: [camera('platekeeper')] });
    expect(await found('NDJ001')).toMatchObject({ candidates: [{ plate: 'NDJ00I', confidence: 0.4 }], direction: 90, agencyId: auburn });
    expect(await found('NDJ002')).toMatchObject({ confidence: 0.7 });
  });

  describe('fuzzy search through the alternative candidates cameras report', () => {
    const fuzzy = (plate: string, extra: Record<string, unknown> = {}) => ({ ...search, plate, plateMatch: 'fuzzy', ...extra });
    const line = (minutesAgo: number, plate: string, candidates: string[] = []) => JSON.stringify({
      cameraId: camera('platekeeper'), capturedAt: new Date(now - minutesAgo * MINUTE).toISOString(), plate,
      candidates: candidates.map((candidate) => ({ plate: candidate, confidence: 0.3 })),
    });

    it('finds a read whose candidate is the plate, ranked after the plate itself and before look-alikes; exact search ignores candidates', async () => {
      const ndjson = [
        line(40, 'KQX417'),
        line(35, 'MWT900', ['KQX 417']),
        line(30, 'KQX4I7'),
        line(25, 'HRP222', ['KOX4I7']),
        line(20, 'ZZT555', ['KQX999']),
      ].join('\n');
      expect((await post(keys.platekeeper.apiKey, ndjson, { 'content-type': 'application/x-ndjson' })).body).toMatchObject({ accepted: 5 });
      await found('ZZT555');
      const answer = await stack.request('POST', '/v1/searches', { token: investigator, body: fuzzy('KQX-417') });
      expect(answer.status).toBe(200);
      // own plate equal, a candidate equal, then look-alikes (own plate, a candidate's) newest first
      expect(answer.body.items.map((read: { plate: string }) => read.plate)).toEqual(['KQX417', 'MWT900', 'HRP222', 'KQX4I7']);
      expect(answer.body.total).toBe(4);
      expect(answer.body.items[1]).toMatchObject({ agencyId: auburn, candidates: [{ plate: 'KQX417', confidence: 0.3 }] });
      const exact = await stack.request('POST', '/v1/searches', { token: investigator, body: { ...search, plate: 'KQX417' } });
      expect(exact.body.items.map((read: { plate: string }) => read.plate)).toEqual(['KQX417']);
    });

    it('a read withheld from the searcher is not found through its candidates either: the answer equals that of a plate nobody read', async () => {
      const seattleKey = await issue('platekeeper', [{ vendorCameraId: 'lot-1', cameraId: seattleCamera }], seattleAdmin, seattle);
      expect(seattleKey.status).toBe(201);
      const read = { cameraId: 'lot-1', capturedAt: new Date(now - 45 * MINUTE).toISOString(), plate: 'PLM303', candidates: [{ plate: 'JVR562' }] };
      expect((await post(seattleKey.body.apiKey, read)).status).toBe(200);
      const seattleInvestigator = await stack.token(seattle, ['investigator']);
      await eventually(async () => {
        const own = await stack.request('POST', '/v1/searches', { token: seattleInvestigator, body: fuzzy('JVR562') });
        return own.body.total === 1 ? own.body : undefined;
      }, 90_000, "Seattle's read to be found by its candidate");
      for (const [agency, token] of [[seattle, seattleAdmin], [auburn, auburnAdmin]]) {
        const shared = await stack.request('PATCH', `/v1/agencies/${agency}/sharing`, { token, body: { statewide: true } });
        expect(shared.status).toBe(200);
      }
      const statewide = { scope: 'statewide' };
      const visible = await stack.request('POST', '/v1/searches', { token: investigator, body: fuzzy('JVR562', statewide) });
      expect(visible.body.items.map((hit: { agencyId: string; plate: string }) => [hit.agencyId, hit.plate])).toEqual([[seattle, 'PLM303']]);

      const denied = await stack.request('PATCH', `/v1/agencies/${seattle}/sharing`, { token: seattleAdmin, body: { denyAgencies: [auburn] } });
      expect(denied.status).toBe(200);
      const withheld = await stack.request('POST', '/v1/searches', { token: investigator, body: fuzzy('JVR562', statewide) });
      const absent = await stack.request('POST', '/v1/searches', { token: investigator, body: fuzzy('YYW000', statewide) });
      const { searchId: _withheldId, ...withheldAnswer } = withheld.body;
      const { searchId: _absentId, ...absentAnswer } = absent.body;
      expect(withheld.status).toBe(absent.status);
      expect(withheldAnswer).toEqual(absentAnswer);
      expect(withheldAnswer).toEqual({ items: [], total: 0, nextCursor: null });
      // The owner's trail counts the attempt its deny rule withheld the read from, matched through the candidate too.
      const trail = await stack.request('GET', '/v1/audit/searches?limit=500', { token: seattleAdmin });
      const attempts = (trail.body.items as Array<Record<string, unknown>>).filter((item) => item.searchId === withheld.body.searchId || item.searchId === absent.body.searchId);
      expect(attempts).toEqual([expect.objectContaining({ searchId: withheld.body.searchId, readsWithheldFromThisAgency: 1, relation: 'denied_our_data' })]);
    });
  });

  it('60 cameras posting at once (their reads share produce requests): every post answered 200 and every read searchable once', async () => {
    const plates = Array.from({ length: 60 }, (_, index) => `CCQ${String(index).padStart(3, '0')}`);
    const answers = await Promise.all(plates.map((plate, index) =>
      post(keys.platekeeper.apiKey, { cameraId: camera('platekeeper'), capturedAt: new Date(now - 30 * MINUTE - index * 1000).toISOString(), plate })));
    expect(answers.map((answer) => answer.status)).toEqual(plates.map(() => 200));
    const all = await eventually(async () => {
      const response = await stack.request('POST', '/v1/searches', { token: investigator, body: { ...search, plate: 'CCQ*', plateMatch: 'partial', limit: 100 } });
      return response.body.total >= plates.length ? response.body : undefined;
    }, 90_000, 'the 60 concurrent reads to become searchable');
    expect(all.total).toBe(plates.length);
    expect(all.items.map((read: { plate: string }) => read.plate).sort()).toEqual(plates);
  });

  it('refuses a key issued for a camera of another agency, and a key of another agency\'s admin', async () => {
    const foreign = await issue('platekeeper', [{ vendorCameraId: 'x', cameraId: seattleCamera }]);
    expect(foreign.status).toBe(403);
    expect(foreign.body.code).toBe('CAMERA_KEY.CAMERA_NOT_OWNED');
    const notTheirs = await issue('platekeeper', [{ vendorCameraId: 'x', cameraId: camera('platekeeper') }], seattleAdmin, auburn);
    expect(notTheirs.status).toBe(403);
  });

  describe('refusals, dead-lettered with their reason', () => {
    const refusedBodies: string[] = [];

    async function refused(apiKey: string, body: string, status: number, code: string, contentType = 'application/json') {
      const answer = await post(apiKey, body, { 'content-type': contentType });
      expect(answer.status).toBe(status);
      expect(answer.body.code).toBe(code);
      expect(answer.body.message.length).toBeGreaterThan(0);
      refusedBodies.push(body);
      return answer;
    }

    it('an unknown vendor camera id: 400 naming it, not guessed', async () => {
      const group = { ...fixture('openalpr-alpr-group.json'), camera_id: 999, epoch_start: now - MINUTE };
      const answer = await refused(keys.openalpr.apiKey, JSON.stringify(group), 400, 'GATEWAY.UNKNOWN_CAMERA');
      expect(answer.body.message[0]).toContain('"999"');
    });

    it('a read naming another agency\'s camera through the Platekeeper format: refused as unmapped', async () => {
      await refused(keys.platekeeper.apiKey, JSON.stringify({ cameraId: seattleCamera, capturedAt: new Date(now - MINUTE).toISOString(), plate: 'WRONG1' }), 400, 'GATEWAY.UNKNOWN_CAMERA');
    });

    it('a camera moved to another agency: its old owner\'s key is refused from the next request', async () => {
      const platformAdmin = await stack.token(auburn, ['platform_admin']);
      const moved = await stack.request('PUT', `/v1/cameras/${camera('moving')}`, { token: platformAdmin, body: { agencyId: seattle, name: 'moved', lat: 47.6, lon: -122.3 } });
      expect(moved.status).toBe(200);
      await refused(keys.platekeeper.apiKey, JSON.stringify({ cameraId: 'moving', capturedAt: new Date(now - MINUTE).toISOString(), plate: 'MOVED1' }), 403, 'GATEWAY.CAMERA_NOT_OWNED');
    });

    it('malformed and unsupported payloads: 400 naming the problem', async () => {
      await refused(keys.verkada.apiKey, '{"webhook_type": "lpr", "data": ', 400, 'GATEWAY.MALFORMED_PAYLOAD');
      await refused(keys.openalpr.apiKey, JSON.stringify({ data_type: 'alpr_vehicle_only' }), 400, 'GATEWAY.UNSUPPORTED_PAYLOAD');
      const noPlate = fixture('verkada-lpr.json');
      delete noPlate.data.license_plate_number;
      const answer = await refused(keys.verkada.apiKey, JSON.stringify(noPlate), 400, 'GATEWAY.UNSUPPORTED_PAYLOAD');
      expect(answer.body.message).toEqual(['data.license_plate_number: must be a non-empty string']);
      const farFuture = { ...fixture('frigate-tracked-object-update-lpr.json'), timestamp: (now + 3_600_000) / 1000 };
      const future = await refused(keys.frigate.apiKey, JSON.stringify(farFuture), 400, 'GATEWAY.INVALID_READ');
      expect(future.body.message[0]).toMatch(/^capturedAt: /);
    });

    it('every refused payload reached the DLQ with its original bytes and the gateway\'s reason', async () => {
      const dead = await stack.readDeadLetters((messages) => refusedBodies.every((body) => messages.some((message) => message.value?.toString() === body)));
      for (const body of refusedBodies) {
        const message = dead.find((candidate) => candidate.value?.toString() === body);
        expect(message).toBeDefined();
        expect(message!.headers?.[DLQ_HEADERS.reasonCode]?.toString()).toBe('READ.GATEWAY_REFUSED');
        expect(message!.headers?.[DLQ_HEADERS.reasonDetail]?.toString()).toContain('GATEWAY.');
      }
    });
  });

  it('rotation: the old key is refused (401) on the next request, the new one works; revocation likewise; each change audited', async () => {
    const hook = fixture('verkada-lpr.json');
    hook.data.detected = now - 20 * MINUTE;
    hook.data.license_plate_number = 'ROT8TE1';
    const rotated = await stack.request('POST', `/v1/agencies/${auburn}/camera-keys/${keys.verkada.id}/rotate`, { token: auburnAdmin });
    expect(rotated.status).toBe(200);
    const old = await post(keys.verkada.apiKey, hook);
    expect(old.status).toBe(401);
    expect(old.body.code).toBe('GATEWAY.UNAUTHENTICATED');
    expect((await post(rotated.body.apiKey, hook)).status).toBe(200);
    const revoked = await stack.request('DELETE', `/v1/agencies/${auburn}/camera-keys/${keys.verkada.id}`, { token: auburnAdmin });
    expect(revoked.status).toBe(200);
    expect(revoked.body.revokedAt).not.toBeNull();
    expect((await post(rotated.body.apiKey, hook)).status).toBe(401);
    expect((await post('pkc_not-a-key', hook)).status).toBe(401);
    const listed = await stack.request('GET', `/v1/agencies/${auburn}/camera-keys`, { token: auburnAdmin });
    expect(JSON.stringify(listed.body)).not.toContain(rotated.body.apiKey);
    const records: Array<{ action: string }> = await stack.dataSource.query(
      `SELECT action FROM audit_records WHERE kind = 'change' AND payload->'subject'->>'id' = $1 ORDER BY seq`, [keys.verkada.id],
    );
    expect(records.map((record) => record.action)).toEqual(['camera_key.issue', 'camera_key.rotate', 'camera_key.revoke']);
  });

  it('answers 503 with Retry-After, accepting nothing, when Kafka does not acknowledge in time', async () => {
    const impatient = await createGatewayApp({ ...stack.config, GATEWAY_PRODUCE_TIMEOUT_MS: 1 });
    try {
      await impatient.listen(0, '127.0.0.1');
      const hook = fixture('frigate-tracked-object-update-lpr.json');
      const answer = await stack.request('POST', '/v1/reads', {
        baseUrl: await impatient.getUrl(), rawBody: JSON.stringify({ ...hook, timestamp: (now - MINUTE) / 1000 }),
        headers: { 'content-type': 'application/json', authorization: `Bearer ${keys.frigate.apiKey}` },
      });
      expect(answer.status).toBe(503);
      expect(answer.headers.get('retry-after')).toBe('5');
      expect(answer.body.code).toBe('GATEWAY.KAFKA_UNAVAILABLE');
    } finally {
      await impatient.close();
    }
  });

  it('a client over its failed-authentication budget gets 429 with Retry-After before any key lookup, its valid key included, until the minute is over', async () => {
    const strict = await createGatewayApp({ ...stack.config, GATEWAY_FAILED_AUTH_PER_MINUTE: 3 });
    try {
      await strict.listen(0, '127.0.0.1');
      const baseUrl = await strict.getUrl();
      const attempt = (apiKey?: string) => stack.request('POST', '/v1/reads', {
        baseUrl, rawBody: JSON.stringify({ cameraId: camera('platekeeper'), capturedAt: new Date(now - MINUTE).toISOString(), plate: 'AUTH01' }),
        headers: { 'content-type': 'application/json', ...(apiKey ? { 'x-api-key': apiKey } : {}) },
      });
      expect((await attempt()).status).toBe(401);
      expect((await attempt('pkc_guessed-key')).status).toBe(401);
      expect((await attempt(`${keys.platekeeper.apiKey}x`)).status).toBe(401);
      const throttled = await attempt(keys.platekeeper.apiKey);
      expect(throttled.status).toBe(429);
      expect(throttled.body.code).toBe('GATEWAY.TOO_MANY_FAILED_AUTHENTICATIONS');
      const retryAfter = Number(throttled.headers.get('retry-after'));
      expect(retryAfter).toBeGreaterThanOrEqual(1);
      expect(retryAfter).toBeLessThanOrEqual(60);
      // The shared gateway (no failures from this client counted there) still takes the same key.
      expect((await post(keys.platekeeper.apiKey, { cameraId: camera('platekeeper'), capturedAt: new Date(now - MINUTE).toISOString(), plate: 'AUTH02' })).status).toBe(200);
    } finally {
      await strict.close();
    }
  });

  it('gives a monthly index created before candidates and direction existed the new fields, so such reads are not rejected as strict', async () => {
    const elastic = createElasticClient(stack.config);
    const prefix = `${stack.runId}-old`;
    const index = `${prefix}-2026.01`;
    try {
      const template = readsIndexTemplate(prefix, readsIndexLayout(stack.config));
      const { candidates: _candidates, direction: _direction, ...before } = template.template.mappings.properties;
      await elastic.indices.create({ index, settings: template.template.settings, mappings: { dynamic: 'strict', properties: before } as never });
      await ensureReadsIndexTemplate(elastic, prefix, readsIndexLayout(stack.config));
      const written = await elastic.index({ index, document: { readId: 'r1', plate: 'OLD1', candidates: [{ plate: 'OLDI', plateFolded: 'O1D1', confidence: 0.2 }], direction: 45 } });
      expect(written.result).toBe('created');
    } finally {
      await elastic.indices.delete({ index, ignore_unavailable: true });
      await elastic.indices.deleteIndexTemplate({ name: `${prefix}-template` }).catch(() => undefined);
      await elastic.close();
    }
  });

  it('serves health, metrics by format and outcome, and OpenAPI', async () => {
    expect((await stack.request('GET', '/health', { baseUrl: gatewayUrl })).body).toEqual({ status: 'ok', engines: { kafka: 'up', postgres: 'up' } });
    const metrics = (await stack.request('GET', '/metrics', { baseUrl: gatewayUrl })).text;
    expect(metrics).toMatch(/platekeeper_gateway_requests_total\{format="openalpr",outcome="accepted",reason=""\} [1-9]/);
    expect(metrics).toMatch(/platekeeper_gateway_requests_total\{format="openalpr",outcome="refused",reason="GATEWAY.UNKNOWN_CAMERA"\} [1-9]/);
    const openApi = (await stack.request('GET', '/docs-json', { baseUrl: gatewayUrl })).body;
    expect(Object.keys(openApi.paths)).toEqual(expect.arrayContaining(['/v1/reads', '/health']));
  });
});
