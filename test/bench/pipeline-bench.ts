import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { DataSource } from 'typeorm';
import type { Admin, Producer } from 'kafkajs';
import { Client as ElasticClient } from '@elastic/elasticsearch';
import { PlatekeeperConfig, elasticsearchNodes, loadConfig } from '@platekeeper/config';
import { CameraRegistration, EnrichedRead, checkRawRead, enrichRead } from '@platekeeper/contract';
import { ensureReadsIndexTemplate, readDocumentId, readDocumentJson, readsIndexName, readsIndexPattern, toReadDocument } from '@platekeeper/elastic';
import { createKafka, createProducer, ensureReadTopics } from '@platekeeper/kafka';
import { dataSourceOptions, migrateDatabase } from '@platekeeper/persistence';
import { generateRawReads } from '../../apps/cli/src/read-generator';
import { Serializer } from '@elastic/transport';
import { acceptedCaptureWindow, bulkLines, parseEnrichedMessage } from '../../apps/indexer/src/bulk-writer';
import { checkRawReadWithClassValidator } from '../../libs/contract/src/testing/raw-read-class-validator.reference';
import { FreshnessProbe, LagSample, consumerLag, percentile } from '../../apps/cli/src/live-sampling';
import { LoadReport, ReportChart, ReportTable, runtimeVersions, writeLoadReport } from '../../apps/cli/src/load-report';
import { mintDevelopmentToken } from '@platekeeper/config';
import { benchDatabaseUrl, deleteIndices, printTable, ratio, recreateDatabase, sleep } from './bench-support';

export interface PipelineBenchOptions {
  reads: number;
  sweepReads: number;
  /** The raw-bulk grid: requests in flight, reads per request, refresh interval during load. */
  sweepConcurrency: number[];
  sweepBatchReads: number[];
  sweepRefresh: string[];
  partitions: number;
  freshnessSeconds: number;
  scaling: boolean;
}

const BENCH_DATABASE = 'platekeeper_bench_pipeline';
const BENCH_STATES = ['WA', 'OR', 'CA', 'TX', 'NY'];
const AGENCIES = 10;
const CAMERAS_PER_AGENCY = 5;
const PRODUCE_BATCH = 1_000;
const POLL_MS = 250;
const STALL_SECONDS = 60;
// BENCH_PIPELINE_PORT_BASE moves them when another bench on the machine holds these.
const PORT_BASE = Number(process.env.BENCH_PIPELINE_PORT_BASE ?? 3911);
const PORTS = { ingest: PORT_BASE, indexer: PORT_BASE + 10, search: PORT_BASE + 20 };

export interface ChildRun {
  name: string;
  child: ChildProcess;
  output: string[];
  peakRssKb?: number;
  healthPort?: number;
  /** CPU seconds the process had spent when its consumer first joined its group (module loading, connecting). */
  startupCpuSeconds?: number;
}

/** CPU seconds of the Elasticsearch JVM when the bench runs on the same machine and is told its pid (BENCH_ES_PID). */
const elasticsearchCpu = () => (process.env.BENCH_ES_PID ? cpuSeconds(Number(process.env.BENCH_ES_PID)) : Number.NaN);
/** The same for the Kafka broker (BENCH_KAFKA_PID). */
const kafkaCpu = () => (process.env.BENCH_KAFKA_PID ? cpuSeconds(Number(process.env.BENCH_KAFKA_PID)) : Number.NaN);
/** Built apps the pipeline runs from (BENCH_APPS_DIR, default dist/apps): another build can be measured against the same baseline. */
const APPS_DIR = resolve(process.env.BENCH_APPS_DIR ?? resolve(__dirname, '../../dist/apps'));
/** Extra node flags for the services, e.g. `--cpu-prof --cpu-prof-dir=DIR` to profile them under load (BENCH_PIPELINE_NODE_ARGS). */
const NODE_ARGS = (process.env.BENCH_PIPELINE_NODE_ARGS ?? '').split(' ').filter((arg) => arg.length > 0);

interface RawBulkRun {
  concurrency: number;
  batchReads: number;
  refreshInterval: string;
  readsPerSecond: number;
  seconds: number;
  /** Elasticsearch CPU ms per 1,000 reads indexed (NaN without BENCH_ES_PID). */
  elasticsearchCpuMsPer1000: number;
  /** Shard-level bulk operations Elasticsearch's write pool ran per 1,000 reads: fewer means larger requests. */
  writeTasksPer1000: number;
  elasticsearchTimesPer1000: ElasticsearchTimes;
  /** Stored documents as the indexer writes them (with plate grams), or the enriched read alone. */
  documents: 'stored' | 'without plate grams';
}

interface DrainRun {
  instances: number;
  totalSeconds: number;
  firstSeconds: number;
  steadyReadsPerSecond: number;
  peakRssMiB: Record<string, number>;
  /** CPU seconds each process spent from its start until every read was searchable. */
  cpuSeconds: Record<string, number>;
  /** The part of it spent before the consumer joined (starting up), the same for every run length. */
  startupCpuSeconds: Record<string, number>;
  elasticsearchCpuMsPer1000: number;
  kafkaCpuMsPer1000: number;
  writeTasksPer1000: number;
  elasticsearchTimesPer1000: ElasticsearchTimes;
  /** Reads per bulk request from the indexers' /metrics (NaN when the build has no such metric). */
  readsPerBulkRequest: number;
  enrichedRecordBatches?: RecordBatchSizes;
}

/** Elasticsearch's own accounting (node stats, ms): indexing documents, refreshing, merging segments. */
interface ElasticsearchTimes {
  indexing: number;
  refresh: number;
  merge: number;
}

interface RecordBatchSizes {
  batches: number;
  meanRecords: number;
  p50Records: number;
  meanBytes: number;
}

interface FreshnessRun {
  targetShare: number;
  targetRate: number;
  producedRate: number;
  probes: number;
  missing: number;
  p50: number;
  p99: number;
  max: number;
  searchErrors: number;
}

/** Run-unique topics, groups, index prefixes and health ports, so the demo system and other runs are untouched. */
function benchEnvironment(runId: string, partitions: number): Record<string, string> {
  // The production names as prefixes keep the run's topics and groups under the stack's Kafka ACLs.
  const production = loadConfig();
  return {
    DATABASE_URL: benchDatabaseUrl(BENCH_DATABASE),
    TOPIC_RAW: `${production.TOPIC_RAW}.${runId}`,
    TOPIC_ENRICHED: `${production.TOPIC_ENRICHED}.${runId}`,
    TOPIC_DLQ: `${production.TOPIC_DLQ}.${runId}`,
    TOPIC_PARTITIONS: String(partitions),
    INGEST_GROUP_ID: `${production.INGEST_GROUP_ID}.${runId}`,
    INDEXER_GROUP_ID: `${production.INDEXER_GROUP_ID}.${runId}`,
    READS_INDEX_PREFIX: `${runId}-reads`,
    INGEST_PARTITIONS_CONCURRENTLY: String(partitions),
    INDEXER_PARTITIONS_CONCURRENTLY: String(partitions),
    SEARCH_HOST: '127.0.0.1',
    SEARCH_PORT: String(PORTS.search),
    SEARCH_RATE_LIMIT_PER_MINUTE: '0',
    RETENTION_SWEEP_MINUTES: '0',
    LOG_LEVEL: 'warn',
    KAFKAJS_NO_PARTITIONER_WARNING: '1',
  };
}

