import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { DataSource } from 'typeorm';
import { Client as ElasticClient } from '@elastic/elasticsearch';
import { PlatekeeperConfig, loadConfig } from '@platekeeper/config';
import { EnrichedRead, foldPlateLookAlikes } from '@platekeeper/contract';
import { createElasticClient, ensureReadsIndexTemplate, readDocumentId, readsIndexName, readsIndexPattern } from '@platekeeper/elastic';
import { dataSourceOptions, migrateDatabase } from '@platekeeper/persistence';
import {
  AGENCY_CATEGORIES, AgencyCategory, AgencyProfile, JurisdictionRule, SearchScope, SharingWorld,
  buildVisibilityFilter, decideVisibility, sharingWorldOf,
} from '@platekeeper/sharing';
import { AuditEntry, AuditTrail } from '../../apps/search/src/audit/audit-trail.service';
import { createSearchApp } from '../../apps/search/src/search-app';
import { buildReadsQuery } from '../../apps/search/src/searches/reads-query';
import { SearchRequestDto } from '../../apps/search/src/searches/search-request.dto';
import { mintDevelopmentToken } from '../../apps/cli/src/mint-token';
import {
  LatencySummary, benchDatabaseUrl, deleteIndices, printTable, ratio, recreateDatabase, seededRandom, shuffled, summarise,
  writeBenchJson,
} from './bench-support';

export interface SearchBenchOptions {
  agencies: number;
  reads: number;
  iterations: number;
}

const BENCH_DATABASE = 'platekeeper_bench';
const BENCH_INDEX_PREFIX = 'bench-reads';
const BENCH_SEARCH_PORT = 3900;
const WARM_UP = 20;
const PLATE_POOL = 20_000;
const SPREAD_DAYS = 30;
const DENY_LISTS = 300;
const DENY_LIST_LENGTH = 300;
const AUDIT_SEQUENTIAL = 500;
const AUDIT_WRITERS = 4;
const AUDIT_PER_WRITER = 200;
const STATES = [
  'AL', 'AK', 'AZ', 'AR', 'CA', 'CO', 'CT', 'DE', 'FL', 'GA', 'HI', 'ID', 'IL', 'IN', 'IA', 'KS', 'KY', 'LA', 'ME', 'MD',
  'MA', 'MI', 'MN', 'MS', 'MO', 'MT', 'NE', 'NV', 'NH', 'NJ', 'NM', 'NY', 'NC', 'ND', 'OH', 'OK', 'OR', 'PA', 'RI', 'SC',
  'SD', 'TN', 'TX', 'UT', 'VT', 'VA', 'WA', 'WV', 'WI', 'WY',
];
// Mostly city police and sheriffs, as in today's largest vendor network.
const CATEGORY_WEIGHTS: Record<AgencyCategory, number> = {
  local_police: 0.62, sheriff: 0.25, state_police: 0.04, federal: 0.03, federal_immigration: 0.02, private: 0.02, other: 0.02,
};
const RETURNED_FIELDS = ['readId', 'capturedAt', 'plate', 'plateRegion', 'confidence', 'vehicle', 'location', 'cameraId', 'agencyId'];

interface BenchWorld {
  agencies: AgencyProfile[];
  jurisdictions: JurisdictionRule[];
  cameraIdsByAgency: Map<string, string[]>;
}

/** The config every part of the benchmark (and the in-process search service) reads: its own database, index prefix and port. */
function benchConfig(): PlatekeeperConfig {
  Object.assign(process.env, {
    DATABASE_URL: benchDatabaseUrl(BENCH_DATABASE),
    READS_INDEX_PREFIX: BENCH_INDEX_PREFIX,
    SEARCH_PORT: String(BENCH_SEARCH_PORT),
    SEARCH_HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
    RETENTION_SWEEP_MINUTES: '0',
    SEARCH_RATE_LIMIT_PER_MINUTE: '0',
    UNAUTHENTICATED_RATE_LIMIT_PER_MINUTE: '0',
  });
  return loadConfig();
}

