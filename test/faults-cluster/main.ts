/**
 * The cluster failover run (`npm run faults:cluster`, docs/clusters.md): on the loopback cluster of
 * `deploy/local/cluster` (3 brokers, 3 Elasticsearch nodes, 2 instances of each service) it replays a file of reads
 * through the CLI while searches run against both search instances, SIGKILLs the broker leading the most
 * partitions and the Elasticsearch node holding the most primaries of the read indices, starts them again later,
 * and counts by read identity (agency + readId): lost, duplicated, changed, dead-lettered; and how many searches
 * failed, for how long. Prints the table and writes JSON next to the replay file.
 *
 * Settings (environment): FAULTS_READS (default 30000), FAULTS_RATE reads/s (default 400), FAULTS_KILL_AT_S (20),
 * FAULTS_RESTART_AT_S (60), FAULTS_SEARCH_EVERY_MS (200), FAULTS_SETTLE_TIMEOUT_S (300), FAULTS_SKIP_UP=1 to use a
 * cluster that is already up. Engines' ports as for deploy/local/stack (PLATEKEEPER_CACHE_DIR, KAFKA_PORT, ...).
 */
import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { createWriteStream, mkdirSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import { join } from 'node:path';
import { Client } from '@elastic/elasticsearch';
import { PlatekeeperConfig, loadConfig } from '@platekeeper/config';
import { normalisePlate } from '@platekeeper/contract';
import { createElasticClient, readsIndexPattern } from '@platekeeper/elastic';
import { createKafka } from '@platekeeper/kafka';
import { generateRawReads } from '../../apps/cli/src/read-generator';
import { DEMO_AGENCIES } from '../../apps/cli/src/demo-world';

const REPO_ROOT = join(__dirname, '..', '..');
const setting = (name: string, fallback: number) => {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isFinite(value) || value < 0) throw new Error(`${name} must be a non-negative number`);
  return value;
};
const READS = setting('FAULTS_READS', 30_000);
const RATE = setting('FAULTS_RATE', 400);
const KILL_AT_S = setting('FAULTS_KILL_AT_S', 20);
const RESTART_AT_S = setting('FAULTS_RESTART_AT_S', 60);
const SEARCH_EVERY_MS = setting('FAULTS_SEARCH_EVERY_MS', 200);
const SETTLE_TIMEOUT_S = setting('FAULTS_SETTLE_TIMEOUT_S', 300);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const say = (line: string) => console.log(`[faults-cluster ${new Date().toISOString().slice(11, 19)}] ${line}`);

interface SearchSample { atMs: number; instance: string; status: number | 'error'; ms: number }
interface FaultEvent { atMs: number; what: string }

function run(command: string, args: string[], env: NodeJS.ProcessEnv = process.env): string {
  return execFileSync(command, args, { cwd: REPO_ROOT, env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
}

function clusterEnvironment(): Record<string, string> {
  const lines = run('bash', ['deploy/local/cluster', 'env']).split('\n').filter((line) => line.includes('='));
  return Object.fromEntries(lines.map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]));
}

async function writeReplayFile(file: string, seed: number): Promise<Map<string, { agencyId: string; plate: string }>> {
  const cameraOwner = new Map(DEMO_AGENCIES.flatMap((agency) => agency.cameras.map((camera) => [camera.id, agency.id] as const)));
  const expected = new Map<string, { agencyId: string; plate: string }>();
  const out = createWriteStream(file);
  for (const read of generateRawReads({ cameraIds: [...cameraOwner.keys()], count: READS, seed, withReadIds: true, spreadDays: 10 })) {
    expected.set(String(read.readId), { agencyId: cameraOwner.get(String(read.cameraId))!, plate: normalisePlate(String(read.plate)) });
    if (!out.write(`${JSON.stringify(read)}\n`)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'close');
  return expected;
}

/** Searches both instances in turn until stopped; every answer recorded with its time. */
function startSearchLoad(urls: string[], token: string, plates: string[], startedAt: number) {
  const samples: SearchSample[] = [];
  let stopped = false;
  const loop = (async () => {
    for (let i = 0; !stopped; i++) {
      const instance = urls[i % urls.length];
      const began = Date.now();
      let status: number | 'error';
      try {
        const response = await fetch(`${instance}/v1/searches`, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          body: JSON.stringify({
            purpose: 'criminal_investigation', caseNumber: 'FAILOVER-DRILL', reason: 'cluster failover drill', scope: 'statewide',
            plate: plates[i % plates.length], limit: 5,
          }),
          signal: AbortSignal.timeout(15_000),
        });
        await response.arrayBuffer();
        status = response.status;
      } catch {
        status = 'error';
      }
      samples.push({ atMs: began - startedAt, instance, status, ms: Date.now() - began });
      await sleep(Math.max(0, SEARCH_EVERY_MS - (Date.now() - began)));
    }
  })();
  return { samples, stop: async () => { stopped = true; await loop; } };
}