function configFor(environment: Record<string, string>): PlatekeeperConfig {
  Object.assign(process.env, environment);
  return loadConfig();
}

export async function runPipelineBench(options: PipelineBenchOptions): Promise<void> {
  const runId = `bench${Date.now().toString(36)}`;
  const environment = benchEnvironment(runId, options.partitions);
  const config = configFor(environment);
  const startedAt = new Date().toISOString();
  const began = performance.now();
  const timeoutMs = Math.max(180_000, options.reads * 5);
  // Longer than the services' 30 s: on a machine at load 15+ a fresh index's first refresh can take that long.
  const elastic = new ElasticClient({ nodes: elasticsearchNodes(config), maxRetries: 3, requestTimeout: 180_000 });
  const kafka = createKafka(config, 'admin', 'bench');
  const admin = kafka.admin();
  const children: ChildRun[] = [];
  const cleanups: Array<() => Promise<void>> = [];
  const charts: ReportChart[] = [];
  const loadAverage = () => (readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' '));
  // Interrupted (Ctrl-C, kill): still stop the services and drop the run's topics, indices and groups.
  const interrupted = async (signal: string) => {
    step(`${signal}: stopping the services and cleaning up`);
    for (const run of children) await stopApp(run);
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
    process.exit(130);
  };
  process.once('SIGINT', interrupted).once('SIGTERM', interrupted);

  try {
    await admin.connect();
    step(`run ${runId}: database ${BENCH_DATABASE}, ${options.partitions} partitions, load average ${loadAverage()}`);
    await recreateDatabase(config.DATABASE_URL);
    await migrateDatabase(config);
    const cameras = await registerCameras(config);
    await ensureReadTopics(kafka, config);
    cleanups.push(() => dropRun(elastic, admin, config, [`${runId}-baseline-consume`]));

    const raw = [...generateRawReads({ cameraIds: [...cameras.keys()], count: options.reads, withReadIds: true })];
    const messages = raw.map((read) => ({ key: String(read.cameraId), value: JSON.stringify(read) }));
    const cameraProducer = createProducer(createKafka(config, 'camera', 'bench-camera'));
    await cameraProducer.connect();
    cleanups.push(() => cameraProducer.disconnect());
    const produceSeconds = await produceAll(cameraProducer, config.TOPIC_RAW, messages);
    step(`produced ${options.reads} raw reads in ${produceSeconds.toFixed(2)} s`);

    const consumeSeconds = await consumeRawTopic(config, runId, options.reads, timeoutMs);
    step(`raw kafkajs consume + JSON.parse: ${consumeSeconds.toFixed(2)} s`);

    const validation = validationCost(raw.slice(0, 20_000));
    step(`raw-read rules per read: compiled ${validation.compiledMicros.toFixed(2)} µs, class-validator ${validation.classValidatorMicros.toFixed(2)} µs`);

    // The ceiling: the same enriched documents, bulk-created straight into Elasticsearch at each setting.
    const enriched = enrichInMemory(raw.slice(0, options.sweepReads), cameras);
    const indexerWork = indexerWorkCost(enriched);
    step(`indexer's work per read in-process (parse → bulk body → answer): before ${indexerWork.beforeMicros.toFixed(2)} µs, now ${indexerWork.nowMicros.toFixed(2)} µs`);
    // One unmeasured round first: the first index creation and a cold JIT would otherwise be charged to the first setting.
    await rawBulk(elastic, `${runId}-warmup`, enriched.slice(0, 5_000), { concurrency: 2, batchReads: 1_000, refreshInterval: '1s' });
    const sweep: RawBulkRun[] = [];
    for (const refreshInterval of options.sweepRefresh) {
      for (const batchReads of options.sweepBatchReads) {
        for (const concurrency of options.sweepConcurrency) {
          const run = await rawBulk(elastic, `${runId}-raw`, enriched, { concurrency, batchReads, refreshInterval });
          sweep.push(run);
          step(`raw bulk concurrency ${concurrency}, ${batchReads}/request, refresh ${refreshInterval}: ${Math.round(run.readsPerSecond)} reads/s`);
        }
      }
    }
    const best = sweep.reduce((top, run) => (run.readsPerSecond > top.readsPerSecond ? run : top));
    // What the ceiling was before it wrote the stored documents: the enriched read alone, no plate grams.
    const withoutGrams = await rawBulk(elastic, `${runId}-raw`, enriched, { concurrency: best.concurrency, batchReads: best.batchReads, refreshInterval: best.refreshInterval }, 'without plate grams');
    step(`raw bulk at the best setting, documents without plate grams: ${Math.round(withoutGrams.readsPerSecond)} reads/s`);
    const bestAtPipelineRefresh = sweep
      .filter((run) => run.refreshInterval === config.READS_INDEX_REFRESH_INTERVAL)
      .reduce((top, run) => (run.readsPerSecond > top.readsPerSecond ? run : top), { readsPerSecond: 0 } as RawBulkRun);

    // The pipeline draining the backlog flat out: its maximum rate.
    const drainBegan = performance.now();
    const drainEsCpu = elasticsearchCpu();
    const drainKafkaCpu = kafkaCpu();
    const drainWriteTasks = await writeTasks(elastic);
    const drainTimes = await elasticsearchTimes(elastic);
    const lagSamples: LagSample[] = [];
    const groups = [{ groupId: config.INGEST_GROUP_ID, topic: config.TOPIC_RAW }, { groupId: config.INDEXER_GROUP_ID, topic: config.TOPIC_ENRICHED }];
    const stopLag = sampleLag(admin, groups, lagSamples, drainBegan);
    children.push(...startPipeline(environment, 1, ''));
    const drain = await waitIndexed(elastic, config.READS_INDEX_PREFIX, options.reads, drainBegan, timeoutMs, children);
    stopLag();
    const single: DrainRun = {
      instances: 1, totalSeconds: drain.totalSeconds, firstSeconds: drain.firstSeconds,
      steadyReadsPerSecond: steadyRate(options.reads, drain), peakRssMiB: peakRss(children), cpuSeconds: cpuOf(children), startupCpuSeconds: startupCpuOf(children),
      elasticsearchCpuMsPer1000: ((elasticsearchCpu() - drainEsCpu) * 1e6) / options.reads,
      kafkaCpuMsPer1000: ((kafkaCpu() - drainKafkaCpu) * 1e6) / options.reads,
      writeTasksPer1000: ((await writeTasks(elastic)) - drainWriteTasks) * 1000 / options.reads,
      elasticsearchTimesPer1000: timesPer1000(drainTimes, await elasticsearchTimes(elastic), options.reads),
      readsPerBulkRequest: await readsPerBulkRequest([PORTS.indexer]),
      enrichedRecordBatches: recordBatchSizes(config.TOPIC_ENRICHED),
    };
    step(`1+1: ES CPU ${single.elasticsearchCpuMsPer1000.toFixed(0)} ms and ${single.writeTasksPer1000.toFixed(2)} write tasks per 1,000 reads, ${single.readsPerBulkRequest.toFixed(0)} reads per bulk request, enriched record batches ${JSON.stringify(single.enrichedRecordBatches)}`);
    step(`ingest+indexer 1+1: ${options.reads} reads searchable in ${drain.totalSeconds.toFixed(2)} s, steady ${Math.round(single.steadyReadsPerSecond)} reads/s`);
    charts.push({
      title: 'drain: reads indexed per second (1+1)', yLabel: 'reads/s',
      series: [{ label: 'indexed', points: drain.timeline.map(([seconds, , rate]) => [seconds, rate]) }],
    });
    charts.push(lagChart('drain: consumer lag (1+1)', lagSamples, drainBegan));

    // Freshness at shares of that maximum, the pipeline still running and caught up.
    const freshness: FreshnessRun[] = [];
    const freshnessSamples: Array<{ share: number; points: Array<[number, number]> }> = [];
    if (options.freshnessSeconds > 0) {
      const search = startApp('search', { ...environment }, 'search');
      children.push(search);
      await waitForSearch(config);
      const probeCamera = [...cameras.keys()][0];
      const token = await mintDevelopmentToken(config, { agencyId: cameras.get(probeCamera)!.ownerAgencyId, roles: ['investigator'] });
      for (const share of [0.5, 0.9]) {
        const targetRate = Math.max(10, Math.round(single.steadyReadsPerSecond * share));
        const { count: before } = await elastic.count({ index: readsIndexPattern(config.READS_INDEX_PREFIX) });
        const phaseBegan = performance.now();
        const phaseWallClock = Date.now();
        const phaseLag: LagSample[] = [];
        const stopPhaseLag = sampleLag(admin, groups, phaseLag, phaseBegan);
        const probe = new FreshnessProbe({
          producer: cameraProducer, topic: config.TOPIC_RAW, cameraId: probeCamera,
          searchUrl: `http://127.0.0.1:${PORTS.search}`, token, platePrefix: `QQ${share === 0.5 ? 'H' : 'N'}`, everyMs: 250, pollMs: 100,
        });
        probe.start();
        const produced = await producePaced(cameraProducer, config.TOPIC_RAW, [...cameras.keys()], targetRate, options.freshnessSeconds * 1000, share);
        const { missing } = await probe.stop(15_000);
        stopPhaseLag();
        // Let the phase's reads settle before the next one, so each share is measured from a caught-up pipeline.
        await waitIndexed(elastic, config.READS_INDEX_PREFIX, before + produced.count + probe.samples.length, phaseBegan, 120_000, children, 'quiet');
        const values = probe.samples.map((sample) => sample.freshnessMs);
        freshness.push({
          targetShare: share, targetRate, producedRate: produced.count / produced.seconds,
          probes: values.length, missing, p50: percentile(values, 0.5), p99: percentile(values, 0.99), max: Math.max(...values),
          searchErrors: probe.searchErrors.length,
        });
        freshnessSamples.push({ share, points: probe.samples.map((sample) => [(sample.producedAtMs - phaseWallClock) / 1000, sample.freshnessMs]) });
        charts.push(lagChart(`consumer lag at ${share * 100}% of the maximum rate`, phaseLag, phaseBegan));
        step(`freshness at ${share * 100}% (${targetRate} reads/s asked, ${Math.round(produced.count / produced.seconds)} produced): p50 ${percentile(values, 0.5)} ms, p99 ${percentile(values, 0.99)} ms over ${values.length} probes, ${missing} missing`);
        if (probe.searchErrors.length > 0) step(`search errors: ${probe.searchErrors.slice(0, 3).join(' | ')}`);
      }
      charts.push({
        title: 'freshness: production → returned by POST /v1/searches', yLabel: 'ms', dots: true,
        series: freshnessSamples.map(({ share, points }) => ({ label: `${share * 100}% of max rate`, points })),
      });
    }
    const afterFreshness = freshness.length > 0 ? recordBatchSizes(config.TOPIC_ENRICHED) : undefined;
    for (const run of children.splice(0)) await stopApp(run);

    // Scaling out: the same reads on fresh topics, two ingest and two indexer instances in the same groups.
    let double: DrainRun | undefined;
    if (options.scaling) {
      const scaledEnvironment = benchEnvironment(`${runId}x2`, options.partitions);
      const scaledConfig = configFor(scaledEnvironment);
      await ensureReadTopics(kafka, scaledConfig);
      cleanups.push(() => dropRun(elastic, admin, scaledConfig, []));
      await produceAll(cameraProducer, scaledConfig.TOPIC_RAW, messages);
      const scaledBegan = performance.now();
      const scaledEsCpu = elasticsearchCpu();
      const scaledKafkaCpu = kafkaCpu();
      const scaledWriteTasks = await writeTasks(elastic);
      const scaledTimes = await elasticsearchTimes(elastic);
      children.push(...startPipeline(scaledEnvironment, 2, 'x2'));
      const scaled = await waitIndexed(elastic, scaledConfig.READS_INDEX_PREFIX, options.reads, scaledBegan, timeoutMs, children);
      double = {
        instances: 2, totalSeconds: scaled.totalSeconds, firstSeconds: scaled.firstSeconds,
        steadyReadsPerSecond: steadyRate(options.reads, scaled), peakRssMiB: peakRss(children), cpuSeconds: cpuOf(children), startupCpuSeconds: startupCpuOf(children),
        elasticsearchCpuMsPer1000: ((elasticsearchCpu() - scaledEsCpu) * 1e6) / options.reads,
        kafkaCpuMsPer1000: ((kafkaCpu() - scaledKafkaCpu) * 1e6) / options.reads,
        writeTasksPer1000: ((await writeTasks(elastic)) - scaledWriteTasks) * 1000 / options.reads,
        elasticsearchTimesPer1000: timesPer1000(scaledTimes, await elasticsearchTimes(elastic), options.reads),
        readsPerBulkRequest: await readsPerBulkRequest([PORTS.indexer, PORTS.indexer + 1]),
      };
      step(`ingest+indexer 2+2: steady ${Math.round(double.steadyReadsPerSecond)} reads/s`);
      for (const run of children.splice(0)) await stopApp(run);
      configFor(environment);
    }

    const tables: ReportTable[] = [
      {
        title: 'raw-read validation per read (ingest\'s hot path), same reads, same process',
        header: ['rules', 'µs per read', '× compiled'],
        rows: [
          ['compiled JSON Schema (ajv), in use', validation.compiledMicros, 1],
          ['class-validator (before)', validation.classValidatorMicros, ratio(validation.classValidatorMicros, validation.compiledMicros)],
        ],
      },
      {
        title: 'indexer work per read (message text → bulk body of 5,000 → answer parsed), same reads, same process',
        header: ['path', 'µs per read', '× now'],
        rows: [
          ['document from the message text, answer filtered (now)', indexerWork.nowMicros, 1],
          ['parse, toReadDocument, client serialises, whole answer (before)', indexerWork.beforeMicros, ratio(indexerWork.beforeMicros, indexerWork.nowMicros)],
        ],
      },
      {
        title: `raw Elasticsearch bulk create of ${enriched.length} reads, stored documents (the ceiling)`,
        header: ['concurrency', 'reads/request', 'refresh during load', 'documents', 'reads/s', 'seconds', 'ES CPU ms per 1,000 reads', 'ES write tasks per 1,000 reads'],
        rows: [...sweep, withoutGrams].map((run) => [
          String(run.concurrency), run.batchReads.toLocaleString('en-US'), run.refreshInterval, run.documents, run.readsPerSecond, run.seconds,
          run.elasticsearchCpuMsPer1000, run.writeTasksPer1000,
        ]),
      },
      {
        title: `pipeline against the ceiling (${options.reads} reads, ${options.partitions} partitions)`,
        header: ['path', 'reads/s', '× best raw bulk', `× best raw bulk at refresh ${config.READS_INDEX_REFRESH_INTERVAL}`],
        rows: [
          ['producer (acks=all, 1,000/request)', options.reads / produceSeconds, Number.NaN, Number.NaN],
          ['raw kafkajs consume + JSON.parse', options.reads / consumeSeconds, Number.NaN, Number.NaN],
          [`best raw bulk (c${best.concurrency}, ${best.batchReads}/req, refresh ${best.refreshInterval})`, best.readsPerSecond, 1, ratio(best.readsPerSecond, bestAtPipelineRefresh.readsPerSecond)],
          [`best raw bulk at refresh ${config.READS_INDEX_REFRESH_INTERVAL} (c${bestAtPipelineRefresh.concurrency}, ${bestAtPipelineRefresh.batchReads}/req)`, bestAtPipelineRefresh.readsPerSecond, ratio(bestAtPipelineRefresh.readsPerSecond, best.readsPerSecond), 1],
          ['ingest+indexer 1+1, steady', single.steadyReadsPerSecond, ratio(single.steadyReadsPerSecond, best.readsPerSecond), ratio(single.steadyReadsPerSecond, bestAtPipelineRefresh.readsPerSecond)],
          ['ingest+indexer 1+1, from process start', options.reads / single.totalSeconds, ratio(options.reads / single.totalSeconds, best.readsPerSecond), ratio(options.reads / single.totalSeconds, bestAtPipelineRefresh.readsPerSecond)],
          ...(double ? [['ingest+indexer 2+2, steady', double.steadyReadsPerSecond, ratio(double.steadyReadsPerSecond, best.readsPerSecond), ratio(double.steadyReadsPerSecond, bestAtPipelineRefresh.readsPerSecond)] as Array<string | number>] : []),
        ],
      },
      ...(double ? [{ title: 'scaling out', header: ['ratio', 'value'], rows: [['2+2 / 1+1 steady', ratio(double.steadyReadsPerSecond, single.steadyReadsPerSecond)]] }] : []),
      {
        title: 'Elasticsearch and Kafka per 1,000 reads (BENCH_ES_PID, BENCH_KAFKA_PID): the same work whoever feeds it?',
        header: ['path', 'ES CPU ms', 'ES indexing ms', 'ES refresh ms', 'ES merge ms', 'ES write tasks', 'reads per bulk request', 'Kafka broker CPU ms'],
        rows: [
          [`best raw bulk (c${best.concurrency}, ${best.batchReads}/req, refresh ${best.refreshInterval})`, best, best.batchReads, Number.NaN] as const,
          [`best at refresh ${config.READS_INDEX_REFRESH_INTERVAL} (c${bestAtPipelineRefresh.concurrency}, ${bestAtPipelineRefresh.batchReads}/req)`, bestAtPipelineRefresh, bestAtPipelineRefresh.batchReads, Number.NaN] as const,
          ['ingest+indexer 1+1 drain', single, single.readsPerBulkRequest, single.kafkaCpuMsPer1000] as const,
          ...(double ? [['ingest+indexer 2+2 drain', double, double.readsPerBulkRequest, double.kafkaCpuMsPer1000] as const] : []),
        ].map(([path, run, readsPerRequest, kafkaMs]) => [
          path, run.elasticsearchCpuMsPer1000, run.elasticsearchTimesPer1000.indexing, run.elasticsearchTimesPer1000.refresh,
          run.elasticsearchTimesPer1000.merge, run.writeTasksPer1000, readsPerRequest, kafkaMs,
        ]),
      },
      ...(single.enrichedRecordBatches ? [{
        title: 'enriched topic as ingest wrote it (Kafka DumpLogSegments)',
        header: ['phase', 'record batches', 'mean records per batch', 'p50 records per batch', 'mean bytes per batch'],
        rows: [
          ['1+1 drain (backlog)', String(single.enrichedRecordBatches.batches), single.enrichedRecordBatches.meanRecords, single.enrichedRecordBatches.p50Records, single.enrichedRecordBatches.meanBytes],
          ...(afterFreshness ? [pacedBatches(single.enrichedRecordBatches, afterFreshness)] : []),
        ],
      }] : []),
      {
        title: 'freshness (production → returned by POST /v1/searches), ms',
        header: ['share of max rate', 'asked reads/s', 'produced reads/s', 'probes', 'missing', 'p50', 'p99', 'max', 'search errors'],
        rows: freshness.map((run) => [`${run.targetShare * 100}%`, run.targetRate, run.producedRate, String(run.probes), String(run.missing), run.p50, run.p99, run.max, String(run.searchErrors)]),
      },
      {
        title: 'per process while draining at the maximum rate: peak RSS (VmHWM) and CPU',
        header: ['process', 'peak RSS MiB', 'CPU s', 'CPU ms per 1,000 reads', 'of which starting up, s', 'CPU ms per 1,000 reads after joining'],
        rows: [single, ...(double ? [double] : [])].flatMap((run) => Object.keys(run.peakRssMiB).map((name) => [
          run.instances > 1 ? `${name} (2+2)` : name, run.peakRssMiB[name], run.cpuSeconds[name], (run.cpuSeconds[name] * 1e6 * run.instances) / options.reads,
          run.startupCpuSeconds[name], ((run.cpuSeconds[name] - run.startupCpuSeconds[name]) * 1e6 * run.instances) / options.reads,
        ])),
      },
    ];
    for (const table of tables) printTable(table.title, table.header, table.rows);
    const report: LoadReport = {
      title: `bench:pipeline ${runId}`, startedAt, finishedAt: new Date().toISOString(), tables, charts,
      settings: {
        reads: options.reads, sweepReads: options.sweepReads, sweep: `c${options.sweepConcurrency.join('/')} × ${options.sweepBatchReads.join('/')} per request × refresh ${options.sweepRefresh.join('/')}`, partitions: options.partitions, freshnessSeconds: options.freshnessSeconds,
        loadAverageAtEnd: loadAverage(), benchSeconds: Math.round((performance.now() - began) / 1000),
        READS_INDEX_REFRESH_INTERVAL: config.READS_INDEX_REFRESH_INTERVAL, INDEXER_BULK_MAX_BYTES: config.INDEXER_BULK_MAX_BYTES,
        INDEXER_BULK_CONCURRENCY: config.INDEXER_BULK_CONCURRENCY, INDEXER_BULK_MAX_READS: config.INDEXER_BULK_MAX_READS,
        INDEXER_BULK_LINGER_MS: config.INDEXER_BULK_LINGER_MS, apps: APPS_DIR, KAFKA_FETCH_MAX_WAIT_MS: config.KAFKA_FETCH_MAX_WAIT_MS,
        KAFKA_FETCH_MAX_BYTES: config.KAFKA_FETCH_MAX_BYTES, INGEST_FETCH_MAX_BYTES_PER_PARTITION: config.INGEST_FETCH_MAX_BYTES_PER_PARTITION,
        INDEXER_FETCH_MAX_BYTES_PER_PARTITION: config.INDEXER_FETCH_MAX_BYTES_PER_PARTITION,
      },
      versions: { ...runtimeVersions(), elasticsearch: await elasticsearchVersion(elastic) },
    };
    const files = writeLoadReport(resolve('.cache/bench'), `pipeline-${startedAt.replace(/[:.]/g, '-')}`, report);
    console.log(`report written to ${files.html} and ${files.json}`);
  } finally {
    for (const run of children) await stopApp(run);
    for (const cleanup of cleanups.reverse()) await cleanup().catch((error: unknown) => step(`clean-up: ${(error as Error).message}`));
    await admin.disconnect();
    await elastic.close();
  }
}