export async function runSearchBench(options: SearchBenchOptions): Promise<void> {
  const config = benchConfig();
  const random = seededRandom(7);
  const elastic = createElasticClient(config);
  const startedAt = new Date().toISOString();

  step(`recreating database ${BENCH_DATABASE} and deleting ${BENCH_INDEX_PREFIX}-* indices`);
  await recreateDatabase(config.DATABASE_URL);
  await migrateDatabase(config);
  await deleteIndices(elastic, readsIndexPattern(BENCH_INDEX_PREFIX));
  const dataSource = await new DataSource(dataSourceOptions(config)).initialize();

  const world = buildWorld(options.agencies, random);
  let began = performance.now();
  await insertWorld(dataSource, world);
  step(`registered ${world.agencies.length} agencies, ${world.agencies.length * 2} cameras in ${seconds(began)} s`);

  const plates = platePool(PLATE_POOL, random);
  began = performance.now();
  await indexReads(elastic, world, plates, options.reads, random);
  const indexingSeconds = (performance.now() - began) / 1000;
  step(`indexed ${options.reads} reads in ${indexingSeconds.toFixed(1)} s`);

  const sharingWorld = sharingWorldOf(world.agencies, world.jurisdictions);
  const searcherCandidates = world.agencies.filter((agency) => agency.status === 'active' && agency.sharing.nationalLookup && agency.state !== 'WA');
  const searcher = searcherCandidates[Math.floor(random() * searcherCandidates.length)];
  const nationalDecision = decideVisibility(sharingWorld, searcher.id, 'criminal_investigation', 'national');
  const decisionMs = timeDecisions(sharingWorld, searcher.id);

  const search = await createSearchApp(config);
  await search.listen(config.SEARCH_PORT, '127.0.0.1');
  const searchUrl = `http://127.0.0.1:${config.SEARCH_PORT}/v1/searches`;
  const token = await mintDevelopmentToken(config, { agencyId: searcher.id, roles: ['investigator'], userId: 'bench@platekeeper' });
  step(`search service on ${searchUrl}; searcher ${searcher.id} (${searcher.state}, ${searcher.category}) sees ${nationalDecision.visibleOwners.length} owners nationally, ${nationalDecision.withheldOwners.length} withheld`);

  const latencies = { apiLocal: [] as number[], apiNational: [] as number[], esLocal: [] as number[], esNational: [] as number[] };
  let totalsDisagree = 0;
  let nationalHits = 0;
  const measure = async (plate: string, record: boolean) => {
    const runs = shuffled(['apiLocal', 'apiNational', 'esLocal', 'esNational'] as const, random);
    const totals: Record<string, number> = {};
    for (const run of runs) {
      const scope: SearchScope = run.endsWith('Local') ? 'local' : 'national';
      const request = searchRequest(plate, scope);
      const began = performance.now();
      totals[run] = run.startsWith('api')
        ? await searchThroughApi(searchUrl, token, request)
        : await searchElasticDirectly(elastic, config, sharingWorld, searcher.id, request);
      if (record) latencies[run].push(performance.now() - began);
    }
    if (totals.apiLocal !== totals.esLocal || totals.apiNational !== totals.esNational) totalsDisagree++;
    if (record) nationalHits += totals.apiNational;
  };
  for (let warmUp = 0; warmUp < WARM_UP; warmUp++) await measure(plates[Math.floor(random() * plates.length)], false);
  began = performance.now();
  for (let iteration = 0; iteration < options.iterations; iteration++) await measure(plates[Math.floor(random() * plates.length)], true);
  step(`${options.iterations} iterations × 4 searches in ${seconds(began)} s`);
  await search.close();

  const audit = await measureAuditAppends(dataSource, searcher.id, nationalDecision.withheldOwners);
  await dataSource.destroy();
  const removed = await deleteIndices(elastic, readsIndexPattern(BENCH_INDEX_PREFIX));
  await elastic.close();

  const summaries = {
    apiLocal: summarise(latencies.apiLocal),
    apiNational: summarise(latencies.apiNational),
    esLocal: summarise(latencies.esLocal),
    esNational: summarise(latencies.esNational),
  };
  const ratios = {
    apiNationalOverApiLocalP50: ratio(summaries.apiNational.p50, summaries.apiLocal.p50),
    apiNationalOverApiLocalP95: ratio(summaries.apiNational.p95, summaries.apiLocal.p95),
    apiNationalOverEsNationalP50: ratio(summaries.apiNational.p50, summaries.esNational.p50),
    apiNationalOverEsNationalP95: ratio(summaries.apiNational.p95, summaries.esNational.p95),
    apiLocalOverEsLocalP50: ratio(summaries.apiLocal.p50, summaries.esLocal.p50),
    apiLocalOverEsLocalP95: ratio(summaries.apiLocal.p95, summaries.esLocal.p95),
    auditAppendShareOfApiNationalMean: ratio(audit.sequential.mean, summaries.apiNational.mean),
  };

  const row = (name: string, summary: LatencySummary): Array<string | number> => [name, summary.p50, summary.p95, summary.mean];
  printTable(`search latency, ms (${options.agencies} agencies, ${options.reads} reads, ${options.iterations} plates, exact match)`,
    ['path', 'p50', 'p95', 'mean'], [
      row('API local', summaries.apiLocal),
      row('API national', summaries.apiNational),
      row('ES-direct local', summaries.esLocal),
      row('ES-direct national', summaries.esNational),
    ]);
  printTable('ratios', ['ratio', 'p50', 'p95'], [
    ['API national / API local', ratios.apiNationalOverApiLocalP50, ratios.apiNationalOverApiLocalP95],
    ['API national / ES-direct national', ratios.apiNationalOverEsNationalP50, ratios.apiNationalOverEsNationalP95],
    ['API local / ES-direct local', ratios.apiLocalOverEsLocalP50, ratios.apiLocalOverEsLocalP95],
  ]);
  printTable('audit append (AuditTrail.append, own transaction)', ['measure', 'value'], [
    ['sequential mean, ms', audit.sequential.mean],
    ['sequential p95, ms', audit.sequential.p95],
    ['share of API national mean', `${(ratios.auditAppendShareOfApiNationalMean * 100).toFixed(1)} %`],
    ['sequential appends/s', audit.sequentialPerSecond],
    [`${AUDIT_WRITERS} concurrent writers appends/s`, audit.concurrentPerSecond],
    [`${AUDIT_WRITERS} concurrent writers p95, ms`, audit.concurrent.p95],
  ]);
  console.log(`\nnational decision + filter in memory: ${decisionMs.toFixed(2)} ms mean; ${nationalDecision.visibleOwners.length} visible owners; ` +
    `mean national hits ${(nationalHits / Math.max(1, options.iterations)).toFixed(1)}; API and ES-direct totals disagreed on ${totalsDisagree} plates`);

  const file = writeBenchJson('search', {
    benchmark: 'bench-search', startedAt, options, searcher: { id: searcher.id, state: searcher.state, category: searcher.category },
    world: {
      agencies: world.agencies.length, visibleOwnersNational: nationalDecision.visibleOwners.length,
      withheldOwnersNational: nationalDecision.withheldOwners.length, reads: options.reads, platePool: PLATE_POOL, indexingSeconds,
    },
    latencyMs: summaries, ratios, nationalDecisionMeanMs: decisionMs, totalsDisagree,
    audit, cleanedIndices: removed,
  });
  console.log(`results written to ${file}`);
}