interface HealthSample { atMs: number; service: string; healthy: boolean; status: string }

/** Polls every instance's /health until stopped: when was each not answering 200, and for how long. */
function startHealthWatch(targets: Array<{ service: string; url: string }>, startedAt: number) {
  const samples: HealthSample[] = [];
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      const began = Date.now();
      await Promise.all(targets.map(async ({ service, url }) => {
        let status = 'error';
        try {
          const response = await fetch(url, { signal: AbortSignal.timeout(2_000) });
          const body = (await response.json().catch(() => ({}))) as { status?: string };
          status = `${response.status} ${body.status ?? ''}`.trim();
          samples.push({ atMs: began - startedAt, service, healthy: response.status === 200, status });
        } catch {
          samples.push({ atMs: began - startedAt, service, healthy: false, status });
        }
      }));
      // Every 1.5 s: /health has no token, so faster polling would meet the unauthenticated rate limit (60/min).
      await sleep(Math.max(0, 1_500 - (Date.now() - began)));
    }
  })();
  return { samples, stop: async () => { stopped = true; await loop; } };
}

/** Per instance: each stretch of /health answers other than 200, with what it said. */
function unhealthyWindows(samples: HealthSample[]) {
  const byService = new Map<string, HealthSample[]>();
  for (const sample of samples) byService.set(sample.service, [...(byService.get(sample.service) ?? []), sample]);
  const windows: Array<{ service: string; fromS: number; toS: number; seconds: number; said: string[] }> = [];
  for (const [service, list] of byService) {
    let current: { fromMs: number; said: Set<string> } | undefined;
    for (const sample of list.sort((a, b) => a.atMs - b.atMs)) {
      if (!sample.healthy) {
        current ??= { fromMs: sample.atMs, said: new Set() };
        current.said.add(sample.status);
      } else if (current) {
        windows.push({ service, fromS: +(current.fromMs / 1000).toFixed(1), toS: +(sample.atMs / 1000).toFixed(1), seconds: +((sample.atMs - current.fromMs) / 1000).toFixed(1), said: [...current.said] });
        current = undefined;
      }
    }
    if (current) windows.push({ service, fromS: +(current.fromMs / 1000).toFixed(1), toS: Infinity, seconds: Infinity, said: [...current.said] });
  }
  return windows.sort((a, b) => a.fromS - b.fromS);
}

async function brokerLeadingMost(config: PlatekeeperConfig): Promise<number> {
  const admin = createKafka(config, 'admin', 'faults').admin();
  await admin.connect();
  try {
    const metadata = await admin.fetchTopicMetadata({ topics: [config.TOPIC_RAW, config.TOPIC_ENRICHED] });
    const led = new Map<number, number>();
    for (const topic of metadata.topics) for (const partition of topic.partitions) led.set(partition.leader, (led.get(partition.leader) ?? 0) + 1);
    return [...led.entries()].sort((a, b) => b[1] - a[1])[0][0];
  } finally {
    await admin.disconnect();
  }
}

async function nodeHoldingMostPrimaries(elastic: Client, prefix: string): Promise<number> {
  const shards = (await elastic.cat.shards({ index: readsIndexPattern(prefix), format: 'json' })) as Array<{ prirep: string; node?: string }>;
  const held = new Map<string, number>();
  for (const shard of shards) if (shard.prirep === 'p' && shard.node) held.set(shard.node, (held.get(shard.node) ?? 0) + 1);
  const name = [...held.entries()].sort((a, b) => b[1] - a[1])[0]?.[0] ?? 'platekeeper-local-1';
  const number = Number(/-(\d+)$/.exec(name)?.[1]);
  if (!Number.isInteger(number)) throw new Error(`cannot tell the stack's node number from Elasticsearch node ${name}`);
  return number;
}

