import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { DataSource } from 'typeorm';
import { Kafka } from 'kafkajs';
import { Client as ElasticClient } from '@elastic/elasticsearch';
import { PlatekeeperConfig, loadConfig } from '@platekeeper/config';
import { foldPlateLookAlikes } from '@platekeeper/contract';
import { createElasticClient, readsIndexPattern } from '@platekeeper/elastic';
import { createKafka, ensureReadTopics } from '@platekeeper/kafka';
import { HotlistStore, NewHotlistEntry, dataSourceOptions, migrateDatabase } from '@platekeeper/persistence';
import { generateRawReads, seededRandom } from '../../apps/cli/src/read-generator';
import { benchDatabaseUrl, deleteIndices, printTable, ratio, recreateDatabase, sleep, writeBenchJson } from './bench-support';
import { ChildRun, cpuSeconds, peakRssKb, registerCameras, startApp, stopApp, waitIndexed } from './pipeline-bench';

export interface HotlistBenchOptions {
  reads: number;
  rounds: number;
  entries: number;
  probes: number;
  probeRate: number;
}

const BENCH_DATABASE = 'platekeeper_bench_hotlists';
/** Share of the reads' distinct plates that are also listed, so the alert path (transaction, audit, topic) runs too. */
const LISTED_SHARE = 0.01;
const LETTERS = 'ABCDEFGHJKLMNPRSTUVWXYZ';

/** Run-unique topics, groups and index prefixes, as the pipeline benchmark does, per phase; health ports of its own (396x), apart from the pipeline benchmark's, so the two can run side by side. */
function phaseConfig(runId: string): PlatekeeperConfig {
  const production = loadConfig();
  Object.assign(process.env, {
    DATABASE_URL: benchDatabaseUrl(BENCH_DATABASE),
    TOPIC_RAW: `${production.TOPIC_RAW}.${runId}`,
    TOPIC_ENRICHED: `${production.TOPIC_ENRICHED}.${runId}`,
    TOPIC_DLQ: `${production.TOPIC_DLQ}.${runId}`,
    TOPIC_ALERTS: `${production.TOPIC_ALERTS}.${runId}`,
    INGEST_GROUP_ID: `${production.INGEST_GROUP_ID}.${runId}`,
    INDEXER_GROUP_ID: `${production.INDEXER_GROUP_ID}.${runId}`,
    ALERTS_GROUP_ID: `${production.ALERTS_GROUP_ID}.${runId}`,
    READS_INDEX_PREFIX: `${runId}-reads`,
    INGEST_HEALTH_PORT: '3961',
    INDEXER_HEALTH_PORT: '3962',
    ALERTS_HEALTH_PORT: '3963',
    LOG_LEVEL: 'warn',
    KAFKAJS_NO_PARTITIONER_WARNING: '1',
  });
  return loadConfig();
}

function step(message: string): void {
  console.log(`[bench-hotlists] ${message}`);
}

/** Percentile by nearest rank. */
function percentile(samples: number[], quantile: number): number {
  const sorted = [...samples].sort((left, right) => left - right);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(quantile * sorted.length) - 1))] ?? Number.NaN;
}

/**
 * Issue 12's targets, measured in one run on the same engines: (1) the pipeline (ingest + indexer) with the alerts
 * service matching against `entries` live entries, against the pipeline alone, same reads, fresh topics each; (2)
 * read-to-alert p99 against read-to-searchable p99 for paced probe reads that each match an entry, both measured
 * from the same produce instant while the whole system runs.
 */
