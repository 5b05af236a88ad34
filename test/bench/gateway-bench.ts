import autocannon from 'autocannon';
import { ChildProcess, spawn } from 'node:child_process';
import { readFileSync, writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { DataSource } from 'typeorm';
import { PlatekeeperConfig, loadConfig } from '@platekeeper/config';
import { createKafka, ensureReadTopics } from '@platekeeper/kafka';
import { CameraFormat, CameraKeyStore, dataSourceOptions, migrateDatabase, newCameraApiKey } from '@platekeeper/persistence';
import { generateRawReads } from '../../apps/cli/src/read-generator';
import { replayReads } from '../../apps/cli/src/replay';
import { benchDatabaseUrl, printTable, ratio, recreateDatabase, sleep, writeBenchJson } from './bench-support';

export interface GatewayBenchOptions {
  /** Seconds each format is driven for. */
  seconds: number;
  /** Concurrent HTTP connections (cameras/agents posting at once). */
  connections: number;
  /** Reads in the replay baseline. */
  reads: number;
}

const BENCH_DATABASE = 'platekeeper_bench_gateway';
const BENCH_GATEWAY_PORT = 3914;
const AGENCY = 'bench-gw';
const NDJSON_BATCH = 100;
const WARM_UP_SECONDS = 3;
const FIXTURES = resolve(__dirname, '../../apps/gateway/src/translators/fixtures');
const fixture = (name: string): any => JSON.parse(readFileSync(join(FIXTURES, name), 'utf8'));

/** One way cameras post: which key format, and a body per request (each a new capture instant, so a new read). */
interface PostingFormat {
  name: string;
  format: CameraFormat;
  vendorCameraId: string;
  readsPerRequest: number;
  contentType: string;
  body(sequence: number): string;
}

/** Capture instants a millisecond apart, recent, so every request is a distinct read ingest would accept. */
const instant = (sequence: number) => new Date(Date.now() - 3_600_000 + (sequence % 3_000_000));

function postingFormats(): PostingFormat[] {
  const openalpr = fixture('openalpr-alpr-group.json');
  const stream = fixture('platerecognizer-stream.json');
  const verkada = fixture('verkada-lpr.json');
  const rawRead = (cameraId: string, sequence: number) =>
    JSON.stringify({ cameraId, plate: `GW${String(sequence % 100_000).padStart(5, '0')}`, plateRegion: 'WA', confidence: 0.9, capturedAt: instant(sequence).toISOString() });
  return [
    {
      name: 'platekeeper JSON (1 read)', format: 'platekeeper', vendorCameraId: `${AGENCY}.pk`, readsPerRequest: 1, contentType: 'application/json',
      body: (sequence) => rawRead(`${AGENCY}.pk`, sequence),
    },
    {
      name: `platekeeper NDJSON (${NDJSON_BATCH} reads)`, format: 'platekeeper', vendorCameraId: `${AGENCY}.pk`, readsPerRequest: NDJSON_BATCH,
      contentType: 'application/x-ndjson',
      body: (sequence) => Array.from({ length: NDJSON_BATCH }, (_, index) => rawRead(`${AGENCY}.pk`, sequence * NDJSON_BATCH + index)).join('\n'),
    },
    {
      name: 'OpenALPR alpr_group', format: 'openalpr', vendorCameraId: String(openalpr.camera_id), readsPerRequest: 1, contentType: 'application/json',
      body: (sequence) => JSON.stringify({ ...openalpr, epoch_start: instant(sequence).getTime(), epoch_end: instant(sequence).getTime() + 900 }),
    },
    {
      name: 'Plate Recognizer Stream', format: 'platerecognizer', vendorCameraId: stream.data.camera_id, readsPerRequest: stream.data.results.length,
      contentType: 'application/json',
      body: (sequence) => JSON.stringify({ ...stream, data: { ...stream.data, timestamp: instant(sequence).toISOString() } }),
    },
    {
      name: 'Verkada lpr', format: 'verkada', vendorCameraId: verkada.data.camera_id, readsPerRequest: 1, contentType: 'application/json',
      body: (sequence) => JSON.stringify({ ...verkada, data: { ...verkada.data, detected: instant(sequence).getTime() } }),
    },
  ];
}

/** Run-unique raw topic and its own database, so the demo system and other runs are untouched. */
function benchConfig(runId: string): PlatekeeperConfig {
  const production = loadConfig();
  Object.assign(process.env, {
    DATABASE_URL: benchDatabaseUrl(BENCH_DATABASE),
    TOPIC_RAW: `${production.TOPIC_RAW}.${runId}`,
    TOPIC_ENRICHED: `${production.TOPIC_ENRICHED}.${runId}`,
    TOPIC_DLQ: `${production.TOPIC_DLQ}.${runId}`,
    GATEWAY_PORT: String(BENCH_GATEWAY_PORT),
    LOG_LEVEL: 'warn',
    KAFKAJS_NO_PARTITIONER_WARNING: '1',
  });
  return loadConfig();
}

/**
 * Gateway throughput: vendor payloads posted by many concurrent connections through the gateway (a process of its
 * own, as deployed) into the raw topic, against the replay CLI producing the same kind of reads straight to Kafka in
 * the same run. Reads are counted from the topic's offsets (what Kafka acknowledged), not from the answers.
 */
export async function runGatewayBench(options: GatewayBenchOptions): Promise<void> {
  const runId = `gwbench${Date.now().toString(36)}`;
  const config = benchConfig(runId);
  // BENCH_GATEWAY_FORMATS=name,... keeps only the posting formats whose name starts with one of them, in that order.
  const only = process.env.BENCH_GATEWAY_FORMATS?.split(',').map((name) => name.trim().toLowerCase());
  const formats = only === undefined
    ? postingFormats()
    : only.flatMap((name) => postingFormats().filter((format) => format.name.toLowerCase().startsWith(name)));
  const admin = createKafka(config, 'admin', 'bench-gateway').admin();
  let gateway: ChildProcess | undefined;
  const work = mkdtempSync(join(tmpdir(), 'platekeeper-gateway-bench-'));
  try {
    step(`run ${runId}: database ${BENCH_DATABASE}, topic ${config.TOPIC_RAW}`);
    await recreateDatabase(config.DATABASE_URL);
    await migrateDatabase(config);
    const apiKeys = await registerCamerasAndKeys(config, formats);
    await admin.connect();
    await ensureReadTopics(createKafka(config, 'admin', 'bench-gateway-topics'), config);
    const topicReads = async () =>
      (await admin.fetchTopicOffsets(config.TOPIC_RAW)).reduce((sum, partition) => sum + Number(partition.high), 0);

    // Baseline: the replay CLI, flat out, the same kind of reads from a file (what a load tester would do).
    const file = join(work, 'reads.ndjson');
    writeFileSync(file, [...generateRawReads({ cameraIds: [`${AGENCY}.pk`], count: options.reads, withReadIds: false })].map((read) => JSON.stringify(read)).join('\n'));
    // Run before and after the gateway, and compared with their mean: on a shared machine the load moves during a run.
    const replayOnce = async (when: string) => {
      const before = await topicReads();
      const run = await replayReads(config, { file, progress: false });
      const replayed = (await topicReads()) - before;
      if (replayed !== options.reads) throw new Error(`replay put ${replayed} reads on the topic, expected ${options.reads}`);
      step(`replay CLI ${when}: ${options.reads} reads in ${run.seconds.toFixed(2)} s = ${Math.round(run.ratePerSecond)} reads/s`);
      return run;
    };
    const replayBefore = await replayOnce('before the gateway');

    gateway = startGateway();
    await waitHealthy(`http://127.0.0.1:${BENCH_GATEWAY_PORT}/health`, gateway);

    // Not counted: a fresh gateway compiles its code paths (JIT, lazily loaded modules) for a while, the longer the
    // busier the machine. On the shared 2-core machine (load average 15–20) one format driven three times in a row ran
    // at 78, 179 and 364 requests/s, so every format is driven in turn for BENCH_GATEWAY_WARM_UP_SECONDS (30) first.
    const warmUpUntil = Date.now() + Number(process.env.BENCH_GATEWAY_WARM_UP_SECONDS ?? 30) * 1000;
    do {
      for (const format of formats) await drive(format, apiKeys.get(format.format)!, { ...options, seconds: WARM_UP_SECONDS });
    } while (Date.now() < warmUpUntil);
    const results = [];
    for (const format of formats) {
      const start = await settled(topicReads);
      const run = await drive(format, apiKeys.get(format.format)!, options);
      // Requests autocannon stopped waiting for may still be acknowledged: count them with their own format.
      const end = await settled(topicReads);
      const readsPerSecond = (end - start) / run.seconds;
      results.push({
        format: format.name, connections: options.connections, requests: run.requests, non2xx: run.non2xx, errors: run.errors,
        readsAcknowledged: end - start, readsPerSecond, requestsPerSecond: run.requests / run.seconds,
        p50Ms: run.p50, p99Ms: run.p99, ratioToReplay: 0,
      });
      step(`${format.name}: ${Math.round(readsPerSecond)} reads/s, p99 ${run.p99} ms, non-2xx ${run.non2xx}, errors ${run.errors}`);
    }
    const replayAfter = await replayOnce('after the gateway');
    const replay = { seconds: (replayBefore.seconds + replayAfter.seconds) / 2, ratePerSecond: (replayBefore.ratePerSecond + replayAfter.ratePerSecond) / 2 };
    for (const row of results) row.ratioToReplay = ratio(row.readsPerSecond, replay.ratePerSecond);

    printTable(
      `gateway → raw topic vs replay CLI → raw topic (${options.connections} connections, ${options.seconds} s per format; replay ${Math.round(replay.ratePerSecond)} reads/s, ` +
        `the mean of ${Math.round(replayBefore.ratePerSecond)} before and ${Math.round(replayAfter.ratePerSecond)} after; load average ${loadavg().map((load) => load.toFixed(1)).join(' ')})`,
      ['format', 'requests/s', 'reads/s', 'ratio to replay', 'p50 ms', 'p99 ms', 'non-2xx', 'errors'],
      results.map((row) => [
        row.format, Math.round(row.requestsPerSecond), Math.round(row.readsPerSecond), row.ratioToReplay.toFixed(2),
        row.p50Ms, row.p99Ms, row.non2xx, row.errors,
      ]),
    );
    const path = writeBenchJson('gateway', {
      runId, startedAt: new Date().toISOString(), options,
      replay: {
        reads: options.reads, seconds: replay.seconds, readsPerSecond: replay.ratePerSecond,
        before: { seconds: replayBefore.seconds, readsPerSecond: replayBefore.ratePerSecond },
        after: { seconds: replayAfter.seconds, readsPerSecond: replayAfter.ratePerSecond },
      },
      loadAverage: loadavg(),
      results,
    });
    step(`wrote ${path}`);
  } finally {
    if (gateway && gateway.exitCode === null) {
      gateway.kill('SIGTERM');
      await new Promise((done) => gateway!.once('exit', done));
    }
    await admin.deleteTopics({ topics: [config.TOPIC_RAW, config.TOPIC_ENRICHED, config.TOPIC_DLQ] }).catch(() => undefined);
    await admin.disconnect();
    rmSync(work, { recursive: true, force: true });
  }
}

/** The topic's read count once it has not moved for a second. */
async function settled(count: () => Promise<number>): Promise<number> {
  let last = await count();
  for (;;) {
    await sleep(1_000);
    const now = await count();
    if (now === last) return now;
    last = now;
  }
}

async function drive(format: PostingFormat, apiKey: string, options: GatewayBenchOptions) {
  let sequence = 0;
  const result = await autocannon({
    url: `http://127.0.0.1:${BENCH_GATEWAY_PORT}/v1/reads`,
    connections: options.connections,
    duration: options.seconds,
    method: 'POST',
    headers: { 'content-type': format.contentType, 'x-api-key': apiKey },
    requests: [{ setupRequest: (request) => ({ ...request, body: format.body(sequence++) }) }],
  });
  return {
    seconds: result.duration, requests: result.requests.total, non2xx: result.non2xx, errors: result.errors + result.timeouts,
    p50: result.latency.p50, p99: result.latency.p99,
  };
}

/** One agency owning one camera per format, and one key per format mapping its vendor camera id to it. */
async function registerCamerasAndKeys(config: PlatekeeperConfig, formats: PostingFormat[]): Promise<Map<CameraFormat, string>> {
  const dataSource = await new DataSource(dataSourceOptions(config)).initialize();
  try {
    await dataSource.query(
      `INSERT INTO agencies (id, name, state, category, status, retention_days, sharing)
       VALUES ($1, $1, 'WA', 'local_police', 'active', 30, '{"statewide":false,"nationalLookup":false,"allowAgencies":[],"denyAgencies":[],"denyCategories":[],"deniedPurposes":[]}'::jsonb)`,
      [AGENCY],
    );
    const keys = new Map<CameraFormat, string>();
    const store = new CameraKeyStore(dataSource);
    for (const format of formats) {
      if (keys.has(format.format)) continue;
      const cameraId = `${AGENCY}.${format.format === 'platekeeper' ? 'pk' : format.format}`;
      await dataSource.query('INSERT INTO cameras (id, agency_id, name, lat, lon) VALUES ($1, $2, $1, 47.3, -122.2)', [cameraId, AGENCY]);
      const apiKey = newCameraApiKey();
      await dataSource.transaction((tx) =>
        store.insert(tx, { agencyId: AGENCY, name: format.format, format: format.format, cameras: [{ vendorCameraId: format.vendorCameraId, cameraId }] }, apiKey));
      keys.set(format.format, apiKey);
    }
    return keys;
  } finally {
    await dataSource.destroy();
  }
}

/** The gateway as deployed: its own Node process (TypeScript run directly, no build step), the bench's environment. */
function startGateway(): ChildProcess {
  const child = spawn(
    process.execPath,
    [
      // BENCH_GATEWAY_PROFILE=<dir> writes the gateway's CPU profile there (open it in Chrome DevTools).
      ...(process.env.BENCH_GATEWAY_PROFILE ? ['--cpu-prof', '--cpu-prof-dir', process.env.BENCH_GATEWAY_PROFILE] : []),
      '-r', 'ts-node/register/transpile-only', '-r', 'tsconfig-paths/register', 'apps/gateway/src/main.ts',
    ],
    { cwd: resolve(__dirname, '../..'), env: { ...process.env }, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  child.stderr?.on('data', (chunk: Buffer) => process.stderr.write(`[gateway] ${chunk}`));
  return child;
}

async function waitHealthy(url: string, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the gateway exited with ${child.exitCode} before it was healthy`);
    const status = await fetch(url).then((response) => response.status, () => 0);
    if (status === 200) return;
    await sleep(250);
  }
  throw new Error(`the gateway was not healthy at ${url} within 120 s`);
}

function step(message: string): void {
  process.stdout.write(`[bench-gateway] ${message}\n`);
}
