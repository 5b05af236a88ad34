import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { DataSource } from 'typeorm';
import { Client as ElasticClient } from '@elastic/elasticsearch';
import { PlatekeeperConfig, loadConfig } from '@platekeeper/config';
import { createElasticClient, readsIndexLayout, readsIndexPattern } from '@platekeeper/elastic';
import { AuditRecordStore, dataSourceOptions, migrateDatabase } from '@platekeeper/persistence';
import {
  AGENCY_CATEGORIES, AgencyCategory, AgencyProfile, JurisdictionRule, SearchScope, SharingWorld, VisibilityDecision,
  buildVisibilityFilter, decideVisibility, groupVisibleOwnersByRetention, narrowDecisionToOwners, retentionCutoff, sharingWorldOf,
} from '@platekeeper/sharing';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { RegistrySnapshots } from '@platekeeper/persistence';
import { AuditEntry, AuditTrail } from '../../apps/search/src/audit/audit-trail.service';
import { JwtVerifier } from '../../apps/search/src/auth/jwt-verifier.service';
import { createSearchApp } from '../../apps/search/src/search-app';
import { PreparedCriteria, buildReadsQuery } from '../../apps/search/src/searches/reads-query';
import { visibilityFilterForSearch } from '../../apps/search/src/searches/visibility-for-search';
import { prepareReadsCriteria } from '../../apps/search/src/searches/partial-plate';
import { SearchRequestDto } from '../../apps/search/src/searches/search-request.dto';
import { mintDevelopmentToken } from '@platekeeper/config';
import {
  LatencySummary, benchDatabaseUrl, deleteIndices, printTable, ratio, recreateDatabase, seededRandom, shuffled, summarise,
  writeBenchJson,
} from './bench-support';
import { ReadCorpus } from './read-corpus';

export interface SearchBenchOptions {
  /** Bench worlds, one after the other; each gets its own corpus. */
  agencies: number[];
  /** Corpus sizes, grown in place from the smallest: 200k then 2M loads 1.8M more, not 2M. */
  reads: number[];
  iterations: number;
  /** Also time the candidate visibility filters straight against Elasticsearch. */
  designs: boolean;
  /** Merge each index down to this many segments after loading (0: leave as loaded). */
  forceMerge: number;
  /** Leave the corpus in Elasticsearch after the run (for exploring by hand); deleted otherwise. */
  keep: boolean;
  /**
   * Measure a corpus a `--keep` run left, when it is of the same world and holds exactly the largest size asked for:
   * only that size is measured, without reloading (10M reads take minutes to load). Loaded as usual otherwise.
   */
  reuseCorpus: boolean;
}

/** What a kept corpus is: written beside it, so a later run reuses it only for the same world and size. */
interface CorpusMark {
  indexPrefix: string;
  agencies: number;
  reads: number;
}

/** SEARCH_BENCH_NAME and SEARCH_BENCH_PORT let two runs share one Elasticsearch and PostgreSQL without deleting each other's corpus. */
const BENCH_NAME = process.env.SEARCH_BENCH_NAME ?? 'bench';
const BENCH_DATABASE = `platekeeper_${BENCH_NAME}`;
const BENCH_INDEX_PREFIX = `${BENCH_NAME}-reads`;
const BENCH_SEARCH_PORT = Number(process.env.SEARCH_BENCH_PORT ?? 3900);
const WARM_UP = 20;
/** Reads per plate stay near this at every corpus size, so a plate's matches (what a search must return) do not grow with the corpus. */
const READS_PER_PLATE = 10;
const MIN_PLATE_POOL = 20_000;
const SPREAD_DAYS = 30;
const DENY_LISTS = 300;
const DENY_LIST_LENGTH = 300;
const AUDIT_SEQUENTIAL = 500;
const AUDIT_WRITER_COUNTS = [4, 16, 64];
const AUDIT_PER_WRITER = 100;
const PARTIAL_LENGTH = 4;
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

export interface BenchWorld {
  agencies: AgencyProfile[];
  jurisdictions: JurisdictionRule[];
  cameraIdsByAgency: Map<string, string[]>;
}

type ExactPath = 'apiLocal' | 'apiNational' | 'esLocal' | 'esNational';