/** From the nodes list: the integ-test distribution answers no GET / (info). */
async function elasticsearchVersion(elastic: ElasticClient): Promise<string> {
  const nodes = await elastic.cat.nodes({ format: 'json', h: 'version' }).catch(() => []);
  return nodes.map((node) => node.version).filter(Boolean).join(', ') || 'unknown';
}

function step(message: string): void {
  console.log(`[bench-pipeline] ${new Date().toISOString().slice(11, 19)} ${message}`);
}

function steadyRate(reads: number, drain: { totalSeconds: number; firstSeconds: number; firstCount: number }): number {
  // Start-up excluded: reads that became searchable after the first poll that saw any, over that interval.
  return drain.totalSeconds - drain.firstSeconds >= 1 ? (reads - drain.firstCount) / (drain.totalSeconds - drain.firstSeconds) : Number.NaN;
}

async function produceAll(producer: Producer, topic: string, messages: Array<{ key: string; value: string }>): Promise<number> {
  const began = performance.now();
  for (let start = 0; start < messages.length; start += PRODUCE_BATCH) {
    await producer.send({ topic, messages: messages.slice(start, start + PRODUCE_BATCH), acks: -1 });
  }
  return (performance.now() - began) / 1000;
}

/** Fresh reads at `ratePerSecond` for `durationMs`, sent every 100 ms, several requests in flight so the rate holds. */
async function producePaced(producer: Producer, topic: string, cameraIds: string[], ratePerSecond: number, durationMs: number, seed: number) {
  const total = Math.round((ratePerSecond * durationMs) / 1000);
  const reads = generateRawReads({ cameraIds, count: total, seed: Math.round(seed * 1000), spreadDays: 1, withReadIds: true });
  const began = performance.now();
  const inFlight = new Set<Promise<unknown>>();
  let count = 0;
  while (count < total) {
    const due = Math.min(total, Math.ceil(((performance.now() - began) / 1000) * ratePerSecond));
    const messages: Array<{ key: string; value: string }> = [];
    // At most 1,000 a request: after a stall of the machine, what is due at once would exceed the broker's batch size.
    while (count + messages.length < due && messages.length < 1_000) {
      const read = reads.next().value as Record<string, unknown>;
      messages.push({ key: String(read.cameraId), value: JSON.stringify(read) });
    }
    if (messages.length > 0) {
      count += messages.length;
      const sent = producer.send({ topic, messages, acks: -1 }).finally(() => inFlight.delete(sent));
      inFlight.add(sent);
      if (inFlight.size >= 8) await Promise.race(inFlight);
    }
    await sleep(100);
  }
  await Promise.all(inFlight);
  return { count, seconds: (performance.now() - began) / 1000 };
}

