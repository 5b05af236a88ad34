import { ChildProcess, spawn } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import autocannon from 'autocannon';
import { Client } from '@elastic/elasticsearch';
import { DataSource } from 'typeorm';
import { SEARCHED_READ_FIELDS } from '@platekeeper/contract';
import { createElasticClient, readsIndexLayout, readsIndexPattern } from '@platekeeper/elastic';
import { AuditRecordStore, dataSourceOptions, migrateDatabase } from '@platekeeper/persistence';
import { SearchScope, decideVisibility, sharingWorldOf } from '@platekeeper/sharing';
import { AuditTrail } from '../../apps/search/src/audit/audit-trail.service';
import { prepareReadsCriteria } from '../../apps/search/src/searches/partial-plate';
import { buildReadsQuery } from '../../apps/search/src/searches/reads-query';
import { SearchRequestDto } from '../../apps/search/src/searches/search-request.dto';
import { visibilityFilterForSearch } from '../../apps/search/src/searches/visibility-for-search';
import { mintDevelopmentToken } from '@platekeeper/config';
import { deleteIndices, printTable, ratio, recreateDatabase, seededRandom, sleep, writeBenchJson } from './bench-support';
import { ReadCorpus } from './read-corpus';
import { benchConfig, buildWorld, insertWorld, platePool } from './search-bench';

export interface SearchLoadBenchOptions {
  agencies: number;
  reads: number;
  /** Concurrent clients per step, each step run against the API and straight against Elasticsearch. */
  clients: number[];
  seconds: number;
  /** Clients of the last step, meant to be past what one instance takes: it must shed cleanly. */
  overloadClients: number;
  /** SEARCH_MAX_IN_FLIGHT of the search process under test. */
  maxInFlight: number;
  keep: boolean;
}

const LOAD_DATABASE = 'platekeeper_bench_load';
const LOAD_INDEX_PREFIX = 'bench-load-reads';
const LOAD_SEARCH_PORT = 3901;
const RECORD_FLOOR_PORT = 3902;
const BASELINE_SEARCH_PORT = 3903;
const SEARCHERS = 4;
const PLATES_PER_SEARCHER = 12;
const PARTIAL_LENGTH = 4;
const SPREAD_DAYS = 30;
const WARM_UP_SECONDS = 3;

interface PreparedSearch {
  label: string;
  /** What the investigator sends to POST /v1/searches. */
  apiBody: string;
  token: string;
  searcherId: string;
  /** The query the service ends with for it (same builders, same visibility decision), for `_search`. */
  elasticBody: string;
}

/**
 * API: POST /v1/searches. ES-direct: the same search's final query straight to Elasticsearch. Record floor: that
 * query plus a durable record of what it returned, and nothing else (test/bench/record-floor-server.ts): the least a
 * search may cost under the contract, so API / floor is the service's own overhead and floor / ES-direct the record's.
 */
type LoadTarget = 'API' | 'ES-direct' | 'record floor' | 'API baseline';

interface StepResult {
  target: LoadTarget;
  clients: number;
  requestsPerSecond: number;
  p50: number;
  p99: number;
  requests: number;
  ok: number;
  errors: number;
  timeouts: number;
  statusCodes: Record<string, number>;
  /** Shard-level queries the reads indices ran during the step, per answered request (Elasticsearch's own counter). */
  readsQueriesPerAnswer?: number;
}

/**
 * Many investigators at once (issue 16): autocannon drives POST /v1/searches on a separate search process with a mix
 * of local, statewide and national exact, partial and fuzzy searches from several agencies, and the same searches'
 * final queries straight to Elasticsearch, and the record floor (those queries plus a durable record, nothing else),
 * step by step in the same run; then a step past saturation, after which
 * every answered search must have its record and the chain must verify.
 */
