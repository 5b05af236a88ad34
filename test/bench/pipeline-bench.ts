import { ChildProcess, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { DataSource } from 'typeorm';
import { Client as ElasticClient } from '@elastic/elasticsearch';
import { PlatekeeperConfig, loadConfig } from '@platekeeper/config';
import { CameraRegistration, EnrichedRead, checkRawRead, enrichRead } from '@platekeeper/contract';
import { ReadsIndexLayout, createElasticClient, ensureReadsIndexTemplate, readDocumentId, readsIndexLayout, readsIndexName, readsIndexPattern } from '@platekeeper/elastic';
import { createKafka, ensureReadTopics } from '@platekeeper/kafka';
import { dataSourceOptions, migrateDatabase } from '@platekeeper/persistence';
import { generateRawReads } from '../../apps/cli/src/read-generator';
import { benchDatabaseUrl, deleteIndices, printTable, ratio, recreateDatabase, sleep, writeBenchJson } from './bench-support';

export interface PipelineBenchOptions {
  reads: number;
}

const BENCH_DATABASE = 'platekeeper_bench_pipeline';
const BENCH_STATES = ['WA', 'OR', 'CA', 'TX', 'NY'];
const AGENCIES = 10;
const CAMERAS_PER_AGENCY = 5;
const PRODUCE_BATCH = 1_000;
const BULK_BATCH = 1_000;
const POLL_MS = 250;
const STALL_SECONDS = 60;

interface ChildRun {
  name: string;
  child: ChildProcess;
  output: string[];
  peakRssKb?: number;
}

/** Run-unique topics, groups, index prefixes and health ports, so the demo system and other runs are untouched. */
function benchConfig(runId: string): PlatekeeperConfig {
  // The production names as prefixes keep the run's topics and groups under the stack's Kafka ACLs.
  const production = loadConfig();
  Object.assign(process.env, {
    DATABASE_URL: benchDatabaseUrl(BENCH_DATABASE),
    TOPIC_RAW: `${production.TOPIC_RAW}.${runId}`,
    TOPIC_ENRICHED: `${production.TOPIC_ENRICHED}.${runId}`,
    TOPIC_DLQ: `${production.TOPIC_DLQ}.${runId}`,
    INGEST_GROUP_ID: `${production.INGEST_GROUP_ID}.${runId}`,
    INDEXER_GROUP_ID: `${production.INDEXER_GROUP_ID}.${runId}`,
    READS_INDEX_PREFIX: `${runId}-reads`,
    INGEST_HEALTH_PORT: '3911',
    INDEXER_HEALTH_PORT: '3912',
    SEARCH_HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
    KAFKAJS_NO_PARTITIONER_WARNING: '1',
  });
  return loadConfig();
}

export async function runPipelineBench(options: PipelineBenchOptions): Promise<void> {
  const runId = `bench${Date.now().toString(36)}`;
  const config = benchConfig(runId);
  const rawBulkPrefix = `${runId}-rawbulk`;
  const startedAt = new Date().toISOString();
  const timeoutMs = Math.max(180_000, options.reads * 5);
  const elastic = createElasticClient(config);
  const kafka = createKafka(config, 'admin', 'bench');
  const children: ChildRun[] = [];

  try {
    step(`run ${runId}: database ${BENCH_DATABASE}, topics ${config.TOPIC_RAW} / ${config.TOPIC_ENRICHED}, indices ${config.READS_INDEX_PREFIX}-*`);
    await recreateDatabase(config.DATABASE_URL);
    await migrateDatabase(config);
    const cameras = await registerCameras(config);
    await ensureReadTopics(kafka, config);

    const raw = [...generateRawReads({ cameraIds: [...cameras.keys()], count: options.reads, withReadIds: true })];
    const messages = raw.map((read) => ({ key: String(read.cameraId), value: JSON.stringify(read) }));

    const producer = createKafka(config, 'camera', 'bench-camera').producer();
    await producer.connect();
    let began = performance.now();
    for (let start = 0; start < messages.length; start += PRODUCE_BATCH) {
      await producer.send({ topic: config.TOPIC_RAW, messages: messages.slice(start, start + PRODUCE_BATCH), acks: -1 });
    }
    const produceSeconds = (performance.now() - began) / 1000;
    await producer.disconnect();
    step(`produced ${options.reads} raw reads in ${produceSeconds.toFixed(2)} s`);

    const consumeSeconds = await consumeRawTopic(config, runId, options.reads, timeoutMs);
    step(`baseline A, raw kafkajs consume + JSON.parse: ${consumeSeconds.toFixed(2)} s`);

    const enriched = enrichInMemory(raw, cameras);
    began = performance.now();
    await bulkIndex(elastic, rawBulkPrefix, readsIndexLayout(config), enriched);
    const bulkSeconds = (performance.now() - began) / 1000;
    step(`baseline B, raw Elasticsearch bulk of ${enriched.length} enriched reads (batches of ${BULK_BATCH}): ${bulkSeconds.toFixed(2)} s`);

    began = performance.now();
    for (const app of ['ingest', 'indexer']) children.push(startApp(app));
    const pipeline = await waitIndexed(elastic, config.READS_INDEX_PREFIX, options.reads, began, timeoutMs, children);
    for (const run of children) run.peakRssKb = peakRssKb(run.child.pid);
    step(`ingest+indexer: ${options.reads} reads searchable ${pipeline.totalSeconds.toFixed(2)} s after start (first read at ${pipeline.firstSeconds.toFixed(2)} s)`);

    const rates = {
      producer: options.reads / produceSeconds,
      rawKafkaConsume: options.reads / consumeSeconds,
      rawElasticBulk: options.reads / bulkSeconds,
      pipelineFromStart: options.reads / pipeline.totalSeconds,
      // Start-up excluded: reads that became searchable after the first poll that saw any, over that interval.
      pipelineSteady: pipeline.totalSeconds - pipeline.firstSeconds >= 1
        ? (options.reads - pipeline.firstCount) / (pipeline.totalSeconds - pipeline.firstSeconds)
        : Number.NaN,
    };
    const ratios = {
      pipelineOverRawElasticBulk: ratio(rates.pipelineFromStart, rates.rawElasticBulk),
      pipelineOverRawKafkaConsume: ratio(rates.pipelineFromStart, rates.rawKafkaConsume),
      pipelineSteadyOverRawElasticBulk: ratio(rates.pipelineSteady, rates.rawElasticBulk),
      pipelineSteadyOverRawKafkaConsume: ratio(rates.pipelineSteady, rates.rawKafkaConsume),
    };
    printTable(`pipeline throughput, reads/s (${options.reads} reads, ${config.TOPIC_PARTITIONS} partitions)`, ['path', 'reads/s', 'seconds'], [
      ['producer (acks=all, batches of 1,000)', rates.producer, produceSeconds],
      ['A: raw kafkajs consume + JSON.parse', rates.rawKafkaConsume, consumeSeconds],
      ['B: raw Elasticsearch bulk (1,000/batch)', rates.rawElasticBulk, bulkSeconds],
      ['ingest+indexer, from process start', rates.pipelineFromStart, pipeline.totalSeconds],
      ['ingest+indexer, steady (after first read)', rates.pipelineSteady, pipeline.totalSeconds - pipeline.firstSeconds],
    ]);
    printTable('ratios', ['ratio', 'from start', 'steady'], [
      ['ingest+indexer / raw ES bulk', ratios.pipelineOverRawElasticBulk, ratios.pipelineSteadyOverRawElasticBulk],
      ['ingest+indexer / raw kafkajs consume', ratios.pipelineOverRawKafkaConsume, ratios.pipelineSteadyOverRawKafkaConsume],
    ]);
    printTable('peak RSS of the child processes (VmHWM)', ['process', 'MiB'], children.map((run) => [run.name, (run.peakRssKb ?? Number.NaN) / 1024]));

    const file = writeBenchJson('pipeline', {
      benchmark: 'bench-pipeline', startedAt, runId, options, partitions: config.TOPIC_PARTITIONS,
      seconds: { produce: produceSeconds, rawKafkaConsume: consumeSeconds, rawElasticBulk: bulkSeconds, pipeline },
      readsPerSecond: rates, ratios,
      peakRssMiB: Object.fromEntries(children.map((run) => [run.name, (run.peakRssKb ?? Number.NaN) / 1024])),
    });
    console.log(`results written to ${file}`);
  } finally {
    await Promise.all(children.map(stopApp));
    await cleanUp(elastic, kafka, config, rawBulkPrefix, runId);
    await elastic.close();
  }
}

function step(message: string): void {
  console.log(`[bench-pipeline] ${message}`);
}

async function registerCameras(config: PlatekeeperConfig): Promise<Map<string, CameraRegistration>> {
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

/** Baseline A: the cheapest possible consumer of the same topic, with the ingest service's fetch size. */
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

function enrichInMemory(raw: Array<Record<string, unknown>>, cameras: Map<string, CameraRegistration>): EnrichedRead[] {
  const ingestedAt = new Date();
  return raw.map((candidate) => {
    const checked = checkRawRead(candidate);
    if (!checked.ok) throw new Error(`generated read failed validation: ${JSON.stringify(checked.violations)}`);
    return enrichRead(checked.read, cameras.get(checked.read.cameraId)!, ingestedAt);
  });
}

/** Baseline B: the same enriched reads, bulk-written sequentially in batches of 1,000, then refreshed. */
async function bulkIndex(elastic: ElasticClient, prefix: string, layout: ReadsIndexLayout, reads: EnrichedRead[]): Promise<void> {
  await ensureReadsIndexTemplate(elastic, prefix, layout);
  for (let start = 0; start < reads.length; start += BULK_BATCH) {
    const operations = reads.slice(start, start + BULK_BATCH).flatMap((read) => [{ index: { _index: readsIndexName(prefix, read.capturedAt), _id: readDocumentId(read) } }, read]);
    const response = await elastic.bulk({ operations });
    if (response.errors) throw new Error(`bulk indexing failed: ${JSON.stringify(response.items.find((item) => item.index?.error))}`);
  }
  await elastic.indices.refresh({ index: readsIndexPattern(prefix) });
}

function startApp(name: string): ChildRun {
  const entry = resolve(__dirname, '../../dist/apps', name, 'main.js');
  if (!existsSync(entry)) throw new Error(`${entry} is missing: run npm run build first`);
  const child = spawn(process.execPath, [entry], { env: process.env, stdio: ['ignore', 'pipe', 'pipe'] });
  const run: ChildRun = { name, child, output: [] };
  const keep = (chunk: Buffer) => {
    run.output.push(chunk.toString());
    if (run.output.length > 50) run.output.shift();
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  return run;
}

async function stopApp(run: ChildRun): Promise<void> {
  if (run.child.exitCode !== null || run.child.signalCode !== null) return;
  const exited = new Promise<void>((resolveExit) => run.child.once('exit', () => resolveExit()));
  run.child.kill('SIGTERM');
  const stopped = await Promise.race([exited.then(() => true), sleep(15_000).then(() => false)]);
  if (!stopped) {
    run.child.kill('SIGKILL');
    await exited;
  }
}

function peakRssKb(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const match = /VmHWM:\s+(\d+)\s+kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) : undefined;
  } catch {
    return undefined;
  }
}

/** Polls refresh + _count every 250 ms until every produced read is searchable. */
async function waitIndexed(
  elastic: ElasticClient, prefix: string, expected: number, began: number, timeoutMs: number, children: ChildRun[],
): Promise<{ totalSeconds: number; firstSeconds: number; firstCount: number; polls: number }> {
  const pattern = readsIndexPattern(prefix);
  let firstSeconds: number | undefined;
  let firstCount = 0;
  let polls = 0;
  let [lastCount, lastProgress] = [-1, 0];
  for (;;) {
    polls++;
    await elastic.indices.refresh({ index: pattern, allow_no_indices: true, ignore_unavailable: true }).catch(() => undefined);
    const { count } = await elastic
      .count({ index: pattern, allow_no_indices: true, ignore_unavailable: true })
      .catch(() => ({ count: 0 }));
    const elapsed = (performance.now() - began) / 1000;
    if (count > 0 && firstSeconds === undefined) [firstSeconds, firstCount] = [elapsed, count];
    if (count >= expected) return { totalSeconds: elapsed, firstSeconds: firstSeconds ?? elapsed, firstCount, polls };
    if (count !== lastCount) [lastCount, lastProgress] = [count, elapsed];
    const crashed = children.find((run) => run.child.exitCode !== null);
    if (crashed) throw new Error(`${crashed.name} exited with ${crashed.child.exitCode}: ${crashed.output.join('').slice(-2000)}`);
    if (elapsed * 1000 > timeoutMs || elapsed - lastProgress > STALL_SECONDS) {
      const tails = children.map((run) => `--- ${run.name}\n${run.output.join('').slice(-1500)}`).join('\n');
      throw new Error(`only ${count}/${expected} reads were searchable after ${elapsed.toFixed(0)} s (no progress for ${(elapsed - lastProgress).toFixed(0)} s)\n${tails}`);
    }
    await sleep(POLL_MS);
  }
}

async function cleanUp(elastic: ElasticClient, kafka: ReturnType<typeof createKafka>, config: PlatekeeperConfig, rawBulkPrefix: string, runId: string) {
  for (const prefix of [config.READS_INDEX_PREFIX, rawBulkPrefix]) {
    await deleteIndices(elastic, readsIndexPattern(prefix)).catch(() => undefined);
    await elastic.indices.deleteIndexTemplate({ name: `${prefix}-template` }).catch(() => undefined);
  }
  const admin = kafka.admin();
  await admin.connect();
  try {
    await admin.deleteTopics({ topics: [config.TOPIC_RAW, config.TOPIC_ENRICHED, config.TOPIC_DLQ], timeout: 10_000 }).catch(() => undefined);
    await admin.deleteGroups([config.INGEST_GROUP_ID, config.INDEXER_GROUP_ID, `${runId}-baseline-consume`]).catch(() => undefined);
  } finally {
    await admin.disconnect();
  }
  step(`cleaned up the run's indices, templates, topics and consumer groups`);
}