function step(message: string): void {
  console.log(`[bench-search] ${message}`);
}

const seconds = (began: number) => ((performance.now() - began) / 1000).toFixed(1);

function searchRequest(plate: string, scope: SearchScope): SearchRequestDto {
  return { purpose: 'criminal_investigation', caseNumber: 'BENCH-1', reason: 'search latency benchmark', scope, plate } as SearchRequestDto;
}

async function searchThroughApi(url: string, token: string, request: SearchRequestDto): Promise<number> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify(request),
    signal: AbortSignal.timeout(30_000),
  });
  const body = (await response.json()) as { total?: number };
  if (response.status !== 200) throw new Error(`search answered ${response.status}: ${JSON.stringify(body)}`);
  return body.total ?? -1;
}

/** The query the search service would send, built by the same functions, sent with the same client: the floor under the API. */
async function searchElasticDirectly(
  elastic: ElasticClient, config: PlatekeeperConfig, world: SharingWorld, searcherId: string, request: SearchRequestDto,
): Promise<number> {
  const decision = decideVisibility(world, searcherId, request.purpose, request.scope ?? 'local');
  const response = await elastic.search({
    index: readsIndexPattern(config.READS_INDEX_PREFIX),
    ignore_unavailable: true,
    allow_no_indices: true,
    track_total_hits: true,
    size: 50,
    ...buildReadsQuery(request, buildVisibilityFilter(decision, new Date())),
    _source: RETURNED_FIELDS,
  } as never);
  const total = response.hits.total;
  return typeof total === 'number' ? total : (total?.value ?? 0);
}

function timeDecisions(world: SharingWorld, searcherId: string): number {
  const rounds = 50;
  const began = performance.now();
  for (let round = 0; round < rounds; round++) {
    buildVisibilityFilter(decideVisibility(world, searcherId, 'criminal_investigation', 'national'), new Date());
  }
  return (performance.now() - began) / rounds;
}