function sampleLag(admin: Admin, groups: Array<{ groupId: string; topic: string }>, samples: LagSample[], began: number): () => void {
  let stopped = false;
  void (async () => {
    while (!stopped) {
      const lag = await consumerLag(admin, groups).catch(() => undefined);
      if (lag) samples.push({ atMs: performance.now() - began, lag });
      await sleep(1000);
    }
  })();
  return () => {
    stopped = true;
  };
}

function lagChart(title: string, samples: LagSample[], _began: number): ReportChart {
  const groups = [...new Set(samples.flatMap((sample) => Object.keys(sample.lag)))];
  return {
    title, yLabel: 'messages behind',
    series: groups.map((group) => ({ label: group.replace(/\.bench\w+$/, ''), points: samples.map((sample) => [sample.atMs / 1000, sample.lag[group] ?? 0]) })),
  };
}

export async function registerCameras(config: PlatekeeperConfig): Promise<Map<string, CameraRegistration>> {
  const dataSource = await new DataSource(dataSourceOptions(config)).initialize();
  try {
    const agencyIds = Array.from({ length: AGENCIES }, (_, index) => `bench-pipe-${index + 1}`);
    const states = agencyIds.map((_, index) => BENCH_STATES[index % BENCH_STATES.length]);
    await dataSource.query(
      `INSERT INTO agencies (id, name, state, category, status, retention_days, sharing)
       SELECT id, id, state, 'local_police', 'active', 30, '{"statewide":false,"nationalLookup":true,"allowAgencies":[],"denyAgencies":[],"denyCategories":[],"deniedPurposes":[]}'::jsonb
       FROM unnest($1::varchar[], $2::varchar[]) AS agency(id, state)`,
      [agencyIds, states],
    );
    const cameras = new Map<string, CameraRegistration>();
    agencyIds.forEach((agencyId, index) => {
      for (let camera = 1; camera <= CAMERAS_PER_AGENCY; camera++) {
        const cameraId = `${agencyId}-cam-${camera}`;
        cameras.set(cameraId, { cameraId, ownerAgencyId: agencyId, ownerState: states[index], lat: 47 + camera / 100, lon: -122 - index / 100 });
      }
    });
    const rows = [...cameras.values()];
    await dataSource.query(
      `INSERT INTO cameras (id, agency_id, name, lat, lon) SELECT id, agency_id, id, lat, lon
       FROM unnest($1::varchar[], $2::varchar[], $3::float8[], $4::float8[]) AS camera(id, agency_id, lat, lon)`,
      [rows.map((row) => row.cameraId), rows.map((row) => row.ownerAgencyId), rows.map((row) => row.lat), rows.map((row) => row.lon)],
    );
    return cameras;
  } finally {
    await dataSource.destroy();
  }
}

