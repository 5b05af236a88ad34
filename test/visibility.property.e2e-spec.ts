import fc from 'fast-check';
import { randomUUID } from 'node:crypto';
import { DEFAULT_SHARING_POLICY } from '@platekeeper/sharing';
import { EnrichedRead } from '@platekeeper/contract';
import { PlatekeeperTestStack } from './support/platekeeper-stack';
import {
  ReferenceRead, ReferenceSearch, ReferenceWorld, arbitraryRead, arbitrarySearch, arbitraryWorld, referenceIsVisible,
  referenceWithheldMatches,
} from './support/reference-visibility';

jest.setTimeout(900_000);

const RUNS = Number(process.env.PROPERTY_RUNS ?? 300);
// States of this suite alone, so its random jurisdiction rules never reach another suite's agencies.
const STATES = ['XA', 'XB', 'XC'];
// Reads sit at least this far from any retention boundary, so the seconds a case takes cannot flip one.
const BOUNDARY_MARGIN_MS = 45 * 60_000;

/** Gives a generated world ids unique to this case, inside every allow/deny list too. */
function renameWorld(world: ReferenceWorld, prefix: string): ReferenceWorld {
  const rename = (id: string) => `${prefix}${id}`;
  return {
    jurisdictions: world.jurisdictions,
    agencies: world.agencies.map((agency) => ({
      ...agency,
      id: rename(agency.id),
      name: rename(agency.id),
      sharing: { ...agency.sharing, allowAgencies: agency.sharing.allowAgencies.map(rename), denyAgencies: agency.sharing.denyAgencies.map(rename) },
    })),
  };
}

describe('visibility through the real REST API equals an independent reading of CONTRACT §3', () => {
  const stack = new PlatekeeperTestStack();
  const testStartedAt = new Date();
  let caseNumber = 0;

  beforeAll(() => stack.start());
  afterAll(async () => {
    await stack.clearJurisdictions(STATES);
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
      await manager.query(`DELETE FROM jurisdictions WHERE state = ANY($1)`, [STATES]);
      for (const rule of world.jurisdictions) {
        await manager.query(
          `INSERT INTO jurisdictions (state, deny_out_of_state, deny_categories, denied_purposes, max_retention_days) VALUES ($1, $2, $3, $4, $5)`,
          [rule.state, rule.denyOutOfState, rule.denyCategories, rule.deniedPurposes, rule.maxRetentionDays],
        );
      }
    });
  }

  function enriched(read: ReferenceRead, plate: string, world: ReferenceWorld): EnrichedRead {
    const owner = world.agencies.find((agency) => agency.id === read.agencyId)!;
    return {
      readId: randomUUID(), cameraId: `${owner.id}-cam`, agencyId: owner.id, agencyState: owner.state,
      capturedAt: read.capturedAt.toISOString(), plate, plateFolded: plate, plateRaw: plate,
      location: { lat: 47.3, lon: -122.2 }, ingestedAt: new Date().toISOString(),
    };
  }

  it(`returns exactly the reads the reference allows, for ${RUNS} random worlds, policies, reads and searches`, async () => {
    const scenario = arbitraryWorld({ states: STATES }).chain((world) => {
      const ids = world.agencies.map((agency) => agency.id);
      return fc.record({
        world: fc.constant(world),
        reads: fc.array(arbitraryRead(ids, { now: testStartedAt, boundaryMarginMs: BOUNDARY_MARGIN_MS }), { minLength: 1, maxLength: 12 }),
        searches: fc.array(arbitrarySearch(ids), { minLength: 1, maxLength: 4 }),
      });
    });

    await fc.assert(
      fc.asyncProperty(scenario, async ({ world: generatedWorld, reads: generatedReads, searches }) => {
        caseNumber++;
        const prefix = `${stack.runId}-c${caseNumber}-`;
        const world = renameWorld(generatedWorld, prefix);
        const reads = generatedReads.map((read) => ({ ...read, agencyId: `${prefix}${read.agencyId}` }));
        const plate = `P${caseNumber}${stack.runId.slice(-6).toUpperCase()}`.replace(/[^A-Z0-9]/g, '').slice(0, 16);
        await storeWorld(world);
        const documents = reads.map((read) => enriched(read, plate, world));
        await stack.indexReads(documents);

        for (const generatedSearch of searches) {
          const search: ReferenceSearch = { ...generatedSearch, searcherId: `${prefix}${generatedSearch.searcherId}` };
          const searcher = world.agencies.find((agency) => agency.id === search.searcherId)!;
          const response = await stack.request('POST', '/v1/searches', {
            token: await stack.token(search.searcherId),
            body: { purpose: search.purpose, scope: search.scope, caseNumber: `PBT-${caseNumber}`, reason: 'property-based visibility check', plate, limit: 500 },
          });
          if (searcher.status !== 'active') {
            expect(response.status).toBe(403);
            continue;
          }
          const now = new Date();
          const expected = documents
            .filter((_, position) =>
              referenceIsVisible(world.agencies, world.jurisdictions, search.searcherId, search.purpose, search.scope, reads[position], now),
            )
            .map((document) => document.readId)
            .sort();
          expect(response.status).toBe(200);
          expect(response.body.total).toBe(expected.length);
          expect(response.body.items.map((item: { readId: string }) => item.readId).sort()).toEqual(expected);
          // The record names the withheld owners that held matching reads, which is what puts the search in their trail.
          const [record] = await stack.dataSource.query(`SELECT payload->'withheldByOwner' AS withheld FROM audit_records WHERE payload @> $1::jsonb`, [
            { searchId: response.body.searchId },
          ]);
          expect(record.withheld).toEqual(referenceWithheldMatches(world.agencies, world.jurisdictions, search, reads, now));
        }
      }),
      { numRuns: RUNS, endOnFailure: false, verbose: 1 },
    );
  });
});
