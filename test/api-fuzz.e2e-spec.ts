import fc from 'fast-check';
import { SignJWT } from 'jose';
import { randomUUID } from 'node:crypto';
import { appendFileSync } from 'node:fs';
import { STATUS_CODES } from 'node:http';
import { EnrichedRead, foldPlateLookAlikes } from '@platekeeper/contract';
import { PlatekeeperTestStack } from './support/platekeeper-stack';
import {
  DELETE, JsonPath, OpenApiDocument, OpenApiOperation, RawJsonNumber, Schema, SchemaArbitraries, jsonPaths, setAt, toJsonText,
} from './support/openapi-arbitraries';

/**
 * REST fuzzing from the served OpenAPI document: for every operation, requests valid per schema and mutated
 * ones (wrong types, missing and unknown fields, hostile strings, deep nesting, odd numbers and dates, edited
 * cursors, inverted boxes, odd path ids, wrong content types, bad tokens), generated and shrunk by fast-check.
 *
 * The allowed answers: a status the operation documents, or one of GENERIC_ERROR_STATUSES; 503 only while
 * /health itself reports an engine down (an outage is the one documented 5xx); never another 5xx. Every error
 * is `{ statusCode, error, message: [..] }` and carries no engine text. Afterwards the audit chain verifies.
 *
 * FUZZ_RUNS (default 15) sets the cases per operation and family (curated families run at least 1.5x their list);
 * FUZZ_PROPERTY_MS (default 3000) bounds each family's time, shrinking included; FUZZ_SEED replays a reported seed;
 * FUZZ_FINDINGS_FILE appends each shrunk failure as Markdown.
 */
const GENERIC_ERROR_STATUSES = [400, 401, 403, 404, 409, 413, 414, 415, 429];
const RUNS = Number(process.env.FUZZ_RUNS ?? 15);
const SEED = process.env.FUZZ_SEED === undefined ? undefined : Number(process.env.FUZZ_SEED);
const PROPERTY_TIME_LIMIT_MS = Number(process.env.FUZZ_PROPERTY_MS ?? 3_000);
const ENGINE_TEXT =
  /exception|search_phase_execution|elastic|QueryFailedError|typeorm|postgres|\bSQL\b|SELECT |INSERT INTO|\bat (async )?[\w$.<>]+ \(|at Object\.|node_modules|TypeError|ReferenceError|RangeError|SyntaxError: |Cannot read propert|is not a function|invalid byte sequence|violates|relation "|stack/i;

const RATE_LIMITS = ['SEARCH_RATE_LIMIT_PER_MINUTE', 'UNAUTHENTICATED_RATE_LIMIT_PER_MINUTE'];
const rateLimitsBefore = Object.fromEntries(RATE_LIMITS.map((name) => [name, process.env[name]]));

jest.setTimeout(600_000);

type TokenName =
  | 'none' | 'investigator' | 'agencyAdmin' | 'platformAdmin' | 'allRoles' | 'otherAgencyAdmin' | 'garbage' | 'wrongSecret'
  | 'expired' | 'algNone' | 'noRoles' | 'rolesAsString' | 'unknownRole' | 'unknownAgency' | 'nulInAgency' | 'hugeAgency'
  | 'numericAgency' | 'basicScheme' | 'emptyBearer' | 'notYetValid';
const VALID_CALLERS: TokenName[] = ['investigator', 'agencyAdmin', 'platformAdmin', 'allRoles'];

interface FuzzRequest {
  method: string;
  path: string;
  query: string;
  token: TokenName;
  contentType?: string;
  body?: string | Buffer;
}

interface FuzzResponse { status: number; text: string; body: unknown; contentType: string | null }

type Family =
  | 'valid' | 'auth' | 'path-id' | 'wrong-type' | 'missing-required' | 'unknown-field' | 'hostile-string' | 'deep-nesting'
  | 'odd-number' | 'odd-date' | 'edited-cursor' | 'odd-bbox' | 'content-type' | 'query-shape' | 'query-unknown'
  | 'query-hostile' | 'query-odd-date' | 'query-edited-cursor' | 'query-odd-number';

interface Operation { method: string; template: string; spec: OpenApiOperation; bodySchema?: Schema }

const HOSTILE_STRINGS = [
  '\u0000', 'A\u0000B', '\uD800', '\uDFFF', 'X\uD83D', '\uFFFE', '\u202E', '\u{1F4A5}', ' ', '', "' OR 1=1 --", '*', '?*?',
  '\\', '"', '{"$gt":""}', '%00', '../../etc/passwd', 'null', '<script>', '\r\n', '\t', '０１２', 'ǅ', 'ß', 'İ',
];
const hostileString = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...HOSTILE_STRINGS) },
  { weight: 2, arbitrary: fc.string({ unit: fc.constantFrom('\u0000', '\uD800', '\uDC00', 'A', '7', '*', '?', ' '), minLength: 1, maxLength: 12 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 20 }) },
  { weight: 1, arbitrary: fc.integer({ min: 600, max: 1_200_000 }).map((length) => 'Z'.repeat(length)) },
);
const ODD_DATES = [
  '2026-W47', '2026-W47-1', '2026-13-01', '2026-02-30', '2026-00-10', '0000-01-01', '+275760-09-13T00:00:00Z',
  '-000001-01-01T00:00:00Z', '99999-01-01', '2026-11-27T25:00:00Z', '2026-11-27T10:00:00+25:00', '2026-11-27T10:00:00.1234567891Z',
  '2026-332', '20261127', '2026-11', '2026', '1e10', 'now', '2026-11-27 10:00:00', 'T10:00:00Z', '2026-11-27T10:00:00\u0000Z',
];
const ODD_MONTHS = ['2026-W47', '2026-13', '2026-00', '0000-01', '99999-01', '2026-1', '2026-01-01', '+2026-01', '-2026-01', '2026-0\u00001'];
const ODD_NUMBERS: unknown[] = [
  new RawJsonNumber('1e400'), new RawJsonNumber('-1e400'), new RawJsonNumber('-0'), new RawJsonNumber('9007199254740993'),
  new RawJsonNumber(`1${'0'.repeat(400)}`), new RawJsonNumber('1e-400'), 1e308, -1e308, 0.5, -1, 0, 2 ** 31, -(2 ** 63),
  Number.MIN_VALUE, 4.9e-324,
];
const ODD_QUERY_NUMBERS = ['1e400', '-0', '0x10', '1.5', 'NaN', 'Infinity', '-Infinity', '99999999999999999999', '', ' 1', '1 ', '+1', '١'];
const ODD_PATH_IDS = [
  '%00', 'a%00', '%ED%A0%80', '%FF', '%C0%AE', '..', '%2e%2e', 'a%2Fb', '%zz', '%', 'x'.repeat(120), 'x'.repeat(3000),
  encodeURIComponent('\u202E'), '%20', '%0A', 'a%20b', 'null', '__proto__', 'constructor', '%F0%9F%92%A5', '*', '%2A',
];
const WRONG_CONTENT_TYPES = [
  'text/plain', 'application/x-www-form-urlencoded', 'application/xml', 'multipart/form-data; boundary=x',
  'application/json; charset=utf-16', 'application/json; charset=latin1', 'application/vnd.api+json', 'APPLICATION/JSON',
  'application/json, text/plain', '*/*',
];
const MALFORMED_BODIES: Array<string | Buffer> = [
  '', '{', '{"a":', 'null', '[]', '"text"', '123', 'true', '{"purpose":"other",}', "{'a':1}", '{"a":1}{"b":2}', '\u0000',
  Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d]), Buffer.from([0xef, 0xbb, 0xbf, 0x7b, 0x7d]),
  '{"__proto__":{"polluted":true}}', '{"constructor":{"prototype":{"polluted":true}}}',
];

