import { randomUUID } from 'node:crypto';
import { createServer as createHttpServer, request as httpRequest } from 'node:http';
import { AddressInfo, Socket, createServer } from 'node:net';
import { loadConfig } from '@platekeeper/config';
import { EnrichedRead, foldPlateLookAlikes } from '@platekeeper/contract';
import { createSearchApp } from '../apps/search/src/search-app';
import { PlatekeeperTestStack } from './support/platekeeper-stack';

jest.setTimeout(240_000);

/** Words of Elasticsearch's (or a driver's) own error text; none may reach a client. */
const ENGINE_TEXT = /exception|search_phase|parse|illegal_argument|elasticsearch|query_shard|invalid byte sequence|postgres|\bat \S+ \(/i;
const SEARCH_LIMIT_PER_MINUTE = 5;
const UNAUTHENTICATED_LIMIT_PER_MINUTE = 20;

describe('hardened input handling of the search API: every malformed input is a 400 naming its field, recorded, with no engine text', () => {
  const stack = new PlatekeeperTestStack();
  const agency = stack.id('wa-hardening-pd');
  const plate = `HRD${stack.runId.slice(-4).toUpperCase().replace(/[^A-Z0-9]/g, '7')}`;
  const search = { purpose: 'criminal_investigation', caseNumber: 'HARD-1', reason: 'input hardening checks', scope: 'national' };
  let platformAdmin: string;

  /** A fresh investigator per test, so each test's audit records and rate-limit budget are its own. */
  const investigator = async () => {
    const userId = `investigator-${randomUUID()}`;
    return { userId, token: await stack.token(agency, ['investigator'], userId) };
  };

  const searchAs = (token: string, body: Record<string, unknown>, path = '/v1/searches') =>
    stack.request('POST', path, { token, body: { ...search, ...body } });

  async function recordsOf(userId: string): Promise<Array<Record<string, any>>> {
    const rows: Array<{ payload: Record<string, any> }> = await stack.dataSource.query(
      "SELECT payload FROM audit_records WHERE kind = 'search' AND actor_user_id = $1 ORDER BY seq",
      [userId],
    );
    return rows.map((row) => row.payload);
  }

  /** 400 (or `status`), the error shape, a message naming `field`, no engine text. */
  function expectRefusal(response: { status: number; body: any; text: string }, field: string, status = 400) {
    expect({ status: response.status, text: response.text }).toMatchObject({ status });
    expect(response.body).toMatchObject({ statusCode: status, error: expect.any(String), message: expect.any(Array) });
    expect(response.body.message.join(' | ')).toContain(field);
    expect(response.text).not.toMatch(ENGINE_TEXT);
  }

  async function expectRecordedRefusal(userId: string, refusal: string | number = 400) {
    const records = await recordsOf(userId);
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({ outcome: 'refused', refusal });
  }

  beforeAll(async () => {
    await stack.start({
      env: {
        SEARCH_RATE_LIMIT_PER_MINUTE: String(SEARCH_LIMIT_PER_MINUTE),
        UNAUTHENTICATED_RATE_LIMIT_PER_MINUTE: String(UNAUTHENTICATED_LIMIT_PER_MINUTE),
      },
    });
    await stack.registerAgency({ id: agency, state: 'WA', cameras: [`${agency}-cam`], sharing: { nationalLookup: true } });
    platformAdmin = await stack.token(stack.id('platform'), ['platform_admin'], 'ops@hardening');
    const read = (readPlate: string, minutesAgo: number): EnrichedRead => ({
      readId: randomUUID(), cameraId: `${agency}-cam`, agencyId: agency, agencyState: 'WA',
      capturedAt: new Date(Date.now() - minutesAgo * 60_000).toISOString(), plate: readPlate, plateFolded: foldPlateLookAlikes(readPlate),
      plateRaw: readPlate, location: { lat: 47.3, lon: -122.2 }, ingestedAt: new Date().toISOString(),
      vehicle: { make: 'Subaru', color: 'Green' },
    });
    await stack.indexReads([read(plate, 10), read(plate, 20), read(plate, 30)]);
  });

  afterAll(() => stack.stop());

  describe('finding 4: a search needs a criterion that narrows it', () => {
    it.each([
      ['an empty vehicle', { vehicle: {} }, 'vehicle must name at least one of make, model, color, type'],
      ['a vehicle whose only attribute is null', { vehicle: { make: null } }, 'vehicle.make'],
      ['a vehicle that is null', { vehicle: null }, 'vehicle must be an object'],
      ['a vehicle that is an array', { vehicle: [] }, 'vehicle must be an object'],
      ['a vehicle attribute of only whitespace', { vehicle: { color: '   ' } }, 'vehicle.color'],
    ])('refuses %s with 400 naming it, and records the refusal', async (_what, criteria, field) => {
      const { userId, token } = await investigator();
      expectRefusal(await searchAs(token, criteria), field);
      await expectRecordedRefusal(userId);
    });

    it('refuses a case number or reason of only whitespace, naming both', async () => {
      const { userId, token } = await investigator();
      const response = await searchAs(token, { plate, caseNumber: '   ', reason: '            \t ' });
      expectRefusal(response, 'caseNumber');
      expectRefusal(response, 'reason');
      await expectRecordedRefusal(userId);
    });

    it('still answers a vehicle-only search that names an attribute', async () => {
      const { token } = await investigator();
      const response = await searchAs(token, { vehicle: { make: 'subaru' }, cameraIds: [`${agency}-cam`] });
      expect(response.status).toBe(200);
      expect(response.body.total).toBe(3);
    });
  });

  describe('finding 7: malformed input is a 400 naming the field, never a 5xx or engine text', () => {
    it.each([
      ['a NUL in caseNumber', { plate, caseNumber: 'CASE\u0000-1' }, 'caseNumber'],
      ['a lone surrogate in reason', { plate, reason: 'looking for \ud800 the car' }, 'reason'],
      ['a lone low surrogate in vehicle.make', { vehicle: { make: 'Sub\udc00aru' } }, 'vehicle.make'],
      ['a NUL in a camera id', { plate, cameraIds: ['ok', 'cam\u0000'] }, 'cameraIds[1]'],
      ['a NUL in the name of an unknown field', { plate, 'agency\u0000Id': 'x' }, 'field name'],
      ['an inverted bbox', { plate, area: { bbox: [-122.1, 47.4, -122.3, 47.2] } }, 'area.bbox'],
      ['a bbox off the globe', { plate, area: { bbox: [-200, 47.2, -122.1, 95] } }, 'area.bbox'],
      ['a bbox beside near', { plate, area: { bbox: [-122.3, 47.4, -122.1, 47.2], near: { lat: 47.3, lon: -122.2, radiusKm: 5 } } }, 'area'],
      ['an object bbox beside near', { plate, area: { bbox: { a: 1 }, near: { lat: 47.3, lon: -122.2, radiusKm: 5 } } }, 'area.bbox'],
      ['a near with a latitude as text', { plate, area: { near: { lat: '47.3', lon: -122.2, radiusKm: 5 } } }, 'area.near.lat'],
      ['an ISO week date in from', { plate, from: '2026-W47' }, 'from'],
      ['an ordinal date in to', { plate, to: '2026-331' }, 'to'],
      ['a basic-format date in from', { plate, from: '20261127' }, 'from'],
      ['a date-time with a space in from', { plate, from: '2026-11-27 10:00:00Z' }, 'from'],
      ['an impossible date in from', { plate, from: '2026-02-30' }, 'from'],
      ['a cursor whose time is text', { plate, cursor: Buffer.from(JSON.stringify(['abc', 'x'])).toString('base64url') }, 'cursor'],
      ['a cursor whose time is no instant', { plate, cursor: Buffer.from(JSON.stringify([1e300, 'x'])).toString('base64url') }, 'cursor'],
      ['a cursor with too many values', { plate, cursor: Buffer.from(JSON.stringify([1, 'x', 'y', 'z'])).toString('base64url') }, 'cursor'],
      ['a cursor that is an object', { plate, cursor: Buffer.from(JSON.stringify({ capturedAt: 1 })).toString('base64url') }, 'cursor'],
    ])('refuses %s with 400 naming it, and records the refusal', async (_what, criteria, field) => {
      const { userId, token } = await investigator();
      expectRefusal(await searchAs(token, criteria), field);
      await expectRecordedRefusal(userId, expect.anything() as never);
    });

    it('refuses a body nested too deep to validate with 400 naming the field, and records it', async () => {
      const { userId, token } = await investigator();
      const deep = `${'['.repeat(50_000)}${']'.repeat(50_000)}`;
      const response = await stack.request('POST', '/v1/searches', {
        token, headers: { 'content-type': 'application/json' },
        rawBody: `{"purpose":"other","caseNumber":"DEEP-1","reason":"deeply nested body","plate":"${plate}","vehicle":{"make":${deep}}}`,
      });
      expectRefusal(response, 'vehicle.make');
      expect(response.body.message.join(' ')).toMatch(/nest deeper than/);
      await expectRecordedRefusal(userId);
    });

    it.each(['/v1/searches', '/v1/searches/preview'])('refuses a purpose nested thousands deep on %s with a recorded 400, not a 503 from its record', async (path) => {
      const { userId, token } = await investigator();
      const deep = `${'{"a":'.repeat(5_000)}1${'}'.repeat(5_000)}`;
      const response = await stack.request('POST', path, {
        token, headers: { 'content-type': 'application/json' },
        rawBody: `{"purpose":${deep},"caseNumber":"DEEP-2","reason":"deeply nested purpose","plate":"${plate}"}`,
      });
      expectRefusal(response, 'purpose');
      await expectRecordedRefusal(userId);
      const verified = await stack.request('GET', '/v1/audit/verify', { token: platformAdmin });
      expect(verified.status).toBe(200);
    });

    it.each(['/v1/agencies/%FF', '/v1/agencies/%ED%A0%80/sharing'])('answers a path that is not valid UTF-8 (%s) with a 400 in the one error shape', async (path) => {
      expectRefusal(await stack.request('GET', path, { token: platformAdmin }), 'path');
    });

    it.each([
      ['a search', 'POST', '/v1/searches', { ...search, plate, constructor: [] }, 'investigator'],
      ['a sharing policy patch', 'PATCH', '/v1/agencies/AGENCY/sharing', { statewide: false, constructor: [] }, 'platform_admin'],
      ['a new agency', 'POST', '/v1/agencies', { id: 'x-ctor', name: 'x', state: 'WA', category: 'other', sharing: { constructor: '' } }, 'platform_admin'],
    ])('refuses a constructor field in %s as an unknown field', async (_what, method, path, body, role) => {
      const token = role === 'investigator' ? (await investigator()).token : platformAdmin;
      expectRefusal(await stack.request(method, path.replace('AGENCY', agency), { token, body }), 'constructor should not exist');
    });

    it.each([
      ['holds a NUL', `${agency}\u0000`],
      ['is 3,000 characters long', 'a'.repeat(3000)],
    ])('answers 401, not 503, to a signed token whose agency claim %s', async (_what, agencyClaim) => {
      const response = await searchAs(await stack.token(agencyClaim, ['investigator'], `investigator-${randomUUID()}`), { plate });
      expectRefusal(response, 'agency claim', 401);
    });

    it.each([
      ['a camera name', 'PUT', '/v1/cameras/CAM', { agencyId: 'AGENCY', name: '  \t ', lat: 47.3, lon: -122.2 }, 'name'],
      ['an agency rename', 'PATCH', '/v1/agencies/AGENCY', { name: '   ' }, 'name'],
    ])('refuses %s of only whitespace with 400 naming it', async (_what, method, path, body, field) => {
      const resolved = JSON.parse(JSON.stringify(body).replace('AGENCY', agency));
      const response = await stack.request(method, path.replace('AGENCY', agency).replace('CAM', `${agency}-cam`), { token: platformAdmin, body: resolved });
      expectRefusal(response, field);
    });

    it('takes camera ids of up to 200 characters in the path, and answers a longer one with 414 in the one error shape', async () => {
      const longId = `${agency}-${'c'.repeat(200 - agency.length - 1)}`;
      const camera = { agencyId: agency, name: 'long id', lat: 47.3, lon: -122.2 };
      expect((await stack.request('PUT', `/v1/cameras/${longId}`, { token: platformAdmin, body: camera })).status).toBe(200);
      expectRefusal(await stack.request('PUT', `/v1/cameras/${'c'.repeat(300)}`, { token: platformAdmin, body: camera }), 'too long', 414);
    });

    it('refuses the same malformed input on a preview, and records it', async () => {
      const { userId, token } = await investigator();
      expectRefusal(await searchAs(token, { plate, caseNumber: 'CASE\u0000-2' }, '/v1/searches/preview'), 'caseNumber');
      expectRefusal(await searchAs(token, { vehicle: {} }, '/v1/searches/preview'), 'vehicle');
      expect((await recordsOf(userId)).map((record) => record.outcome)).toEqual(['refused', 'refused']);
    });

    /** A search instance whose Elasticsearch is `url`, built with `settings` on top of the suite's environment. */
    async function searchInstanceWith(settings: Record<string, string>) {
      const app = await createSearchApp(loadConfig({ ...process.env, ...settings }));
      await app.listen(0, '127.0.0.1');
      return app;
    }

    it('answers 503 with a fixed sentence, recorded, when Elasticsearch cannot be reached', async () => {
      const unreachable = await searchInstanceWith({ ELASTICSEARCH_URL: 'http://127.0.0.1:9' });
      try {
        const { userId, token } = await investigator();
        const response = await stack.request('POST', '/v1/searches', { token, body: { ...search, plate }, baseUrl: await unreachable.getUrl() });
        expect(response.status).toBe(503);
        expect(response.body).toEqual({
          statusCode: 503, error: 'Service Unavailable', message: ['search is unavailable; try again later'], code: 'ENGINE.UNAVAILABLE',
        });
        await expectRecordedRefusal(userId, 'ENGINE.UNAVAILABLE');
      } finally {
        await unreachable.close();
      }
    });

    it('gives up on a search Elasticsearch does not answer within SEARCH_TIMEOUT_MS (plus grace) with a recorded 503 SEARCH.TIMED_OUT', async () => {
      const held: Socket[] = [];
      const silentEngine = createServer((socket) => void held.push(socket)); // accepts, never answers
      await new Promise<void>((resolve) => silentEngine.listen(0, '127.0.0.1', resolve));
      const { port } = silentEngine.address() as AddressInfo;
      // ENGINE_PROBE_TIMEOUT_MS: as below, the background probe must not refuse the search before its own timeout does.
      const slow = await searchInstanceWith({ ELASTICSEARCH_URL: `http://127.0.0.1:${port}`, SEARCH_TIMEOUT_MS: '300', ENGINE_PROBE_TIMEOUT_MS: '120000' });
      try {
        const { userId, token } = await investigator();
        const startedAt = Date.now();
        const response = await stack.request('POST', '/v1/searches', { token, body: { ...search, plate }, baseUrl: await slow.getUrl() });
        expect(response.status).toBe(503);
        expect(response.body).toMatchObject({ code: 'SEARCH.TIMED_OUT', message: [expect.stringMatching(/did not finish within 300 ms/)] });
        expect(response.text).not.toMatch(ENGINE_TEXT);
        expect(Date.now() - startedAt).toBeLessThan(10_000);
        await expectRecordedRefusal(userId, 'SEARCH.TIMED_OUT');
      } finally {
        for (const socket of held) socket.destroy();
        await slow.close();
        await new Promise((resolve) => silentEngine.close(resolve));
      }
    });

    it('keeps a national search that probes for owners within SEARCH_TIMEOUT_MS too when Elasticsearch does not answer', async () => {
      const held: Socket[] = [];
      const silentEngine = createServer((socket) => void held.push(socket)); // accepts, never answers
      await new Promise<void>((resolve) => silentEngine.listen(0, '127.0.0.1', resolve));
      const { port } = silentEngine.address() as AddressInfo;
      const slow = await searchInstanceWith({
        ELASTICSEARCH_URL: `http://127.0.0.1:${port}`, SEARCH_TIMEOUT_MS: '300', SEARCH_OWNER_PROBE_ABOVE: '0',
        // The background availability probe must not conclude first (a loaded machine gave it time to, and the search
        // was refused as ENGINE.UNAVAILABLE before its owner probe ran): this checks the search's own timeout.
        ENGINE_PROBE_TIMEOUT_MS: '120000',
      });
      try {
        const { token } = await investigator();
        const startedAt = Date.now();
        const response = await stack.request('POST', '/v1/searches', { token, body: { ...search, plate, scope: 'national' }, baseUrl: await slow.getUrl() });
        expect(response.status).toBe(503);
        expect(response.body).toMatchObject({ code: 'SEARCH.TIMED_OUT' });
        expect(Date.now() - startedAt).toBeLessThan(10_000);
      } finally {
        // Cut the engine off first, so the probe still waiting on it fails instead of holding the instance's close.
        for (const socket of held) socket.destroy();
        await slow.close();
        await new Promise((resolve) => silentEngine.close(resolve));
      }
    });

    it('keeps answering, healthy, while one Elasticsearch node of its list is dead (a cluster losing a node)', async () => {
      // Port 9 refuses connections at once, as a killed node's port does; the other node is the suite's engine.
      const oneNodeDown = await searchInstanceWith({
        ELASTICSEARCH_URL: `http://127.0.0.1:9,${stack.config.ELASTICSEARCH_URL}`, ENGINE_PROBE_INTERVAL_MS: '200', SEARCH_RATE_LIMIT_PER_MINUTE: '0',
      });
      try {
        const { token } = await investigator();
        const baseUrl = await oneNodeDown.getUrl();
        for (let round = 0; round < 12; round++) {
          const response = await stack.request('POST', '/v1/searches', { token, body: { ...search, plate, scope: 'national' }, baseUrl });
          expect([round, response.status, response.body.code]).toEqual([round, 200, undefined]);
          const health = await stack.request('GET', '/health', { baseUrl });
          expect([round, health.status]).toEqual([round, 200]);
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
      } finally {
        await oneNodeDown.close();
      }
    });

    it('answers again within a few probe intervals once a cluster whose every node answered 503 during a failover is back', async () => {
      // Two "nodes" of its list: proxies in front of the suite's engine that answer 503, as every node of a cluster
      // without a master does, until the failover is over.
      const failover = { on: true };
      const target = new URL(stack.config.ELASTICSEARCH_URL.split(',')[0]);
      const proxies = [0, 1].map(() => createHttpServer((request, response) => {
        if (failover.on) {
          response.writeHead(503, { 'content-type': 'application/json', 'x-elastic-product': 'Elasticsearch' });
          response.end(JSON.stringify({ error: { type: 'master_not_discovered_exception' }, status: 503 }));
          return;
        }
        const upstream = httpRequest({ host: target.hostname, port: target.port, method: request.method, path: request.url, headers: request.headers }, (answer) => {
          response.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(response);
        });
        upstream.on('error', () => response.destroy());
        request.pipe(upstream);
      }));
      await Promise.all(proxies.map((proxy) => new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve))));
      const nodes = proxies.map((proxy) => `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`).join(',');
      const probeIntervalMs = 200;
      const clusterBack = await searchInstanceWith({ ELASTICSEARCH_URL: nodes, ENGINE_PROBE_INTERVAL_MS: String(probeIntervalMs), SEARCH_RATE_LIMIT_PER_MINUTE: '0' });
      try {
        const { token } = await investigator();
        const baseUrl = await clusterBack.getUrl();
        // 4 s of failover: ~20 probes, each marking both nodes dead.
        await new Promise((resolve) => setTimeout(resolve, 4_000));
        expect((await stack.request('GET', '/health', { baseUrl })).status).toBe(503);
        failover.on = false;
        const healedAt = Date.now();
        let health = await stack.request('GET', '/health', { baseUrl });
        while (health.status !== 200 && Date.now() - healedAt < 10 * probeIntervalMs) {
          await new Promise((resolve) => setTimeout(resolve, 50));
          health = await stack.request('GET', '/health', { baseUrl });
        }
        // Before: the client's pool answered "no living connections" to every probe for minutes after the heal.
        expect({ status: health.status, body: health.body }).toMatchObject({ status: 200 });
        const response = await stack.request('POST', '/v1/searches', { token, body: { ...search, plate, scope: 'national' }, baseUrl });
        expect([response.status, response.body.total]).toEqual([200, 3]);
      } finally {
        await clusterBack.close();
        await Promise.all(proxies.map((proxy) => new Promise((resolve) => { proxy.closeAllConnections(); proxy.close(resolve); })));
      }
    });

    it('pages with a cursor it issued, and refuses it for a search sorted another way', async () => {
      const { token } = await investigator();
      const first = await searchAs(token, { plate, limit: 1 });
      expect(first.status).toBe(200);
      const second = await searchAs(token, { plate, limit: 1, cursor: first.body.nextCursor });
      expect(second.status).toBe(200);
      expect(second.body.items[0].readId).not.toBe(first.body.items[0].readId);
      // A fuzzy search sorts by score first, so an exact search's cursor does not fit it.
      expectRefusal(await searchAs(token, { plate, plateMatch: 'fuzzy', cursor: first.body.nextCursor }), 'cursor');
    });

    it.each([
      ['an ISO week date in from', '?from=2026-W47', 'from'],
      ['a cursor beyond the trail', `?cursor=${Buffer.from(JSON.stringify({ beforeSeq: '9999999999999999999' })).toString('base64url')}`, 'cursor'],
      ['a NUL in the cursor', '?cursor=%00', 'cursor'],
      ['a NUL in agencyId', '?agencyId=a%00b', 'agencyId'],
    ])('answers 400 to the audit listing with %s', async (_what, query, field) => {
      const reviewed = field === 'agencyId' ? '' : `&agencyId=${agency}`;
      expectRefusal(await stack.request('GET', `/v1/audit/searches${query}${reviewed}`, { token: platformAdmin }), field);
    });

    it.each(['0050-01', '2026-13', '2026-1', '2026-W47'])('answers 400 naming month to a usage report for the month %s', async (month) => {
      expectRefusal(await stack.request('GET', `/v1/agencies/${agency}/usage-report?month=${month}`, { token: platformAdmin }), 'month');
    });

    it.each([
      ['GET', '/v1/agencies/%00'],
      ['GET', '/v1/agencies/a%00b/sharing'],
      ['GET', '/v1/agencies/a%00b/effective-access'],
      ['GET', '/v1/agencies/a%00b/usage-report?month=2026-11'],
      ['PATCH', '/v1/agencies/a%00b/sharing'],
      ['PATCH', '/v1/agencies/a%00b'],
      ['PUT', '/v1/cameras/cam%00'],
      ['GET', '/v1/jurisdictions/W%00'],
    ])('answers 400 naming the id to %s %s with a NUL in the path', async (method, path) => {
      const body = method === 'GET' ? undefined
        : path.startsWith('/v1/cameras') ? { agencyId: agency, name: 'x', lat: 1, lon: 1 }
          : path.endsWith('sharing') ? { statewide: true } : { name: 'renamed' };
      const response = await stack.request(method, path, { token: platformAdmin, body });
      expectRefusal(response, path.startsWith('/v1/jurisdictions') ? 'state' : 'id');
    });
  });

  describe('finding 10: searches that cost the engine too much, headers, body types', () => {
    it.each([
      ['one character', 'A'],
      ['two characters and a wildcard', 'H*R'],
      ['only wildcards', '*?*'],
    ])('refuses a partial plate of %s with 400 naming plate, and records it', async (_what, pattern) => {
      const { userId, token } = await investigator();
      const response = await searchAs(token, { plate: pattern, plateMatch: 'partial' });
      expectRefusal(response, 'plate');
      expect(response.body.message.join(' ')).toMatch(/at least 3 letters or digits/);
      await expectRecordedRefusal(userId);
    });

    it('still answers a partial plate of three characters', async () => {
      const { token } = await investigator();
      const response = await searchAs(token, { plate: `${plate.slice(0, 3)}*`, plateMatch: 'partial' });
      expect(response.status).toBe(200);
      expect(response.body.total).toBeGreaterThanOrEqual(3);
    });

    it(`limits a user to ${SEARCH_LIMIT_PER_MINUTE} searches and previews a minute with a 429 and Retry-After, other users unaffected`, async () => {
      const { userId, token } = await investigator();
      for (let attempt = 0; attempt < SEARCH_LIMIT_PER_MINUTE - 1; attempt++) expect((await searchAs(token, { plate })).status).toBe(200);
      expect((await searchAs(token, { plate }, '/v1/searches/preview')).status).toBe(200);
      const limited = await searchAs(token, { plate });
      expectRefusal(limited, 'per minute per user', 429);
      expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
      expectRefusal(await searchAs(token, { plate }, '/v1/searches/preview'), 'per minute per user', 429);
      // Whether a 429 itself is recorded is the RefusedSearchFilter's call (docs/api-limits.md); what was answered is.
      const outcomes = (await recordsOf(userId)).map((record) => record.outcome).filter((outcome) => outcome !== 'refused');
      expect(outcomes).toEqual([...Array(SEARCH_LIMIT_PER_MINUTE - 1).fill('answered'), 'previewed']);
      expect((await searchAs((await investigator()).token, { plate })).status).toBe(200);
    });

    it('marks answers that carry plates, and errors, no-store and nosniff', async () => {
      const { token } = await investigator();
      for (const response of [await searchAs(token, { plate }), await searchAs(token, { vehicle: {} }), await stack.request('GET', '/health')]) {
        expect(response.headers.get('cache-control')).toBe('no-store');
        expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      }
    });

    it.each([
      ['a form-encoded body', 'application/x-www-form-urlencoded', `purpose=criminal_investigation&plate=${'A'.repeat(3)}`],
      ['an XML body', 'application/xml', '<search/>'],
      ['a multipart body', 'multipart/form-data; boundary=x', '--x\r\nContent-Disposition: form-data; name="plate"\r\n\r\nABC\r\n--x--'],
    ])('answers 415 to %s', async (_what, contentType, rawBody) => {
      const { token } = await investigator();
      const response = await stack.request('POST', '/v1/searches', { token, headers: { 'content-type': contentType }, rawBody });
      expectRefusal(response, 'Unsupported Media Type', 415);
    });
  });

  describe('finding 3: body size and floods', () => {
    it('answers 413 to a body larger than the API limit', async () => {
      const { token } = await investigator();
      const response = await searchAs(token, { plate, reason: 'x'.repeat(300 * 1024) });
      expect(response.status).toBe(413);
      expect(response.body).toMatchObject({ statusCode: 413, error: 'Payload Too Large', message: expect.any(Array) });
      expect(response.text).not.toMatch(ENGINE_TEXT);
    });

    it('answers a flood of unauthenticated requests with cheap 429s that are not recorded, while a user still searches', async () => {
      const recordedRefusals = "SELECT count(*)::int AS n FROM audit_records WHERE kind = 'search' AND payload->>'refusal' = '401'";
      const refusedBefore = await stack.dataSource.query(recordedRefusals);
      const flood = await Promise.all(
        Array.from({ length: UNAUTHENTICATED_LIMIT_PER_MINUTE + 15 }, () => searchAs('', { plate })),
      );
      const statuses = flood.map((response) => response.status);
      // Earlier unauthenticated requests of this suite count against the same client's minute.
      const unauthorized = statuses.filter((status) => status === 401).length;
      expect(unauthorized).toBeLessThanOrEqual(UNAUTHENTICATED_LIMIT_PER_MINUTE);
      expect(statuses.filter((status) => status === 429)).toHaveLength(flood.length - unauthorized);
      expect(flood.length - unauthorized).toBeGreaterThanOrEqual(15);
      const limited = flood.find((response) => response.status === 429)!;
      expectRefusal(limited, 'without a valid bearer token', 429);
      expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
      const forged = await searchAs('not-a-token', { plate });
      expect(forged.status).toBe(429);
      const refusedAfter = await stack.dataSource.query(recordedRefusals);
      // Each 401 is a recorded refusal; none of the 429s is.
      expect(refusedAfter[0].n - refusedBefore[0].n).toBe(unauthorized);
      const { userId, token } = await investigator();
      expect((await searchAs(token, { plate })).status).toBe(200);
      expect((await recordsOf(userId)).map((record) => record.outcome)).toEqual(['answered']);
    });

    it('keeps answering health probes and metrics scrapes from a client that is over the unauthenticated limit', async () => {
      await Promise.all(Array.from({ length: UNAUTHENTICATED_LIMIT_PER_MINUTE + 5 }, () => searchAs('', { plate })));
      expect((await searchAs('', { plate })).status).toBe(429);
      // A balancer or kubelet probing from an address a flood shares must not take a healthy instance for a dead one.
      const probes = await Promise.all(Array.from({ length: UNAUTHENTICATED_LIMIT_PER_MINUTE + 5 }, () => stack.request('GET', '/health')));
      expect(new Set(probes.map((probe) => probe.status))).toEqual(new Set([200]));
      expect(probes[0].body).toMatchObject({ status: 'ok' });
      expect((await stack.request('GET', '/metrics')).status).toBe(200);
    });
  });
});