async function deadLetterCount(config: PlatekeeperConfig): Promise<number> {
  const admin = createKafka(config, 'admin', 'faults').admin();
  await admin.connect();
  try {
    const offsets = await admin.fetchTopicOffsets(config.TOPIC_DLQ);
    return offsets.reduce((sum, partition) => sum + Number(partition.high) - Number(partition.low), 0);
  } finally {
    await admin.disconnect();
  }
}

/** How many documents each readId of the file has, and whether each still says what was sent. */
async function countByIdentity(elastic: Client, prefix: string, expected: Map<string, { agencyId: string; plate: string }>) {
  const ids = [...expected.keys()];
  let indexed = 0, duplicated = 0, changed = 0;
  const lost: string[] = [];
  for (let start = 0; start < ids.length; start += 2000) {
    const batch = ids.slice(start, start + 2000);
    const answer = await elastic.search<{ readId: string; agencyId: string; plate: string }>({
      index: readsIndexPattern(prefix), size: 4000, query: { terms: { readId: batch } }, _source: ['readId', 'agencyId', 'plate'],
    });
    const documents = new Map<string, number>();
    for (const hit of answer.hits.hits) {
      const read = hit._source!;
      documents.set(read.readId, (documents.get(read.readId) ?? 0) + 1);
      const sent = expected.get(read.readId)!;
      if (read.agencyId !== sent.agencyId || read.plate !== sent.plate) changed++;
    }
    for (const id of batch) {
      const copies = documents.get(id) ?? 0;
      if (copies === 0) lost.push(id);
      else indexed++;
      if (copies > 1) duplicated += copies - 1;
    }
  }
  return { indexed, lost, duplicated, changed };
}

async function indexedSince(elastic: Client, prefix: string, sinceIso: string): Promise<number> {
  const { count } = await elastic.count({
    index: readsIndexPattern(prefix), query: { range: { ingestedAt: { gte: sinceIso } } }, ignore_unavailable: true, allow_no_indices: true,
  });
  return count;
}

function failureWindows(samples: SearchSample[]) {
  const failed = samples.filter((sample) => sample.status !== 200);
  // A window is a run of failures with no success in between; its length runs from its first failure to the next success.
  const windows: Array<{ fromMs: number; toMs: number; failures: number }> = [];
  let current: { fromMs: number; toMs: number; failures: number } | undefined;
  for (const sample of samples) {
    if (sample.status !== 200) {
      current ??= { fromMs: sample.atMs, toMs: sample.atMs + sample.ms, failures: 0 };
      current.failures++;
      current.toMs = sample.atMs + sample.ms;
    } else if (current) {
      current.toMs = sample.atMs;
      windows.push(current);
      current = undefined;
    }
  }
  if (current) windows.push(current);
  return { failed, windows };
}

