import { randomUUID } from 'node:crypto';
import { Client } from '@elastic/elasticsearch';
import { EnrichedRead } from '@platekeeper/contract';
import { READS_ELASTIC_CLIENT } from '../apps/search/src/elastic-client.provider';
import { PlatekeeperTestStack } from './support/platekeeper-stack';

jest.setTimeout(240_000);

describe('sharing changes are enforced on the next search, on every search instance', () => {
  const stack = new PlatekeeperTestStack();
  const owner = stack.id('wa-owner-pd');
  const partner = stack.id('or-partner-pd');
  const outsider = stack.id('wa-outsider-so');
  const plate = `SHR${stack.runId.slice(-5).toUpperCase()}`;
  const search = { purpose: 'criminal_investigation', caseNumber: 'CASE-77', reason: 'enforcement check', scope: 'national', plate };
  let platformAdmin: string;
  let ownerAdmin: string;
  let instanceOne: string;
  let instanceTwo: string;

  const read = (agencyId: string, state: string, minutesAgo: number): EnrichedRead => ({
    readId: randomUUID(), cameraId: `${agencyId}-cam`, agencyId, agencyState: state,
    capturedAt: new Date(Date.now() - minutesAgo * 60_000).toISOString(), plate, plateFolded: plate, plateRaw: plate,
    location: { lat: 47.3, lon: -122.2 }, ingestedAt: new Date().toISOString(),
  });

  beforeAll(async () => {
    await stack.start({ searchInstances: 2 });
    await stack.clearJurisdictions(['WA', 'OR']);
    [instanceOne, instanceTwo] = stack.searchUrls;
    await stack.registerAgency({ id: owner, state: 'WA', cameras: [], sharing: { nationalLookup: true } });
    await stack.registerAgency({ id: partner, state: 'OR', cameras: [], sharing: { nationalLookup: true } });
    await stack.registerAgency({ id: outsider, state: 'WA', category: 'sheriff', cameras: [], sharing: { nationalLookup: true } });
    await stack.indexReads([read(owner, 'WA', 5), read(owner, 'WA', 15), read(owner, 'WA', 25)]);
    platformAdmin = await stack.token(stack.id('platform'), ['platform_admin']);
    ownerAdmin = await stack.token(owner, ['agency_admin']);
  });

  afterAll(() => stack.stop());

  async function searchOn(baseUrl: string, agencyId: string, body: Record<string, unknown> = {}) {
    return stack.request('POST', '/v1/searches', { baseUrl, token: await stack.token(agencyId), body: { ...search, ...body } });
  }

  async function patchSharing(baseUrl: string, change: Record<string, unknown>) {
    const response = await stack.request('PATCH', `/v1/agencies/${owner}/sharing`, { baseUrl, token: ownerAdmin, body: change });
    expect(response.status).toBe(200);
  }

  it('obeys each national lookup toggle made on one instance in the very next search on the other', async () => {
    for (let round = 0; round < 5; round++) {
      await patchSharing(instanceOne, { nationalLookup: false });
      const afterOff = await searchOn(instanceTwo, partner);
      expect(afterOff.body).toMatchObject({ total: 0, items: [] });

      await patchSharing(instanceOne, { nationalLookup: true });
      const afterOn = await searchOn(instanceTwo, partner);
      expect(afterOn.body.total).toBe(3);
    }
  });

  /**
   * A search takes the world its instance last loaded without asking PostgreSQL for the version (docs/performance.md);
   * the version is checked when its record is written. Here a change commits after the search's query was answered
   * by Elasticsearch and before its record: the answer of the old world must not be sent nor recorded.
   */
  async function withChangeAfterTheQuery<T>(baseUrl: string, change: () => Promise<void>, act: () => Promise<T>): Promise<T> {
    const instance = stack.searchUrls.indexOf(baseUrl);
    const elastic = stack.searchApp(instance).get<Client>(READS_ELASTIC_CLIENT, { strict: false });
    const search = elastic.search.bind(elastic);
    let changed = false;
    const spy = jest.spyOn(elastic, 'search').mockImplementation((async (params: { size?: number }, options?: unknown) => {
      const answer = await search(params as never, options as never);
      // The search's own query (the probe and the withheld count ask for no hits); only the first.
      if (!changed && (params.size ?? 0) > 0) {
        changed = true;
        await change();
      }
      return answer;
    }) as never);
    try {
      const result = await act();
      expect(changed).toBe(true);
      return result;
    } finally {
      spy.mockRestore();
    }
  }

  async function searchRecordsOf(agencyId: string): Promise<Array<{ search_id: string; outcome: string; total: number; world_version: string }>> {
    return stack.dataSource.query(
      `SELECT payload->>'searchId' AS search_id, payload->>'outcome' AS outcome, (payload->>'total')::int AS total,
              payload->'decisionTrace'->>'worldVersion' AS world_version
         FROM audit_records WHERE action = 'search.reads' AND actor_agency_id = $1 ORDER BY seq`, [agencyId]);
  }

  it('honours a sharing change committed between the search\'s world snapshot and its record: the search runs again in the new world', async () => {
    expect((await searchOn(instanceTwo, partner)).body.total).toBe(3);
    const recordsBefore = (await searchRecordsOf(partner)).length;
    const answer = await withChangeAfterTheQuery(instanceTwo, () => patchSharing(instanceOne, { nationalLookup: false }), () => searchOn(instanceTwo, partner));
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ total: 0, items: [] });
    // One record, of the answer sent, decided in the world the change made.
    const records = (await searchRecordsOf(partner)).slice(recordsBefore);
    const [{ version }] = await stack.dataSource.query('SELECT version::text AS version FROM sharing_world_version WHERE id = 1');
    expect(records).toEqual([{ search_id: answer.body.searchId, outcome: 'answered', total: 0, world_version: version }]);
    await patchSharing(instanceOne, { nationalLookup: true });
    expect((await searchOn(instanceTwo, partner)).body.total).toBe(3);
  });

  it('reloads the sharing world in the background, so the first search after another instance\'s change runs once', async () => {
    expect((await searchOn(instanceTwo, partner)).body.total).toBe(3);
    await patchSharing(instanceOne, { nationalLookup: false });
    // A few of the search service's background reloads (SHARING_WORLD_REFRESH_MS, 250 ms by default).
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const elastic = stack.searchApp(1).get<Client>(READS_ELASTIC_CLIENT, { strict: false });
    const search = elastic.search.bind(elastic);
    let runs = 0;
    // The search's own query asks for hits (the owner probe and the withheld count do not): one per run of the search.
    const spy = jest.spyOn(elastic, 'search').mockImplementation(((params: { size?: number }, options?: unknown) => {
      if ((params.size ?? 0) > 0) runs++;
      return search(params as never, options as never);
    }) as never);
    try {
      expect((await searchOn(instanceTwo, partner)).body).toMatchObject({ total: 0, items: [] });
    } finally {
      spy.mockRestore();
    }
    expect(runs).toBe(1);
    await patchSharing(instanceOne, { nationalLookup: true });
    expect((await searchOn(instanceTwo, partner)).body.total).toBe(3);
  });

  it('refuses a search whose agency was suspended between the search\'s world snapshot and its record, and records no answer', async () => {
    const suspended = stack.id('wa-suspended-pd');
    await stack.registerAgency({ id: suspended, state: 'WA', cameras: [], sharing: { nationalLookup: true } });
    expect((await searchOn(instanceTwo, suspended)).body.total).toBe(3);
    const recordsBefore = (await searchRecordsOf(suspended)).length;
    // Straight in the registry, so no change record moves the chain's head: only the world version says it changed.
    const answer = await withChangeAfterTheQuery(instanceTwo, async () => {
      await stack.dataSource.query(`UPDATE agencies SET status = 'suspended' WHERE id = $1`, [suspended]);
    }, () => searchOn(instanceTwo, suspended));
    expect(answer.status).toBe(403);
    expect(answer.body.items).toBeUndefined();
    // The refusal is recorded (as every refused search is); no answer of the world before the suspension is.
    expect((await searchRecordsOf(suspended)).slice(recordsBefore).map((record) => record.outcome)).toEqual(['refused']);
  });

  it('makes a withheld read indistinguishable from one that does not exist', async () => {
    await patchSharing(instanceOne, { deniedPurposes: ['immigration_enforcement'] });
    const withheld = await searchOn(instanceTwo, partner, { purpose: 'immigration_enforcement' });
    const absent = await searchOn(instanceTwo, partner, { purpose: 'immigration_enforcement', plate: 'NOSUCHPLATE1' });
    const { searchId: _withheldId, ...withheldAnswer } = withheld.body;
    const { searchId: _absentId, ...absentAnswer } = absent.body;
    expect(withheld.status).toBe(absent.status);
    expect(withheldAnswer).toEqual(absentAnswer);
    expect(withheldAnswer).toEqual({ items: [], total: 0, nextCursor: null });
    const page = await searchOn(instanceTwo, partner, { purpose: 'immigration_enforcement', limit: 1 });
    expect(page.body.nextCursor).toBeNull();
    await patchSharing(instanceOne, { deniedPurposes: [] });
  });

  it('gives a permanently denied agency nothing of the denier\'s data on its next search', async () => {
    expect((await searchOn(instanceTwo, outsider)).body.total).toBe(3);
    await patchSharing(instanceOne, { denyAgencies: [outsider] });
    expect((await searchOn(instanceTwo, outsider)).body.total).toBe(0);
    expect((await searchOn(instanceOne, outsider)).body.total).toBe(0);
    expect((await searchOn(instanceTwo, partner)).body.total).toBe(3);
  });

  it('fails a search with 503 and returns no reads when its audit record cannot be written', async () => {
    const unrecordedUser = `${stack.runId}-unrecorded-investigator`;
    const trigger = `${stack.runId.replace(/[^a-z0-9]/g, '')}_refuse_search_audit`;
    // Only this one user's records are refused, so everything else keeps recording.
    await stack.dataSource.query(
      `CREATE TRIGGER ${trigger} BEFORE INSERT ON audit_records FOR EACH ROW
       WHEN (NEW.actor_user_id = '${unrecordedUser}') EXECUTE FUNCTION refuse_audit_rewrite()`,
    );
    try {
      const response = await stack.request('POST', '/v1/searches', {
        baseUrl: instanceTwo, token: await stack.token(partner, ['investigator'], unrecordedUser), body: search,
      });
      expect(response.status).toBe(503);
      expect(response.body).toMatchObject({ statusCode: 503, code: 'AUDIT.UNAVAILABLE' });
      expect(response.body.items).toBeUndefined();
      expect(response.text).not.toContain(plate);
    } finally {
      await stack.dataSource.query(`DROP TRIGGER ${trigger} ON audit_records`);
    }
  });

  it('keeps the audit chain intact while both instances record searches at once', async () => {
    const concurrentSearches = Array.from({ length: 24 }, (_, index) =>
      searchOn(index % 2 === 0 ? instanceOne : instanceTwo, index % 3 === 0 ? owner : partner),
    );
    const answers = await Promise.all(concurrentSearches);
    expect(answers.every((answer) => answer.status === 200)).toBe(true);
    const recorded = await stack.dataSource.query(
      `SELECT count(*)::int AS searches FROM audit_records WHERE payload->>'searchId' = ANY($1)`,
      [answers.map((answer) => answer.body.searchId)],
    );
    expect(recorded[0].searches).toBe(24);
    const verification = await stack.request('GET', '/v1/audit/verify', { token: platformAdmin });
    expect(verification.body).toMatchObject({ valid: true, firstBroken: null });
  });

  it('answers 403 to a revoked agency\'s still-valid tokens at once, on every instance', async () => {
    const before = await searchOn(instanceTwo, partner);
    expect(before.status).toBe(200);
    const revoked = await stack.request('PATCH', `/v1/agencies/${partner}`, { baseUrl: instanceOne, token: platformAdmin, body: { status: 'revoked' } });
    expect(revoked.status).toBe(200);
    for (const baseUrl of [instanceOne, instanceTwo]) {
      const after = await searchOn(baseUrl, partner);
      expect(after.status).toBe(403);
      expect(after.body.items).toBeUndefined();
    }
  });

  it('hides reads older than a state\'s maximum retention as soon as the jurisdiction rule is set', async () => {
    await stack.indexReads([read(owner, 'WA', 60 * 24 * 10)]);
    const ownSearch = () => searchOn(instanceTwo, owner, { scope: 'local' });
    expect((await ownSearch()).body.total).toBe(4);
    const rule = await stack.request('PUT', '/v1/jurisdictions/WA', {
      baseUrl: instanceOne, token: platformAdmin,
      body: { denyOutOfState: false, denyCategories: [], deniedPurposes: [], maxRetentionDays: 7 },
    });
    expect(rule.status).toBe(200);
    expect((await ownSearch()).body.total).toBe(3);
    await stack.request('PUT', '/v1/jurisdictions/WA', {
      baseUrl: instanceOne, token: platformAdmin,
      body: { denyOutOfState: false, denyCategories: [], deniedPurposes: [], maxRetentionDays: null },
    });
  });
});