/** encodeURIComponent, except that a lone surrogate is sent as its WTF-8 bytes (what a hostile client can put on the wire). */
function encodeHostile(text: string): string {
  return text.split(/([\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF])/).map((part) => {
    if (part.length !== 1 || !/[\uD800-\uDFFF]/.test(part)) return encodeURIComponent(part);
    const unit = part.charCodeAt(0);
    return [0xe0 | (unit >> 12), 0x80 | ((unit >> 6) & 0x3f), 0x80 | (unit & 0x3f)].map((byte) => `%${byte.toString(16).toUpperCase()}`).join('');
  }).join('');
}

describe('REST fuzzing from the OpenAPI document: documented statuses only, clean errors, an intact audit chain', () => {
  const stack = new PlatekeeperTestStack();
  const ownAgency = stack.id('fz-own');
  const otherAgency = stack.id('fz-other');
  const spareAgency = stack.id('fz-spare');
  const ownCamera = stack.id('fz-cam-own');
  const otherCamera = stack.id('fz-cam-other');
  const plate = 'FUZ4242';
  const tokens = {} as Record<TokenName, string | undefined>;
  const headerFor = {} as Record<TokenName, string | undefined>;
  let state: string;
  let spareState: string;
  let document: OpenApiDocument;
  let schemas: SchemaArbitraries;
  const cursors = { search: [] as string[], audit: [] as string[] };
  let agenciesBeforeFuzzing: string[] = [];
  /** The own agency's hotlist (and one of its entries), so hotlist paths also reach existing resources. */
  const hotlistIds: string[] = [];

  const operations: Operation[] = [];
  /** Bodies each operation accepts: mutations start from these mostly, so one broken field is the only thing wrong. */
  const exemplars = (): Record<string, unknown> => ({
    SearchRequestDto: { purpose: 'other', caseNumber: 'FZ-1', reason: 'fuzzing the search API', plate },
    CreateAgencyDto: { id: stack.id('fz-created'), name: 'Fuzz created', state: spareState, category: 'other' },
    UpdateAgencyDto: { retentionDays: 30 },
    SharingPolicyPatchDto: { statewide: false },
    PutCameraDto: { agencyId: ownAgency, name: 'fuzz camera', lat: 47.3, lon: -122.2 },
    PutJurisdictionDto: { denyOutOfState: false },
  });
  const failures: string[] = [];

  const read = (capturedAt: string, agencyId = ownAgency, cameraId = ownCamera): EnrichedRead => ({
    readId: randomUUID(), cameraId, agencyId, agencyState: state, capturedAt, plate, plateFolded: foldPlateLookAlikes(plate),
    plateRaw: plate, location: { lat: 47.3, lon: -122.2 }, ingestedAt: new Date().toISOString(),
  });

  async function signed(claims: Record<string, unknown>, options: { secret?: string; expires?: string | number; notBefore?: string } = {}) {
    const jwt = new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).setSubject('fuzz@platekeeper').setIssuedAt()
      .setExpirationTime(options.expires ?? '1h');
    if (options.notBefore) jwt.setNotBefore(options.notBefore);
    return jwt.sign(new TextEncoder().encode(options.secret ?? stack.config.JWT_SECRET));
  }

  beforeAll(async () => {
    // Rate limits answer 429 (allowed) but would stop the fuzzing from reaching past them; the suite sets its own pace.
    for (const name of RATE_LIMITS) process.env[name] ??= '0';
    await stack.start();
    state = await stack.unusedStateCode();
    do spareState = await stack.unusedStateCode(); while (spareState === state);
    await stack.registerAgency({ id: ownAgency, state, cameras: [ownCamera], sharing: { nationalLookup: true } });
    await stack.registerAgency({ id: otherAgency, state, cameras: [otherCamera], sharing: { nationalLookup: true } });
    await stack.registerAgency({ id: spareAgency, state, cameras: [] });
    const hoursAgo = (hours: number) => new Date(Date.now() - hours * 3_600_000).toISOString();
    await stack.indexReads([read(hoursAgo(1)), read(hoursAgo(2)), read(hoursAgo(3)), read(hoursAgo(4), otherAgency, otherCamera)]);

    tokens.investigator = await stack.token(ownAgency, ['investigator'], 'det.fuzz@own');
    tokens.agencyAdmin = await stack.token(ownAgency, ['agency_admin'], 'admin.fuzz@own');
    tokens.platformAdmin = await stack.token(ownAgency, ['platform_admin'], 'ops.fuzz@platform');
    tokens.allRoles = await stack.token(ownAgency, ['investigator', 'agency_admin', 'platform_admin'], 'all.fuzz@own');
    tokens.otherAgencyAdmin = await stack.token(otherAgency, ['agency_admin'], 'admin.fuzz@other');
    tokens.garbage = 'not.a.jwt';
    tokens.wrongSecret = await signed({ agency: ownAgency, roles: ['platform_admin'] }, { secret: 'not-the-secret' });
    tokens.expired = await signed({ agency: ownAgency, roles: ['platform_admin'] }, { expires: Math.floor(Date.now() / 1000) - 60 });
    tokens.notYetValid = await signed({ agency: ownAgency, roles: ['platform_admin'] }, { notBefore: '1h' });
    const unsignedHeader = Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url');
    const unsignedClaims = Buffer.from(JSON.stringify({ sub: 'x', agency: ownAgency, roles: ['platform_admin'] })).toString('base64url');
    tokens.algNone = `${unsignedHeader}.${unsignedClaims}.`;
    tokens.noRoles = await signed({ agency: ownAgency });
    tokens.rolesAsString = await signed({ agency: ownAgency, roles: 'platform_admin' });
    tokens.unknownRole = await signed({ agency: ownAgency, roles: ['root'] });
    tokens.unknownAgency = await signed({ agency: stack.id('fz-nowhere'), roles: ['investigator', 'agency_admin'] });
    tokens.nulInAgency = await signed({ agency: `${ownAgency}\u0000`, roles: ['investigator', 'agency_admin'] });
    tokens.hugeAgency = await signed({ agency: 'a'.repeat(6000), roles: ['investigator', 'agency_admin'] });
    tokens.numericAgency = await signed({ agency: 42, roles: ['investigator'] });
    for (const [name, token] of Object.entries(tokens)) headerFor[name as TokenName] = `Bearer ${token}`;
    headerFor.none = undefined;
    headerFor.basicScheme = 'Basic ZnV6ejpmdXp6';
    headerFor.emptyBearer = 'Bearer ';

    for (const pageLimit of [1, 2]) {
      const page = await stack.request('POST', '/v1/searches', {
        token: tokens.investigator,
        body: { purpose: 'other', caseNumber: 'FUZZ-SEED', reason: 'a cursor for the fuzz run', plate, limit: pageLimit },
      });
      expect(page.body).toMatchObject({ total: 3, nextCursor: expect.any(String) });
      cursors.search.push(page.body.nextCursor);
    }
    for (const pageLimit of [1]) {
      const audit = await stack.request('GET', `/v1/audit/searches?limit=${pageLimit}`, { token: tokens.agencyAdmin });
      expect(audit.body).toMatchObject({ nextCursor: expect.any(String) });
      cursors.audit.push(audit.body.nextCursor);
    }

    const hotlist = await stack.request('POST', '/v1/hotlists', { token: tokens.investigator, body: { name: 'fuzz list' } });
    const entry = await stack.request('POST', `/v1/hotlists/${hotlist.body.id}/entries`, {
      token: tokens.investigator,
      body: { plate, purpose: 'other', caseNumber: 'FZ-H', reason: 'a hotlist entry for the fuzz run', expiresAt: new Date(Date.now() + 86_400_000).toISOString() },
    });
    expect(entry.status).toBe(201);
    hotlistIds.push(hotlist.body.id, entry.body.entry.id);

    const docs = await stack.request('GET', '/docs-json');
    expect(docs.status).toBe(200);
    document = docs.body;
    const isoDate = fc.date({ min: new Date('2019-01-01T00:00:00Z'), max: new Date('2031-01-01T00:00:00Z'), noInvalidDate: true })
      .map((date) => date.toISOString());
    const agencyIds = fc.constantFrom(ownAgency, otherAgency, spareAgency, stack.id('fz-nowhere'));
    const lon = fc.double({ min: -180, max: 180, noNaN: true });
    const lat = fc.double({ min: -90, max: 90, noNaN: true });
    schemas = new SchemaArbitraries(document, {
      plate: fc.oneof(fc.constant(plate), fc.stringMatching(/^[A-Z0-9*?]{1,8}$/)),
      from: isoDate,
      to: isoDate,
      month: fc.date({ min: new Date('2020-01-01T00:00:00Z'), max: new Date('2030-12-01T00:00:00Z'), noInvalidDate: true })
        .map((date) => date.toISOString().slice(0, 7)),
      cursor: fc.constantFrom(...cursors.search, ...cursors.audit),
      agencyId: agencyIds,
      allowAgencies: fc.array(agencyIds, { maxLength: 3 }),
      denyAgencies: fc.array(agencyIds, { maxLength: 3 }),
      cameraIds: fc.array(fc.constantFrom(ownCamera, otherCamera), { maxLength: 2 }),
      bbox: fc.tuple(lon, lat, lon, lat).map(([x1, y1, x2, y2]) => [Math.min(x1, x2), Math.min(y1, y2), Math.max(x1, x2), Math.max(y1, y2)]),
      lat, lon,
      radiusKm: fc.double({ min: 0.1, max: 500, noNaN: true }),
      state: fc.constantFrom(state, spareState),
    }, ['state']);
    agenciesBeforeFuzzing = (await stack.dataSource.query('SELECT id FROM agencies')).map((row: { id: string }) => row.id);
    for (const [template, methods] of Object.entries(document.paths)) {
      for (const [method, spec] of Object.entries(methods)) {
        operations.push({ method: method.toUpperCase(), template, spec, bodySchema: spec.requestBody?.content?.['application/json']?.schema });
      }
    }
  });

  afterAll(async () => {
    // The retention sweep drops a month only past every owner's retention: agencies the fuzzing created or
    // changed must not hold other suites' old months in place on the shared test database.
    // They must not share either: fuzzed policies (a 898-hour warrant window, say) otherwise reach every later
    // suite's national search as narrowing notices and refusals that suite never set.
    await stack.dataSource?.query(
      `UPDATE agencies SET retention_days = LEAST(retention_days, 30), status = 'suspended' WHERE NOT (id = ANY($1)) OR id = ANY($2)`,
      [agenciesBeforeFuzzing, [ownAgency, otherAgency, spareAgency]],
    );
    if (stack.dataSource) await stack.clearJurisdictions([state, spareState]);
    await stack.stop();
    // Suites share one process under --runInBand: later ones get the limits they would have had.
    for (const name of RATE_LIMITS) {
      if (rateLimitsBefore[name] === undefined) delete process.env[name];
      else process.env[name] = rateLimitsBefore[name];
    }
  });


  /** Ids a path parameter can name; the caller's own agency is kept out of PATCH /v1/agencies/{id} so it stays active. */
  function pathIdPool(operation: Operation, name: string): fc.Arbitrary<string> {
    // Jurisdiction rules are global to the database: only this run's own state codes are ever written.
    if (name === 'state') return fc.constantFrom(state, spareState);
    if (operation.template.startsWith('/v1/cameras')) return fc.oneof(fc.constantFrom(ownCamera, otherCamera), fc.stringMatching(/^[a-z0-9-]{1,20}$/));
    if (['hotlistId', 'entryId', 'alertId'].includes(name)) return fc.oneof(fc.constantFrom(...hotlistIds), fc.uuid());
    const agencies = operation.method === 'PATCH' && operation.template === '/v1/agencies/{id}'
      ? [otherAgency, spareAgency, stack.id('fz-nowhere')]
      : [ownAgency, otherAgency, spareAgency, stack.id('fz-nowhere')];
    return fc.constantFrom(...agencies);
  }

  const parameters = (operation: Operation, where: 'path' | 'query') => (operation.spec.parameters ?? []).filter((p) => p.in === where);

  function pathArbitrary(operation: Operation, family: Family): fc.Arbitrary<string> {
    const names = parameters(operation, 'path').map((parameter) => parameter.name);
    const values = names.map((name) => (family === 'path-id'
      ? fc.oneof(pathIdPool(operation, name).map(encodeURIComponent), fc.constantFrom(...ODD_PATH_IDS))
      : pathIdPool(operation, name).map(encodeURIComponent)));
    return fc.tuple(...values).map((encoded) => names.reduce((path, name, index) => path.replace(`{${name}}`, encoded[index]), operation.template));
  }

  function validQueryPairs(operation: Operation): fc.Arbitrary<Array<[string, string]>> {
    const model = Object.fromEntries(parameters(operation, 'query').map((parameter) => [parameter.name, schemas.valid(parameter.schema ?? {}, parameter.name)]));
    const required = parameters(operation, 'query').filter((parameter) => parameter.required).map((parameter) => parameter.name);
    return fc.record(model, { requiredKeys: required }).map((values) =>
      Object.entries(values).map(([name, value]): [string, string] => [encodeURIComponent(name), encodeHostile(String(value))]));
  }

  function queryArbitrary(operation: Operation, family: Family): fc.Arbitrary<string> {
    const names = parameters(operation, 'query').map((parameter) => parameter.name);
    const pick = (wanted: (name: string) => boolean) => names.filter(wanted);
    const replaceOrAdd = (name: string, value: string) => (pairs: Array<[string, string]>): Array<[string, string]> =>
      [...pairs.filter(([key]) => key !== name), [name, value]];
    const requiredOnly = validQueryPairs(operation).map((pairs) =>
      pairs.filter(([key]) => parameters(operation, 'query').some((parameter) => parameter.required && encodeURIComponent(parameter.name) === key)));
    let mutated: fc.Arbitrary<Array<[string, string]>> = family === 'valid' ? validQueryPairs(operation) : fc.oneof(requiredOnly, validQueryPairs(operation));
    const oneOfNames = (candidates: string[]) => fc.constantFrom(...candidates);
    switch (family) {
      case 'query-shape':
        mutated = fc.tuple(mutated, oneOfNames(names), fc.constantFrom('repeat', 'bracket', 'array', 'empty', 'bare')).map(([pairs, name, shape]) => {
          if (shape === 'repeat') return [...pairs, [name, '1'], [name, '2']];
          if (shape === 'bracket') return [...pairs.filter(([key]) => key !== name), [`${name}%5B%24gt%5D`, 'x']];
          if (shape === 'array') return [...pairs.filter(([key]) => key !== name), [`${name}%5B%5D`, '1']];
          if (shape === 'empty') return replaceOrAdd(name, '')(pairs);
          return [...pairs.filter(([key]) => key !== name), [name, '\u0000bare']];
        });
        break;
      case 'query-unknown':
        mutated = fc.tuple(mutated, fc.constantFrom('agency', 'admin', '__proto__', 'constructor', 'q', 'size', 'from_', '%00', 'x'.repeat(300)))
          .map(([pairs, name]) => [...pairs, [name, '1']]);
        break;
      case 'query-hostile':
        mutated = fc.tuple(mutated, oneOfNames(names), fc.oneof(
          hostileString.filter((text) => text.length < 1500).map(encodeHostile),
          fc.constantFrom('%00', '%ED%A0%80', '%FF', '%', '%zz', '%C0%80'),
        )).map(([pairs, name, value]) => replaceOrAdd(name, value)(pairs));
        break;
      case 'query-odd-date': {
        const dated = pick((name) => ['from', 'to', 'month'].includes(name));
        mutated = fc.tuple(mutated, oneOfNames(dated), fc.constantFrom(...ODD_DATES), fc.constantFrom(...ODD_MONTHS))
          .map(([pairs, name, date, month]) => replaceOrAdd(name, encodeHostile(name === 'month' ? month : date))(pairs));
        break;
      }
      case 'query-edited-cursor':
        mutated = fc.tuple(mutated, editedCursor()).map(([pairs, cursor]) => replaceOrAdd('cursor', encodeHostile(cursor))(pairs));
        break;
      case 'query-odd-number': {
        const numeric = parameters(operation, 'query').filter((parameter) => ['number', 'integer'].includes(parameter.schema?.type ?? ''));
        mutated = fc.tuple(mutated, oneOfNames(numeric.map((parameter) => parameter.name)), fc.constantFrom(...ODD_QUERY_NUMBERS))
          .map(([pairs, name, value]) => replaceOrAdd(name, encodeURIComponent(value))(pairs));
        break;
      }
      default:
        break;
    }
    return mutated.map((pairs) => (pairs.length === 0 ? '' : `?${pairs.map(([key, value]) => `${key}=${value}`).join('&')}`));
  }

  /** A real cursor edited: a flipped or dropped character, a suffix, or well-formed base64url of the wrong JSON. */
  function editedCursor(): fc.Arbitrary<string> {
    const real = fc.constantFrom(...cursors.search, ...cursors.audit);
    const encode = (value: unknown) => Buffer.from(typeof value === 'string' ? value : toJsonText(value)).toString('base64url');
    return fc.oneof(
      fc.tuple(real, fc.nat(), fc.constantFrom('A', '_', '-', '=', '%', '\u0000', '\uD800')).map(([cursor, index, character]) => {
        const at = index % cursor.length;
        return cursor.slice(0, at) + character + cursor.slice(at + 1);
      }),
      fc.tuple(real, fc.nat()).map(([cursor, index]) => cursor.slice(0, index % cursor.length)),
      fc.tuple(real, fc.constantFrom('A', 'AAAA', '==', '.x', 'A'.repeat(480))).map(([cursor, suffix]) => cursor + suffix),
      fc.constantFrom<unknown>(
        [1, 'x'], ['a', 'b'], [null, null], [1e308, -1e308], [new RawJsonNumber('1e400'), 'x'], [1], [], {}, { beforeSeq: 1 },
        { beforeSeq: '0' }, { beforeSeq: '9'.repeat(19) }, { beforeSeq: '9'.repeat(40) }, { beforeSeq: '-1' }, { beforeSeq: '1e3' },
        { beforeSeq: '1\u0000' }, [Number.MAX_SAFE_INTEGER + 2, 'zzzz'], ['2026-W47', 'x'], [{ a: 1 }, [2]], ['\u0000', '\uD800'],
        [1, 'x', 3, 4, 5], '{"beforeSeq":"1"', 'null', '"x"', [-1, ''], [1, 'x'.repeat(300)],
      ).map(encode),
      fc.string({ maxLength: 60 }),
    );
  }

  function bodyArbitrary(operation: Operation, family: Family): fc.Arbitrary<{ body?: string | Buffer; contentType?: string }> {
    const schema = operation.bodySchema;
    if (!schema) return fc.constant({});
    const resolved = schemas.resolve(schema);
    const exemplar = exemplars()[(schema.$ref ?? '').replace('#/components/schemas/', '')];
    const valid = exemplar === undefined ? schemas.valid(schema)
      : fc.oneof({ weight: family === 'valid' ? 1 : 3, arbitrary: fc.constant(exemplar) }, { weight: 1, arbitrary: schemas.valid(schema) });
    const json = (value: unknown) => ({ body: toJsonText(value), contentType: 'application/json' });
    const atAnyPath = (replacement: fc.Arbitrary<unknown>, where: (entry: { path: JsonPath; value: unknown }) => boolean = () => true) =>
      fc.tuple(valid, fc.nat(), replacement).map(([value, index, replacing]) => {
        const candidates = jsonPaths(value).filter(where);
        const targets = candidates.length > 0 ? candidates : jsonPaths(value);
        return json(setAt(value, targets[index % targets.length].path, replacing));
      });
    const topLevel = (name: string, replacement: fc.Arbitrary<unknown>) =>
      fc.tuple(valid, replacement).map(([value, replacing]) => json(setAt(value, [name], replacing)));
    const properties = Object.keys(resolved.properties ?? {});
    switch (family) {
      case 'wrong-type':
        return atAnyPath(fc.oneof(
          fc.constant(null), fc.integer(), fc.double({ noNaN: true }), fc.boolean(), fc.string({ maxLength: 5 }),
          fc.constant([]), fc.constant({}), fc.array(fc.integer(), { maxLength: 3 }), fc.dictionary(fc.string({ maxLength: 3 }), fc.integer(), { maxKeys: 2 }),
        ));
      case 'missing-required':
        return fc.tuple(valid, fc.constantFrom(...(resolved.required ?? []))).map(([value, name]) => json(setAt(value, [name], DELETE)));
      case 'unknown-field':
        return fc.tuple(valid, fc.nat(), fc.constantFrom('agencyId', 'ownerAgencyId', 'isAdmin', '__proto__', 'constructor', 'unknownField', 'query', 'x'.repeat(200)), fc.jsonValue({ maxDepth: 1 }))
          .map(([value, index, key, extra]) => {
            const objects = jsonPaths(value).filter(({ value: found }) =>
              found !== null && typeof found === 'object' && !Array.isArray(found) && !Object.prototype.hasOwnProperty.call(found, key));
            const target = objects.length > 0 ? objects[index % objects.length].path : [];
            return json(setAt(value, [...target, key], extra));
          });
      case 'hostile-string':
        return atAnyPath(hostileString, ({ value }) => typeof value === 'string');
      case 'deep-nesting':
        return atAnyPath(fc.tuple(fc.integer({ min: 20, max: 4000 }), fc.boolean()).map(([depth, asArray]) => {
          let nested: unknown = 1;
          for (let level = 0; level < depth; level++) nested = asArray ? [nested] : { a: nested };
          return nested;
        }));
      case 'odd-number':
        return atAnyPath(fc.constantFrom(...ODD_NUMBERS), ({ value }) => typeof value === 'number');
      case 'odd-date':
        return fc.tuple(fc.constantFrom(...properties.filter((name) => ['from', 'to'].includes(name))), fc.constantFrom(...ODD_DATES))
          .chain(([name, date]) => topLevel(name, fc.constant(date)));
      case 'edited-cursor':
        return topLevel('cursor', editedCursor());
      case 'odd-bbox':
        return topLevel('area', fc.oneof(
          fc.constantFrom<unknown>(
            { bbox: [10, 10, -10, -10] }, { bbox: [-122, 48, -123, 47] }, { bbox: [-122, 48, -121, 47] }, { bbox: [0, 0, 0, 0] },
            { bbox: [-200, -100, 200, 100] }, { bbox: [-181, 0, 0, 1] }, { bbox: [0, -91, 1, 0] }, { bbox: { minLon: 0, minLat: 0, maxLon: 1, maxLat: 1 } },
            { bbox: ['a', 'b', 'c', 'd'] }, { bbox: [1, 2, 3] }, { bbox: [1, 2, 3, 4, 5] }, { bbox: [null, null, null, null] }, { bbox: [] },
            { bbox: [new RawJsonNumber('1e400'), 0, 1, 1] }, { bbox: [0, 0, 1, 1], near: { lat: 0, lon: 0, radiusKm: 1 } }, {},
            { near: { lat: 91, lon: 0, radiusKm: 1 } }, { near: { lat: 0, lon: 0, radiusKm: -1 } }, { near: { lat: 0, lon: 0, radiusKm: 0 } },
            { near: { lat: 0, lon: 0, radiusKm: 1e308 } }, { near: { lat: 0, lon: 0 } }, { near: [0, 0, 1] }, { near: null }, { bbox: null },
          ),
          fc.tuple(fc.double(), fc.double(), fc.double(), fc.double()).map((box) => ({ bbox: box.map((n) => (Number.isFinite(n) ? n : 0)) })),
        ));
      case 'content-type':
        return fc.oneof(
          fc.tuple(valid, fc.constantFrom(...WRONG_CONTENT_TYPES)).map(([value, contentType]) => ({ body: toJsonText(value), contentType })),
          valid.map((value) => ({ body: toJsonText(value), contentType: undefined })),
          fc.constantFrom(...MALFORMED_BODIES).map((body) => ({ body, contentType: 'application/json' })),
        );
      default:
        return valid.map(json);
    }
  }

  function requestArbitrary(operation: Operation, family: Family): fc.Arbitrary<FuzzRequest> {
    const token: fc.Arbitrary<TokenName> = family === 'auth'
      ? fc.constantFrom<TokenName>(
        'none', 'investigator', 'agencyAdmin', 'platformAdmin', 'allRoles', 'otherAgencyAdmin', 'garbage', 'wrongSecret', 'expired',
        'algNone', 'noRoles', 'rolesAsString', 'unknownRole', 'unknownAgency', 'nulInAgency', 'hugeAgency', 'numericAgency',
        'basicScheme', 'emptyBearer', 'notYetValid',
      )
      : fc.oneof({ weight: 3, arbitrary: fc.constant<TokenName>('allRoles') }, { weight: 2, arbitrary: fc.constantFrom(...VALID_CALLERS) });
    return fc.record({
      path: pathArbitrary(operation, family),
      query: queryArbitrary(operation, family),
      token,
      payload: bodyArbitrary(operation, family),
    }).map(({ path, query, token: tokenName, payload }) => ({ method: operation.method, path, query, token: tokenName, ...payload }));
  }

  function familiesOf(operation: Operation): Family[] {
    const families: Family[] = ['valid', 'auth'];
    if (parameters(operation, 'path').length > 0) families.push('path-id');
    const query = parameters(operation, 'query');
    families.push('query-unknown');
    if (query.length > 0) families.push('query-shape', 'query-hostile');
    if (query.some((parameter) => ['from', 'to', 'month'].includes(parameter.name))) families.push('query-odd-date');
    if (query.some((parameter) => parameter.name === 'cursor')) families.push('query-edited-cursor');
    if (query.some((parameter) => ['number', 'integer'].includes(parameter.schema?.type ?? ''))) families.push('query-odd-number');
    if (operation.bodySchema) {
      const resolved = schemas.resolve(operation.bodySchema);
      const properties = Object.keys(resolved.properties ?? {});
      families.push('wrong-type', 'unknown-field', 'hostile-string', 'deep-nesting', 'odd-number', 'content-type');
      if ((resolved.required ?? []).length > 0) families.push('missing-required');
      if (properties.includes('from') || properties.includes('to')) families.push('odd-date');
      if (properties.includes('cursor')) families.push('edited-cursor');
      if (properties.includes('area')) families.push('odd-bbox');
    }
    return families;
  }


  async function send(request: FuzzRequest): Promise<FuzzResponse> {
    const headers: Record<string, string> = {};
    const authorization = headerFor[request.token];
    if (authorization !== undefined) headers.authorization = authorization;
    if (request.contentType !== undefined) headers['content-type'] = request.contentType;
    const response = await fetch(`${stack.searchUrl}${request.path}${request.query}`, {
      method: request.method, headers, body: request.body, signal: AbortSignal.timeout(20_000),
    });
    const text = await response.text();
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      // CSV, metrics text, or a broken error body (judged below)
    }
    return { status: response.status, text, body, contentType: response.headers.get('content-type') };
  }

  async function problemsWith(operation: Operation, family: Family, request: FuzzRequest, response: FuzzResponse): Promise<string[]> {
    const problems: string[] = [];
    const documented = Object.keys(operation.spec.responses ?? {}).map(Number);
    const allowed = new Set([...documented, ...GENERIC_ERROR_STATUSES]);
    if (response.status === 503) {
      const health = await fetch(`${stack.searchUrl}/health`);
      if (health.status === 200) problems.push('503 while /health reports every engine up (an outage is the only documented 503)');
    } else if (!allowed.has(response.status)) {
      problems.push(`status ${response.status} is neither documented for ${operation.method} ${operation.template} (${documented.join(', ')}) nor a generic error status`);
    }
    // /health's own 503 names the engine that is down, on purpose; every other error has the one shape.
    if (response.status >= 400 && operation.template !== '/health') {
      const body = response.body as { statusCode?: unknown; error?: unknown; message?: unknown };
      const shaped = typeof body === 'object' && body !== null && body.statusCode === response.status && body.error === STATUS_CODES[response.status]
        && Array.isArray(body.message) && body.message.length > 0 && body.message.every((line) => typeof line === 'string');
      if (!shaped) problems.push('error body is not { statusCode, error, message: [..] }');
      const leaked = ENGINE_TEXT.exec(response.text);
      if (leaked) problems.push(`error body carries engine text: "${leaked[0]}"`);
    }
    const caller = VALID_CALLERS.includes(request.token);
    if (caller && response.status < 300 && (family === 'unknown-field' || family === 'missing-required')) {
      problems.push(`a body with ${family === 'unknown-field' ? 'an unknown field' : 'a required field missing'} was accepted`);
    }
    return problems;
  }

  const shorten = (text: string, limit = 400) => (text.length <= limit ? text : `${text.slice(0, limit)}… (${text.length} chars)`);
  const visible = (text: string) => JSON.stringify(text).slice(1, -1);

  function describeFailure(operation: Operation, family: Family, seed: number, request: FuzzRequest, response: FuzzResponse, problems: string[]) {
    const body = request.body === undefined ? '(none)' : Buffer.isBuffer(request.body) ? `bytes ${request.body.toString('hex')}` : shorten(visible(request.body));
    return [
      `### ${operation.method} ${operation.template} — ${family} (seed ${seed})`,
      '',
      `- request: \`${request.method} ${shorten(request.path + request.query, 300)}\` as **${request.token}**` +
        `${request.contentType === undefined ? ', no content-type' : `, content-type \`${request.contentType}\``}`,
      `- body: \`${body}\``,
      `- response: **${response.status}** \`${shorten(response.text)}\``,
      `- problems: ${problems.join('; ')}`,
      '',
    ].join('\n');
  }

  async function fuzz(operation: Operation, family: Family): Promise<void> {
    let lastFailure: { request: FuzzRequest; response: FuzzResponse; problems: string[] } | undefined;
    const property = fc.asyncProperty(requestArbitrary(operation, family), async (request) => {
      const response = await send(request);
      const problems = await problemsWith(operation, family, request, response);
      if (problems.length > 0) {
        lastFailure = { request, response, problems };
        throw new Error(`${problems.join('; ')} — answered ${response.status}: ${shorten(response.text, 300)}`);
      }
    });
    // Families drawn from a curated list get enough runs to meet most of it.
    const curated: Partial<Record<Family, number>> = {
      'odd-date': ODD_DATES.length, 'query-odd-date': ODD_DATES.length, 'odd-bbox': 25, 'path-id': ODD_PATH_IDS.length,
      'content-type': WRONG_CONTENT_TYPES.length + MALFORMED_BODIES.length, 'odd-number': ODD_NUMBERS.length,
      'query-odd-number': ODD_QUERY_NUMBERS.length, auth: 20, 'edited-cursor': 30, 'query-edited-cursor': 30,
    };
    const details = await fc.check(property, {
      numRuns: Math.max(RUNS, Math.round(1.5 * (curated[family] ?? 0))), seed: SEED, interruptAfterTimeLimit: PROPERTY_TIME_LIMIT_MS, markInterruptAsFailure: false,
    });
    if (details.failed && !lastFailure) throw new Error(`the harness itself failed: ${fc.defaultReportMessage(details)}`);
    if (details.failed && lastFailure) {
      const finding = describeFailure(operation, family, details.seed, lastFailure.request, lastFailure.response, lastFailure.problems);
      failures.push(finding);
      if (process.env.FUZZ_FINDINGS_FILE) appendFileSync(process.env.FUZZ_FINDINGS_FILE, `${finding}\n`);
      throw new Error(`${finding}\n${fc.defaultReportMessage(details)}`);
    }
  }

  it('reads an OpenAPI document with operations, and every operation documents its success status', () => {
    expect(operations.length).toBeGreaterThanOrEqual(15);
    for (const operation of operations) {
      expect({ operation: `${operation.method} ${operation.template}`, documented: Object.keys(operation.spec.responses ?? {}).some((status) => /^2/.test(status)) })
        .toEqual({ operation: `${operation.method} ${operation.template}`, documented: true });
    }
  });

  // One test per operation, each running its families so a failure in one family does not hide another.
  const OPERATION_KEYS = [
    'GET /health', 'GET /metrics', 'POST /v1/searches', 'POST /v1/searches/preview', 'POST /v1/agencies', 'GET /v1/agencies/{id}',
    'PATCH /v1/agencies/{id}', 'GET /v1/agencies/{id}/sharing', 'PATCH /v1/agencies/{id}/sharing', 'GET /v1/agencies/{id}/effective-access',
    'PUT /v1/cameras/{id}', 'GET /v1/jurisdictions/{state}', 'PUT /v1/jurisdictions/{state}', 'GET /v1/audit/searches',
    'GET /v1/agencies/{id}/usage-report', 'POST /v1/retention/sweep', 'GET /v1/audit/verify',
    'POST /v1/agencies/{id}/camera-keys', 'GET /v1/agencies/{id}/camera-keys', 'POST /v1/agencies/{id}/camera-keys/{keyId}/rotate',
    'DELETE /v1/agencies/{id}/camera-keys/{keyId}',
    'POST /v1/hotlists', 'GET /v1/hotlists', 'GET /v1/hotlists/{hotlistId}', 'POST /v1/hotlists/{hotlistId}/entries',
    'GET /v1/hotlists/{hotlistId}/entries', 'DELETE /v1/hotlists/{hotlistId}/entries/{entryId}', 'POST /v1/hotlists/{hotlistId}/imports',
    'GET /v1/hotlist-alerts', 'PUT /v1/hotlist-alerts/{alertId}/disposition',
    'POST /v1/agencies/{id}/declarations', 'GET /v1/agencies/{id}/declarations', 'DELETE /v1/agencies/{id}/declarations/{declarationId}',
    'GET /v1/audit/searches/{searchId}/explain', 'POST /v1/sensitive-places', 'GET /v1/sensitive-places/drops', 'GET /v1/agencies/{id}/anomalies',
    'GET /v1/agencies', 'POST /v1/agencies/{id}/sharing/preview', 'GET /v1/agencies/{id}/governance', 'PUT /v1/agencies/{id}/governance',
    'GET /v1/agencies/{id}/sharing/changes', 'POST /v1/agencies/{id}/sharing/changes/{changeId}/approve',
    'POST /v1/agencies/{id}/sharing/changes/{changeId}/cancel', 'GET /v1/audit/chain-status',
    'GET /v1/agencies/{id}/sharing/notices', 'POST /v1/agencies/{id}/sharing/notices/{noticeId}/retry',
    'GET /v1/public/agencies/{id}/transparency', 'GET /v1/console/sign-in-options', 'POST /v1/console/dev-sign-in',
    'DELETE /v1/sensitive-places/{id}', 'GET /v1/sensitive-places', 'GET /v1/audit/checkpoints/latest', 'POST /v1/audit/checkpoints',
    'GET /v1/jurisdictions/{state}/annual-report', 'GET /v1/retention/attestations/latest', 'POST /v1/agencies/{id}/anomalies/{flagId}/disposition',
  ];
  /** Answers that never end (server-sent events): documented, but a request/response fuzzer cannot wait for them (test/hotlists covers them). */
  const STREAMING_OPERATION_KEYS = ['GET /v1/hotlist-alerts/stream'];

  it.each(OPERATION_KEYS)('answers every generated request to %s with a documented status and a clean error body', async (key) => {
    const operation = operations.find((candidate) => `${candidate.method} ${candidate.template}` === key);
    if (!operation) throw new Error(`the OpenAPI document has no operation ${key}`);
    const failed: string[] = [];
    for (const family of familiesOf(operation)) {
      try {
        await fuzz(operation, family);
      } catch (error) {
        failed.push((error as Error).message);
      }
    }
    if (failed.length > 0) throw new Error(`${failed.length} famil${failed.length === 1 ? 'y' : 'ies'} failed:\n\n${failed.join('\n\n')}`);
  });

  it.each([
    ['POST', '/v1/searches', 'SearchRequestDto', 200], ['POST', '/v1/searches/preview', 'SearchRequestDto', 200],
    ['PUT', '/v1/cameras/{id}', 'PutCameraDto', 200], ['PATCH', '/v1/agencies/{id}/sharing', 'SharingPolicyPatchDto', 200],
  ])('starts its mutations of %s %s from a body the service accepts', async (method, template, schemaName, status) => {
    const path = template.replace('{id}', template.startsWith('/v1/cameras') ? ownCamera : ownAgency);
    const response = await stack.request(method, path, { token: tokens.allRoles, body: exemplars()[schemaName] });
    expect(response.status).toBe(status);
  });

  it('covers every operation of the OpenAPI document', () => {
    expect(operations.map((operation) => `${operation.method} ${operation.template}`).sort()).toEqual([...OPERATION_KEYS, ...STREAMING_OPERATION_KEYS].sort());
  });

  it('leaves a hash chain that verifies after the fuzzing', async () => {
    const verification = await stack.request('GET', '/v1/audit/verify', { token: tokens.platformAdmin });
    expect(verification.status).toBe(200);
    expect(verification.body).toMatchObject({ valid: true, firstBroken: null });
  });
});
