/**
 * `npm run faults`: the fault campaign on an isolated copy of the system (docs/faults.md).
 *
 * Starts its own Kafka and Elasticsearch (deploy/local/stack with its own cache directory and ports, never the
 * shared engines), its own database, and ingest, indexer, search and the camera gateway as built processes under deploy/local/supervise,
 * each service's PostgreSQL behind a local TCP proxy. It replays reads while injecting one fault at a time, then
 * counts by read identity what was lost, duplicated, changed or dead-lettered, and how long each fault took to heal
 * without a person. Prints the table; writes faults-report.json and faults-report.html.
 *
 * Environment: FAULTS_CACHE_DIR (default <repo>/.cache/faults), FAULTS_PORT_BASE (default 39000: Kafka +92,
 * controller +93, Elasticsearch +50: 39092, 39093, 39050; services 39000-39003 (search, ingest, indexer, gateway), PostgreSQL proxies 39011-39012), FAULTS_READS_PER_FAULT (default 1200),
 * FAULTS_RATE (reads/s, default 200), FAULTS_OUTAGE_SECONDS (default 40: longer than every timeout), FAULTS_ONLY
 * (comma-separated fault names), FAULTS_DATABASE (default platekeeper_faults), FAULTS_KEEP_ENGINES=1 (leave the isolated engines running afterwards).
 */