export async function runHotlistBench(options: HotlistBenchOptions): Promise<void> {
  const runId = `benchhl${Date.now().toString(36)}`;
  const startedAt = new Date().toISOString();
  const timeoutMs = Math.max(240_000, options.reads * 6);
  const without = phaseConfig(`${runId}a`);
  const elastic = createElasticClient(without);
  const kafka = createKafka(without, 'admin', 'bench-hotlists');
  const children: ChildRun[] = [];
  /** The phases' configurations, each with topics and indices of its own to clean up. */
  const configs: PlatekeeperConfig[] = [];
  try {
    step(`run ${runId}: database ${BENCH_DATABASE}, ${options.reads} reads, ${options.entries} live entries`);
    await recreateDatabase(without.DATABASE_URL);
    await migrateDatabase(without);
    const cameras = await registerCameras(without);
    const generate = () => [...generateRawReads({ cameraIds: [...cameras.keys()], count: options.reads, withReadIds: true })];
    const readPlates = [...new Set(generate().map((read) => String(read.plate).replace(/\s/g, '')))];
    const probePlates = Array.from({ length: options.probes }, (_, index) => `PRB${index.toString().padStart(5, '0')}`);
    const listed = await listEntries(without, options.entries, readPlates, probePlates);
    step(`listed ${options.entries} entries (${listed} of them plates the reads carry)`);

    // Rounds alternate the pipeline alone (A) and with the alerts service (B), fresh topics and new readIds each,
    // so a load that drifts on a shared machine weighs on both alike.
    const phases: Array<{ round: number; mode: 'alone' | 'together'; seconds: number; matchedSeconds?: number }> = [];
    const rss: Record<string, Record<string, number>> = { alone: {}, together: {} };
    /** CPU seconds each process spent per phase (ingest's and the indexer's start-up included, alike in both modes; the alerts service's not), summed over the rounds. */
    const cpu: Record<string, Record<string, number>> = { alone: {}, together: {} };
    let alertsConfig = without;
    for (let round = 1; round <= options.rounds; round++) {
      for (const mode of ['alone', 'together'] as const) {
        const config = phaseConfig(`${runId}${mode === 'alone' ? 'a' : 'b'}${round}`);
        configs.push(config);
        await ensureReadTopics(kafka, config);
        await produceRaw(config, generate());
        // The alerts service runs before the pipeline starts, as in production (it loads the 100,000 entries once, at
        // start-up, not per round); its start-up CPU is kept apart from what matching the reads costs.
        const startupCpu: Record<string, number> = {};
        if (mode === 'together') {
          // BENCH_ALERTS_NODE_OPTIONS, e.g. `--cpu-prof --cpu-prof-dir=/tmp/alerts-profile`, profiles the alerts service.
          const alerts = startApp('alerts', process.env.BENCH_ALERTS_NODE_OPTIONS ? { NODE_OPTIONS: process.env.BENCH_ALERTS_NODE_OPTIONS } : {}, 'alerts');
          children.push(alerts);
          await waitHealthy(`http://127.0.0.1:${config.ALERTS_HEALTH_PORT}/health`, timeoutMs, alerts);
          startupCpu.alerts = cpuSeconds(alerts.child.pid);
        }
        const began = performance.now();
        for (const app of ['ingest', 'indexer']) children.push(startApp(app, {}, app));
        const indexed = await waitIndexed(elastic, config.READS_INDEX_PREFIX, options.reads, began, timeoutMs, children);
        const matchedSeconds = mode === 'together' ? await waitConsumed(kafka, config, began, timeoutMs) : undefined;
        for (const run of children) {
          rss[mode][run.name] = Math.max(rss[mode][run.name] ?? 0, (peakRssKb(run.child.pid) ?? Number.NaN) / 1024);
          cpu[mode][run.name] = (cpu[mode][run.name] ?? 0) + cpuSeconds(run.child.pid) - (startupCpu[run.name] ?? 0);
        }
        phases.push({ round, mode, seconds: indexed.totalSeconds, matchedSeconds });
        step(`round ${round}, ${mode === 'alone' ? 'pipeline alone' : 'with the alerts service'}: searchable in ${indexed.totalSeconds.toFixed(2)} s` +
          (matchedSeconds === undefined ? '' : `, every read matched by ${matchedSeconds.toFixed(2)} s`));
        if (mode === 'together' && round === options.rounds) {
          alertsConfig = config;
          break;
        }
        await Promise.all(children.splice(0).map(stopApp));
      }
    }
    const alertsRaised = await countAlerts(alertsConfig);

    // Paced probes while the whole system runs, each listed, timed to its alert and to its first appearance in a search.
    const latency = await probeLatencies(elastic, alertsConfig, probePlates, cameras.keys().next().value as string, options.probeRate);
    const total = (mode: 'alone' | 'together', pick: (phase: (typeof phases)[number]) => number) =>
      phases.filter((phase) => phase.mode === mode).reduce((sum, phase) => sum + pick(phase), 0);
    const alone = { totalSeconds: total('alone', (phase) => phase.seconds) };
    const together = { totalSeconds: total('together', (phase) => phase.seconds) };
    const matchedSeconds = total('together', (phase) => phase.matchedSeconds ?? 0);
    const readsPerMode = options.reads * options.rounds;
    const aloneRss = rss.alone;
    const togetherRss = rss.together;

    const rates = {
      pipelineAlone: readsPerMode / alone.totalSeconds,
      pipelineWithHotlists: readsPerMode / together.totalSeconds,
      alertsMatching: readsPerMode / matchedSeconds,
    };
    const targets = {
      throughputRatio: ratio(rates.pipelineWithHotlists, rates.pipelineAlone),
      alertP99OverSearchableP99: ratio(latency.alert.p99, latency.searchable.p99),
    };
    printTable(`throughput, reads/s (${options.rounds} × ${options.reads} reads per mode, ${options.entries} live entries, ${without.TOPIC_PARTITIONS} partitions)`,
      ['path', 'reads/s', 'seconds'], [
        ['A: ingest+indexer alone', rates.pipelineAlone, alone.totalSeconds],
        ['B: ingest+indexer, alerts service running', rates.pipelineWithHotlists, together.totalSeconds],
        ['B: alerts service, every read matched', rates.alertsMatching, matchedSeconds],
      ]);
    printTable(`latency of ${latency.alert.count} probe reads at ${options.probeRate}/s, ms from produce`, ['path', 'p50', 'p95', 'p99', 'max'], [
      ['read → alert announced', latency.alert.p50, latency.alert.p95, latency.alert.p99, latency.alert.max],
      ['read → searchable', latency.searchable.p50, latency.searchable.p95, latency.searchable.p99, latency.searchable.max],
    ]);
    printTable('targets (issue 12)', ['target', 'measured', 'wanted'], [
      ['throughput with entries / without', targets.throughputRatio, '≥ 0.9'],
      ['read-to-alert p99 / read-to-searchable p99', targets.alertP99OverSearchableP99, '≤ 2'],
    ]);
    // On a machine whose cores the engines and services share, what the alerts service costs the pipeline is its CPU.
    const cpuMsPer1000 = (mode: 'alone' | 'together', name: string) => ((cpu[mode][name] ?? Number.NaN) * 1e6) / readsPerMode;
    printTable('CPU ms per 1,000 reads (ingest and indexer start-up included; alerts without its start-up)', ['process', 'alone', 'with hotlists'],
      ['ingest', 'indexer', 'alerts'].map((name) => [name, cpuMsPer1000('alone', name), cpuMsPer1000('together', name)]));
    printTable('peak RSS (VmHWM), MiB', ['process', 'alone', 'with hotlists'], ['ingest', 'indexer', 'alerts'].map((name) => [name, aloneRss[name] ?? Number.NaN, togetherRss[name] ?? Number.NaN]));
    const file = writeBenchJson('hotlists', {
      benchmark: 'bench-hotlists', startedAt, runId, options, alertsRaised, phases, seconds: { alone, together, matchedSeconds }, readsPerSecond: rates, latency, targets,
      peakRssMiB: { alone: aloneRss, withHotlists: togetherRss },
      cpuMsPer1000: Object.fromEntries((['alone', 'together'] as const).map((mode) => [mode, Object.fromEntries(Object.keys(cpu[mode]).map((name) => [name, cpuMsPer1000(mode, name)]))])),
    });
    console.log(`alerts raised by the last round's reads: ${alertsRaised}; results written to ${file}`);
  } finally {
    await Promise.all(children.map(stopApp));
    for (const config of configs) await cleanUp(elastic, kafka, config);
    await elastic.close();
  }
}