export async function runSearchLoadBench(options: SearchLoadBenchOptions): Promise<void> {
  const config = benchConfig({ database: LOAD_DATABASE, indexPrefix: LOAD_INDEX_PREFIX, port: LOAD_SEARCH_PORT });
  const elastic = createElasticClient(config);
  const startedAt = new Date().toISOString();
  const random = seededRandom(16);
  step(`recreating database ${LOAD_DATABASE}, deleting ${LOAD_INDEX_PREFIX}-* indices`);
  await recreateDatabase(config.DATABASE_URL);
  await migrateDatabase(config);
  await deleteIndices(elastic, readsIndexPattern(LOAD_INDEX_PREFIX));
  const dataSource = await new DataSource(dataSourceOptions(config)).initialize();
  const world = buildWorld(options.agencies, random);
  await insertWorld(dataSource, world);
  const plates = platePool(Math.max(20_000, Math.ceil(options.reads / 10)), random);
  let began = performance.now();
  await new ReadCorpus(elastic, LOAD_INDEX_PREFIX, readsIndexLayout(config)).append({
    owners: world.agencies.map((agency) => ({ id: agency.id, state: agency.state, cameraIds: world.cameraIdsByAgency.get(agency.id)! })),
    plates, count: options.reads, spreadDays: SPREAD_DAYS, random, now: Date.now(),
  });
  step(`${options.agencies} agencies, ${options.reads} reads loaded in ${((performance.now() - began) / 1000).toFixed(1)} s`);

  const sharingWorld = sharingWorldOf(world.agencies, world.jurisdictions);
  const searchers = world.agencies.filter((agency) => agency.status === 'active' && agency.sharing.nationalLookup).slice(0, SEARCHERS);
  const index = readsIndexPattern(LOAD_INDEX_PREFIX);
  const searches: PreparedSearch[] = [];
  for (const searcher of searchers) {
    const token = await mintDevelopmentToken(config, { agencyId: searcher.id, roles: ['investigator'], userId: `load@${searcher.id}` });
    for (let count = 0; count < PLATES_PER_SEARCHER; count++) {
      const plate = plates[Math.floor(random() * plates.length)];
      for (const scope of ['local', 'statewide', 'national'] as SearchScope[]) {
        const start = Math.floor(random() * (plate.length - PARTIAL_LENGTH + 1));
        for (const criteria of [{ plate }, { plate: plate.slice(start, start + PARTIAL_LENGTH), plateMatch: 'partial' }, { plate, plateMatch: 'fuzzy' }]) {
          const request = { purpose: 'criminal_investigation', caseNumber: 'LOAD-1', reason: 'search load benchmark', scope, ...criteria } as SearchRequestDto;
          const decision = decideVisibility(sharingWorld, searcher.id, 'criminal_investigation', scope);
          const prepared = await prepareReadsCriteria(elastic, request, { index, timeoutMs: config.SEARCH_TIMEOUT_MS });
          const filter = await visibilityFilterForSearch(elastic, {
            index, decision, criteria: buildReadsQuery(request, { match_all: {} }, prepared).query, now: new Date(),
            probeAboveOwners: config.SEARCH_OWNER_PROBE_ABOVE, timeoutMs: config.SEARCH_TIMEOUT_MS,
          });
          searches.push({
            label: `${scope} ${request.plateMatch ?? 'exact'}`,
            apiBody: JSON.stringify(request),
            token,
            searcherId: searcher.id,
            elasticBody: JSON.stringify({ track_total_hits: true, size: 50, ...buildReadsQuery(request, filter, prepared), _source: SEARCHED_READ_FIELDS }),
          });
        }
      }
    }
  }
  step(`${searches.length} searches prepared (${SEARCHERS} agencies × ${PLATES_PER_SEARCHER} plates × local/statewide/national × exact/partial/fuzzy)`);

  const service = await startProcess('apps/search/src/main.ts', config.SEARCH_PORT, { SEARCH_MAX_IN_FLIGHT: String(options.maxInFlight) });
  const floor = await startProcess('test/bench/record-floor-server.ts', RECORD_FLOOR_PORT, { FLOOR_PORT: String(RECORD_FLOOR_PORT), FLOOR_INDEX: index });
  // BENCH_BASELINE_SEARCH_DIR: a checkout of another build (its node_modules in place), whose search process is driven
  // as a fourth target in the same rotation, so API / API baseline is an A/B of the same minutes on the same engines.
  const baselineDir = process.env.BENCH_BASELINE_SEARCH_DIR;
  const baseline = baselineDir
    ? await startProcess('apps/search/src/main.ts', BASELINE_SEARCH_PORT, {
      // BENCH_BASELINE_MAX_IN_FLIGHT: the baseline's own bound, to compare two bounds of one build in the same run.
      SEARCH_PORT: String(BASELINE_SEARCH_PORT), SEARCH_MAX_IN_FLIGHT: process.env.BENCH_BASELINE_MAX_IN_FLIGHT ?? String(options.maxInFlight),
    }, baselineDir)
    : undefined;
  const steps: StepResult[] = [];
  let overload: (StepResult & { answeredRecords: number; shedRecords: number; chainValid: boolean; chainChecked: number }) | undefined;
  try {
    const pick = () => searches[Math.floor(Math.random() * searches.length)];
    const apiTarget = {
      url: `http://127.0.0.1:${config.SEARCH_PORT}`,
      requests: [{
        method: 'POST' as const, path: '/v1/searches',
        setupRequest: (request: Record<string, unknown>) => {
          const search = pick();
          return { ...request, headers: { 'content-type': 'application/json', authorization: `Bearer ${search.token}` }, body: search.apiBody };
        },
      }],
    };
    const elasticTarget = {
      url: config.ELASTICSEARCH_URL,
      requests: [{
        method: 'POST' as const, path: `/${index}/_search?ignore_unavailable=true&allow_no_indices=true`,
        setupRequest: (request: Record<string, unknown>) => ({ ...request, headers: { 'content-type': 'application/json' }, body: pick().elasticBody }),
      }],
    };
    const floorTarget = {
      url: `http://127.0.0.1:${RECORD_FLOOR_PORT}`,
      requests: [{
        method: 'POST' as const, path: '/search',
        setupRequest: (request: Record<string, unknown>) => {
          const search = pick();
          return { ...request, headers: { 'content-type': 'application/json', 'x-searcher': search.searcherId }, body: search.elasticBody };
        },
      }],
    };
    const targets: Partial<Record<LoadTarget, { url: string; requests: unknown[] }>> = { API: apiTarget, 'ES-direct': elasticTarget, 'record floor': floorTarget };
    if (baseline) targets['API baseline'] = { ...apiTarget, url: `http://127.0.0.1:${BASELINE_SEARCH_PORT}` };
    for (const target of Object.values(targets)) await drive(target, 4, WARM_UP_SECONDS);
    const rotation = Object.keys(targets) as LoadTarget[];
    for (const [position, clients] of options.clients.entries()) {
      // Rotate which goes first, so none always runs on the warmer engine.
      const order = rotation.map((_, offset) => rotation[(position + offset) % rotation.length]);
      for (const target of order) {
        const queriesBefore = await readsQueryTotal(elastic, index);
        const result = summariseRun(target, clients, await drive(targets[target]!, clients, options.seconds));
        // Searches still in flight when the step ends finish before the count is read: let them, so they count once.
        await sleep(500);
        result.readsQueriesPerAnswer = result.ok > 0 ? ((await readsQueryTotal(elastic, index)) - queriesBefore) / result.ok : 0;
        steps.push(result);
        step(`${target} ${clients} clients: ${result.requestsPerSecond.toFixed(0)} req/s, p50 ${result.p50} ms, p99 ${result.p99} ms, ${result.errors} errors, status ${JSON.stringify(result.statusCodes)}`);
      }
    }
    const answeredBefore = await countSearchRecords(dataSource);
    const run = summariseRun('API', options.overloadClients, await drive(apiTarget, options.overloadClients, options.seconds));
    await sleep(2_000);
    const answeredAfter = await countSearchRecords(dataSource);
    const verified = await new AuditTrail(new AuditRecordStore(dataSource)).verify();
    overload = {
      ...run,
      answeredRecords: answeredAfter.answered - answeredBefore.answered,
      shedRecords: answeredAfter.refused - answeredBefore.refused,
      chainValid: verified.valid,
      chainChecked: verified.checked,
    };
    step(`overload, ${options.overloadClients} clients: ${JSON.stringify(overload)}`);
  } finally {
    for (const child of [service, floor, ...(baseline ? [baseline] : [])]) {
      child.kill('SIGTERM');
      await new Promise((resolve) => child.once('exit', resolve));
    }
  }

  const rows = options.clients.map((clients) => {
    const api = steps.find((result) => result.target === 'API' && result.clients === clients)!;
    const direct = steps.find((result) => result.target === 'ES-direct' && result.clients === clients)!;
    const recordFloor = steps.find((result) => result.target === 'record floor' && result.clients === clients)!;
    const apiBaseline = steps.find((result) => result.target === 'API baseline' && result.clients === clients);
    return {
      clients, api, direct, recordFloor, apiBaseline,
      throughputRatio: ratio(api.requestsPerSecond, direct.requestsPerSecond), p99Ratio: ratio(api.p99, direct.p99),
      apiOverFloorThroughput: ratio(api.requestsPerSecond, recordFloor.requestsPerSecond),
      floorOverDirectThroughput: ratio(recordFloor.requestsPerSecond, direct.requestsPerSecond),
    };
  });
  printTable(`search load (${options.agencies} agencies, ${options.reads} reads, ${options.seconds} s per step, mixed local/statewide/national exact/partial/fuzzy)`,
    ['clients', 'API req/s', 'API p50', 'API p99', 'API errors', 'ES req/s', 'ES p50', 'ES p99', 'ES errors', 'API/ES req/s', 'API/ES p99'],
    rows.map((row) => [
      row.clients, row.api.requestsPerSecond, row.api.p50, row.api.p99, row.api.errors,
      row.direct.requestsPerSecond, row.direct.p50, row.direct.p99, row.direct.errors, row.throughputRatio, row.p99Ratio,
    ]));
  printTable('the durable record\'s share: ES query + committed record, nothing else (record floor)',
    ['clients', 'floor req/s', 'floor p50', 'floor p99', 'floor errors', 'floor/ES req/s (the record)', 'API/floor req/s (the service)'],
    rows.map((row) => [
      row.clients, row.recordFloor.requestsPerSecond, row.recordFloor.p50, row.recordFloor.p99, row.recordFloor.errors,
      row.floorOverDirectThroughput, row.apiOverFloorThroughput,
    ]));
  printTable('Elasticsearch work per answer: shard queries on the reads indices per answered request (ES-direct: one search)',
    ['clients', 'API', 'ES-direct', 'record floor', 'API / ES-direct'],
    rows.map((row) => [
      row.clients, row.api.readsQueriesPerAnswer ?? 0, row.direct.readsQueriesPerAnswer ?? 0, row.recordFloor.readsQueriesPerAnswer ?? 0,
      ratio(row.api.readsQueriesPerAnswer ?? 0, row.direct.readsQueriesPerAnswer ?? 0),
    ]));
  if (baseline) {
    printTable(`A/B: this build's API against ${baselineDir}'s (same run, same rotation)`,
      ['clients', 'API req/s', 'baseline req/s', 'API / baseline req/s', 'API p50 / baseline p50', 'API p99 / baseline p99',
        'API / ES req/s', 'baseline / ES req/s', 'API / floor', 'baseline / floor', 'shard queries per answer, API / baseline'],
      rows.map((row) => [
        row.clients, row.api.requestsPerSecond, row.apiBaseline!.requestsPerSecond, ratio(row.api.requestsPerSecond, row.apiBaseline!.requestsPerSecond),
        ratio(row.api.p50, row.apiBaseline!.p50), ratio(row.api.p99, row.apiBaseline!.p99),
        row.throughputRatio, ratio(row.apiBaseline!.requestsPerSecond, row.direct.requestsPerSecond),
        row.apiOverFloorThroughput, ratio(row.apiBaseline!.requestsPerSecond, row.recordFloor.requestsPerSecond),
        `${row.api.readsQueriesPerAnswer ?? 0} / ${row.apiBaseline!.readsQueriesPerAnswer ?? 0}`,
      ]));
  }
  if (overload) {
    printTable(`overload: ${options.overloadClients} clients against SEARCH_MAX_IN_FLIGHT=${options.maxInFlight}`, ['measure', 'value'], [
      ['requests/s', overload.requestsPerSecond], ['p50, ms', overload.p50], ['p99, ms', overload.p99],
      ['200 answers', overload.ok], ['status codes', JSON.stringify(overload.statusCodes)], ['errors (no answer) / timeouts', `${overload.errors} / ${overload.timeouts}`],
      ['answered searches recorded in the step', overload.answeredRecords], ['refused searches recorded in the step', overload.shedRecords],
      ['chain valid, records checked', `${overload.chainValid}, ${overload.chainChecked}`],
    ]);
  }
  await dataSource.destroy();
  if (!options.keep) await deleteIndices(elastic, readsIndexPattern(LOAD_INDEX_PREFIX));
  await elastic.close();
  const file = writeBenchJson('search-load', {
    benchmark: 'bench-search-load', startedAt, options, searchProcesses: 1, ...(baselineDir && { baselineSearchDir: baselineDir }), steps: rows, overload,
  });
  console.log(`results written to ${file}`);
}