import { ChildProcess, execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'pg';
import { PlatekeeperConfig, loadConfig } from '@platekeeper/config';
import { createElasticClient } from '@platekeeper/elastic';
import { createKafka, ensureReadTopics } from '@platekeeper/kafka';
import { migrateDatabase } from '@platekeeper/persistence';
import { DEFAULT_SHARING_POLICY } from '@platekeeper/sharing';
import { generateRawReads } from '../../apps/cli/src/read-generator';
import { mintDevelopmentToken } from '@platekeeper/config';
import { replayReads } from '../../apps/cli/src/replay';
import { TcpProxy } from '../support/tcp-proxy';

const exec = promisify(execFile);
const sleep = (ms: number) => new Promise((resolveSleep) => setTimeout(resolveSleep, ms));
const REPO = resolve(__dirname, '../..');
const CACHE = resolve(process.env.FAULTS_CACHE_DIR ?? join(REPO, '.cache/faults'));
const BASE = Number(process.env.FAULTS_PORT_BASE ?? 39000);
const PORTS = { search: BASE, ingest: BASE + 1, indexer: BASE + 2, gateway: BASE + 3, ingestPg: BASE + 11, searchPg: BASE + 12, kafka: BASE + 92, controller: BASE + 93, elastic: BASE + 50 };
const READS_PER_FAULT = Number(process.env.FAULTS_READS_PER_FAULT ?? 1200);
const RATE = Number(process.env.FAULTS_RATE ?? 200);
const OUTAGE_MS = Number(process.env.FAULTS_OUTAGE_SECONDS ?? 40) * 1000;
const HEAL_TARGET_MS = 15_000;
const SERVICES = ['ingest', 'indexer', 'search', 'gateway'] as const;
/** Reads per POST of the campaign's camera through the gateway (the platekeeper format takes an array). */
const GATEWAY_READS_PER_POST = 10;
type Service = (typeof SERVICES)[number];
const RUN = `faults${Date.now().toString(36)}${randomBytes(2).toString('hex')}`;
const DATABASE = process.env.FAULTS_DATABASE ?? 'platekeeper_faults';

interface FaultResult {
  fault: string;
  reads: number;
  /** ms from the engine (or service) being back to every service answering 200 on /health. */
  healMs?: number;
  /** The services that were the last to answer 200 again (empty: all answered 200 at the first poll). */
  lastHealed?: Service[];
  /** ms from the fault's end until every read replayed so far was searchable in Elasticsearch. */
  caughtUpMs?: number;
  /** Services whose /health said not-ok while their engine was away (the others lied, or did not depend on it). */
  reportedDown: string[];
  /** Slowest search answer during the fault, and its status. */
  searchDuringFault?: { status: number; ms: number };
  /** When a service fault sent its signal: heal is measured from here. */
  signalledAt?: number;
  /** What the campaign's camera saw when the fault's reads were posted through the gateway. */
  camera?: CameraTally;
  /** Highest RSS (MiB) of ingest, indexer and gateway during the fault. */
  peakRssMiB?: Partial<Record<Service, number>>;
  note?: string;
}

const engineEnv = { ...process.env, PLATEKEEPER_CACHE_DIR: CACHE, KAFKA_PORT: String(PORTS.kafka), KAFKA_CONTROLLER_PORT: String(PORTS.controller), ES_PORT: String(PORTS.elastic) };
const serviceEnv: Record<string, string> = {
  NODE_ENV: 'development', LOG_LEVEL: 'warn', KAFKAJS_NO_PARTITIONER_WARNING: '1',
  KAFKA_BROKERS: `127.0.0.1:${PORTS.kafka}`, ELASTICSEARCH_URL: `http://127.0.0.1:${PORTS.elastic}`,
  DATABASE_URL: `postgres://postgres:postgres@127.0.0.1:5432/${DATABASE}`,
  TOPIC_RAW: `alpr.reads.raw.${RUN}`, TOPIC_ENRICHED: `alpr.reads.enriched.${RUN}`, TOPIC_DLQ: `alpr.reads.dlq.${RUN}`,
  INGEST_GROUP_ID: `platekeeper-ingest.${RUN}`, INDEXER_GROUP_ID: `platekeeper-indexer.${RUN}`, READS_INDEX_PREFIX: `${RUN}-reads`,
  SEARCH_PORT: String(PORTS.search), INGEST_HEALTH_PORT: String(PORTS.ingest), INDEXER_HEALTH_PORT: String(PORTS.indexer), GATEWAY_PORT: String(PORTS.gateway),
  SEARCH_RATE_LIMIT_PER_MINUTE: '0', UNAUTHENTICATED_RATE_LIMIT_PER_MINUTE: '0', RETENTION_SWEEP_MINUTES: '0',
};
const config: PlatekeeperConfig = loadConfig({ ...process.env, ...serviceEnv });
const pgProxies = { ingest: new TcpProxy('127.0.0.1', 5432), search: new TcpProxy('127.0.0.1', 5432) };
const supervisors = new Map<Service, ChildProcess>();
const expected = new Map<string, { agencyId: string; plate: string; capturedAt: string }>();
const cameraOwners = new Map<string, string>();
/** The camera key each agency's administrator issued for its cameras (platekeeper format), by agency. */
const cameraKeys = new Map<string, string>();
let replayed = 0;

function log(message: string): void {
  process.stdout.write(`[faults ${new Date().toISOString().slice(11, 19)}] ${message}\n`);
}

async function stack(command: string): Promise<void> {
  await exec('bash', [join(REPO, 'deploy/local/stack'), command], { env: engineEnv, maxBuffer: 16 * 1024 * 1024 });
}

/** kill -9 of an isolated engine's whole process group (the pid file is the one deploy/local/stack wrote in CACHE). */
function killEngine(engine: 'kafka' | 'elasticsearch'): void {
  const pid = Number(readFileSync(join(CACHE, 'run', `${engine}.pid`), 'utf8'));
  if (!pid) throw new Error(`no ${engine} pid in ${CACHE}`);
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    process.kill(pid, 'SIGKILL');
  }
}

function servicePidFile(name: Service): string {
  return join(CACHE, 'run', `faults-${name}.service.pid`);
}

function startSupervised(name: Service): void {
  const databasePort = name === 'ingest' ? pgProxies.ingest.port : name === 'search' ? pgProxies.search.port : 5432;
  const env = { ...process.env, ...serviceEnv, DATABASE_URL: `postgres://postgres:postgres@127.0.0.1:${databasePort}/${DATABASE}` };
  const child = spawn('bash', [join(REPO, 'deploy/local/supervise'), name, servicePidFile(name), join(CACHE, 'logs', `faults-${name}.log`), '--',
    process.execPath, join(REPO, `dist/apps/${name}/main.js`)], { env, stdio: 'ignore', detached: true });
  supervisors.set(name, child);
}