/** Waits for a service's /health to answer 200 (its consumer joined, its caches loaded). */
async function waitHealthy(url: string, timeoutMs: number, run: ChildRun): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (performance.now() < deadline) {
    if (run.child.exitCode !== null) throw new Error(`${run.name} exited with ${run.child.exitCode}: ${run.output.join('').slice(-2000)}`);
    const status = await fetch(url).then((response) => response.status, () => 0);
    if (status === 200) return;
    await sleep(250);
  }
  throw new Error(`${run.name} was not healthy within ${timeoutMs} ms: ${run.output.join('').slice(-2000)}`);
}

async function produceRaw(config: PlatekeeperConfig, raw: Array<Record<string, unknown>>): Promise<void> {
  const producer = createKafka(config, 'camera', 'bench-hotlists-camera').producer();
  await producer.connect();
  try {
    for (let start = 0; start < raw.length; start += 1000) {
      await producer.send({
        topic: config.TOPIC_RAW, acks: -1,
        messages: raw.slice(start, start + 1000).map((read) => ({ key: String(read.cameraId), value: JSON.stringify(read) })),
      });
    }
  } finally {
    await producer.disconnect();
  }
}

/** `count` live entries over the bench agencies: a share of the reads' plates, every probe plate, random plates for the rest. */
async function listEntries(config: PlatekeeperConfig, count: number, readPlates: string[], probePlates: string[]): Promise<number> {
  const dataSource = await new DataSource(dataSourceOptions(config)).initialize();
  try {
    const random = seededRandom(7);
    const agencies: Array<{ id: string }> = await dataSource.query(`SELECT id FROM agencies WHERE id LIKE 'bench-pipe-%' ORDER BY id`);
    const hotlists = new HotlistStore(dataSource);
    const listIds = await dataSource.transaction(async (tx) => {
      const ids: string[] = [];
      for (const agency of agencies) ids.push((await hotlists.createList(tx, { agencyId: agency.id, name: 'bench', description: null, createdBy: 'bench' }))!.id);
      return ids;
    });
    const listedReadPlates = readPlates.filter(() => random() < LISTED_SHARE);
    const plates = new Set([...probePlates, ...listedReadPlates]);
    const pick = (text: string) => text[Math.floor(random() * text.length)];
    while (plates.size < count) plates.add(`${pick(LETTERS)}${pick(LETTERS)}${pick(LETTERS)}${Math.floor(1000 + random() * 9000)}X`);
    const expiresAt = new Date(Date.now() + 30 * 86_400_000);
    const entries: NewHotlistEntry[] = [...plates].slice(0, Math.max(count, probePlates.length)).map((plate, index) => ({
      hotlistId: listIds[index % listIds.length], agencyId: agencies[index % agencies.length].id, plate, plateFolded: foldPlateLookAlikes(plate),
      plateRegion: null, vehicle: null, purpose: 'stolen_vehicle', caseNumber: `BENCH-${index}`, reason: 'benchmark hotlist entry',
      source: 'import', addedBy: 'bench', expiresAt,
    }));
    for (let start = 0; start < entries.length; start += 20_000) {
      await dataSource.transaction((tx) => hotlists.insertEntries(tx, entries.slice(start, start + 20_000)));
    }
    return listedReadPlates.length;
  } finally {
    await dataSource.destroy();
  }
}