describe('the retention sweep', () => {
  const stack = new PlatekeeperTestStack();
  const shortLived = stack.id('wa-short-pd');
  const longLived = stack.id('wa-long-pd');
  const plate = `RET${stack.runId.slice(-6).toUpperCase()}`;
  const daysAgo = (days: number) => new Date(Date.now() - days * 86_400_000 - 3_600_000).toISOString();
  const read = (agencyId: string, capturedAt: string): EnrichedRead => ({
    readId: randomUUID(), cameraId: `${agencyId}-cam`, agencyId, agencyState: 'WA', capturedAt, plate, plateFolded: plate,
    plateRaw: plate, location: { lat: 47.3, lon: -122.2 }, ingestedAt: new Date().toISOString(),
  });

  beforeAll(async () => {
    await stack.start();
    await stack.clearJurisdictions(['WA', 'OR']);
    await stack.registerAgency({ id: shortLived, state: 'WA', cameras: [] });
    await stack.registerAgency({ id: longLived, state: 'WA', cameras: [] });
    await stack.dataSource.query(`UPDATE agencies SET retention_days = 3 WHERE id = $1`, [shortLived]);
    await stack.indexReads([
      read(shortLived, daysAgo(1)), read(shortLived, daysAgo(5)), read(longLived, daysAgo(5)), read(longLived, daysAgo(400)),
    ]);
  });

  afterAll(() => stack.stop());

  it('keeps every read stored until the sweep runs', async () => {
    expect(await stack.countStoredReads(plate)).toBe(4);
  });

  it('deletes reads past their owner\'s retention and whole indices past every owner\'s, and keeps the rest', async () => {
    const platformAdmin = await stack.token(stack.id('platform'), ['platform_admin']);
    const sweep = await stack.request('POST', '/v1/retention/sweep', { token: platformAdmin });
    expect(sweep.status).toBe(200);
    expect(sweep.body.deletedIndices).toContain(`${stack.config.READS_INDEX_PREFIX}-${daysAgo(400).slice(0, 7).replace('-', '.')}`);
    expect(sweep.body.deletedReads).toBeGreaterThanOrEqual(1);
    expect(await stack.countStoredReads(plate)).toBe(2);
    for (const [agencyId, expected] of [[shortLived, 1], [longLived, 1]] as const) {
      const answer = await stack.request('POST', '/v1/searches', {
        token: await stack.token(agencyId), body: { purpose: 'other', caseNumber: 'RET-1', reason: 'retention check', plate },
      });
      expect(answer.body.total).toBe(expected);
    }
    const investigator = await stack.token(shortLived);
    const refused = await stack.request('POST', '/v1/retention/sweep', { token: investigator });
    expect(refused.status).toBe(403);
  });
});