function servicePid(name: Service): number {
  return Number(readFileSync(servicePidFile(name), 'utf8'));
}

async function health(name: Service): Promise<{ status: number; body?: any }> {
  try {
    const response = await fetch(`http://127.0.0.1:${PORTS[name]}/health`, { signal: AbortSignal.timeout(2_000) });
    return { status: response.status, body: await response.json() };
  } catch {
    return { status: 0 };
  }
}

/** The services not answering 200 on /health (none: all healthy). */
async function unhealthy(): Promise<Service[]> {
  const answers = await Promise.all(SERVICES.map(health));
  return SERVICES.filter((_, index) => answers[index].status !== 200);
}

/** Waits until every service answers 200; `last` names the services still not answering 200 at the poll before (the slowest to heal). */
async function waitHealthy(timeoutMs = 180_000): Promise<{ ms: number; last: Service[] }> {
  const startedAt = Date.now();
  let last: Service[] = [];
  for (let down = await unhealthy(); down.length > 0; down = await unhealthy()) {
    last = down;
    if (Date.now() - startedAt > timeoutMs) throw new Error(`services not healthy after ${timeoutMs} ms: ${JSON.stringify(await Promise.all(SERVICES.map(health)))}`);
    await sleep(250);
  }
  return { ms: Date.now() - startedAt, last };
}

function rssMiB(name: Service): number | undefined {
  try {
    const status = readFileSync(`/proc/${servicePid(name)}/status`, 'utf8');
    const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1]);
    return Math.round(kb / 1024);
  } catch {
    return undefined;
  }
}

async function timedSearch(token: string): Promise<{ status: number; ms: number }> {
  const startedAt = Date.now();
  try {
    const response = await fetch(`http://127.0.0.1:${PORTS.search}/v1/searches`, {
      method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ purpose: 'criminal_investigation', caseNumber: 'FAULTS-1', reason: 'fault drill', plate: 'ABC1234' }),
      signal: AbortSignal.timeout(30_000),
    });
    await response.text();
    return { status: response.status, ms: Date.now() - startedAt };
  } catch {
    return { status: 0, ms: Date.now() - startedAt };
  }
}

// ---- data ----

async function database(sql: string, parameters: unknown[] = []): Promise<any[]> {
  const client = new Client({ connectionString: `postgres://postgres:postgres@127.0.0.1:5432/${DATABASE}` });
  await client.connect();
  try {
    return (await client.query(sql, parameters)).rows;
  } finally {
    await client.end();
  }
}

async function prepareDatabase(): Promise<void> {
  const admin = new Client({ connectionString: 'postgres://postgres:postgres@127.0.0.1:5432/postgres' });
  await admin.connect();
  const exists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [DATABASE]);
  if (exists.rowCount === 0) await admin.query(`CREATE DATABASE ${DATABASE}`);
  await admin.end();
  await migrateDatabase(config);
  const agencies = ['a', 'b', 'c'].map((letter) => `${RUN}-${letter}-pd`);
  for (const agency of agencies) {
    await database(`INSERT INTO agencies (id, name, state, category, status, retention_days, sharing) VALUES ($1, $1, 'WA', 'local_police', 'active', 3650, $2)`,
      [agency, { ...DEFAULT_SHARING_POLICY, nationalLookup: true }]);
  }
  for (let index = 0; index < 12; index++) {
    const camera = `${RUN}-cam-${index}`;
    const owner = agencies[index % 2];
    cameraOwners.set(camera, owner);
    await database(`INSERT INTO cameras (id, agency_id, name, lat, lon) VALUES ($1, $2, $1, 47.3, -122.2)`, [camera, owner]);
  }
}

