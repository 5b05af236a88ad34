import { randomUUID } from 'node:crypto';
import { EnrichedRead } from '@platekeeper/contract';
import { SEARCH_PURPOSES } from '@platekeeper/sharing';
import { PlatekeeperTestStack } from './support/platekeeper-stack';

jest.setTimeout(240_000);

interface StoredSearchRecord {
  seq: string;
  action: string;
  actor_user_id: string;
  actor_agency_id: string;
  payload: Record<string, any>;
  size: number;
}

/** Deepest nesting of a JSON value: a scalar is 0, `{}` or `[]` is 1. */
function depthOf(value: unknown): number {
  if (value === null || typeof value !== 'object') return 0;
  const children = Object.values(value as Record<string, unknown>);
  return 1 + (children.length === 0 ? 0 : Math.max(...children.map(depthOf)));
}

function nested(depth: number): Record<string, unknown> {
  let value: Record<string, unknown> = { bottom: true };
  for (let level = 1; level < depth; level++) value = { a: value };
  return value;
}

describe("the search trail shows an agency only the searches that touched its reads, and records refusals bounded", () => {
  const stack = new PlatekeeperTestStack();
  // Denier turns national lookup on and denies every purpose; Sharer shares nationally; Searcher searches nationally.
  const denier = stack.id('denier-pd');
  const sharer = stack.id('sharer-pd');
  const searcher = stack.id('searcher-pd');
  const suffix = stack.runId.slice(-5).toUpperCase();
  const quietPlate = `QT${suffix}`;
  const loudPlate = `LD${suffix}`;
  const expiredPlate = `EX${suffix}`;
  const searchBody = { purpose: 'criminal_investigation', reason: 'vehicle seen leaving a burglary', scope: 'national' };
  const token: Record<string, string> = {};
  const searchIds: Record<string, string> = {};
  let month: string;

  const read = (agencyId: string, plate: string, minutesAgo: number): EnrichedRead => ({
    readId: randomUUID(), cameraId: `${agencyId}-cam`, agencyId, agencyState: 'QQ',
    capturedAt: new Date(Date.now() - minutesAgo * 60_000).toISOString(), plate, plateFolded: plate, plateRaw: plate,
    location: { lat: 47.3, lon: -122.2 }, ingestedAt: new Date().toISOString(),
  });

  async function trailOf(caller: string) {
    const response = await stack.request('GET', '/v1/audit/searches?limit=500', { token: token[caller] });
    expect(response.status).toBe(200);
    return response.body.items as Array<Record<string, any>>;
  }

  async function recordsOf(userId: string): Promise<StoredSearchRecord[]> {
    return stack.dataSource.query(
      `SELECT seq::text AS seq, action, actor_user_id, actor_agency_id, payload, length(payload::text) AS size
         FROM audit_records WHERE kind = 'search' AND actor_user_id = $1 ORDER BY seq`,
      [userId],
    );
  }

  async function recordsWithCaseNumber(caseNumber: string): Promise<StoredSearchRecord[]> {
    return stack.dataSource.query(
      `SELECT seq::text AS seq, action, actor_user_id, actor_agency_id, payload, length(payload::text) AS size
         FROM audit_records WHERE kind = 'search' AND payload->>'caseNumber' = $1 ORDER BY seq`,
      [caseNumber],
    );
  }

  beforeAll(async () => {
    await stack.start();
    const state = await stack.unusedStateCode();
    await stack.registerAgency({ id: denier, state, cameras: [], sharing: { nationalLookup: true, deniedPurposes: [...SEARCH_PURPOSES] } });
    await stack.registerAgency({ id: sharer, state, cameras: [], sharing: { nationalLookup: true } });
    await stack.registerAgency({ id: searcher, state, cameras: [], sharing: { nationalLookup: true } });
    token.denierAdmin = await stack.token(denier, ['agency_admin'], 'admin@denier');
    token.sharerAdmin = await stack.token(sharer, ['agency_admin'], 'admin@sharer');
    token.searcherAdmin = await stack.token(searcher, ['agency_admin'], 'admin@searcher');
    token.searcher = await stack.token(searcher, ['investigator'], 'det.vance@searcher');
    // Denier holds two reads of the loud plate and one of the expired plate, older than its 30-day retention.
    await stack.indexReads([
      read(sharer, quietPlate, 5),
      read(sharer, loudPlate, 6),
      read(denier, loudPlate, 7),
      read(denier, loudPlate, 8),
      read(denier, expiredPlate, 40 * 24 * 60),
    ]);

    const searches: Array<[string, string, number]> = [['quiet', quietPlate, 1], ['loud', loudPlate, 1], ['expired', expiredPlate, 0]];
    for (const [name, plate, expectedTotal] of searches) {
      const response = await stack.request('POST', '/v1/searches', { token: token.searcher, body: { ...searchBody, caseNumber: `P-${name}`, plate } });
      expect(response.status).toBe(200);
      expect(response.body.total).toBe(expectedTotal);
      searchIds[name] = response.body.searchId;
    }
    const preview = await stack.request('POST', '/v1/searches/preview', { token: token.searcher, body: { ...searchBody, caseNumber: 'P-preview', plate: loudPlate } });
    expect(preview.status).toBe(200);
    const refused = await stack.request('POST', '/v1/searches', { token: token.searcher, body: { ...searchBody, caseNumber: 'P-refused', reason: 'short', plate: loudPlate } });
    expect(refused.status).toBe(400);
    month = new Date().toISOString().slice(0, 7);
  });

  afterAll(() => stack.stop());

  describe('GET /v1/audit/searches', () => {
    it("shows an agency that denies every purpose nothing of another agency's national searches that matched none of its reads", async () => {
      const caseNumbers = (await trailOf('denierAdmin')).map((item) => item.caseNumber);
      expect(caseNumbers).not.toEqual(expect.arrayContaining(['P-quiet']));
      expect(caseNumbers).not.toEqual(expect.arrayContaining(['P-expired']));
      expect(caseNumbers).not.toEqual(expect.arrayContaining(['P-preview']));
      expect(caseNumbers).not.toEqual(expect.arrayContaining(['P-refused']));
    });

    it('shows it a search its deny rule withheld matching reads from, with its own withheld count and no total, criteria or other owners', async () => {
      const items = await trailOf('denierAdmin');
      expect(items).toHaveLength(1);
      expect(items[0]).toEqual({
        seq: expect.any(String),
        recordedAt: expect.any(String),
        searchId: searchIds.loud,
        userId: 'det.vance@searcher',
        agencyId: searcher,
        action: 'search.reads',
        purpose: 'criminal_investigation',
        caseNumber: 'P-loud',
        reason: searchBody.reason,
        scope: null,
        criteria: null,
        outcome: 'answered',
        refusal: null,
        total: null,
        readsReturnedFromThisAgency: 0,
        readsWithheldFromThisAgency: 2,
        withheldFromThisAgency: ['SHARING.DENIED_PURPOSE'],
        relation: 'denied_our_data',
      });
      expect(JSON.stringify(items)).not.toContain(loudPlate);
      expect(JSON.stringify(items)).not.toContain(sharer);
    });

    it("shows the owner whose reads were returned its own count only, never the total or the other owners' figures", async () => {
      const items = await trailOf('sharerAdmin');
      const loud = items.find((item) => item.caseNumber === 'P-loud');
      expect(loud).toMatchObject({
        agencyId: searcher, total: null, criteria: null, scope: null, readsReturnedFromThisAgency: 1, readsWithheldFromThisAgency: 0,
        withheldFromThisAgency: null, relation: 'returned_our_data',
      });
      expect(items.map((item) => item.caseNumber).sort()).toEqual(['P-loud', 'P-quiet']);
      expect(JSON.stringify(items)).not.toContain(denier);
    });

    it("shows the searching agency its own users' searches in full", async () => {
      const items = await trailOf('searcherAdmin');
      expect(items.find((item) => item.searchId === searchIds.loud)).toMatchObject({
        scope: 'national', criteria: { plate: loudPlate }, total: 1, relation: 'own_user',
      });
      expect(items.map((item) => item.caseNumber)).toEqual(expect.arrayContaining(['P-quiet', 'P-loud', 'P-expired', 'P-preview', 'P-refused']));
    });
  });

  describe('GET /v1/agencies/{id}/usage-report', () => {
    it('counts as withheld attempts only the searches where the agency held reads matching the criteria', async () => {
      const response = await stack.request('GET', `/v1/agencies/${denier}/usage-report?month=${month}`, { token: token.denierAdmin });
      expect(response.status).toBe(200);
      expect(response.body.searchers).toEqual([
        {
          searcherAgencyId: searcher, searchesReturningOurReads: 0, readsReturned: 0, purposes: [],
          withheldAttempts: 1, withheldReasons: ['SHARING.DENIED_PURPOSE'],
        },
      ]);
    });
  });

  describe('the record of a search', () => {
    it('keeps per withheld owner the number of its reads that matched, and only owners with at least one', async () => {
      const [loud] = (await recordsOf('det.vance@searcher')).filter((record) => record.payload.searchId === searchIds.loud);
      expect(loud.payload).toMatchObject({ total: 1, returnedByOwner: { [sharer]: 1 }, withheldByOwner: { [denier]: 2 } });
      // Agencies of suites sharing this database may be withheld too; they hold none of this run's plates.
      expect(loud.payload.withheldOwners).toContainEqual({ agencyId: denier, reasons: ['SHARING.DENIED_PURPOSE'] });
      const [expired] = (await recordsOf('det.vance@searcher')).filter((record) => record.payload.searchId === searchIds.expired);
      expect(expired.payload.withheldByOwner).toEqual({});
    });

    it('records the criteria of a refused search', async () => {
      const [refused] = await recordsWithCaseNumber('P-refused');
      expect(refused).toMatchObject({ action: 'search.reads', actor_agency_id: searcher });
      expect(refused.payload).toMatchObject({ outcome: 'refused', refusal: 400, reason: 'short', criteria: { plate: loudPlate } });
    });

    it('records an unauthenticated search with a huge reason bounded, with a truncation marker', async () => {
      const caseNumber = `HUGE-${suffix}`;
      const response = await stack.request('POST', '/v1/searches', {
        body: { ...searchBody, caseNumber, plate: loudPlate, reason: 'x'.repeat(200_000), padding: 'y'.repeat(20_000) },
      });
      expect(response.status).toBe(401);
      const [record] = await recordsWithCaseNumber(caseNumber);
      expect(record.size).toBeLessThan(8_000);
      expect(record.payload.reason).toMatch(/^x+…\[truncated, 200000 characters\]$/);
      expect(record.payload.criteria).toEqual({ plate: loudPlate });
    });

    it('records an unauthenticated search holding a 3,000-deep object bounded in size and depth', async () => {
      const caseNumber = `DEEP-${suffix}`;
      const response = await stack.request('POST', '/v1/searches', {
        body: { ...searchBody, caseNumber, reason: nested(3_000), vehicle: nested(3_000), [`k${'z'.repeat(5_000)}`]: nested(3_000) },
      });
      expect(response.status).toBe(401);
      const [record] = await recordsWithCaseNumber(caseNumber);
      expect(record.size).toBeLessThan(8_000);
      expect(depthOf(record.payload)).toBeLessThanOrEqual(8);
    });

    it('records a search whose body is too large for the API, bounded', async () => {
      const userId = `oversized@${suffix}`;
      const response = await stack.request('POST', '/v1/searches', {
        token: await stack.token(searcher, ['investigator'], userId),
        body: { ...searchBody, caseNumber: 'P-oversized', plate: loudPlate, padding: 'z'.repeat(3 * 1024 * 1024) },
      });
      expect(response.status).toBe(413);
      expect(response.body).toMatchObject({ statusCode: 413, error: 'Payload Too Large', message: [expect.any(String)] });
      const records = await recordsOf(userId);
      expect(records).toHaveLength(1);
      expect(records[0]).toMatchObject({ action: 'search.reads', actor_agency_id: searcher, payload: { outcome: 'refused', refusal: 413 } });
      expect(records[0].size).toBeLessThan(8_000);
    });

    it.each([
      ['invalid JSON', '/v1/searches', { 'content-type': 'application/json' }, '{"purpose": "criminal_investigation", ', 400, 'search.reads'],
      ['a text/plain body', '/v1/searches', { 'content-type': 'text/plain' }, 'plate=ABC123', 415, 'search.reads'],
      ['a text/plain body on the preview route', '/v1/searches/preview', { 'content-type': 'text/plain' }, 'plate=ABC123', 415, 'search.preview'],
    ])('records an attempt with %s on POST %s, answered in the one error shape', async (_what, path, headers, rawBody, status, action) => {
      const userId = `${action}-${status}-${randomUUID()}@${suffix}`;
      const response = await stack.request('POST', path, { token: await stack.token(searcher, ['investigator'], userId), headers, rawBody });
      expect(response.status).toBe(status);
      expect(response.body).toMatchObject({ statusCode: status, error: expect.any(String), message: [expect.any(String)] });
      const records = await recordsOf(userId);
      expect(records).toHaveLength(1);
      expect(records[0]).toMatchObject({ action, actor_agency_id: searcher, payload: { outcome: 'refused', refusal: status } });
    });

    it('takes the action from the route, not from a query string that mentions preview', async () => {
      const userId = `query-preview-${randomUUID()}@${suffix}`;
      const response = await stack.request('POST', '/v1/searches?preview=1', {
        token: await stack.token(searcher, ['investigator'], userId),
        body: { ...searchBody, caseNumber: 'P-query', reason: 'short', plate: loudPlate },
      });
      expect(response.status).toBe(400);
      const records = await recordsOf(userId);
      expect(records.map((record) => record.action)).toEqual(['search.reads']);
    });
  });
});