describe('the scheduled retention sweep', () => {
  const stack = new PlatekeeperTestStack();
  const shortLived = stack.id('wa-sched-pd');
  const plate = `SCH${stack.runId.slice(-6).toUpperCase()}`;
  const daysAgo = (days: number) => new Date(Date.now() - days * 86_400_000 - 3_600_000).toISOString();
  let startedAt: Date;

  beforeAll(async () => {
    startedAt = new Date();
    // A sweep every 1.2 s, so the test sees scheduled rounds without anyone asking for one.
    await stack.start({ env: { RETENTION_SWEEP_MINUTES: '0.02' } });
    await stack.registerAgency({ id: shortLived, state: 'WA', cameras: [] });
    await stack.dataSource.query(`UPDATE agencies SET retention_days = 3 WHERE id = $1`, [shortLived]);
    await stack.indexReads([{
      readId: randomUUID(), cameraId: `${shortLived}-cam`, agencyId: shortLived, agencyState: 'WA', capturedAt: daysAgo(5), plate,
      plateFolded: plate, plateRaw: plate, location: { lat: 47.3, lon: -122.2 }, ingestedAt: new Date().toISOString(),
    }]);
  });

  afterAll(() => stack.stop());

  it('is recorded in the audit trail like a manual one, with the service as its actor and what it deleted', async () => {
    const deadline = Date.now() + 60_000;
    let recorded: Array<{ actor_user_id: string; actor_agency_id: string; payload: any }> = [];
    while (Date.now() < deadline) {
      recorded = await stack.dataSource.query(
        `SELECT actor_user_id, actor_agency_id, payload FROM audit_records
          WHERE action = 'retention.sweep' AND actor_user_id = '(scheduled)' AND recorded_at >= $1
            AND (payload->'after'->>'deletedReads')::int >= 1`,
        [startedAt],
      );
      if (recorded.length > 0 && (await stack.countStoredReads(plate)) === 0) break;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    expect(await stack.countStoredReads(plate)).toBe(0);
    expect(recorded.length).toBeGreaterThanOrEqual(1);
    expect(recorded[0]).toMatchObject({
      actor_user_id: '(scheduled)', actor_agency_id: '(system)',
      payload: { subject: { type: 'reads', id: 'expired' }, before: null, after: { deletedReads: 1 } },
    });
  });
});
