import { PlatekeeperTestStack, eventually } from './support/platekeeper-stack';

jest.setTimeout(240_000);

const minutesAgo = (minutes: number) => new Date(Date.now() - minutes * 60_000).toISOString();

interface AuditedSearch {
  seq: string;
  recordedAt: string;
  searchId: string | null;
  userId: string;
  agencyId: string;
  action: string;
  purpose: string | null;
  caseNumber: string | null;
  reason: string | null;
  scope: string | null;
  criteria: Record<string, unknown> | null;
  outcome: string;
  refusal: string | number | null;
  total: number | null;
  readsReturnedFromThisAgency: number;
  readsWithheldFromThisAgency: number;
  withheldFromThisAgency: string[] | null;
  relation: string;
}

describe('accountability on the real engines: every search recorded, reviewed per agency, and a tamper-evident chain', () => {
  const stack = new PlatekeeperTestStack();
  // Auburn shares nationally but denies federal agencies and immigration enforcement; Kent shares nationally;
  // the FBI field office (federal) has national lookup; Salem shares nothing and is unrelated to Auburn.
  const auburn = stack.id('auburn-pd');
  const kent = stack.id('kent-pd');
  const fbi = stack.id('fbi-field-office');
  const salem = stack.id('salem-pd');
  const auburnCamera = stack.id('cam-auburn');
  const kentCamera = stack.id('cam-kent');
  const plate = 'AUD4417';
  const kentDetective = 'det.miller@kent';
  const fbiAgent = 'sa.okafor@fbi';

  const token: Record<string, string> = {};
  const searchIds: Record<string, string> = {};
  let month: string;

  async function searchAs(caller: string, body: Record<string, unknown>) {
    return stack.request('POST', '/v1/searches', {
      token: token[caller],
      body: { purpose: 'stolen_vehicle', reason: 'stolen vehicle report, plate seen near the scene', plate, ...body },
    });
  }

  async function auditedSearches(caller: string, query = ''): Promise<AuditedSearch[]> {
    const response = await stack.request('GET', `/v1/audit/searches?limit=500${query}`, { token: token[caller] });
    expect(response.status).toBe(200);
    return response.body.items;
  }

  const bySearchId = (items: AuditedSearch[], name: string) => items.find((item) => item.searchId === searchIds[name]);
  // Another agency's search shows no searchId (CONTRACT §4): it is found by its case number.
  const byCaseNumber = (items: AuditedSearch[], caseNumber: string) => items.find((item) => item.caseNumber === caseNumber);


  beforeAll(async () => {
    await stack.start();
    const state = await stack.unusedStateCode();
    await stack.registerAgency({
      id: auburn, state, cameras: [auburnCamera],
      sharing: { nationalLookup: true, denyCategories: ['federal'], deniedPurposes: ['immigration_enforcement'] },
    });
    await stack.registerAgency({ id: kent, state, cameras: [kentCamera], sharing: { nationalLookup: true } });
    await stack.registerAgency({ id: fbi, state, category: 'federal', cameras: [], sharing: { nationalLookup: true } });
    await stack.registerAgency({ id: salem, state, cameras: [] });
    token.auburnInvestigator = await stack.token(auburn, ['investigator'], 'det.ruiz@auburn');
    token.auburnAdmin = await stack.token(auburn, ['agency_admin'], 'admin@auburn');
    token.kentInvestigator = await stack.token(kent, ['investigator'], kentDetective);
    token.kentAdmin = await stack.token(kent, ['agency_admin'], 'admin@kent');
    token.fbiInvestigator = await stack.token(fbi, ['investigator'], fbiAgent);
    token.salemInvestigator = await stack.token(salem, ['investigator'], 'det.lee@salem');
    token.platformAdmin = await stack.token(stack.id('platform'), ['platform_admin'], 'ops@platekeeper');

    await stack.produceRaw([
      { cameraId: auburnCamera, capturedAt: minutesAgo(10), plate },
      { cameraId: auburnCamera, capturedAt: minutesAgo(20), plate },
      { cameraId: kentCamera, capturedAt: minutesAgo(5), plate },
    ]);
    // Wait as each owner, locally: those polls are the owners' own searches and never count for another agency.
    await eventually(async () => ((await searchAs('auburnInvestigator', { caseNumber: 'POLL' })).body.total === 2 ? true : undefined),
      90_000, "Auburn's reads to become searchable");
    await eventually(async () => ((await searchAs('kentInvestigator', { caseNumber: 'POLL' })).body.total === 1 ? true : undefined),
      90_000, "Kent's read to become searchable");

    const searches: Array<[string, string, Record<string, unknown>, number]> = [
      ['kentStolen', 'kentInvestigator', { caseNumber: 'K-1', scope: 'national' }, 3],
      ['kentMissing', 'kentInvestigator', { caseNumber: 'K-2', scope: 'national', purpose: 'missing_person', cameraIds: [auburnCamera], limit: 1 }, 2],
      ['fbiCriminal', 'fbiInvestigator', { caseNumber: 'F-1', scope: 'national', purpose: 'criminal_investigation' }, 1],
      ['fbiImmigration', 'fbiInvestigator', { caseNumber: 'F-2', scope: 'national', purpose: 'immigration_enforcement' }, 1],
      ['salemNational', 'salemInvestigator', { caseNumber: 'S-1', scope: 'national' }, 0],
      ['auburnOwn', 'auburnInvestigator', { caseNumber: 'A-1' }, 2],
    ];
    for (const [name, caller, body, expectedTotal] of searches) {
      const response = await searchAs(caller, body);
      expect(response.status).toBe(200);
      expect(response.body.total).toBe(expectedTotal);
      searchIds[name] = response.body.searchId;
    }
    const refused = await searchAs('kentInvestigator', { caseNumber: 'K-REFUSED', reason: 'short', scope: 'national' });
    expect(refused.status).toBe(400);
    month = new Date().toISOString().slice(0, 7);
  });

  afterAll(() => stack.stop());

  describe('GET /v1/audit/searches', () => {
    it("shows Auburn's admin the searches that returned its reads, with how many of its own, as returned_our_data, without their criteria or total", async () => {
      const items = await auditedSearches('auburnAdmin');
      expect(byCaseNumber(items, 'K-1')).toMatchObject({
        searchId: searchIds.kentStolen, userId: kentDetective, agencyId: kent, action: 'search.reads', purpose: 'stolen_vehicle', caseNumber: 'K-1',
        reason: 'stolen vehicle report, plate seen near the scene', scope: null, criteria: null, outcome: 'answered',
        total: null, readsReturnedFromThisAgency: 2, readsWithheldFromThisAgency: 0, withheldFromThisAgency: null, relation: 'returned_our_data',
      });
      expect(byCaseNumber(items, 'K-2')).toMatchObject({
        purpose: 'missing_person', criteria: null, total: null, readsReturnedFromThisAgency: 1, relation: 'returned_our_data',
      });
    });

    it("shows Auburn's admin the searches its deny rules withheld its matching reads from, with how many and the reasons, as denied_our_data", async () => {
      const items = await auditedSearches('auburnAdmin');
      expect(byCaseNumber(items, 'F-1')).toMatchObject({
        userId: fbiAgent, agencyId: fbi, purpose: 'criminal_investigation', total: null, readsReturnedFromThisAgency: 0,
        readsWithheldFromThisAgency: 2, withheldFromThisAgency: ['SHARING.DENIED_CATEGORY'], relation: 'denied_our_data',
      });
      const immigration = byCaseNumber(items, 'F-2');
      expect(immigration).toMatchObject({
        purpose: 'immigration_enforcement', relation: 'denied_our_data', readsReturnedFromThisAgency: 0, readsWithheldFromThisAgency: 2,
      });
      expect([...(immigration?.withheldFromThisAgency ?? [])].sort()).toEqual(['SHARING.DENIED_CATEGORY', 'SHARING.DENIED_PURPOSE']);
    });

    it("shows Auburn's admin its own users' searches as own_user, and nothing unrelated, newest first", async () => {
      const items = await auditedSearches('auburnAdmin');
      expect(bySearchId(items, 'auburnOwn')).toMatchObject({
        userId: 'det.ruiz@auburn', agencyId: auburn, scope: 'local', readsReturnedFromThisAgency: 2, relation: 'own_user',
      });
      expect(items.filter((item) => item.agencyId === auburn).every((item) => item.relation === 'own_user')).toBe(true);
      expect(new Set(items.map((item) => item.agencyId))).toEqual(new Set([auburn, kent, fbi]));
      const kentCaseNumbers = items.filter((item) => item.agencyId === kent).map((item) => item.caseNumber);
      expect(kentCaseNumbers.sort()).toEqual(['K-1', 'K-2']);
      const seqs = items.map((item) => BigInt(item.seq));
      expect(seqs.every((seq, index) => index === 0 || seq < seqs[index - 1])).toBe(true);
    });

    it('records a refused search, with who asked, what they asked and why it was refused, for the searching agency', async () => {
      const items = await auditedSearches('kentAdmin');
      const refused = items.find((item) => item.caseNumber === 'K-REFUSED');
      expect(refused).toMatchObject({
        userId: kentDetective, agencyId: kent, action: 'search.reads', outcome: 'refused', refusal: 400, reason: 'short',
        scope: 'national', criteria: { plate }, total: 0, readsReturnedFromThisAgency: 0, relation: 'own_user',
      });
      expect((await auditedSearches('auburnAdmin')).some((item) => item.caseNumber === 'K-REFUSED')).toBe(false);
    });

    it("shows Kent's admin the FBI searches that returned Kent's reads, and Kent's own searches", async () => {
      const items = await auditedSearches('kentAdmin');
      for (const caseNumber of ['F-1', 'F-2']) {
        expect(byCaseNumber(items, caseNumber)).toMatchObject({
          agencyId: fbi, total: null, readsReturnedFromThisAgency: 1, withheldFromThisAgency: null, relation: 'returned_our_data',
        });
      }
      expect(bySearchId(items, 'kentStolen')).toMatchObject({ relation: 'own_user', readsReturnedFromThisAgency: 1, total: 3 });
      expect(byCaseNumber(items, 'A-1')).toBeUndefined();
      expect(byCaseNumber(items, 'S-1')).toBeUndefined();
    });

    it('pages newest first with an opaque cursor, without repeating or skipping a record', async () => {
      const all = await auditedSearches('auburnAdmin');
      expect(all.length).toBeGreaterThanOrEqual(6);
      const paged: AuditedSearch[] = [];
      let cursor: string | null = null;
      do {
        const query: string = cursor ? `&cursor=${encodeURIComponent(cursor)}` : '';
        const page = await stack.request('GET', `/v1/audit/searches?limit=2${query}`, { token: token.auburnAdmin });
        expect(page.status).toBe(200);
        expect(page.body.items.length).toBeLessThanOrEqual(2);
        paged.push(...page.body.items);
        cursor = page.body.nextCursor;
      } while (cursor);
      expect(paged.map((item) => item.seq)).toEqual(all.map((item) => item.seq));
    });

    it('keeps to the from/to window, both ends inclusive', async () => {
      const all = await auditedSearches('auburnAdmin');
      const [criminal, immigration] = [byCaseNumber(all, 'F-1')!, byCaseNumber(all, 'F-2')!];
      const window = await auditedSearches('auburnAdmin', `&from=${criminal.recordedAt}&to=${immigration.recordedAt}`);
      expect(window.map((item) => item.caseNumber)).toEqual(['F-2', 'F-1']);
      const future = await auditedSearches('auburnAdmin', `&from=${new Date(Date.now() + 60_000).toISOString()}`);
      expect(future).toEqual([]);
    });

    it('lets a platform_admin review any agency with agencyId=, and answers 404 for an agency that does not exist', async () => {
      const asAuburn = await auditedSearches('auburnAdmin');
      const asPlatform = await auditedSearches('platformAdmin', `&agencyId=${auburn}`);
      expect(asPlatform.map((item) => item.seq)).toEqual(asAuburn.map((item) => item.seq));
      const missing = await stack.request('GET', `/v1/audit/searches?agencyId=${stack.id('nowhere')}`, { token: token.platformAdmin });
      expect(missing.status).toBe(404);
    });

    it.each([
      ['an unknown parameter', '?agency=everyone', 'agency'],
      ['a limit above 500', '?limit=501', 'limit'],
      ['a limit of 0', '?limit=0', 'limit'],
      ['a from that is not a date', '?from=yesterday', 'from'],
      ['from after to', '?from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z', 'from'],
      ['a cursor it did not issue', '?cursor=bm90LWEtY3Vyc29y', 'cursor'],
    ])('answers 400 naming the field for %s', async (_what, query, field) => {
      const response = await stack.request('GET', `/v1/audit/searches${query}`, { token: token.auburnAdmin });
      expect(response.status).toBe(400);
      expect(response.body).toMatchObject({ statusCode: 400, error: 'Bad Request' });
      expect(response.body.message.join(' ')).toContain(field);
    });
  });

  describe('GET /v1/agencies/{id}/usage-report', () => {
    it("counts, per other agency, the searches and reads that returned Auburn's data and the attempts Auburn withheld", async () => {
      const response = await stack.request('GET', `/v1/agencies/${auburn}/usage-report?month=${month}`, { token: token.auburnAdmin });
      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({ agencyId: auburn, month });
      expect(Date.parse(response.body.generatedAt)).not.toBeNaN();
      expect(response.body.searchers).toEqual([
        {
          searcherAgencyId: fbi, searchesReturningOurReads: 0, readsReturned: 0, purposes: [],
          withheldAttempts: 2, withheldReasons: ['SHARING.DENIED_CATEGORY', 'SHARING.DENIED_PURPOSE'],
        },
        {
          searcherAgencyId: kent, searchesReturningOurReads: 2, readsReturned: 3, purposes: ['missing_person', 'stolen_vehicle'],
          withheldAttempts: 0, withheldReasons: [],
        },
      ]);
    });

    it("counts for Kent the FBI searches that returned Kent's reads, and lets a platform_admin read it", async () => {
      const response = await stack.request('GET', `/v1/agencies/${kent}/usage-report?month=${month}`, { token: token.platformAdmin });
      expect(response.status).toBe(200);
      expect(response.body.searchers).toEqual([
        {
          searcherAgencyId: fbi, searchesReturningOurReads: 2, readsReturned: 2,
          purposes: ['criminal_investigation', 'immigration_enforcement'], withheldAttempts: 0, withheldReasons: [],
        },
      ]);
    });

    it('reports nobody for a month before any search', async () => {
      const response = await stack.request('GET', `/v1/agencies/${auburn}/usage-report?month=2020-01`, { token: token.auburnAdmin });
      expect(response.status).toBe(200);
      expect(response.body.searchers).toEqual([]);
    });

    it('answers the same numbers as CSV with format=csv', async () => {
      const response = await stack.request('GET', `/v1/agencies/${auburn}/usage-report?month=${month}&format=csv`, { token: token.auburnAdmin });
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toMatch(/^text\/csv/);
      expect(response.text.trimEnd().split(/\r?\n/)).toEqual([
        'searcher_agency_id,searches_returning_our_reads,reads_returned,purposes,withheld_attempts,withheld_reasons',
        `${fbi},0,0,,2,SHARING.DENIED_CATEGORY;SHARING.DENIED_PURPOSE`,
        `${kent},2,3,missing_person;stolen_vehicle,0,`,
      ]);
    });

    it.each([
      ['a month past 12', 'month=2026-13', 'month'],
      ['a month that is not YYYY-MM', 'month=March', 'month'],
      ['no month', '', 'month'],
      ['an unknown format', `month=2026-03&format=xml`, 'format'],
    ])('answers 400 naming the field for %s', async (_what, query, field) => {
      const response = await stack.request('GET', `/v1/agencies/${auburn}/usage-report?${query}`, { token: token.auburnAdmin });
      expect(response.status).toBe(400);
      expect(response.body.message.join(' ')).toContain(field);
    });
  });

  describe('who may read the audit', () => {
    it('answers 403 to an investigator on every audit endpoint', async () => {
      for (const path of ['/v1/audit/verify', '/v1/audit/searches', `/v1/agencies/${auburn}/usage-report?month=${month}`]) {
        const response = await stack.request('GET', path, { token: token.auburnInvestigator });
        expect({ path, status: response.status }).toEqual({ path, status: 403 });
      }
    });

    it("answers 403 to another agency's admin asking for Auburn's usage report or search trail", async () => {
      const report = await stack.request('GET', `/v1/agencies/${auburn}/usage-report?month=${month}`, { token: token.kentAdmin });
      expect(report.status).toBe(403);
      const trail = await stack.request('GET', `/v1/audit/searches?agencyId=${auburn}`, { token: token.kentAdmin });
      expect(trail.status).toBe(403);
    });

    it('answers 403 to an agency_admin and 401 to no token on /v1/audit/verify', async () => {
      expect((await stack.request('GET', '/v1/audit/verify', { token: token.auburnAdmin })).status).toBe(403);
      expect((await stack.request('GET', '/v1/audit/verify')).status).toBe(401);
    });
  });

  it('describes the audit endpoints in the OpenAPI document', async () => {
    const docs = await stack.request('GET', '/docs-json');
    expect(docs.status).toBe(200);
    expect(Object.keys(docs.body.paths)).toEqual(
      expect.arrayContaining(['/v1/audit/verify', '/v1/audit/searches', '/v1/agencies/{id}/usage-report']),
    );
  });

  describe('GET /v1/audit/verify', () => {
    const setPayload = (seq: string, payloadSql: string, params: unknown[]) =>
      // What an attacker with database access would do: switch off the append-only trigger, rewrite, switch it back on.
      stack.dataSource.transaction(async (manager) => {
        await manager.query('ALTER TABLE audit_records DISABLE TRIGGER audit_records_append_only');
        await manager.query(`UPDATE audit_records SET payload = ${payloadSql} WHERE seq = $1`, [seq, ...params]);
        await manager.query('ALTER TABLE audit_records ENABLE TRIGGER audit_records_append_only');
      });

    it('finds the chain intact, names the one record rewritten behind the trigger, and is intact again once it is restored', async () => {
      const intact = await stack.request('GET', '/v1/audit/verify', { token: token.platformAdmin });
      expect(intact.status).toBe(200);
      expect(intact.body).toEqual({ valid: true, checked: expect.any(Number), firstBroken: null });

      const { seq } = byCaseNumber(await auditedSearches('auburnAdmin'), 'F-1')!;
      await expect(stack.dataSource.query('UPDATE audit_records SET payload = payload WHERE seq = $1', [seq])).rejects.toThrow(/append-only/);
      const [{ payload: originalPayload }] = await stack.dataSource.query('SELECT payload::text AS payload FROM audit_records WHERE seq = $1', [seq]);

      await setPayload(seq, `jsonb_set(payload, '{caseNumber}', '"NOTHING-TO-SEE"')`, []);
      try {
        const tampered = await stack.request('GET', '/v1/audit/verify', { token: token.platformAdmin });
        expect(tampered.status).toBe(200);
        expect(tampered.body).toMatchObject({ valid: false, firstBroken: { seq, problem: expect.stringMatching(/hash/) } });
      } finally {
        // The chain is shared by every suite on this database: put the record back exactly as it was.
        await setPayload(seq, '$2::jsonb', [originalPayload]);
      }

      const restored = await stack.request('GET', '/v1/audit/verify', { token: token.platformAdmin });
      expect(restored.body).toMatchObject({ valid: true, firstBroken: null });
      expect(restored.body.checked).toBeGreaterThanOrEqual(intact.body.checked);
    });

    /** The whole row as text, so it can be put back byte for byte. */
    const COLUMNS = 'seq, recorded_at, kind, action, actor_user_id, actor_agency_id, payload, prev_hash, hash';
    const savedRow = async (seq: string): Promise<string[]> => {
      const [row] = await stack.dataSource.query(
        `SELECT seq::text, recorded_at::text, kind, action, actor_user_id, actor_agency_id, payload::text, prev_hash, hash
           FROM audit_records WHERE seq = $1`,
        [seq],
      );
      return Object.values(row) as string[];
    };
    const behindTheTrigger = (work: (query: (sql: string, params?: unknown[]) => Promise<unknown>) => Promise<void>) =>
      stack.dataSource.transaction(async (manager) => {
        await manager.query('ALTER TABLE audit_records DISABLE TRIGGER audit_records_append_only');
        await work((sql, params) => manager.query(sql, params));
        await manager.query('ALTER TABLE audit_records ENABLE TRIGGER audit_records_append_only');
      });
    const verify = async () => (await stack.request('GET', '/v1/audit/verify', { token: token.platformAdmin })).body;
    const recordAfter = async (seq: string): Promise<string> =>
      (await stack.dataSource.query('SELECT min(seq)::text AS next FROM audit_records WHERE seq > $1', [seq]))[0].next;

    it('names the record after a middle record deleted behind the trigger, and is intact again once it is put back', async () => {
      const { seq } = bySearchId(await auditedSearches('auburnAdmin'), 'kentMissing')!;
      const next = await recordAfter(seq);
      expect(next).not.toBeNull();
      const row = await savedRow(seq);
      await behindTheTrigger(async (query) => void (await query('DELETE FROM audit_records WHERE seq = $1', [seq])));
      try {
        expect(await verify()).toMatchObject({ valid: false, firstBroken: { seq: next, problem: expect.stringMatching(/link/) } });
      } finally {
        await stack.dataSource.query(
          `INSERT INTO audit_records (${COLUMNS}) VALUES ($1::bigint, $2::timestamptz, $3, $4, $5, $6, $7::jsonb, $8, $9)`,
          row,
        );
      }
      expect(await verify()).toMatchObject({ valid: true, firstBroken: null });
    });

    it('names the first of two middle records swapped behind the trigger, and is intact again once they are swapped back', async () => {
      const { seq } = bySearchId(await auditedSearches('auburnAdmin'), 'fbiImmigration')!;
      const next = await recordAfter(seq);
      expect(next).not.toBeNull();
      const swap = () =>
        behindTheTrigger(async (query) => {
          await query('UPDATE audit_records SET seq = -1 WHERE seq = $1', [seq]);
          await query('UPDATE audit_records SET seq = $1 WHERE seq = $2', [seq, next]);
          await query('UPDATE audit_records SET seq = $1 WHERE seq = -1', [next]);
        });
      await swap();
      try {
        expect(await verify()).toMatchObject({ valid: false, firstBroken: { seq, problem: expect.stringMatching(/link/) } });
      } finally {
        await swap();
      }
      expect(await verify()).toMatchObject({ valid: true, firstBroken: null });
    });
  });
});