/** The cheapest possible consumer of the same topic, with the ingest service's fetch size. */
async function consumeRawTopic(config: PlatekeeperConfig, runId: string, expected: number, timeoutMs: number): Promise<number> {
  const consumer = createKafka(config, 'admin', 'bench-consume').consumer({ groupId: `${runId}-baseline-consume`, maxBytesPerPartition: 4 * 1024 * 1024 });
  let consumed = 0;
  const began = performance.now();
  await consumer.connect();
  try {
    await consumer.subscribe({ topic: config.TOPIC_RAW, fromBeginning: true });
    let finished: () => void = () => undefined;
    const done = new Promise<void>((resolveDone) => (finished = resolveDone));
    await consumer.run({
      eachBatch: async ({ batch }) => {
        for (const message of batch.messages) {
          if (message.value) JSON.parse(message.value.toString());
          consumed++;
        }
        if (consumed >= expected) finished();
      },
    });
    await Promise.race([done, sleep(timeoutMs).then(() => Promise.reject(new Error(`raw consumer saw ${consumed}/${expected} reads in ${timeoutMs} ms`)))]);
    return (performance.now() - began) / 1000;
  } finally {
    await consumer.disconnect();
  }
}

/** µs per read of the compiled rules and of the class-validator rules they replaced, over the same reads. */
function validationCost(reads: Array<Record<string, unknown>>): { compiledMicros: number; classValidatorMicros: number } {
  const microsPerRead = (check: (candidate: unknown) => unknown) => {
    for (const read of reads.slice(0, 2_000)) check(read);
    const began = performance.now();
    for (const read of reads) check(read);
    return ((performance.now() - began) * 1000) / reads.length;
  };
  return { compiledMicros: microsPerRead((read) => checkRawRead(read)), classValidatorMicros: microsPerRead(checkRawReadWithClassValidator) };
}