/** Everything the measurements of one corpus size need. */
interface Probe {
  config: PlatekeeperConfig;
  elastic: ElasticClient;
  sharingWorld: SharingWorld;
  /** Decisions computed once per world, as SharingWorldService does, so ES-direct times Elasticsearch rather than decideVisibility. */
  decide(scope: SearchScope): VisibilityDecision;
  searcherId: string;
  searchUrl: string;
  token: string;
  random: () => number;
}

/** The config every part of the benchmark (and the in-process search service) reads: its own database, index prefix and port. */
export function benchConfig(place: { database: string; indexPrefix: string; port: number } = { database: BENCH_DATABASE, indexPrefix: BENCH_INDEX_PREFIX, port: BENCH_SEARCH_PORT }): PlatekeeperConfig {
  Object.assign(process.env, {
    DATABASE_URL: benchDatabaseUrl(place.database),
    READS_INDEX_PREFIX: place.indexPrefix,
    SEARCH_PORT: String(place.port),
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
  const elastic = createElasticClient(config);
  const corpusElastic = new ElasticClient({ node: config.ELASTICSEARCH_URL, requestTimeout: 600_000, maxRetries: 5 });
  const startedAt = new Date().toISOString();
  const sizes = [...new Set(options.reads)].sort((left, right) => left - right);
  const layout = readsIndexLayout(config);
  const runs: unknown[] = [];
  let lastDataSource: DataSource | undefined;
  let lastSearcher: { id: string; withheld: unknown[] } | undefined;

  for (const agencyCount of options.agencies) {
    const random = seededRandom(7);
    step(`world of ${agencyCount} agencies: recreating database ${BENCH_DATABASE} and deleting ${BENCH_INDEX_PREFIX}-* indices`);
    await lastDataSource?.destroy();
    await recreateDatabase(config.DATABASE_URL);
    await migrateDatabase(config);
    const largest = sizes[sizes.length - 1];
    const reused = options.reuseCorpus && (await keptCorpusHolds(elastic, { indexPrefix: BENCH_INDEX_PREFIX, agencies: agencyCount, reads: largest }));
    if (reused) step(`reusing the kept corpus of ${largest} reads (--reuse-corpus): measuring that size only`);
    else {
      rmSync(CORPUS_MARK, { force: true });
      await deleteIndices(elastic, readsIndexPattern(BENCH_INDEX_PREFIX));
    }
    const dataSource = await new DataSource(dataSourceOptions(config)).initialize();
    lastDataSource = dataSource;

    const world = buildWorld(agencyCount, random);
    let began = performance.now();
    await insertWorld(dataSource, world);
    step(`registered ${world.agencies.length} agencies, ${world.agencies.length * 2} cameras in ${seconds(began)} s`);

    const sharingWorld = sharingWorldOf(world.agencies, world.jurisdictions);
    const searcherCandidates = world.agencies.filter((agency) => agency.status === 'active' && agency.sharing.nationalLookup && agency.state !== 'WA');
    const searcher = searcherCandidates[Math.floor(random() * searcherCandidates.length)];
    const nationalDecision = decideVisibility(sharingWorld, searcher.id, 'criminal_investigation', 'national');
    const decisionMs = timeDecisions(sharingWorld, searcher.id);
    lastSearcher = { id: searcher.id, withheld: nationalDecision.withheldOwners };

    const search = await createSearchApp(config);
    await search.listen(config.SEARCH_PORT, '127.0.0.1');
    const searchUrl = `http://127.0.0.1:${config.SEARCH_PORT}/v1/searches`;
    const token = await mintDevelopmentToken(config, { agencyId: searcher.id, roles: ['investigator'], userId: 'bench@platekeeper' });
    step(`searcher ${searcher.id} (${searcher.state}, ${searcher.category}) sees ${nationalDecision.visibleOwners.length} owners nationally, ${nationalDecision.withheldOwners.length} withheld`);
    const decisions = new Map<SearchScope, VisibilityDecision>();
    const decide = (scope: SearchScope) => {
      if (!decisions.has(scope)) decisions.set(scope, decideVisibility(sharingWorld, searcher.id, 'criminal_investigation', scope));
      return decisions.get(scope)!;
    };
    const probe: Probe = { config, elastic, sharingWorld, decide, searcherId: searcher.id, searchUrl, token, random };

    // Loading shares the machine with everyone's suites: generous timeouts, so a slow bulk or refresh does not end the run.
    const corpus = new ReadCorpus(corpusElastic, BENCH_INDEX_PREFIX, layout);
    const owners = world.agencies.map((agency) => ({ id: agency.id, state: agency.state, cameraIds: world.cameraIdsByAgency.get(agency.id)! }));
    const allPlates = platePool(platePoolSize(sizes[sizes.length - 1]), random);
    const now = Date.now();
    let loaded = reused ? largest : 0;
    for (const size of reused ? [largest] : sizes) {
      // Each step draws from a pool grown with the corpus, so a plate's expected reads stay near READS_PER_PLATE.
      const plates = allPlates.slice(0, platePoolSize(size));
      began = performance.now();
      if (size > loaded) await corpus.append({ owners, plates, count: size - loaded, spreadDays: SPREAD_DAYS, random, now });
      const loadSeconds = (performance.now() - began) / 1000;
      step(`loaded ${size - loaded} reads (corpus now ${size}) in ${loadSeconds.toFixed(1)} s, ${Math.round((size - loaded) / loadSeconds)} reads/s`);
      loaded = size;
      if (options.forceMerge > 0) {
        began = performance.now();
        await corpus.forceMerge(options.forceMerge);
        step(`force-merged to ${options.forceMerge} segment(s) per shard in ${seconds(began)} s`);
      }
      const stored = await corpus.stats();
      const measured = await measureSize(probe, plates, options);
      const searchPath = await measureSearchPath(search, probe, dataSource, plates);
      printSearchPath(searchPath);
      runs.push({
        searchPathMs: searchPath, apiLocalOverEsLocalFloorP50: durableRecordFloor(searchPath),
        agencies: agencyCount, reads: size, loadSeconds, stored, bytesPerRead: stored.storeBytes / Math.max(1, stored.documents),
        visibleOwnersNational: nationalDecision.visibleOwners.length, withheldOwnersNational: nationalDecision.withheldOwners.length,
        nationalDecisionMeanMs: decisionMs, ...measured,
      });
      printSize(agencyCount, size, stored, measured, options.iterations);
    }
    await search.close();
  }

  const audit = lastDataSource && lastSearcher ? await measureAuditAppends(lastDataSource, lastSearcher.id, lastSearcher.withheld) : undefined;
  await lastDataSource?.destroy();
  if (audit) printAudit(audit);
  const removed = options.keep ? 0 : await deleteIndices(elastic, readsIndexPattern(BENCH_INDEX_PREFIX));
  if (options.keep) {
    const mark: CorpusMark = { indexPrefix: BENCH_INDEX_PREFIX, agencies: options.agencies[options.agencies.length - 1], reads: sizes[sizes.length - 1] };
    mkdirSync(dirname(CORPUS_MARK), { recursive: true });
    writeFileSync(CORPUS_MARK, `${JSON.stringify(mark)}\n`);
  } else {
    rmSync(CORPUS_MARK, { force: true });
  }
  await elastic.close();
  await corpusElastic.close();

  const file = writeBenchJson('search', {
    benchmark: 'bench-search', startedAt, options, layout, readsPerPlate: READS_PER_PLATE, runs, audit, cleanedIndices: removed,
  });
  console.log(`results written to ${file}`);
}

const CORPUS_MARK = resolve(`.cache/bench/corpus-${BENCH_NAME}.json`);

/** Whether the indices hold the corpus a `--keep` run of this world and size left (its mark, and that many reads). */
async function keptCorpusHolds(elastic: ElasticClient, wanted: CorpusMark): Promise<boolean> {
  if (!existsSync(CORPUS_MARK)) return false;
  const mark = JSON.parse(readFileSync(CORPUS_MARK, 'utf8')) as CorpusMark;
  if (mark.indexPrefix !== wanted.indexPrefix || mark.agencies !== wanted.agencies || mark.reads !== wanted.reads) return false;
  const { count } = await elastic.count({ index: readsIndexPattern(wanted.indexPrefix), ignore_unavailable: true, allow_no_indices: true });
  return count === wanted.reads;
}

const platePoolSize = (reads: number) => Math.max(MIN_PLATE_POOL, Math.ceil(reads / READS_PER_PLATE));

async function measureSize(probe: Probe, plates: string[], options: SearchBenchOptions) {
  const exact: Record<ExactPath, number[]> = { apiLocal: [], apiNational: [], esLocal: [], esNational: [] };
  const other = { partialNational: [] as number[], fuzzyNational: [] as number[], partialEsNational: [] as number[], partialEsWildcard: [] as number[] };
  const designSamples: Record<string, number[]> = Object.fromEntries(VISIBILITY_DESIGNS.map((design) => [design.name, []]));
  let totalsDisagree = 0;
  let designsDisagree = 0;
  let nationalHits = 0;
  let partialHits = 0;
  let fuzzyHits = 0;
  const timed = async (samples: number[] | undefined, run: () => Promise<number>) => {
    const began = performance.now();
    const total = await run();
    samples?.push(performance.now() - began);
    return total;
  };
  const measure = async (plate: string, record: boolean) => {
    const totals: Partial<Record<ExactPath, number>> = {};
    for (const path of shuffled(['apiLocal', 'apiNational', 'esLocal', 'esNational'] as const, probe.random)) {
      const request = searchRequest({ plate }, path.endsWith('Local') ? 'local' : 'national');
      totals[path] = await timed(record ? exact[path] : undefined, () =>
        path.startsWith('api') ? searchThroughApi(probe, request) : searchElasticDirectly(probe, request));
    }
    if (totals.apiLocal !== totals.esLocal || totals.apiNational !== totals.esNational) totalsDisagree++;
    const start = Math.floor(probe.random() * (plate.length - PARTIAL_LENGTH + 1));
    const partialRequest = searchRequest({ plate: plate.slice(start, start + PARTIAL_LENGTH), plateMatch: 'partial' }, 'national');
    const partial = await timed(record ? other.partialNational : undefined, () => searchThroughApi(probe, partialRequest));
    // The same partial search straight to Elasticsearch, with plate grams (the service's requests) and with the wildcard alone (before).
    const partialTotals = [
      await timed(record ? other.partialEsNational : undefined, () => searchElasticDirectly(probe, partialRequest)),
      await timed(record ? other.partialEsWildcard : undefined, () => searchElasticDirectly(probe, partialRequest, { withoutPlateGrams: true })),
    ];
    if (partialTotals.some((total) => total !== partial)) totalsDisagree++;
    const fuzzy = await timed(record ? other.fuzzyNational : undefined, () =>
      searchThroughApi(probe, searchRequest({ plate, plateMatch: 'fuzzy' }, 'national')));
    if (options.designs) {
      for (const design of shuffled(VISIBILITY_DESIGNS, probe.random)) {
        const total = await timed(record ? designSamples[design.name] : undefined, () => design.search(probe, searchRequest({ plate }, 'national')));
        if (design.exact && total !== totals.esNational) designsDisagree++;
      }
    }
    if (record) {
      nationalHits += totals.apiNational ?? 0;
      partialHits += partial;
      fuzzyHits += fuzzy;
    }
  };
  for (let warmUp = 0; warmUp < WARM_UP; warmUp++) await measure(plates[Math.floor(probe.random() * plates.length)], false);
  for (let iteration = 0; iteration < options.iterations; iteration++) await measure(plates[Math.floor(probe.random() * plates.length)], true);

  const latencyMs = {
    apiLocal: summarise(exact.apiLocal), apiNational: summarise(exact.apiNational),
    esLocal: summarise(exact.esLocal), esNational: summarise(exact.esNational),
    apiNationalPartial: summarise(other.partialNational), apiNationalFuzzy: summarise(other.fuzzyNational),
    esNationalPartial: summarise(other.partialEsNational), esNationalPartialWildcardOnly: summarise(other.partialEsWildcard),
  };
  const designs = options.designs
    ? Object.fromEntries(VISIBILITY_DESIGNS.map((design) => [design.name, { ...summarise(designSamples[design.name]), exact: design.exact, failClosed: design.failClosed }]))
    : undefined;
  const ratios = {
    apiNationalOverApiLocalP50: ratio(latencyMs.apiNational.p50, latencyMs.apiLocal.p50),
    apiNationalOverEsNationalP50: ratio(latencyMs.apiNational.p50, latencyMs.esNational.p50),
    apiLocalOverEsLocalP50: ratio(latencyMs.apiLocal.p50, latencyMs.esLocal.p50),
    esNationalOverEsLocalP50: ratio(latencyMs.esNational.p50, latencyMs.esLocal.p50),
    partialOverExactNationalP95: ratio(latencyMs.apiNationalPartial.p95, latencyMs.apiNational.p95),
    esPartialOverEsExactNationalP95: ratio(latencyMs.esNationalPartial.p95, latencyMs.esNational.p95),
    esPartialWildcardOnlyOverEsExactNationalP95: ratio(latencyMs.esNationalPartialWildcardOnly.p95, latencyMs.esNational.p95),
    fuzzyOverExactNationalP95: ratio(latencyMs.apiNationalFuzzy.p95, latencyMs.apiNational.p95),
  };
  const per = (hits: number) => hits / Math.max(1, options.iterations);
  return {
    latencyMs, ratios, designs, totalsDisagree, designsDisagree,
    meanHits: { exactNational: per(nationalHits), partialNational: per(partialHits), fuzzyNational: per(fuzzyHits) },
  };
}

function printSize(agencies: number, reads: number, stored: { segments: number; storeBytes: number; indices: number }, measured: Awaited<ReturnType<typeof measureSize>>, iterations: number): void {
  const { latencyMs, ratios } = measured;
  const row = (name: string, summary: LatencySummary): Array<string | number> => [name, summary.p50, summary.p95, summary.mean];
  printTable(`search latency, ms (${agencies} agencies, ${reads} reads in ${stored.indices} indices / ${stored.segments} segments, ` +
    `${(stored.storeBytes / 1e6).toFixed(0)} MB, ${iterations} plates)`, ['path', 'p50', 'p95', 'mean'], [
    row('API local', latencyMs.apiLocal),
    row('API national', latencyMs.apiNational),
    row('ES-direct local', latencyMs.esLocal),
    row('ES-direct national', latencyMs.esNational),
    row(`API national partial (${PARTIAL_LENGTH} chars)`, latencyMs.apiNationalPartial),
    row('API national fuzzy', latencyMs.apiNationalFuzzy),
    row(`ES-direct national partial, plate grams`, latencyMs.esNationalPartial),
    row(`ES-direct national partial, wildcard only (before)`, latencyMs.esNationalPartialWildcardOnly),
  ]);
  printTable('ratios', ['ratio', 'value'], [
    ['API national / API local, p50', ratios.apiNationalOverApiLocalP50],
    ['API local / ES-direct local, p50', ratios.apiLocalOverEsLocalP50],
    ['API national / ES-direct national, p50', ratios.apiNationalOverEsNationalP50],
    ['partial / exact national, p95', ratios.partialOverExactNationalP95],
    ['ES-direct partial / exact national, p95 (grams)', ratios.esPartialOverEsExactNationalP95],
    ['ES-direct partial / exact national, p95 (wildcard only, before)', ratios.esPartialWildcardOnlyOverEsExactNationalP95],
    ['fuzzy / exact national, p95', ratios.fuzzyOverExactNationalP95],
  ]);
  if (measured.designs) {
    printTable('visibility filter designs, ES-direct national exact plate, ms', ['design', 'p50', 'p95', 'mean', 'fail-closed'],
      Object.entries(measured.designs).map(([name, summary]) => [name, summary.p50, summary.p95, summary.mean, summary.failClosed ? 'yes' : 'NO']));
  }
  console.log(`mean hits: exact national ${measured.meanHits.exactNational.toFixed(1)}, partial ${measured.meanHits.partialNational.toFixed(1)}, ` +
    `fuzzy ${measured.meanHits.fuzzyNational.toFixed(1)}; API vs ES-direct totals (exact, and partial with and without grams) disagreed on ${measured.totalsDisagree} plates, ` +
    `designs vs ES-direct on ${measured.designsDisagree} searches`);
}

const SEARCH_PATH_SAMPLES = 100;

/**
 * Where an API local search's time goes: each fixed part of the search path timed alone, one at a time, beside the
 * whole search through the API and its Elasticsearch query sent directly (same plates, same minutes).
 */
async function measureSearchPath(search: NestFastifyApplication, probe: Probe, dataSource: DataSource, plates: string[]) {
  const verifier = search.get(JwtVerifier, { strict: false });
  const snapshots = search.get(RegistrySnapshots, { strict: false });
  const trail = search.get(AuditTrail, { strict: false });
  const plate = () => plates[Math.floor(probe.random() * plates.length)];
  const localRecord = (): AuditEntry => ({
    kind: 'search', action: 'search.reads', actorUserId: 'bench@platekeeper', actorAgencyId: probe.searcherId,
    payload: { searchId: randomUUID(), purpose: 'criminal_investigation', caseNumber: 'BENCH-1', reason: 'search latency benchmark', scope: 'local', criteria: { plate: 'ABC1234' }, outcome: 'answered', total: 3, returnedByOwner: { [probe.searcherId]: 3 }, withheldOwners: [] },
  });
  const parts: Record<string, () => Promise<unknown>> = {
    'API local search (whole)': () => searchThroughApi(probe, searchRequest({ plate: plate() }, 'local')),
    'ES-direct local search': () => searchElasticDirectly(probe, searchRequest({ plate: plate() }, 'local')),
    'PostgreSQL round trip (SELECT 1)': () => dataSource.query('SELECT 1'),
    'world version read (per search)': () => snapshots.currentVersion(),
    'JWT verify (per search)': () => verifier.verify(probe.token),
    'audit append, alone (per search)': () => trail.append(localRecord()),
    // What every search's append was before audit_append_group: its own transaction, five round trips.
    'audit append in its own transaction (before)': () => dataSource.transaction((manager) => trail.append(localRecord(), manager)),
  };
  const samples: Record<string, number[]> = Object.fromEntries(Object.keys(parts).map((name) => [name, []]));
  for (let round = 0; round < SEARCH_PATH_SAMPLES; round++) {
    for (const name of shuffled(Object.keys(parts), probe.random)) {
      const began = performance.now();
      await parts[name]();
      if (round >= 10) samples[name].push(performance.now() - began);
    }
  }
  return Object.fromEntries(Object.entries(samples).map(([name, taken]) => [name, summarise(taken)]));
}

function printSearchPath(searchPath: Record<string, LatencySummary>): void {
  printTable('search path parts, one at a time, ms', ['part', 'p50', 'p95', 'mean'],
    Object.entries(searchPath).map(([name, summary]) => [name, summary.p50, summary.p95, summary.mean]));
  printTable('API local / ES-direct local, p50: measured and its floor', ['ratio', 'value'], [
    ['measured (API local search whole / ES-direct local search)', ratio(searchPath['API local search (whole)'].p50, searchPath['ES-direct local search'].p50)],
    ['floor: a search recorded durably before it answers ((ES-direct + audit append alone) / ES-direct)', durableRecordFloor(searchPath)],
  ]);
}

/**
 * The lowest API local / ES-direct local a search can reach while every search is recorded, durably, before it answers
 * (CONTRACT §4): the Elasticsearch query and one committed append, nothing else. The record names the reads it
 * returned, so it cannot be written before the query has answered.
 */
function durableRecordFloor(searchPath: Record<string, LatencySummary>): number {
  const elastic = searchPath['ES-direct local search'].p50;
  return ratio(elastic + searchPath['audit append, alone (per search)'].p50, elastic);
}

function printAudit(audit: Awaited<ReturnType<typeof measureAuditAppends>>): void {
  printTable('audit append (AuditTrail.append, own transaction)', ['measure', 'value'], [
    ['sequential mean, ms', audit.sequential.mean],
    ['sequential p95, ms', audit.sequential.p95],
    ['sequential appends/s', audit.sequentialPerSecond],
    ...audit.concurrent.flatMap((run): Array<Array<string | number>> => [
      [`${run.writers} concurrent writers, ${run.mode}: appends/s`, run.perSecond],
      [`${run.writers} concurrent writers, ${run.mode}: p95, ms`, run.latency.p95],
    ]),
    ['chain verified, records', audit.chainVerified],
  ]);
}

function step(message: string): void {
  console.log(`[bench-search] ${message}`);
}

const seconds = (began: number) => ((performance.now() - began) / 1000).toFixed(1);

function searchRequest(criteria: Pick<SearchRequestDto, 'plate' | 'plateMatch'>, scope: SearchScope): SearchRequestDto {
  return { purpose: 'criminal_investigation', caseNumber: 'BENCH-1', reason: 'search latency benchmark', scope, ...criteria } as SearchRequestDto;
}

async function searchThroughApi(probe: Probe, request: SearchRequestDto): Promise<number> {
  const response = await fetch(probe.searchUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${probe.token}` },
    body: JSON.stringify(request),
    signal: AbortSignal.timeout(30_000),
  });
  const body = (await response.json()) as { total?: number };
  if (response.status !== 200) throw new Error(`search answered ${response.status}: ${JSON.stringify(body)}`);
  return body.total ?? -1;
}

const totalOf = (response: { hits: { total?: number | { value: number } } }) =>
  typeof response.hits.total === 'number' ? response.hits.total : (response.hits.total?.value ?? 0);

/** One search straight to Elasticsearch with the given visibility filter, the service's query builder and client settings. */
async function searchWithFilter(
  probe: Probe, request: SearchRequestDto, visibilityFilter: Record<string, unknown>, prepared: PreparedCriteria = {},
): Promise<number> {
  const response = await probe.elastic.search({
    index: readsIndexPattern(probe.config.READS_INDEX_PREFIX),
    ignore_unavailable: true,
    allow_no_indices: true,
    track_total_hits: true,
    size: 50,
    ...buildReadsQuery(request, visibilityFilter, prepared),
    _source: RETURNED_FIELDS,
  } as never);
  return totalOf(response as never);
}

/** The requests the search service would send (owner probe included), built by the same functions, sent with the same client: the floor under the API. */
async function searchElasticDirectly(probe: Probe, request: SearchRequestDto, options: { withoutPlateGrams?: boolean } = {}): Promise<number> {
  const decision = probe.decide(request.scope ?? 'local');
  const index = readsIndexPattern(probe.config.READS_INDEX_PREFIX);
  const prepared = options.withoutPlateGrams ? {} : await prepareReadsCriteria(probe.elastic, request, { index, timeoutMs: probe.config.SEARCH_TIMEOUT_MS });
  const filter = await visibilityFilterForSearch(probe.elastic, {
    index,
    decision,
    criteria: buildReadsQuery(request, { match_all: {} }, prepared).query,
    now: new Date(),
    probeAboveOwners: probe.config.SEARCH_OWNER_PROBE_ABOVE,
    timeoutMs: probe.config.SEARCH_TIMEOUT_MS,
  });
  return searchWithFilter(probe, request, filter, prepared);
}

interface VisibilityDesign {
  name: string;
  /** Returns the same totals as today's filter. */
  exact: boolean;
  /** Never shows a read the decision does not allow, whatever the index holds. */
  failClosed: boolean;
  search(probe: Probe, request: SearchRequestDto): Promise<number>;
}

/** Which owners have reads matching the criteria, visible or not: the first step of the two-step designs. */
async function ownersWithMatches(probe: Probe, request: SearchRequestDto, agencyCount: number, hint: 'map' | 'global_ordinals') {
  const response = await probe.elastic.search({
    index: readsIndexPattern(probe.config.READS_INDEX_PREFIX),
    ignore_unavailable: true,
    allow_no_indices: true,
    size: 0,
    track_total_hits: false,
    query: buildReadsQuery(request, { match_all: {} }).query,
    aggs: { owners: { terms: { field: 'agencyId', size: agencyCount, execution_hint: hint } } },
  } as never);
  const buckets = (response.aggregations as { owners: { buckets: Array<{ key: string }> } }).owners.buckets;
  return buckets.map((bucket) => bucket.key);
}

const VISIBILITY_DESIGNS: VisibilityDesign[] = [
  {
    name: 'full filter: terms per retention group', exact: true, failClosed: true,
    search: (probe, request) => {
      const decision = probe.decide('national');
      return searchWithFilter(probe, request, buildVisibilityFilter(decision, new Date()));
    },
  },
  {
    name: 'two-step, owner agg sized to all agencies (map)', exact: true, failClosed: true,
    search: async (probe, request) => {
      const owners = await ownersWithMatches(probe, request, probe.sharingWorld.agencies.size, 'map');
      return searchWithFilter(probe, request, buildVisibilityFilter(narrowDecisionToOwners(probe.decide('national'), owners), new Date()));
    },
  },
  {
    name: 'two-step, owner agg sized to all agencies (global ordinals)', exact: true, failClosed: true,
    search: async (probe, request) => {
      const owners = await ownersWithMatches(probe, request, probe.sharingWorld.agencies.size, 'global_ordinals');
      return searchWithFilter(probe, request, buildVisibilityFilter(narrowDecisionToOwners(probe.decide('national'), owners), new Date()));
    },
  },
  {
    name: 'owner probe (chosen: agg of <=5,000 owners, bounded, fallback)', exact: true, failClosed: true,
    search: (probe, request) => searchElasticDirectly(probe, request),
  },
  {
    name: 'complement: must_not hidden owners (reference only)', exact: true, failClosed: false,
    search: async (probe, request) => {
      const decision = probe.decide('national');
      const visible = new Set(decision.visibleOwners.map((owner) => owner.agencyId));
      const hidden = [...probe.sharingWorld.agencies.keys()].filter((id) => !visible.has(id));
      const groups = groupVisibleOwnersByRetention(decision);
      const longest = groups[groups.length - 1];
      const now = new Date();
      // Exact retention: everything older than the longest window goes, and each shorter window's owners beyond theirs.
      return searchWithFilter(probe, request, {
        bool: {
          must_not: [
            { terms: { agencyId: hidden } },
            ...groups.slice(0, -1).map((group) => ({
              bool: { filter: [{ terms: { agencyId: group.agencyIds } }, { range: { capturedAt: { lte: retentionCutoff(now, group.retentionDays).toISOString() } } }] },
            })),
          ],
          filter: [{ range: { capturedAt: { gt: retentionCutoff(now, longest.retentionDays).toISOString() } } }],
        },
      });
    },
  },
  {
    name: 'no visibility filter (floor, reference only)', exact: false, failClosed: false,
    search: (probe, request) => searchWithFilter(probe, request, { match_all: {} }),
  },
];

function timeDecisions(world: SharingWorld, searcherId: string): number {
  const rounds = 50;
  const began = performance.now();
  for (let round = 0; round < rounds; round++) {
    buildVisibilityFilter(decideVisibility(world, searcherId, 'criminal_investigation', 'national'), new Date());
  }
  return (performance.now() - began) / rounds;
}

export function buildWorld(count: number, random: () => number): BenchWorld {
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

export async function insertWorld(dataSource: DataSource, world: BenchWorld): Promise<void> {
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

export function platePool(size: number, random: () => number): string[] {
  const letters = 'ABCDEFGHJKLMNPRSTUVWXYZ';
  const plates = new Set<string>();
  while (plates.size < size) {
    const letter = () => letters[Math.floor(random() * letters.length)];
    plates.add(`${letter()}${letter()}${letter()}${Math.floor(1000 + random() * 9000)}`);
  }
  return [...plates];
}

async function measureAuditAppends(dataSource: DataSource, searcherId: string, withheldOwners: unknown[]) {
  const trail = new AuditTrail(new AuditRecordStore(dataSource));
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
  // Group commit (what a search does) against one transaction per record (what a change record in its caller's
  // transaction does, and what every append did before group commit): the same-run baseline.
  const modes = {
    'group commit': () => trail.append(entry()),
    'one transaction each': () => dataSource.transaction((manager) => trail.append(entry(), manager)),
  };
  const concurrent = [];
  for (const writers of AUDIT_WRITER_COUNTS) {
    for (const [mode, appendOne] of Object.entries(modes)) {
      const samples: number[] = [];
      began = performance.now();
      await Promise.all(
        Array.from({ length: writers }, async () => {
          for (let index = 0; index < AUDIT_PER_WRITER; index++) {
            const appendBegan = performance.now();
            await appendOne();
            samples.push(performance.now() - appendBegan);
          }
        }),
      );
      concurrent.push({ writers, mode, perSecond: (writers * AUDIT_PER_WRITER) / ((performance.now() - began) / 1000), latency: summarise(samples) });
    }
  }
  const verified = await trail.verify();
  if (!verified.valid) throw new Error(`audit chain broken after the benchmark at ${JSON.stringify(verified.firstBroken)}`);
  return {
    sequential: summarise(sequentialSamples),
    sequentialPerSecond: AUDIT_SEQUENTIAL / sequentialSeconds,
    concurrent,
    chainVerified: verified.checked,
  };
}