/** A file of fresh reads (explicit readIds), remembered with the owner each must keep whatever happens later. */
function writeReadsFile(name: string, count: number, seed: number): string {
  const file = join(CACHE, 'replays', `${RUN}-${name}.ndjson`);
  const lines: string[] = [];
  for (const read of generateRawReads({ cameraIds: [...cameraOwners.keys()], count, seed, spreadDays: 2, withReadIds: true })) {
    const readId = read.readId as string;
    expected.set(readId, { agencyId: cameraOwners.get(read.cameraId as string)!, plate: String(read.plate).replace(/\s/g, ''), capturedAt: read.capturedAt as string });
    lines.push(JSON.stringify(read));
  }
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

/**
 * Issues a camera key per agency through the API, as an agency administrator does (docs/gateway.md): platekeeper
 * format, each of the agency's cameras mapped to itself.
 */
async function issueCameraKeys(): Promise<void> {
  for (const agency of new Set(cameraOwners.values())) {
    const token = await mintDevelopmentToken(config, { agencyId: agency, roles: ['agency_admin'] });
    const cameras = [...cameraOwners].filter(([, owner]) => owner === agency).map(([cameraId]) => ({ vendorCameraId: cameraId, cameraId }));
    const response = await fetch(`http://127.0.0.1:${PORTS.search}/v1/agencies/${agency}/camera-keys`, {
      method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ name: 'faults campaign camera', format: 'platekeeper', cameras }),
    });
    const body = (await response.json()) as { apiKey: string };
    if (response.status !== 201) throw new Error(`camera key for ${agency}: ${response.status} ${JSON.stringify(body)}`);
    cameraKeys.set(agency, body.apiKey);
  }
}

interface CameraTally {
  /** POSTs answered 200 (every read of each acknowledged by Kafka). */
  accepted: number;
  /** Answers other than 200, by status (0: no answer, e.g. connection refused while the gateway was dead); each was posted again. */
  refused: Record<string, number>;
  /** Longest a post waited between its first attempt and its 200, ms. */
  longestMs: number;
}

/**
 * Posts a reads file through the gateway as cameras do: each agency's reads with its key, GATEWAY_READS_PER_POST a
 * POST, paced at FAULTS_RATE reads/s overall, one post at a time per key. A post not answered 200 is posted again
 * (after Retry-After when the gateway gives one, else 1 s), as a camera keeps an unacknowledged read and sends it
 * again; 400/401/403 would never heal by retrying, so they end the campaign.
 */
