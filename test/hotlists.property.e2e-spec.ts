import fc from 'fast-check';
import { randomUUID } from 'node:crypto';
import { Producer } from 'kafkajs';
import { EnrichedRead, enrichRead, foldPlateLookAlikes } from '@platekeeper/contract';
import { createKafka, createProducer } from '@platekeeper/kafka';
import { DEFAULT_SHARING_POLICY, LegalBasisRules } from '@platekeeper/sharing';
import { PlatekeeperTestStack, eventually } from './support/platekeeper-stack';
import { ReferenceEntry, arbitraryHotlistScenario, referenceAlerts, referenceWithheldMatches } from './support/reference-alerts';
import { ReferenceRead, ReferenceScenario, ReferenceWorld } from './support/reference-visibility';

function positiveSetting(name: string, fallback: number): number {
  const text = process.env[name];
  if (text === undefined || text === '') return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a whole number of at least 1, got "${text}"`);
  return value;
}

/** A third of the visibility property's cases: each one goes through Kafka and the alerts service. */
const RUNS = Math.max(1, Math.ceil(positiveSetting('PROPERTY_RUNS', 100) / 3));
const TIME_LIMIT_MS = positiveSetting('PROPERTY_TIME_LIMIT_SECONDS', 600) * 1000;
const SEED = process.env.PROPERTY_SEED === undefined ? Date.now() % 2 ** 31 : Number(process.env.PROPERTY_SEED);
/** Below this many cases the coverage floors are printed, not enforced (as in the visibility property test). */
const FLOORS_FROM_RUNS = 30;

jest.setTimeout(TIME_LIMIT_MS * 2 + 120_000);

// States of this suite alone, so its random jurisdiction rules never reach another suite's agencies.
const STATES = ['XH', 'XJ', 'XK'];
const MARKER_STATE = 'XM';
const BOUNDARY_MARGIN_MS = 45 * 60_000;

/**
 * The visibility property's worlds without their legal-basis rules and declarations: this test stores the sharing
 * conditions of §3 only, and the legal-basis rules are the visibility property test's (an entry states no offense
 * level and no warrant, so under such rules alerts are withheld, fail-closed).
 */
function withoutLegalBasis<T extends object>(rules: T): T {
  const { legalReferenceAfterHours, minimumOffenseLevels, declarationRequiredFor, ...rest } = rules as T & LegalBasisRules;
  void legalReferenceAfterHours, void minimumOffenseLevels, void declarationRequiredFor;
  return rest as T;
}

function renamed(scenario: ReferenceScenario, entries: Array<Omit<ReferenceEntry, 'entryId'>>, prefix: string) {
  const rename = (id: string) => `${prefix}${id}`;
  const world: ReferenceWorld = {
    jurisdictions: scenario.world.jurisdictions.map(withoutLegalBasis),
    agencies: scenario.world.agencies.map((agency) => ({
      ...agency,
      id: rename(agency.id),
      name: rename(agency.id),
      sharing: withoutLegalBasis({
        ...agency.sharing, allowAgencies: agency.sharing.allowAgencies.map(rename), denyAgencies: agency.sharing.denyAgencies.map(rename),
      }),
    })),
    cameras: (scenario.world.cameras ?? []).map((camera) => ({ id: rename(camera.id), agencyId: rename(camera.agencyId) })),
  };
  return {
    world,
    reads: scenario.reads.map((read) => ({ ...read, agencyId: rename(read.agencyId), cameraId: rename(read.cameraId!), readId: randomUUID() })),
    entries: entries.map((entry): ReferenceEntry => ({ ...entry, agencyId: rename(entry.agencyId), entryId: randomUUID() })),
  };
}

/**
 * Hotlist alerts through Kafka and the alerts service equal an independent reading of the issue and CONTRACT §3
 * (test/support/reference-alerts.ts), for random worlds of the visibility property test with every plate search
 * turned into a hotlist entry of its searcher. A marker read produced behind the case's reads on the same partition
 * (its own agency's entry alerts on it) says when every read of the case has been matched.
 */
describe('hotlist alerts through the real pipeline equal the reference rule', () => {
  const stack = new PlatekeeperTestStack();
  let producer: Producer;
  let caseNumber = 0;

  beforeAll(async () => {
    await stack.start({ alerts: true });
    await stack.dataSource.query(`UPDATE agencies SET status = 'suspended' WHERE state = ANY($1)`, [STATES]);
    producer = createProducer(createKafka(stack.config, 'ingest', 'e2e-hotlist-property'));
    await producer.connect();
    console.log(`hotlist property test: seed ${SEED}, ${RUNS} cases (PROPERTY_SEED, PROPERTY_RUNS to repeat)`);
  });
  afterAll(async () => {
    await producer?.disconnect();
    await stack.clearJurisdictions(STATES);
    await stack.stop();
  });

  async function storeWorld(world: ReferenceWorld, entries: ReferenceEntry[], marker: { agencyId: string; entryId: string; plate: string }) {
    await stack.dataSource.transaction(async (manager) => {
      for (const agency of world.agencies) {
        await manager.query(
          `INSERT INTO agencies (id, name, state, category, status, retention_days, sharing) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
          [agency.id, agency.name, agency.state, agency.category, agency.status, agency.retentionDays, { ...DEFAULT_SHARING_POLICY, ...agency.sharing }],
        );
      }
      await manager.query(
        `INSERT INTO agencies (id, name, state, category, status, retention_days, sharing) VALUES ($1, $1, $2, 'local_police', 'active', 30, $3)`,
        [marker.agencyId, MARKER_STATE, DEFAULT_SHARING_POLICY],
      );
      await manager.query(`DELETE FROM jurisdictions WHERE state = ANY($1)`, [STATES]);
      for (const rule of world.jurisdictions) {
        await manager.query(
          `INSERT INTO jurisdictions (state, deny_out_of_state, deny_categories, denied_purposes, max_retention_days) VALUES ($1, $2, $3, $4, $5)`,
          [rule.state, rule.denyOutOfState, rule.denyCategories, rule.deniedPurposes, rule.maxRetentionDays],
        );
      }
      const listOf = new Map<string, string>();
      const all = [...entries, { entryId: marker.entryId, agencyId: marker.agencyId, purpose: 'other' as const, plate: marker.plate, expired: false }];
      for (const entry of all) {
        if (!listOf.has(entry.agencyId)) {
          const hotlistId = randomUUID();
          await manager.query(`INSERT INTO hotlists (id, agency_id, name, created_by) VALUES ($1, $2, 'property list', 'pbt')`, [hotlistId, entry.agencyId]);
          listOf.set(entry.agencyId, hotlistId);
        }
        await manager.query(
          `INSERT INTO hotlist_entries (id, hotlist_id, agency_id, plate, plate_folded, purpose, case_number, reason, source, added_by, expires_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, 'property-based hotlist check', 'manual', 'pbt', now() + $8::interval)`,
          [entry.entryId, listOf.get(entry.agencyId), entry.agencyId, entry.plate, foldPlateLookAlikes(entry.plate), entry.purpose,
            `PBT-H${caseNumber}`, entry.expired ? '-1 hour' : '1 day'],
        );
      }
    });
  }

  /** Once a case is over its agencies stop sharing and searching (condition 1 and R active), so its entries stay quiet. */
  async function retire(agencyIds: string[]): Promise<void> {
    await stack.dataSource.query(`UPDATE agencies SET status = 'suspended' WHERE id = ANY($1)`, [agencyIds]);
  }

  /** Every read of the case, then the marker, on one partition (one key), as ingest would enrich them. */
  async function produce(world: ReferenceWorld, reads: ReferenceRead[], marker: { agencyId: string; plate: string }, key: string) {
    const enriched = (read: ReferenceRead, owner: { id: string; state: string }): EnrichedRead => enrichRead(
      { readId: read.readId, cameraId: read.cameraId!, capturedAt: read.capturedAt.toISOString(), plate: read.plate! },
      { cameraId: read.cameraId!, ownerAgencyId: owner.id, ownerState: owner.state, lat: 47.3, lon: -122.2 },
      new Date(),
    );
    const documents = reads.map((read) => enriched(read, world.agencies.find((agency) => agency.id === read.agencyId)!));
    const markerRead = { agencyId: marker.agencyId, cameraId: `${marker.agencyId}-cam`, capturedAt: new Date(), plate: marker.plate, readId: randomUUID() };
    documents.push(enriched(markerRead, { id: marker.agencyId, state: MARKER_STATE }));
    await producer.send({ topic: stack.config.TOPIC_ENRICHED, acks: -1, messages: documents.map((document) => ({ key, value: JSON.stringify(document) })) });
    return markerRead.readId;
  }

  it(`raises exactly the alerts of the reference rule, for ${RUNS} random worlds with hotlist entries`, async () => {
    const coverage = { alerts: 0, crossAgencyAlerts: 0, lookAlikeAlerts: 0, withheldMatches: 0, expiredEntries: 0 };
    const started = Date.now();
    await fc.assert(
      fc.asyncProperty(arbitraryHotlistScenario({ states: STATES, now: new Date(), boundaryMarginMs: BOUNDARY_MARGIN_MS }), async (generated) => {
        caseNumber++;
        const prefix = `${stack.runId}-h${caseNumber}-`;
        const { world, reads, entries } = renamed(generated.scenario, generated.entries, prefix);
        const marker = { agencyId: `${prefix}marker`, entryId: randomUUID(), plate: `MRK${caseNumber}X${stack.runId.slice(-4).toUpperCase()}` };
        const agencyIds = world.agencies.map((agency) => agency.id);
        await storeWorld(world, entries, marker);
        try {
          const markerReadId = await produce(world, reads, marker, prefix);
          await eventually(async () => {
            const [found] = await stack.dataSource.query('SELECT 1 FROM hotlist_alerts WHERE entry_id = $1 AND read_id = $2', [marker.entryId, markerReadId]);
            return found ? true : undefined;
          }, 60_000, `case ${caseNumber}'s marker alert`);
          const now = new Date();
          const expected = referenceAlerts(world, entries, reads, now)
            .map((alert) => `${alert.entryId} ${alert.readId} ${alert.matchKind}`).sort();
          const raised: Array<{ id: string; entry_id: string; read_id: string; match_kind: string; owner_agency_id: string; agency_id: string }> =
            await stack.dataSource.query(
              'SELECT id, entry_id, read_id, match_kind, owner_agency_id, agency_id FROM hotlist_alerts WHERE agency_id = ANY($1)', [agencyIds],
            );
          expect({ case: caseNumber, alerts: raised.map((alert) => `${alert.entry_id} ${alert.read_id} ${alert.match_kind}`).sort() })
            .toEqual({ case: caseNumber, alerts: expected });
          // Each alert is in the chain as a search by the entry's agency that returned one read of the owner.
          const records: Array<{ search_id: string; actor_agency_id: string; returned: Record<string, number> }> = await stack.dataSource.query(
            `SELECT payload->>'searchId' AS search_id, actor_agency_id, payload->'returnedByOwner' AS returned
               FROM audit_records WHERE action = 'hotlist.alert' AND actor_agency_id = ANY($1)`, [agencyIds],
          );
          expect(records.map((record) => `${record.search_id} ${record.actor_agency_id} ${JSON.stringify(record.returned)}`).sort())
            .toEqual(raised.map((alert) => `${alert.id} ${alert.agency_id} ${JSON.stringify({ [alert.owner_agency_id]: 1 })}`).sort());
          coverage.alerts += raised.length;
          coverage.crossAgencyAlerts += raised.filter((alert) => alert.owner_agency_id !== alert.agency_id).length;
          coverage.lookAlikeAlerts += raised.filter((alert) => alert.match_kind === 'look_alike').length;
          coverage.withheldMatches += referenceWithheldMatches(world, entries, reads, now);
          coverage.expiredEntries += entries.filter((entry) => entry.expired).length;
        } finally {
          await retire([...agencyIds, marker.agencyId]);
        }
      }),
      { numRuns: RUNS, seed: SEED, endOnFailure: true, verbose: 1, interruptAfterTimeLimit: TIME_LIMIT_MS, markInterruptAsFailure: true },
    );
    console.log(`hotlist property test: ${RUNS} cases in ${((Date.now() - started) / 1000).toFixed(1)} s, seed ${SEED}; coverage ${JSON.stringify(coverage)}`);
    // A generator that stops producing cross-agency alerts, look-alikes or rule-withheld matches would prove nothing.
    const shortfalls = Object.entries(coverage).filter(([, count]) => count === 0).map(([name]) => name);
    if (RUNS < FLOORS_FROM_RUNS) {
      if (shortfalls.length > 0) console.log(`coverage shortfalls (enforced from ${FLOORS_FROM_RUNS} cases): ${shortfalls.join(', ')}`);
      return;
    }
    expect({ seed: SEED, shortfalls }).toEqual({ seed: SEED, shortfalls: [] });
  });
});