function percentile(values: number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

async function main() {
  if (process.env.FAULTS_SKIP_UP !== '1') run('bash', ['deploy/local/cluster', 'up'], { ...process.env, SEARCH_RATE_LIMIT_PER_MINUTE: '0' });
  const clusterEnv = clusterEnvironment();
  const env = { ...process.env, ...clusterEnv };
  const config = loadConfig(env);
  const searchUrls = clusterEnv.SEARCH_URLS.split(',');
  const elastic = createElasticClient(config);
  const outDir = join(REPO_ROOT, '.cache', 'faults-cluster');
  mkdirSync(outDir, { recursive: true });
  const runId = new Date().toISOString().replace(/[:.]/g, '-');
  const file = join(outDir, `reads-${runId}.ndjson`);
  const expected = await writeReplayFile(file, Date.now() % 1_000_000_007);
  const plates = [...new Set([...expected.values()].map((read) => read.plate))].slice(0, 50);
  const token = run('node', ['dist/apps/cli/main.js', 'mint-token', '--agency', 'wa-auburn-pd', '--sub', 'failover-drill'], env).trim();
  const deadLettersBefore = await deadLetterCount(config);
  say(`${READS} reads at ${RATE}/s; kill at ${KILL_AT_S} s, restart at ${RESTART_AT_S} s; searching ${searchUrls.join(' and ')} every ${SEARCH_EVERY_MS} ms`);

  const startedAt = Date.now();
  const startedIso = new Date(startedAt).toISOString();
  const events: FaultEvent[] = [];
  const event = (what: string) => { events.push({ atMs: Date.now() - startedAt, what }); say(what); };
  const searches = startSearchLoad(searchUrls, token, plates, startedAt);
  const health = startHealthWatch(
    clusterEnv.HEALTH_URLS.split(',').map((entry) => ({ service: entry.slice(0, entry.indexOf('=')), url: entry.slice(entry.indexOf('=') + 1) })),
    startedAt,
  );
  const replay: ChildProcess = spawn('node', ['dist/apps/cli/main.js', 'replay', file, '--rate', String(RATE), '--no-progress'], {
    cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'],
  });
  let replayOutput = '';
  replay.stdout!.on('data', (chunk) => (replayOutput += chunk));
  replay.stderr!.on('data', (chunk) => (replayOutput += chunk));
  const replayDone = once(replay, 'exit').then(([code]) => code as number);
  event('replay started');

  await sleep(KILL_AT_S * 1000);
  const broker = await brokerLeadingMost(config);
  const esNode = await nodeHoldingMostPrimaries(elastic, config.READS_INDEX_PREFIX);
  run('bash', ['deploy/local/stack', 'kill', 'kafka', String(broker)], env);
  event(`killed broker ${broker} (SIGKILL; it led the most partitions)`);
  run('bash', ['deploy/local/stack', 'kill', 'elasticsearch', String(esNode)], env);
  event(`killed Elasticsearch node ${esNode} (SIGKILL; it held the most primaries)`);

  await sleep(Math.max(0, (RESTART_AT_S - KILL_AT_S) * 1000));
  event('restarting the killed nodes (deploy/local/stack up)');
  const restart = spawn('bash', ['deploy/local/stack', 'up'], { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let restartOutput = '';
  restart.stdout!.on('data', (chunk) => (restartOutput += chunk));
  restart.stderr!.on('data', (chunk) => (restartOutput += chunk));
  const restartCode = (await once(restart, 'exit'))[0] as number;
  event(restartCode === 0 ? 'killed nodes back and healthy (stack up returned)' : `stack up failed (${restartCode}): ${restartOutput.slice(-500)}`);

  const replayCode = await replayDone;
  event(`replay exited ${replayCode}: ${replayOutput.trim().split('\n').slice(-1)[0]}`);
  const acknowledged = Number(/produced (\d+) reads/.exec(replayOutput)?.[1] ?? 0);

  // Everything acknowledged must become searchable; wait for it (bounded), then for green.
  const settleDeadline = Date.now() + SETTLE_TIMEOUT_S * 1000;
  let seen = 0;
  while (Date.now() < settleDeadline) {
    seen = await indexedSince(elastic, config.READS_INDEX_PREFIX, startedIso).catch(() => seen);
    if (seen >= READS) break;
    await sleep(2000);
  }
  event(`${seen} reads of the run indexed`);
  const clusterHealth = await elastic.cluster.health({ wait_for_status: 'green', timeout: '120s' });
  event(`Elasticsearch ${clusterHealth.status}`);
  await sleep(3000);
  await searches.stop();
  await health.stop();

  await elastic.indices.refresh({ index: readsIndexPattern(config.READS_INDEX_PREFIX) });
  const identity = await countByIdentity(elastic, config.READS_INDEX_PREFIX, expected);
  const deadLettered = (await deadLetterCount(config)) - deadLettersBefore;
  const killAtMs = events.find((e) => e.what.startsWith('killed broker'))!.atMs;
  const { failed, windows } = failureWindows(searches.samples);
  const afterKill = searches.samples.filter((sample) => sample.atMs >= killAtMs);
  const result = {
    runId,
    settings: { reads: READS, ratePerSecond: RATE, killAtS: KILL_AT_S, restartAtS: RESTART_AT_S, searchEveryMs: SEARCH_EVERY_MS },
    killed: { broker, elasticsearchNode: esNode },
    events,
    reads: { sent: READS, acknowledged, indexed: identity.indexed, lost: identity.lost.length, duplicated: identity.duplicated, changed: identity.changed, deadLettered },
    searches: {
      total: searches.samples.length,
      failed: failed.length,
      failedByStatus: Object.fromEntries([...new Set(failed.map((s) => String(s.status)))].map((status) => [status, failed.filter((s) => String(s.status) === status).length])),
      failureWindows: windows.map((w) => ({ fromS: +(w.fromMs / 1000).toFixed(1), toS: +(w.toMs / 1000).toFixed(1), seconds: +((w.toMs - w.fromMs) / 1000).toFixed(1), failures: w.failures })),
      latencyMs: {
        p50: percentile(searches.samples.map((s) => s.ms), 50), p99: percentile(searches.samples.map((s) => s.ms), 99),
        maxAfterKill: Math.max(0, ...afterKill.map((s) => s.ms)),
      },
    },
    elasticsearchStatus: clusterHealth.status,
    // When each instance's /health was not 200, relative to the run's start (the kill and restart times are in events).
    unhealthy: unhealthyWindows(health.samples),
    lostReadIds: identity.lost.slice(0, 20),
  };
  writeFileSync(join(outDir, `result-${runId}.json`), `${JSON.stringify(result, null, 2)}\n`);
  // The replay's own output (kafkajs retries and errors included), to read when a figure surprises.
  writeFileSync(join(outDir, `replay-${runId}.log`), replayOutput);
  printTable(result);
  await elastic.close();
  const pass = result.reads.lost === 0 && result.reads.duplicated === 0 && result.reads.changed === 0 && result.reads.deadLettered === 0
    && acknowledged === READS && replayCode === 0;
  console.log(`result: ${pass ? 'PASS' : 'FAIL'} (${join(outDir, `result-${runId}.json`)})`);
  process.exit(pass ? 0 : 1);
}

function printTable(result: {
  killed: { broker: number; elasticsearchNode: number };
  unhealthy: Array<{ service: string; fromS: number; toS: number; seconds: number; said: string[] }>;
  reads: Record<string, number>;
  searches: { total: number; failed: number; failedByStatus: Record<string, number>; failureWindows: Array<{ fromS: number; toS: number; seconds: number; failures: number }>; latencyMs: Record<string, number> };
  events: FaultEvent[];
}) {
  const rows: Array<[string, string]> = [
    ['killed', `broker ${result.killed.broker}, Elasticsearch node ${result.killed.elasticsearchNode} (SIGKILL)`],
    ['reads sent / acknowledged', `${result.reads.sent} / ${result.reads.acknowledged}`],
    ['indexed (distinct identities)', String(result.reads.indexed)],
    ['lost', String(result.reads.lost)],
    ['duplicated', String(result.reads.duplicated)],
    ['changed', String(result.reads.changed)],
    ['dead-lettered', String(result.reads.deadLettered)],
    ['searches / failed', `${result.searches.total} / ${result.searches.failed} ${JSON.stringify(result.searches.failedByStatus)}`],
    ['failure windows', result.searches.failureWindows.map((w) => `${w.fromS}-${w.toS} s (${w.seconds} s, ${w.failures} failed)`).join('; ') || 'none'],
    ['services not healthy (/health not 200)', result.unhealthy.map((w) => `${w.service} ${w.fromS}-${w.toS} s (${w.said.join(', ')})`).join('; ') || 'none'],
    ['search latency p50 / p99 over the run, max after the kill', `${result.searches.latencyMs.p50} / ${result.searches.latencyMs.p99} / ${result.searches.latencyMs.maxAfterKill} ms`],
  ];
  console.log('\n| measure | value |\n| --- | --- |');
  for (const [name, value] of rows) console.log(`| ${name} | ${value} |`);
  console.log('\nevents:');
  for (const e of result.events) console.log(`  ${(e.atMs / 1000).toFixed(1).padStart(6)} s  ${e.what}`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