/** Seconds from `began` until the alerts consumer group has committed the end of every partition of the enriched topic. */
async function waitConsumed(kafka: Kafka, config: PlatekeeperConfig, began: number, timeoutMs: number): Promise<number> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const ends = await admin.fetchTopicOffsets(config.TOPIC_ENRICHED);
    for (;;) {
      const [committed] = await admin.fetchOffsets({ groupId: config.ALERTS_GROUP_ID, topics: [config.TOPIC_ENRICHED] });
      const caughtUp = ends.every((end) => {
        const partition = committed?.partitions.find((candidate) => candidate.partition === end.partition);
        return partition !== undefined && BigInt(partition.offset) >= BigInt(end.high);
      });
      const elapsed = (performance.now() - began) / 1000;
      if (caughtUp) return elapsed;
      if (elapsed * 1000 > timeoutMs) throw new Error(`the alerts service had not matched every read after ${elapsed.toFixed(0)} s`);
      await sleep(100);
    }
  } finally {
    await admin.disconnect();
  }
}

async function countAlerts(config: PlatekeeperConfig): Promise<number> {
  const dataSource = await new DataSource(dataSourceOptions(config)).initialize();
  try {
    const [{ count }] = await dataSource.query('SELECT count(*)::int AS count FROM hotlist_alerts');
    return count;
  } finally {
    await dataSource.destroy();
  }
}