/**
 * The indexer's own work per read, in this process, as the build before this round did it and as it does now:
 * enriched message text → bulk request body (5,000 reads a request) → the answer parsed. Before: the message parsed,
 * copied with its plate grams (`toReadDocument`), serialised by the client, and Elasticsearch's whole answer parsed
 * (~200 bytes per item). Now: the routing fields read from the parse, the document appended to the message text
 * (`readDocumentJson`), and only each item's status and error asked for. Same machine, same moment, interleaved.
 */
function indexerWorkCost(reads: EnrichedRead[]): { beforeMicros: number; nowMicros: number } {
  const texts = reads.map((read) => JSON.stringify(read));
  const window = acceptedCaptureWindow(new Date(), 3_650);
  const serializer = new Serializer();
  const answer = (count: number, whole: boolean) => JSON.stringify({
    ...(whole ? { took: 35 } : {}), errors: false,
    items: Array.from({ length: count }, (_, index) => ({
      create: whole
        ? { _index: 'alpr-reads-2026.11', _id: `wa-agency-1:${index}-0000-4000-8000-000000000000`, _version: 1, result: 'created', _shards: { total: 1, successful: 1, failed: 0 }, _seq_no: index, _primary_term: 1, status: 201 }
        : { status: 201 },
    })),
  });
  const perRequest = 5_000;
  const [wholeAnswer, filteredAnswer] = [answer(perRequest, true), answer(perRequest, false)];
  const routed = (text: string) => {
    const parsed = parseEnrichedMessage(text, window);
    if (!parsed.ok) throw new Error(`bench read not routable: ${JSON.stringify(parsed.reason)}`);
    return parsed.read;
  };
  const before = (chunk: string[]) => {
    const operations = chunk.map(routed).flatMap((read) => [
      { create: { _index: readsIndexName('alpr-reads', read.capturedAt), _id: readDocumentId(read) } }, toReadDocument(read),
    ]);
    return [serializer.ndserialize(operations).length, serializer.deserialize<{ items: unknown[] }>(wholeAnswer).items.length];
  };
  const now = (chunk: string[]) => {
    const lines = chunk.map((text) => {
      const read = routed(text);
      const { agencyId, readId, capturedAt } = read;
      return bulkLines('alpr-reads', { position: 0, read: { agencyId, readId, capturedAt }, document: readDocumentJson(read, text) });
    });
    return [serializer.ndserialize(lines).length, serializer.deserialize<{ items: unknown[] }>(filteredAnswer).items.length];
  };
  const microsPerRead = (work: (chunk: string[]) => unknown) => {
    const began = performance.now();
    for (let start = 0; start < texts.length; start += perRequest) work(texts.slice(start, start + perRequest));
    return ((performance.now() - began) * 1000) / texts.length;
  };
  microsPerRead(before);
  microsPerRead(now);
  const rounds = [0, 1, 2, 3, 4].map(() => [microsPerRead(before), microsPerRead(now)]);
  const median = (values: number[]) => [...values].sort((a, b) => a - b)[2];
  return { beforeMicros: median(rounds.map(([value]) => value)), nowMicros: median(rounds.map(([, value]) => value)) };
}

function enrichInMemory(raw: Array<Record<string, unknown>>, cameras: Map<string, CameraRegistration>): EnrichedRead[] {
  const ingestedAt = new Date();
  return raw.map((candidate) => {
    const checked = checkRawRead(candidate);
    if (!checked.ok) throw new Error(`generated read failed validation: ${JSON.stringify(checked.violations)}`);
    return enrichRead(checked.read, cameras.get(checked.read.cameraId)!, ingestedAt);
  });
}

/**
 * One point of the ceiling: the documents pre-serialised (as the indexer now sends them), bulk-created with the
 * pipeline's ids into fresh indices with the given refresh interval, `concurrency` requests in flight; the time
 * includes the final refresh, so every read is searchable when the clock stops. The indices are dropped afterwards.
 */