async function postThroughGateway(file: string): Promise<{ acknowledged: number; camera: CameraTally }> {
  const reads = readFileSync(file, 'utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line) as { cameraId: string });
  const byAgency = new Map<string, Array<{ cameraId: string }>>();
  for (const read of reads) {
    const agency = cameraOwners.get(read.cameraId)!;
    byAgency.set(agency, [...(byAgency.get(agency) ?? []), read]);
  }
  const camera: CameraTally = { accepted: 0, refused: {}, longestMs: 0 };
  let acknowledged = 0;
  const startedAt = Date.now();
  const perAgencyRate = RATE / byAgency.size;
  await Promise.all([...byAgency].map(async ([agency, agencyReads]) => {
    for (let from = 0; from < agencyReads.length; from += GATEWAY_READS_PER_POST) {
      const due = startedAt + (from / perAgencyRate) * 1000;
      if (due > Date.now()) await sleep(due - Date.now());
      const batch = agencyReads.slice(from, from + GATEWAY_READS_PER_POST);
      const firstAttempt = Date.now();
      for (;;) {
        let status = 0;
        let retryAfterMs = 1_000;
        try {
          const response = await fetch(`http://127.0.0.1:${PORTS.gateway}/v1/reads`, {
            method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': cameraKeys.get(agency)! },
            body: JSON.stringify(batch), signal: AbortSignal.timeout(30_000),
          });
          status = response.status;
          const body = (await response.json().catch(() => undefined)) as { accepted?: number } | undefined;
          if (status === 200) {
            if (body?.accepted !== batch.length) throw new Error(`gateway accepted ${body?.accepted} of ${batch.length} reads: ${JSON.stringify(body)}`);
            break;
          }
          if ([400, 401, 403].includes(status)) throw new Error(`gateway refused a camera post for good: ${status} ${JSON.stringify(body)}`);
          const retryAfter = Number(response.headers.get('retry-after'));
          if (retryAfter > 0) retryAfterMs = retryAfter * 1000;
        } catch (error) {
          if (status !== 0) throw error;
        }
        camera.refused[status] = (camera.refused[status] ?? 0) + 1;
        await sleep(retryAfterMs);
      }
      camera.accepted++;
      camera.longestMs = Math.max(camera.longestMs, Date.now() - firstAttempt);
      acknowledged += batch.length;
    }
  }));
  replayed += acknowledged;
  return { acknowledged, camera };
}

async function replay(file: string): Promise<{ acknowledged: number; seconds: number }> {
  const result = await replayReads(config, { file, ratePerSecond: RATE, progress: false, outageTimeoutMs: 10 * 60_000, checkpointFile: `${file}.checkpoint`,
    onWaiting: (waited) => log(`  replay waiting for Kafka (${Math.round(waited / 1000)} s)`) });
  replayed += result.produced;
  return { acknowledged: result.acknowledgedLines, seconds: result.seconds };
}

// ---- counting by read identity ----

interface Tally { expected: number; found: number; lost: number; duplicated: number; changed: number; deadLettered: number }

async function tally(): Promise<Tally> {
  const elastic = createElasticClient(config);
  const seen = new Map<string, number>();
  let changed = 0;
  try {
    await elastic.indices.refresh({ index: `${config.READS_INDEX_PREFIX}-*`, allow_no_indices: true });
    for await (const document of elastic.helpers.scrollDocuments<{ readId: string; agencyId: string; plate: string; capturedAt: string }>({
      index: `${config.READS_INDEX_PREFIX}-*`, size: 5000, _source: ['readId', 'agencyId', 'plate', 'capturedAt'], query: { match_all: {} },
    })) {
      seen.set(document.readId, (seen.get(document.readId) ?? 0) + 1);
      const want = expected.get(document.readId);
      if (!want || want.agencyId !== document.agencyId || want.plate !== document.plate || Date.parse(want.capturedAt) !== Date.parse(document.capturedAt)) changed++;
    }
  } finally {
    await elastic.close();
  }
  const kafka = createKafka(config, 'admin', 'faults-admin');
  const admin = kafka.admin();
  await admin.connect();
  const dlq = await admin.fetchTopicOffsets(config.TOPIC_DLQ);
  await admin.disconnect();
  const deadLettered = dlq.reduce((sum, partition) => sum + Number(partition.high) - Number(partition.low), 0);
  const lost = [...expected.keys()].filter((readId) => !seen.has(readId)).length;
  const duplicated = [...seen.values()].reduce((sum, copies) => sum + Math.max(0, copies - 1), 0);
  return { expected: expected.size, found: seen.size, lost, duplicated, changed, deadLettered };
}

async function waitCaughtUp(timeoutMs = 240_000): Promise<number> {
  const startedAt = Date.now();
  const elastic = createElasticClient(config);
  try {
    for (;;) {
      await elastic.indices.refresh({ index: `${config.READS_INDEX_PREFIX}-*`, allow_no_indices: true }).catch(() => undefined);
      const count = await elastic.count({ index: `${config.READS_INDEX_PREFIX}-*`, allow_no_indices: true }).then((answer) => answer.count, () => -1);
      if (count >= expected.size) return Date.now() - startedAt;
      if (Date.now() - startedAt > timeoutMs) return -1;
      await sleep(500);
    }
  } finally {
    await elastic.close();
  }
}

// ---- the faults ----

interface Fault {
  name: string;
  /** The replay runs meanwhile; `inject` returns once the fault is over (engine back, proxy restored), or the time the service was killed. */
  inject(context: { token: string; during: FaultResult }): Promise<void>;
  /** Heal is measured from the end of `inject`. */
  replayFile?: () => string;
  /** The fault's reads are posted through the gateway by the campaign's camera instead of replayed to Kafka. */
  throughGateway?: boolean;
}

/** Samples /health, a search and RSS while an engine is away, after every stall/probe timeout has had its chance. */
async function observeOutage(token: string, during: FaultResult, outageMs: number): Promise<void> {
  const until = Date.now() + outageMs;
  const reportedDown = new Set<string>();
  const peak: Partial<Record<Service, number>> = {};
  let slowest: { status: number; ms: number } | undefined;
  await sleep(Math.min(outageMs / 2, config.CONSUMER_STALL_MS + 3_000));
  while (Date.now() < until) {
    for (const name of SERVICES) {
      if ((await health(name)).status !== 200) reportedDown.add(name);
      if (name !== 'search') peak[name] = Math.max(peak[name] ?? 0, rssMiB(name) ?? 0);
    }
    const search = await timedSearch(token);
    if (!slowest || search.ms > slowest.ms) slowest = search;
    await sleep(2_000);
  }
  during.reportedDown = [...reportedDown];
  during.peakRssMiB = peak;
  during.searchDuringFault = slowest;
}

/** Signals the service 2 s into the replay and returns once the supervisor has started a new process. */
async function signalService(name: Service, signal: NodeJS.Signals, during: FaultResult): Promise<void> {
  await sleep(2_000);
  const before = servicePid(name);
  during.signalledAt = Date.now();
  process.kill(before, signal);
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    try {
      if (servicePid(name) !== before) return;
    } catch {
      // between processes: the pid file is being rewritten
    }
    await sleep(100);
  }
  throw new Error(`${name} was not restarted within 60 s of ${signal}`);
}