function buildWorld(count: number, random: () => number): BenchWorld {
  const pickCategory = (): AgencyCategory => {
    let draw = random();
    for (const category of AGENCY_CATEGORIES) {
      draw -= CATEGORY_WEIGHTS[category];
      if (draw < 0) return category;
    }
    return 'local_police';
  };
  const ids = Array.from({ length: count }, (_, index) => `bench-${String(index + 1).padStart(5, '0')}`);
  const agencies: AgencyProfile[] = ids.map((id, index) => {
    const denyCategoryDraw = random();
    return {
      id,
      name: `Bench agency ${index + 1}`,
      state: STATES[Math.floor(random() * STATES.length)],
      category: pickCategory(),
      status: random() < 0.01 ? 'suspended' : 'active',
      retentionDays: random() < 0.7 ? 30 : random() < 0.5 ? 90 : 14,
      sharing: {
        statewide: random() < 0.4,
        nationalLookup: random() < 0.85,
        allowAgencies: random() < 0.05 ? Array.from({ length: 5 }, () => ids[Math.floor(random() * count)]) : [],
        denyAgencies: index < DENY_LISTS ? Array.from({ length: DENY_LIST_LENGTH }, () => ids[Math.floor(random() * count)]) : [],
        denyCategories: denyCategoryDraw < 0.08 ? ['federal_immigration'] : denyCategoryDraw < 0.1 ? ['private', 'federal'] : [],
        deniedPurposes: random() < 0.05 ? ['immigration_enforcement'] : [],
      },
    };
  });
  const cameraIdsByAgency = new Map(ids.map((id) => [id, [`${id}-cam-1`, `${id}-cam-2`]]));
  const jurisdictions: JurisdictionRule[] = [
    { state: 'WA', denyOutOfState: false, denyCategories: [], deniedPurposes: ['immigration_enforcement'], maxRetentionDays: 21 },
  ];
  return { agencies: shuffled(agencies, random), jurisdictions, cameraIdsByAgency };
}

async function insertWorld(dataSource: DataSource, world: BenchWorld): Promise<void> {
  const column = <T>(pick: (agency: AgencyProfile) => T) => world.agencies.map(pick);
  await dataSource.query(
    `INSERT INTO agencies (id, name, state, category, status, retention_days, sharing)
     SELECT id, name, state, category, status, retention_days, sharing::jsonb
     FROM unnest($1::varchar[], $2::varchar[], $3::varchar[], $4::varchar[], $5::varchar[], $6::int[], $7::text[])
       AS agency(id, name, state, category, status, retention_days, sharing)`,
    [
      column((agency) => agency.id), column((agency) => agency.name), column((agency) => agency.state),
      column((agency) => agency.category), column((agency) => agency.status), column((agency) => agency.retentionDays),
      column((agency) => JSON.stringify(agency.sharing)),
    ],
  );
  const cameras = [...world.cameraIdsByAgency.entries()].flatMap(([agencyId, cameraIds]) => cameraIds.map((cameraId) => ({ agencyId, cameraId })));
  await dataSource.query(
    `INSERT INTO cameras (id, agency_id, name, lat, lon)
     SELECT id, agency_id, id, 25 + random() * 23, -124 + random() * 57 FROM unnest($1::varchar[], $2::varchar[]) AS camera(id, agency_id)`,
    [cameras.map((camera) => camera.cameraId), cameras.map((camera) => camera.agencyId)],
  );
  for (const rule of world.jurisdictions) {
    await dataSource.query(
      `INSERT INTO jurisdictions (state, deny_out_of_state, deny_categories, denied_purposes, max_retention_days) VALUES ($1, $2, $3, $4, $5)`,
      [rule.state, rule.denyOutOfState, rule.denyCategories, rule.deniedPurposes, rule.maxRetentionDays],
    );
  }
}

function platePool(size: number, random: () => number): string[] {
  const letters = 'ABCDEFGHJKLMNPRSTUVWXYZ';
  const plates = new Set<string>();
  while (plates.size < size) {
    const letter = () => letters[Math.floor(random() * letters.length)];
    plates.add(`${letter()}${letter()}${letter()}${Math.floor(1000 + random() * 9000)}`);
  }
  return [...plates];
}

