import fc from 'fast-check';
import { Client } from '@elastic/elasticsearch';
import { randomUUID } from 'node:crypto';
import { DEFAULT_SHARING_POLICY } from '@platekeeper/sharing';
import { EnrichedRead, enrichRead } from '@platekeeper/contract';
import { createElasticClient, ensureReadsIndexTemplate, readsIndexLayout, readsIndexName, toReadDocument } from '@platekeeper/elastic';
import { PlatekeeperTestStack } from './support/platekeeper-stack';
import {
  ReferenceCoverage, ReferenceRead, ReferenceScenario, ReferenceSearch, ReferenceWorld, addCoverage, arbitraryScenario,
  emptyCoverage, referenceEffectiveAccess, referencePreview, referenceSearch, referenceWithheldOwners,
} from './support/reference-visibility';

/** A positive whole number from the environment, or the default; 0, negatives and words are refused, not run. */
function positiveSetting(name: string, fallback: number): number {
  const text = process.env[name];
  if (text === undefined || text === '') return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a whole number of at least 1, got "${text}"`);
  return value;
}

const RUNS = positiveSetting('PROPERTY_RUNS', 100);
const TIME_LIMIT_MS = positiveSetting('PROPERTY_TIME_LIMIT_SECONDS', 600) * 1000;
const SEED = process.env.PROPERTY_SEED === undefined ? Date.now() % 2 ** 31 : Number(process.env.PROPERTY_SEED);
const AUDIT_RUNS = Math.max(1, Math.ceil(RUNS / 5));

jest.setTimeout(TIME_LIMIT_MS * 2 + 120_000);

// States of this suite alone, so its random jurisdiction rules never reach another suite's agencies.
const STATES = ['XA', 'XB', 'XC'];
// Reads sit at least this far from any retention boundary, so the seconds a case takes cannot flip one.
const BOUNDARY_MARGIN_MS = 45 * 60_000;

/**
 * Floors on what a run must have exercised, per case. They sit at about half the lowest count 200 simulated runs
 * of 100 cases gave (test/support/reference-visibility.ts generates; docs/testing.md has the figures), so a
 * generator that stops producing cross-agency hits, or stops letting a deny rule decide a read, fails the run
 * instead of passing it by proving nothing. Enforced from FLOORS_FROM_RUNS cases (the default run) up.
 */
const FLOORS_FROM_RUNS = 100;
const MINIMUM_PER_CASE = {
  crossAgencyHits: 0.8,
  searchesWithReads: 0.9,
  pagesFollowed: 0.6,
  decidedBy: {
    denyAgencies: 0.08,
    denyCategories: 0.08,
    stateDenyCategories: 0.08,
    deniedPurposes: 0.08,
    stateDeniedPurposes: 0.08,
    stateDenyOutOfState: 0.08,
    stateRetention: 0.08,
    ownerActive: 0.08,
    offenseLevel: 0.1,
    legalReferenceAge: 0.2,
    noDeclaration: 0.2,
  },
  byMatchKind: { exact: 0.4, partial: 0.12, fuzzy: 0.1, fuzzyLookAlikeOnly: 0.1, vehicle: 0.01 },
};

/** Gives a generated world ids unique to this case, inside every allow/deny list and camera too. */
function renameScenario(scenario: ReferenceScenario, prefix: string): ReferenceScenario {
  const rename = (id: string) => `${prefix}${id}`;
  const world: ReferenceWorld = {
    jurisdictions: scenario.world.jurisdictions,
    agencies: scenario.world.agencies.map((agency) => ({
      ...agency,
      id: rename(agency.id),
      name: rename(agency.id),
      sharing: { ...agency.sharing, allowAgencies: agency.sharing.allowAgencies.map(rename), denyAgencies: agency.sharing.denyAgencies.map(rename) },
    })),
    cameras: (scenario.world.cameras ?? []).map((camera) => ({ id: rename(camera.id), agencyId: rename(camera.agencyId) })),
    declarations: (scenario.world.declarations ?? []).map((declaration) => ({
      ...declaration, ownerAgencyId: rename(declaration.ownerAgencyId), searcherAgencyId: rename(declaration.searcherAgencyId),
    })),
  };
  return {
    world,
    reads: scenario.reads.map((read) => ({ ...read, agencyId: rename(read.agencyId), cameraId: rename(read.cameraId!), readId: randomUUID() })),
    searches: scenario.searches.map((search) => ({
      ...search,
      searcherId: rename(search.searcherId),
      criteria: search.criteria && {
        ...search.criteria,
        ...(search.criteria.cameraIds && { cameraIds: search.criteria.cameraIds.map(rename) }),
      },
    })),
    effectiveAccessOwnerId: rename(scenario.effectiveAccessOwnerId),
  };
}

const sorted = <T>(values: T[]) => [...values].sort();

describe('visibility through the real REST API equals an independent reading of CONTRACT §3 and §4', () => {
  const stack = new PlatekeeperTestStack();
  const testStartedAt = new Date();
  let elastic: Client;
  let platformAdmin: string;
  let caseNumber = 0;

  beforeAll(async () => {
    await stack.start();
    elastic = createElasticClient(stack.config);
    await ensureReadsIndexTemplate(elastic, stack.config.READS_INDEX_PREFIX, readsIndexLayout(stack.config));
    // A rerun on the same database starts with nobody from an earlier run still sharing in these states.
    await stack.dataSource.query(`UPDATE agencies SET status = 'suspended' WHERE state = ANY($1)`, [STATES]);
    platformAdmin = await stack.token(stack.id('platform'), ['platform_admin']);
    console.log(`visibility property test: seed ${SEED}, ${RUNS} cases (PROPERTY_SEED, PROPERTY_RUNS to repeat)`);
  });
  afterAll(async () => {
    await stack.clearJurisdictions(STATES);
    await elastic?.close();
    await stack.stop();
  });

  async function storeWorld(world: ReferenceWorld): Promise<void> {
    await stack.dataSource.transaction(async (manager) => {
      for (const agency of world.agencies) {
        await manager.query(
          `INSERT INTO agencies (id, name, state, category, status, retention_days, sharing) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
          [agency.id, agency.name, agency.state, agency.category, agency.status, agency.retentionDays, { ...DEFAULT_SHARING_POLICY, ...agency.sharing }],
        );
      }
      for (const camera of world.cameras ?? []) {
        await manager.query(`INSERT INTO cameras (id, agency_id, name, lat, lon) VALUES ($1, $2, $1, 47.3, -122.2)`, [camera.id, camera.agencyId]);
      }
      await manager.query(`DELETE FROM jurisdictions WHERE state = ANY($1)`, [STATES]);
      for (const rule of world.jurisdictions) {
        await manager.query(
          `INSERT INTO jurisdictions (state, deny_out_of_state, deny_categories, denied_purposes, max_retention_days,
             legal_reference_after_hours, minimum_offense_levels, declaration_required_for) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
          [
            rule.state, rule.denyOutOfState, rule.denyCategories, rule.deniedPurposes, rule.maxRetentionDays,
            rule.legalReferenceAfterHours ?? null, rule.minimumOffenseLevels ?? {}, rule.declarationRequiredFor ?? [],
          ],
        );
      }
      for (const declaration of world.declarations ?? []) {
        await manager.query(
          `INSERT INTO searcher_declarations (id, owner_agency_id, searcher_agency_id, document_ref, signer, purposes, expires_at, filed_by)
           VALUES ($1, $2, $3, 'doc://property', 'property test', $4, $5, 'property-test')`,
          [randomUUID(), declaration.ownerAgencyId, declaration.searcherAgencyId, declaration.purposes, declaration.expiresAt.toISOString()],
        );
      }
    });
  }

  /** Once a case is over, its agencies stop sharing (condition 1), so its reads never reach a later case's search. */
  async function retireWorld(world: ReferenceWorld): Promise<void> {
    await stack.dataSource.query(`UPDATE agencies SET status = 'suspended' WHERE id = ANY($1)`, [world.agencies.map((agency) => agency.id)]);
  }

  /**
   * Indexes the reads as ingest would enrich them from the camera registry, every other one as the indexer stores it
   * now (with plate grams) and the rest as it stored reads before grams existed, so partial plates are checked both ways.
   */
  async function indexReads(world: ReferenceWorld, reads: ReferenceRead[]): Promise<void> {
    const documents: EnrichedRead[] = reads.map((read) => {
      const owner = world.agencies.find((agency) => agency.id === read.agencyId)!;
      return enrichRead(
        { readId: read.readId, cameraId: read.cameraId!, capturedAt: read.capturedAt.toISOString(), plate: read.plate!, vehicle: read.vehicle },
        { cameraId: read.cameraId!, ownerAgencyId: owner.id, ownerState: owner.state, lat: 47.3, lon: -122.2 },
        new Date(),
      );
    });
    const response = await elastic.bulk({
      refresh: true,
      operations: documents.flatMap((document, position) => [
        { index: { _index: readsIndexName(stack.config.READS_INDEX_PREFIX, document.capturedAt), _id: document.readId } },
        position % 2 === 0 ? toReadDocument(document) : document,
      ]),
    });
    if (response.errors) throw new Error(`bulk indexing failed: ${JSON.stringify(response.items.find((item) => item.index?.error))}`);
  }

  function searchBody(search: ReferenceSearch, limit?: number) {
    return {
      purpose: search.purpose, scope: search.scope, caseNumber: `PBT-${caseNumber}`, reason: 'property-based visibility check',
      ...(search.offenseLevel !== undefined && { offenseLevel: search.offenseLevel }),
      ...(search.legalReference !== undefined && { legalReference: search.legalReference }),
      ...search.criteria, ...(limit !== undefined && { limit }),
    };
  }

  /** Follows every page of a search; returns the readIds joined and the number of requests that carried a cursor. */
  async function everyPage(token: string, search: ReferenceSearch & { limit: number }, expectedTotal: number) {
    const readIds: string[] = [];
    const searchIds: string[] = [];
    let cursor: string | null = null;
    let followed = 0;
    const maximumPages = Math.ceil(expectedTotal / search.limit) + 1;
    for (let page = 0; page < maximumPages + 1; page++) {
      const response = await stack.request('POST', '/v1/searches', {
        token, body: { ...searchBody(search, search.limit), ...(cursor !== null && { cursor }) },
      });
      // A refusal names its code (an engine timeout on a loaded machine reads differently from a refusal of the search).
      expect({ page, status: response.status, code: response.body?.code }).toEqual({ page, status: 200, code: undefined });
      expect({ page, total: response.body.total }).toEqual({ page, total: expectedTotal });
      expect(response.body.items.length).toBeLessThanOrEqual(search.limit);
      readIds.push(...response.body.items.map((item: { readId: string }) => item.readId));
      searchIds.push(response.body.searchId);
      if (cursor !== null) followed++;
      cursor = response.body.nextCursor;
      if (cursor === null) return { readIds, searchIds, followed };
    }
    throw new Error(`still handing out cursors after ${maximumPages + 1} pages of ${search.limit} for ${expectedTotal} reads`);
  }

  async function checkPreview(token: string, world: ReferenceWorld, search: ReferenceSearch, prefix: string): Promise<void> {
    const response = await stack.request('POST', '/v1/searches/preview', { token, body: searchBody(search) });
    expect(response.status).toBe(200);
    const expected = referencePreview(world, search, new Date());
    // Agencies of other suites may share nationally with anyone; this case's own world is compared exactly.
    expect(sorted((response.body.agencyIds as string[]).filter((id) => id.startsWith(prefix)))).toEqual(expected.agencyIds);
    if (search.scope !== 'national' || search.criteria?.cameraIds !== undefined) {
      expect({ agencies: response.body.agencies, cameras: response.body.cameras }).toEqual({ agencies: expected.agencyIds.length, cameras: expected.cameras });
    }
  }

  async function checkEffectiveAccess(world: ReferenceWorld, ownerId: string, prefix: string): Promise<void> {
    const response = await stack.request('GET', `/v1/agencies/${ownerId}/effective-access`, { token: platformAdmin });
    expect(response.status).toBe(200);
    const expected = referenceEffectiveAccess(world, ownerId, new Date());
    expect({
      ownerActive: response.body.ownerActive,
      effectiveRetentionDays: response.body.effectiveRetentionDays,
      deniedPurposesForAll: sorted(response.body.deniedPurposesForAll),
      grants: (response.body.grants as Array<{ agencyId: string; rules: string[]; deniedPurposes: string[] }>)
        .filter((grant) => grant.agencyId.startsWith(prefix))
        .map((grant) => ({ agencyId: grant.agencyId, rules: grant.rules, deniedPurposes: sorted(grant.deniedPurposes) })),
    }).toEqual(expected);
  }

  const scenarios = arbitraryScenario({ states: STATES, now: testStartedAt, boundaryMarginMs: BOUNDARY_MARGIN_MS });

  it(`answers searches (every page), previews and effective access exactly as the reference, for ${RUNS} random worlds`, async () => {
    const coverage: ReferenceCoverage & { pagesFollowed: number } = { ...emptyCoverage(), pagesFollowed: 0 };
    const started = Date.now();

    await fc.assert(
      fc.asyncProperty(scenarios, async (generated) => {
        caseNumber++;
        const prefix = `${stack.runId}-c${caseNumber}-`;
        const scenario = renameScenario(generated, prefix);
        const { world, reads } = scenario;
        await storeWorld(world);
        try {
          await indexReads(world, reads);
          // Searches of one case are independent: they run side by side, each following its pages in order.
          const followed = await Promise.all(
            scenario.searches.map(async (search) => {
              const searcher = world.agencies.find((agency) => agency.id === search.searcherId)!;
              const token = await stack.token(search.searcherId);
              if (searcher.status !== 'active') {
                expect((await stack.request('POST', '/v1/searches', { token, body: searchBody(search) })).status).toBe(403);
                expect((await stack.request('POST', '/v1/searches/preview', { token, body: searchBody(search) })).status).toBe(403);
                return 0;
              }
              const expected = referenceSearch(world, search, reads, new Date()).map((read) => read.readId);
              const pages = await everyPage(token, search, expected.length);
              expect(pages.readIds).toEqual(expected);
              await checkPreview(token, world, search, prefix);
              return pages.followed;
            }),
          );
          coverage.pagesFollowed += followed.reduce((sum, count) => sum + count, 0);
          await checkEffectiveAccess(world, scenario.effectiveAccessOwnerId, prefix);
          addCoverage(coverage, scenario, new Date());
        } finally {
          await retireWorld(world);
        }
      }),
      { numRuns: RUNS, seed: SEED, endOnFailure: false, verbose: 1, interruptAfterTimeLimit: TIME_LIMIT_MS, markInterruptAsFailure: true },
    );

    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    console.log(`visibility property test: ${RUNS} cases in ${seconds} s, seed ${SEED}; coverage ${JSON.stringify(coverage)}`);
    const floor = (perCase: number) => Math.floor(perCase * RUNS);
    const achieved = {
      crossAgencyHits: coverage.crossAgencyHits,
      pagesFollowed: coverage.pagesFollowed,
      searchesWithReads: coverage.searchesWithReads,
      decidedBy: Object.fromEntries(Object.keys(MINIMUM_PER_CASE.decidedBy).map((name) => [name, coverage.decidedBy[name] ?? 0])),
      byMatchKind: Object.fromEntries(Object.keys(MINIMUM_PER_CASE.byMatchKind).map((name) => [name, coverage.byMatchKind[name] ?? 0])),
    };
    const shortfalls: string[] = [];
    const check = (name: string, value: number, perCase: number) => {
      if (value < floor(perCase)) shortfalls.push(`${name}: ${value} < ${floor(perCase)}`);
    };
    check('crossAgencyHits', achieved.crossAgencyHits, MINIMUM_PER_CASE.crossAgencyHits);
    check('pagesFollowed', achieved.pagesFollowed, MINIMUM_PER_CASE.pagesFollowed);
    check('searchesWithReads', achieved.searchesWithReads, MINIMUM_PER_CASE.searchesWithReads);
    for (const [name, perCase] of Object.entries(MINIMUM_PER_CASE.decidedBy)) check(`decidedBy.${name}`, achieved.decidedBy[name], perCase);
    for (const [name, perCase] of Object.entries(MINIMUM_PER_CASE.byMatchKind)) check(`byMatchKind.${name}`, achieved.byMatchKind[name], perCase);
    if (RUNS < FLOORS_FROM_RUNS) {
      // Fewer cases vary too much for a floor to mean anything; the counts are printed above all the same.
      if (shortfalls.length > 0) console.log(`coverage below the floors (enforced from ${FLOORS_FROM_RUNS} cases): ${shortfalls.join('; ')}`);
      return;
    }
    expect({ seed: SEED, shortfalls }).toEqual({ seed: SEED, shortfalls: [] });
  });

  /**
   * CONTRACT §4 as corrected: an owner withheld by a deny rule appears in its audit listing only where it held
   * reads matching the search's criteria within its retention. Kept apart from the test above: it runs fewer worlds,
   * each followed by a read of every owner's audit listing.
   */
  it(`lists in each owner's audit exactly the searches that returned its reads or withheld matching ones (corrected §4), for ${AUDIT_RUNS} random worlds`, async () => {
    await fc.assert(
      fc.asyncProperty(scenarios, async (generated) => {
        caseNumber++;
        const prefix = `${stack.runId}-c${caseNumber}-`;
        const scenario = renameScenario(generated, prefix);
        const { world, reads } = scenario;
        const caseStartedAt = new Date(Date.now() - 1000).toISOString();
        await storeWorld(world);
        try {
          await indexReads(world, reads);
          const answered: Array<{ searchId: string; search: ReferenceSearch; returned: ReferenceRead[]; now: Date }> = [];
          for (const search of scenario.searches) {
            if (world.agencies.find((agency) => agency.id === search.searcherId)!.status !== 'active') continue;
            const now = new Date();
            const response = await stack.request('POST', '/v1/searches', { token: await stack.token(search.searcherId), body: searchBody(search, 500) });
            expect(response.status).toBe(200);
            answered.push({ searchId: response.body.searchId, search, returned: referenceSearch(world, search, reads, now), now });
          }
          for (const owner of world.agencies) {
            const listing = await stack.request('GET', `/v1/audit/searches?agencyId=${owner.id}&from=${caseStartedAt}&limit=500`, { token: platformAdmin });
            expect(listing.status).toBe(200);
            const bySearchId = new Map<string, any>(listing.body.items.map((item: { searchId: string }) => [item.searchId, item]));
            for (const { searchId, search, returned, now } of answered) {
              const returnedHere = returned.filter((read) => read.agencyId === owner.id).length;
              const withheld = referenceWithheldOwners(world, search, reads, now).find((entry) => entry.agencyId === owner.id);
              const item = bySearchId.get(searchId);
              const seen = item === undefined
                ? null
                : { relation: item.relation, readsReturnedFromThisAgency: item.readsReturnedFromThisAgency, withheld: item.withheldFromThisAgency && sorted(item.withheldFromThisAgency) };
              const expected = search.searcherId === owner.id
                ? { relation: 'own_user', readsReturnedFromThisAgency: returnedHere, withheld: null }
                : returnedHere > 0
                  ? { relation: 'returned_our_data', readsReturnedFromThisAgency: returnedHere, withheld: null }
                  : withheld !== undefined
                    ? { relation: 'denied_our_data', readsReturnedFromThisAgency: 0, withheld: sorted(withheld.reasons) }
                    : null;
              expect({ owner: owner.id, search: searchId, listed: seen }).toEqual({ owner: owner.id, search: searchId, listed: expected });
            }
          }
        } finally {
          await retireWorld(world);
        }
      }),
      { numRuns: AUDIT_RUNS, seed: SEED + 1, endOnFailure: true, verbose: 1, interruptAfterTimeLimit: TIME_LIMIT_MS, markInterruptAsFailure: true },
    );
  });
});