async function rawBulk(
  elastic: ElasticClient, prefixBase: string, reads: EnrichedRead[],
  setting: { concurrency: number; batchReads: number; refreshInterval: string },
  documents: RawBulkRun['documents'] = 'stored',
): Promise<RawBulkRun> {
  const prefix = `${prefixBase}-c${setting.concurrency}-b${setting.batchReads}-r${setting.refreshInterval.replace('-', 'm')}${documents === 'stored' ? '' : '-nograms'}`;
  await ensureReadsIndexTemplate(elastic, prefix, { shards: 1, replicas: 0, refreshInterval: setting.refreshInterval });
  const batches: string[][] = [];
  for (let start = 0; start < reads.length; start += setting.batchReads) {
    batches.push(reads.slice(start, start + setting.batchReads).flatMap((read) => [
      JSON.stringify({ create: { _index: readsIndexName(prefix, read.capturedAt), _id: readDocumentId(read) } }),
      // What the indexer stores (toReadDocument adds the plate grams), so the ceiling indexes the same documents.
      JSON.stringify(documents === 'stored' ? toReadDocument(read) : read),
    ]));
  }
  try {
    const began = performance.now();
    const esCpuBefore = elasticsearchCpu();
    const writeTasksBefore = await writeTasks(elastic);
    const timesBefore = await elasticsearchTimes(elastic);
    let next = 0;
    await Promise.all(Array.from({ length: setting.concurrency }, async () => {
      while (next < batches.length) {
        const response = await elastic.bulk({ operations: batches[next++] }, { requestTimeout: 120_000 });
        if (response.errors) throw new Error(`bulk failed: ${JSON.stringify(response.items.find((item) => item.create?.error))}`);
      }
    }));
    await elastic.indices.refresh({ index: readsIndexPattern(prefix) });
    const seconds = (performance.now() - began) / 1000;
    return {
      ...setting, documents, seconds, readsPerSecond: reads.length / seconds,
      elasticsearchCpuMsPer1000: ((elasticsearchCpu() - esCpuBefore) * 1e6) / reads.length,
      writeTasksPer1000: (((await writeTasks(elastic)) - writeTasksBefore) * 1000) / reads.length,
      elasticsearchTimesPer1000: timesPer1000(timesBefore, await elasticsearchTimes(elastic), reads.length),
    };
  } finally {
    await deleteIndices(elastic, readsIndexPattern(prefix)).catch(() => undefined);
    await elastic.indices.deleteIndexTemplate({ name: `${prefix}-template` }).catch(() => undefined);
  }
}

function startPipeline(environment: Record<string, string>, instances: number, suffix: string): ChildRun[] {
  const runs: ChildRun[] = [];
  for (let instance = 0; instance < instances; instance++) {
    const label = instances > 1 ? `-${instance + 1}` : '';
    runs.push(startApp('ingest', { ...environment, INGEST_HEALTH_PORT: String(PORTS.ingest + instance) }, `ingest${label}${suffix}`, PORTS.ingest + instance));
    runs.push(startApp('indexer', { ...environment, INDEXER_HEALTH_PORT: String(PORTS.indexer + instance) }, `indexer${label}${suffix}`, PORTS.indexer + instance));
  }
  for (const run of runs) void noteStartupCpu(run);
  return runs;
}

/** Polls the process's /health until its consumer has joined, and notes the CPU it had spent by then. */
async function noteStartupCpu(run: ChildRun): Promise<void> {
  while (run.child.exitCode === null && run.startupCpuSeconds === undefined) {
    const body = await fetch(`http://127.0.0.1:${run.healthPort}/health`).then((response) => response.json() as Promise<{ status?: string }>, () => undefined);
    if (body?.status !== undefined && body.status !== 'starting') run.startupCpuSeconds = cpuSeconds(run.child.pid);
    else await sleep(50);
  }
}

function startupCpuOf(runs: ChildRun[]): Record<string, number> {
  return Object.fromEntries(runs.map((run) => [run.name, run.startupCpuSeconds ?? Number.NaN]));
}

export function startApp(app: string, environment: Record<string, string>, name: string, healthPort?: number): ChildRun {
  const entry = resolve(APPS_DIR, app, 'main.js');
  if (!existsSync(entry)) throw new Error(`${entry} is missing: run npm run build first`);
  const child = spawn(process.execPath, [...NODE_ARGS, entry], { env: { ...process.env, ...environment }, stdio: ['ignore', 'pipe', 'pipe'] });
  const run: ChildRun = { name, child, output: [], healthPort };
  const keep = (chunk: Buffer) => {
    run.output.push(chunk.toString());
    if (run.output.length > 50) run.output.shift();
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  return run;
}

async function waitForSearch(config: PlatekeeperConfig): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    const healthy = await fetch(`http://127.0.0.1:${config.SEARCH_PORT}/health`).then((response) => response.ok, () => false);
    if (healthy) return;
    await sleep(250);
  }
  throw new Error('the search service did not become healthy within 60 s');
}

export async function stopApp(run: ChildRun): Promise<void> {
  if (run.child.exitCode !== null || run.child.signalCode !== null) return;
  const exited = new Promise<void>((resolveExit) => run.child.once('exit', () => resolveExit()));
  run.child.kill('SIGTERM');
  const stopped = await Promise.race([exited.then(() => true), sleep(15_000).then(() => false)]);
  if (!stopped) {
    run.child.kill('SIGKILL');
    await exited;
  }
}

/** Bulk operations Elasticsearch's write thread pool has completed (one per shard a bulk request touches), all nodes. */
async function writeTasks(elastic: ElasticClient): Promise<number> {
  const stats = await elastic.nodes.stats({ metric: 'thread_pool' }).catch(() => undefined);
  if (!stats) return Number.NaN;
  return Object.values(stats.nodes).reduce((sum, node) => sum + (node.thread_pool?.write?.completed ?? 0), 0);
}

async function elasticsearchTimes(elastic: ElasticClient): Promise<ElasticsearchTimes> {
  const stats = await elastic.nodes.stats({ metric: 'indices', index_metric: 'indexing,refresh,merge' }).catch(() => undefined);
  const nodes = Object.values(stats?.nodes ?? {});
  const sum = (pick: (indices: NonNullable<(typeof nodes)[number]['indices']>) => number | undefined) =>
    nodes.reduce((total, node) => total + (node.indices ? pick(node.indices) ?? 0 : 0), stats ? 0 : Number.NaN);
  return {
    indexing: sum((indices) => indices.indexing?.index_time_in_millis),
    refresh: sum((indices) => indices.refresh?.total_time_in_millis),
    merge: sum((indices) => indices.merges?.total_time_in_millis),
  };
}

function timesPer1000(before: ElasticsearchTimes, after: ElasticsearchTimes, reads: number): ElasticsearchTimes {
  const per1000 = (key: keyof ElasticsearchTimes) => ((after[key] - before[key]) * 1000) / reads;
  return { indexing: per1000('indexing'), refresh: per1000('refresh'), merge: per1000('merge') };
}