async function indexReads(elastic: ElasticClient, world: BenchWorld, plates: string[], count: number, random: () => number): Promise<void> {
  await ensureReadsIndexTemplate(elastic, BENCH_INDEX_PREFIX);
  const now = Date.now();
  const ingestedAt = new Date(now).toISOString();
  const makes = ['Toyota', 'Honda', 'Ford', 'Subaru', 'Tesla'];
  const colors = ['black', 'white', 'silver', 'blue', 'red'];
  const batchSize = 5_000;
  const concurrency = 4;
  const makeBatch = (size: number) =>
    Array.from({ length: size }, () => {
      const owner = world.agencies[Math.floor(random() * world.agencies.length)];
      const plate = plates[Math.floor(random() * plates.length)];
      const read: EnrichedRead = {
        readId: randomUUID(),
        cameraId: world.cameraIdsByAgency.get(owner.id)![Math.floor(random() * 2)],
        agencyId: owner.id,
        agencyState: owner.state,
        capturedAt: new Date(now - Math.floor(random() * SPREAD_DAYS * 86_400_000)).toISOString(),
        plate,
        plateFolded: foldPlateLookAlikes(plate),
        plateRaw: plate,
        plateRegion: owner.state,
        confidence: Math.round((0.7 + random() * 0.3) * 100) / 100,
        vehicle: { make: makes[Math.floor(random() * makes.length)], color: colors[Math.floor(random() * colors.length)], type: 'sedan' },
        location: { lat: 25 + random() * 23, lon: -124 + random() * 57 },
        ingestedAt,
      };
      return read;
    });
  let remaining = count;
  while (remaining > 0) {
    const wave: Array<Promise<void>> = [];
    for (let worker = 0; worker < concurrency && remaining > 0; worker++) {
      const reads = makeBatch(Math.min(batchSize, remaining));
      remaining -= reads.length;
      wave.push(
        elastic
          .bulk({ operations: reads.flatMap((read) => [{ index: { _index: readsIndexName(BENCH_INDEX_PREFIX, read.capturedAt), _id: readDocumentId(read) } }, read]) })
          .then((response) => {
            if (response.errors) throw new Error(`bulk indexing failed: ${JSON.stringify(response.items.find((item) => item.index?.error))}`);
          }),
      );
    }
    await Promise.all(wave);
  }
  await elastic.indices.refresh({ index: readsIndexPattern(BENCH_INDEX_PREFIX) });
}

async function measureAuditAppends(dataSource: DataSource, searcherId: string, withheldOwners: unknown[]) {
  const trail = new AuditTrail(dataSource);
  // The record a national search writes: its criteria, outcome, per-owner counts and the withheld owners.
  const entry = (): AuditEntry => ({
    kind: 'search',
    action: 'search.reads',
    actorUserId: 'bench@platekeeper',
    actorAgencyId: searcherId,
    payload: {
      searchId: randomUUID(), purpose: 'criminal_investigation', caseNumber: 'BENCH-1', reason: 'search latency benchmark',
      scope: 'national', criteria: { plate: 'ABC1234' }, outcome: 'answered', total: 9,
      returnedByOwner: { [searcherId]: 1, 'bench-00001': 4, 'bench-00002': 4 }, withheldOwners,
    },
  });
  for (let warmUp = 0; warmUp < 20; warmUp++) await trail.append(entry());
  const sequentialSamples: number[] = [];
  let began = performance.now();
  for (let index = 0; index < AUDIT_SEQUENTIAL; index++) {
    const appendBegan = performance.now();
    await trail.append(entry());
    sequentialSamples.push(performance.now() - appendBegan);
  }
  const sequentialSeconds = (performance.now() - began) / 1000;
  const concurrentSamples: number[] = [];
  began = performance.now();
  await Promise.all(
    Array.from({ length: AUDIT_WRITERS }, async () => {
      for (let index = 0; index < AUDIT_PER_WRITER; index++) {
        const appendBegan = performance.now();
        await trail.append(entry());
        concurrentSamples.push(performance.now() - appendBegan);
      }
    }),
  );
  const concurrentSeconds = (performance.now() - began) / 1000;
  const verified = await trail.verify();
  if (!verified.valid) throw new Error(`audit chain broken after the benchmark at ${JSON.stringify(verified.firstBroken)}`);
  return {
    sequential: summarise(sequentialSamples),
    sequentialPerSecond: AUDIT_SEQUENTIAL / sequentialSeconds,
    concurrent: summarise(concurrentSamples),
    concurrentPerSecond: (AUDIT_WRITERS * AUDIT_PER_WRITER) / concurrentSeconds,
    writers: AUDIT_WRITERS,
    chainVerified: verified.checked,
  };
}