const killService = (name: Service): Fault => ({
  name: name === 'gateway' ? 'kill -9 gateway, reads posted through it' : `kill -9 ${name}`,
  inject: ({ during }) => signalService(name, 'SIGKILL', during),
  throughGateway: name === 'gateway',
});

const terminateService = (name: Service): Fault => ({
  name: `SIGTERM ${name} (drains, leaves its group; restarted)`,
  inject: ({ during }) => signalService(name, 'SIGTERM', during),
});

const killEngineFault = (engine: 'kafka' | 'elasticsearch', throughGateway = false): Fault => ({
  name: `kill -9 ${engine}, down ${OUTAGE_MS / 1000} s${throughGateway ? ', reads posted through the gateway' : ''}`,
  throughGateway,
  async inject({ token, during }) {
    await sleep(2_000);
    killEngine(engine);
    await observeOutage(token, during, OUTAGE_MS);
    await stack('up');
  },
});

const postgresLoss = (name: 'ingest' | 'search', mode: 'blackhole' | 'refuse'): Fault => ({
  name: `PostgreSQL ${mode === 'blackhole' ? 'silent' : 'refusing'} for ${name}, ${OUTAGE_MS / 1000} s`,
  async inject({ token, during }) {
    await sleep(2_000);
    await pgProxies[name][mode]();
    await observeOutage(token, during, OUTAGE_MS);
    await pgProxies[name].restore();
  },
});

const blockedIndex: Fault = {
  name: `Elasticsearch index write-blocked ${OUTAGE_MS / 1000} s`,
  async inject({ token, during }) {
    const elastic = createElasticClient(config);
    try {
      const index = `${config.READS_INDEX_PREFIX}-*`;
      await elastic.indices.putSettings({ index, settings: { 'index.blocks.write': true } });
      await observeOutage(token, during, OUTAGE_MS);
      await elastic.indices.putSettings({ index, settings: { 'index.blocks.write': false } });
    } finally {
      await elastic.close();
    }
  },
};

function main(): Promise<void> {
  return run().finally(cleanup);
}