interface Latencies {
  count: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

/**
 * Probe reads produced one by one at `rate` per second; each one's alert is timed by LISTEN on the alert channel
 * (the moment investigators' streams get it) and its searchability by a search for the outstanding probe readIds
 * every 50 ms, without forcing a refresh (the refresh interval is part of read-to-searchable).
 */
async function probeLatencies(
  elastic: ElasticClient, config: PlatekeeperConfig, plates: string[], cameraId: string, rate: number,
): Promise<{ alert: Latencies; searchable: Latencies }> {
  const dataSource = await new DataSource(dataSourceOptions(config)).initialize();
  const producedAt = new Map<string, number>();
  const alertMs = new Map<string, number>();
  const searchableMs = new Map<string, number>();
  const stopListening = await new HotlistStore(dataSource).listen((alert) => {
    const readId = (alert.read as { readId?: string } | undefined)?.readId;
    const at = readId === undefined ? undefined : producedAt.get(readId);
    if (readId !== undefined && at !== undefined && !alertMs.has(readId)) alertMs.set(readId, performance.now() - at);
  });
  const producer = createKafka(config, 'camera', 'bench-hotlists-probe').producer();
  await producer.connect();
  let polling = true;
  const poller = (async () => {
    while (polling || searchableMs.size < producedAt.size) {
      const outstanding = [...producedAt.keys()].filter((readId) => !searchableMs.has(readId));
      if (outstanding.length > 0) {
        const response = await elastic.search<{ readId: string }>({
          index: readsIndexPattern(config.READS_INDEX_PREFIX), size: outstanding.length, _source: ['readId'],
          query: { terms: { readId: outstanding } },
        }).catch(() => undefined);
        const now = performance.now();
        for (const hit of response?.hits.hits ?? []) {
          const readId = hit._source!.readId;
          if (!searchableMs.has(readId)) searchableMs.set(readId, now - producedAt.get(readId)!);
        }
      }
      await sleep(50);
    }
  })();
  try {
    for (const plate of plates) {
      const readId = randomUUID();
      const read = { readId, cameraId, capturedAt: new Date().toISOString(), plate };
      const sentAt = performance.now();
      producedAt.set(readId, sentAt);
      await producer.send({ topic: config.TOPIC_RAW, acks: -1, messages: [{ key: cameraId, value: JSON.stringify(read) }] });
      await sleep(Math.max(0, 1000 / rate - (performance.now() - sentAt)));
    }
    const deadline = performance.now() + 60_000;
    while ((alertMs.size < plates.length || searchableMs.size < plates.length) && performance.now() < deadline) await sleep(100);
  } finally {
    polling = false;
    await Promise.race([poller, sleep(61_000)]);
    await producer.disconnect();
    await stopListening();
    await dataSource.destroy();
  }
  if (alertMs.size < plates.length || searchableMs.size < plates.length) {
    throw new Error(`probes incomplete: ${alertMs.size}/${plates.length} alerted, ${searchableMs.size}/${plates.length} searchable within a minute`);
  }
  const summary = (samples: number[]): Latencies => ({
    count: samples.length, p50: percentile(samples, 0.5), p95: percentile(samples, 0.95), p99: percentile(samples, 0.99), max: Math.max(...samples),
  });
  return { alert: summary([...alertMs.values()]), searchable: summary([...searchableMs.values()]) };
}

async function cleanUp(elastic: ElasticClient, kafka: Kafka, config: PlatekeeperConfig): Promise<void> {
  await deleteIndices(elastic, readsIndexPattern(config.READS_INDEX_PREFIX)).catch(() => undefined);
  await elastic.indices.deleteIndexTemplate({ name: `${config.READS_INDEX_PREFIX}-template` }).catch(() => undefined);
  const admin = kafka.admin();
  await admin.connect();
  try {
    await admin.deleteTopics({ topics: [config.TOPIC_RAW, config.TOPIC_ENRICHED, config.TOPIC_DLQ, config.TOPIC_ALERTS], timeout: 10_000 }).catch(() => undefined);
    await admin.deleteGroups([config.INGEST_GROUP_ID, config.INDEXER_GROUP_ID, config.ALERTS_GROUP_ID]).catch(() => undefined);
  } finally {
    await admin.disconnect();
  }
}