function step(message: string): void {
  console.log(`[bench-search-load] ${message}`);
}

function drive(target: { url: string; requests: unknown[] }, connections: number, seconds: number): Promise<autocannon.Result> {
  return autocannon({ ...target, connections, duration: seconds, timeout: 30 } as autocannon.Options);
}

function summariseRun(target: StepResult['target'], clients: number, result: autocannon.Result): StepResult {
  const statusCodes = Object.fromEntries(Object.entries(result.statusCodeStats ?? {}).map(([code, stats]) => [code, (stats as { count: number }).count]));
  return {
    target, clients,
    // Answers per second: autocannon's own average counts every response, so a step that sheds (503) looked faster.
    requestsPerSecond: result.duration > 0 ? result['2xx'] / result.duration : 0,
    p50: result.latency.p50,
    p99: result.latency.p99,
    requests: result.requests.total,
    ok: result['2xx'],
    // Anything but a 200: no answer at all, a timeout, or a status (the overload step's 503s are counted here too).
    errors: result.errors + result.non2xx,
    timeouts: result.timeouts,
    statusCodes,
  };
}

async function countSearchRecords(dataSource: DataSource): Promise<{ answered: number; refused: number }> {
  const [row] = await dataSource.query(
    `SELECT count(*) FILTER (WHERE payload->>'outcome' = 'answered')::int AS answered, count(*) FILTER (WHERE payload->>'outcome' <> 'answered')::int AS refused
     FROM audit_records WHERE action = 'search.reads'`,
  );
  return row;
}

/** A server under test as it runs in production: its own process (ts-node, so no build step), this run's config. */
async function startProcess(entry: string, port: number, env: Record<string, string>, cwd?: string): Promise<ChildProcess> {
  // BENCH_SEARCH_NODE_ARGS, e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`, profiles the processes under load.
  const nodeArgs = (process.env.BENCH_SEARCH_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const child = spawn(process.execPath, [...nodeArgs, '-r', 'ts-node/register/transpile-only', '-r', 'tsconfig-paths/register', entry], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'inherit', 'inherit'],
    ...(cwd !== undefined && { cwd }),
  });
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${entry} exited with ${child.exitCode}`);
    const healthy = await fetch(`http://127.0.0.1:${port}/health`).then((response) => response.ok, () => false);
    if (healthy) return child;
    await sleep(500);
  }
  child.kill('SIGTERM');
  throw new Error(`${entry} did not become healthy in 120 s`);
}

/** The reads indices' shard-level query counter (`_stats/search`), summed over their primaries and replicas. */
async function readsQueryTotal(elastic: Client, index: string): Promise<number> {
  const stats = await elastic.indices.stats({ index, metric: 'search' });
  return stats._all?.total?.search?.query_total ?? 0;
}