async function run(): Promise<void> {
  const startedAt = Date.now();
  for (const folder of ['run', 'logs', 'replays']) mkdirSync(join(CACHE, folder), { recursive: true });
  log(`isolated engines in ${CACHE} (Kafka ${PORTS.kafka}, Elasticsearch ${PORTS.elastic}); run ${RUN}`);
  await stack('up');
  await prepareDatabase();
  await ensureReadTopics(createKafka(config, 'admin', 'faults-admin'), config);
  await pgProxies.ingest.start(PORTS.ingestPg);
  await pgProxies.search.start(PORTS.searchPg);
  for (const name of SERVICES) startSupervised(name);
  log(`services healthy after ${(await waitHealthy()).ms} ms`);
  await issueCameraKeys();
  const token = await mintDevelopmentToken(config, { agencyId: `${RUN}-a-pd`, roles: ['investigator'] });

  const firstFile = writeReadsFile('baseline', READS_PER_FAULT, 1);
  const faults: Fault[] = [
    { name: 'baseline (no fault)', async inject() {} , replayFile: () => firstFile },
    killService('ingest'),
    killService('indexer'),
    killService('search'),
    killService('gateway'),
    terminateService('ingest'),
    terminateService('indexer'),
    killEngineFault('kafka'),
    killEngineFault('kafka', true),
    killEngineFault('elasticsearch'),
    postgresLoss('ingest', 'blackhole'),
    postgresLoss('search', 'refuse'),
    blockedIndex,
    {
      name: 'camera moved to another agency, then the reads before the move replayed',
      async inject() {
        const camera = [...cameraOwners.keys()][0];
        await database('UPDATE cameras SET agency_id = $2 WHERE id = $1', [camera, `${RUN}-c-pd`]);
      },
      replayFile: () => firstFile,
    },
    { name: 'duplicate replay of a whole file', async inject() {}, replayFile: () => firstFile },
  ];
  const only = process.env.FAULTS_ONLY?.split(',').map((name) => name.trim().toLowerCase());
  const results: FaultResult[] = [];
  for (const [index, fault] of faults.entries()) {
    if (only && index > 0 && !only.some((name) => fault.name.toLowerCase().includes(name))) continue;
    log(`fault: ${fault.name}`);
    const file = fault.replayFile?.() ?? writeReadsFile(`fault-${index}`, READS_PER_FAULT, 100 + index);
    const result: FaultResult = { fault: fault.name, reads: Number(readFileSync(file, 'utf8').split('\n').filter(Boolean).length), reportedDown: [] };
    const replaying = fault.throughGateway ? postThroughGateway(file).then(({ camera }) => (result.camera = camera)) : replay(file);
    const injected = fault.inject({ token, during: result });
    await injected;
    const faultEndedAt = result.signalledAt ?? Date.now();
    result.lastHealed = (await waitHealthy()).last;
    result.healMs = Date.now() - faultEndedAt;
    delete result.signalledAt;
    await replaying;
    const caughtUp = await waitCaughtUp();
    result.caughtUpMs = caughtUp < 0 ? undefined : Date.now() - faultEndedAt;
    if (/^(kill -9|SIGTERM) (ingest|indexer|search|gateway)/.test(fault.name)) result.note = 'signalled 2 s into the replay; heal = from the signal';
    results.push(result);
    log(`  healed in ${result.healMs} ms, caught up ${result.caughtUpMs ?? 'never'} ms after; down reported by: ${result.reportedDown.join(', ') || '-'}; last healthy: ${result.lastHealed?.join(', ') || '-'}`);
  }
  const totals = await tally();
  const report = {
    run: RUN, at: new Date().toISOString(), minutes: Math.round((Date.now() - startedAt) / 60_000),
    settings: { readsPerFault: READS_PER_FAULT, ratePerSecond: RATE, outageSeconds: OUTAGE_MS / 1000, sessionTimeoutMs: config.KAFKA_SESSION_TIMEOUT_MS, stallMs: config.CONSUMER_STALL_MS },
    replayed, totals, faults: results,
    target: { lost: 0, duplicated: 0, changed: 0, healWithinMs: HEAL_TARGET_MS },
    met: totals.lost === 0 && totals.duplicated === 0 && totals.changed === 0 && results.every((result) => (result.healMs ?? Infinity) <= HEAL_TARGET_MS),
  };
  const table = renderTable(report);
  process.stdout.write(`\n${table}\n`);
  const reportDir = join(CACHE, 'reports');
  mkdirSync(reportDir, { recursive: true });
  writeFileSync(join(reportDir, 'faults-report.json'), JSON.stringify(report, null, 2));
  writeFileSync(join(reportDir, 'faults-report.html'), renderHtml(report, table));
  log(`report: ${join(reportDir, 'faults-report.json')} and .html`);
  if (!report.met) process.exitCode = 1;
}