/** Mean reads per bulk request from the indexers' `platekeeper_bulk_request_reads` histogram; NaN if a build has none. */
async function readsPerBulkRequest(ports: number[]): Promise<number> {
  let [sum, count] = [0, 0];
  for (const port of ports) {
    const text = await fetch(`http://127.0.0.1:${port}/metrics`).then((response) => response.text(), () => '');
    sum += Number(/^platekeeper_bulk_request_reads_sum (\S+)$/m.exec(text)?.[1] ?? Number.NaN);
    count += Number(/^platekeeper_bulk_request_reads_count (\S+)$/m.exec(text)?.[1] ?? Number.NaN);
  }
  return sum / count;
}

/**
 * How big the record batches ingest wrote to the enriched topic are, read from the broker's log segments with Kafka's
 * own DumpLogSegments when the bench shares a machine with the broker (BENCH_KAFKA_HOME, BENCH_KAFKA_LOG_DIR).
 */
function recordBatchSizes(topic: string): RecordBatchSizes | undefined {
  const [home, logDir] = [process.env.BENCH_KAFKA_HOME, process.env.BENCH_KAFKA_LOG_DIR];
  if (!home || !logDir) return undefined;
  const segments = readdirSync(logDir)
    .filter((name) => name.startsWith(`${topic}-`) && /^\d+$/.test(name.slice(topic.length + 1)))
    .flatMap((name) => readdirSync(join(logDir, name)).filter((file) => file.endsWith('.log')).map((file) => join(logDir, name, file)));
  if (segments.length === 0) return undefined;
  const dump = spawnSync('java', ['-cp', `${home}/libs/*`, 'kafka.tools.DumpLogSegments', '--files', segments.join(',')], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  const batches = [...dump.stdout.matchAll(/count: (\d+) .*? size: (\d+)/g)].map((match) => ({ records: Number(match[1]), bytes: Number(match[2]) }));
  if (batches.length === 0) return undefined;
  const records = batches.map((batch) => batch.records).sort((a, b) => a - b);
  return {
    batches: batches.length,
    meanRecords: records.reduce((sum, value) => sum + value, 0) / batches.length,
    p50Records: records[Math.floor(records.length / 2)],
    meanBytes: batches.reduce((sum, batch) => sum + batch.bytes, 0) / batches.length,
  };
}

/** The batches written during the paced phases alone: everything in the topic after them minus the drain's. */
function pacedBatches(drain: RecordBatchSizes, total: RecordBatchSizes): Array<string | number> {
  const batches = total.batches - drain.batches;
  const records = total.meanRecords * total.batches - drain.meanRecords * drain.batches;
  const bytes = total.meanBytes * total.batches - drain.meanBytes * drain.batches;
  return ['freshness phases (paced)', String(batches), records / batches, Number.NaN, bytes / batches];
}

/** User + system CPU seconds a process has used so far (/proc/<pid>/stat, clock ticks of 1/100 s). */
export function cpuSeconds(pid: number | undefined): number {
  if (pid === undefined) return Number.NaN;
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return Number.NaN;
  }
}

function cpuOf(runs: ChildRun[]): Record<string, number> {
  return Object.fromEntries(runs.map((run) => [run.name, cpuSeconds(run.child.pid)]));
}

function peakRss(runs: ChildRun[]): Record<string, number> {
  return Object.fromEntries(runs.map((run) => [run.name, (peakRssKb(run.child.pid) ?? Number.NaN) / 1024]));
}

export function peakRssKb(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const match = /VmHWM:\s+(\d+)\s+kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Polls _count every 250 ms until `expected` reads are searchable; the timeline is [seconds, count, reads/s]. It does
 * not force refreshes (a refresh every 250 ms would cut the pipeline's indexing into tiny segments the raw-bulk
 * baseline never pays for): counts follow the index's own refresh interval, as searches do.
 */
export async function waitIndexed(
  elastic: ElasticClient, prefix: string, expected: number, began: number, timeoutMs: number, children: ChildRun[], refresh: 'refresh' | 'quiet' = 'quiet',
): Promise<{ totalSeconds: number; firstSeconds: number; firstCount: number; polls: number; timeline: Array<[number, number, number]> }> {
  const pattern = readsIndexPattern(prefix);
  let firstSeconds: number | undefined;
  let firstCount = 0;
  let polls = 0;
  let [lastCount, lastProgress] = [-1, 0];
  const timeline: Array<[number, number, number]> = [];
  for (;;) {
    polls++;
    if (refresh === 'refresh') await elastic.indices.refresh({ index: pattern, allow_no_indices: true, ignore_unavailable: true }).catch(() => undefined);
    const { count } = await elastic.count({ index: pattern, allow_no_indices: true, ignore_unavailable: true }).catch(() => ({ count: 0 }));
    const elapsed = (performance.now() - began) / 1000;
    // Over the last 2 s or more: counts move only at refreshes (1 s), so a per-poll rate would be all spikes.
    const previous = [...timeline].reverse().find(([seconds]) => elapsed - seconds >= 2);
    timeline.push([elapsed, count, previous ? Math.max(0, (count - previous[1]) / (elapsed - previous[0])) : 0]);
    if (count > 0 && firstSeconds === undefined) [firstSeconds, firstCount] = [elapsed, count];
    if (count >= expected) return { totalSeconds: elapsed, firstSeconds: firstSeconds ?? elapsed, firstCount, polls, timeline };
    if (count !== lastCount) [lastCount, lastProgress] = [count, elapsed];
    const crashed = children.find((run) => run.child.exitCode !== null);
    if (crashed) throw new Error(`${crashed.name} exited with ${crashed.child.exitCode}: ${crashed.output.join('').slice(-2000)}`);
    // Before the first read only the overall timeout counts: at load 20+ two services can take a minute to start.
    if (elapsed * 1000 > timeoutMs || (firstSeconds !== undefined && elapsed - lastProgress > STALL_SECONDS)) {
      const tails = children.map((run) => `--- ${run.name}\n${run.output.join('').slice(-1500)}`).join('\n');
      throw new Error(`only ${count}/${expected} reads were searchable after ${elapsed.toFixed(0)} s (no progress for ${(elapsed - lastProgress).toFixed(0)} s)\n${tails}`);
    }
    await sleep(POLL_MS);
  }
}

async function dropRun(elastic: ElasticClient, admin: Admin, config: PlatekeeperConfig, extraGroups: string[]): Promise<void> {
  await deleteIndices(elastic, readsIndexPattern(config.READS_INDEX_PREFIX)).catch(() => undefined);
  await elastic.indices.deleteIndexTemplate({ name: `${config.READS_INDEX_PREFIX}-template` }).catch(() => undefined);
  await admin.deleteTopics({ topics: [config.TOPIC_RAW, config.TOPIC_ENRICHED, config.TOPIC_DLQ], timeout: 10_000 }).catch(() => undefined);
  await admin.deleteGroups([config.INGEST_GROUP_ID, config.INDEXER_GROUP_ID, ...extraGroups]).catch(() => undefined);
  step(`cleaned up ${config.TOPIC_RAW} and its indices, template, topics and groups`);
}