function renderTable(report: { totals: Tally; faults: FaultResult[]; replayed: number }): string {
  const rows = report.faults.map((result) => [
    result.fault, String(result.reads), result.healMs === undefined ? '-' : `${(result.healMs / 1000).toFixed(1)}${result.lastHealed?.length ? ` (${result.lastHealed.join(' ')})` : ''}`,
    result.caughtUpMs === undefined ? 'never' : (result.caughtUpMs / 1000).toFixed(1),
    result.reportedDown.join(' ') || '-',
    result.searchDuringFault ? `${result.searchDuringFault.status} in ${result.searchDuringFault.ms} ms` : '-',
    result.peakRssMiB ? Object.entries(result.peakRssMiB).map(([name, mib]) => `${name} ${mib}`).join(', ') : '-',
    result.camera ? cameraCell(result.camera) : '-',
  ]);
  const header = ['fault', 'reads', 'healthy after (s)', 'caught up after (s)', '/health not ok during', 'slowest search during', 'peak RSS MiB',
    'camera posts through the gateway'];
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column].length)));
  const line = (cells: string[]) => `| ${cells.map((cell, column) => cell.padEnd(widths[column])).join(' | ')} |`;
  const t = report.totals;
  return [line(header), `|${widths.map((width) => '-'.repeat(width + 2)).join('|')}|`, ...rows.map(line), '',
    `reads replayed ${report.replayed} (distinct ${t.expected}); in Elasticsearch ${t.found}; lost ${t.lost}; duplicated ${t.duplicated}; changed ${t.changed}; dead-lettered ${t.deadLettered}`].join('\n');
}

/** "120 × 200; refused 0 ×14, 503 ×6 (posted again); longest 9.8 s" */
function cameraCell(camera: CameraTally): string {
  const refused = Object.entries(camera.refused).map(([status, count]) => `${status} ×${count}`).join(', ');
  return `${camera.accepted} × 200${refused ? `; refused ${refused} (posted again)` : ''}; slowest ${(camera.longestMs / 1000).toFixed(1)} s`;
}

function renderHtml(report: object, table: string): string {
  const escape = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;');
  return `<!doctype html><meta charset="utf-8"><title>Platekeeper fault campaign</title>
<style>body{font-family:system-ui,sans-serif;margin:2rem}pre{background:#f4f4f4;padding:1rem;overflow:auto}</style>
<h1>Platekeeper fault campaign</h1><pre>${escape(table)}</pre><h2>Raw</h2><pre>${escape(JSON.stringify(report, null, 2))}</pre>`;
}

async function cleanup(): Promise<void> {
  for (const [name, supervisor] of supervisors) {
    try {
      process.kill(supervisor.pid!, 'SIGTERM');
    } catch {
      // already gone
    }
    log(`stopping ${name}`);
  }
  // Each service drains (at most SHUTDOWN_DRAIN_MS) and its supervisor exits after it; only then anything left is killed.
  await Promise.all([...supervisors.values()].map((supervisor) => new Promise((resolveExit) => {
    if (supervisor.exitCode !== null || supervisor.signalCode !== null) return resolveExit(undefined);
    supervisor.once('exit', resolveExit);
    setTimeout(resolveExit, config.SHUTDOWN_DRAIN_MS + 5_000);
  })));
  for (const supervisor of supervisors.values()) {
    try {
      process.kill(-supervisor.pid!, 'SIGKILL');
    } catch {
      // stopped
    }
  }
  await pgProxies.ingest.stop();
  await pgProxies.search.stop();
  if (process.env.FAULTS_KEEP_ENGINES !== '1') await stack('down').catch((error) => log(`stack down: ${error}`));
}

main().then(
  () => process.exit(process.exitCode ?? 0),
  (error) => {
    process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
  },
);
