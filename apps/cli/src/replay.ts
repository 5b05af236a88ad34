import { SingleBar, Presets } from 'cli-progress';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { createGunzip } from 'node:zlib';
import { Message, Producer } from 'kafkajs';
import { PlatekeeperConfig } from '@platekeeper/config';
import { createKafka, createProducer, requireTopics } from '@platekeeper/kafka';
import {
  ReplaceableProducer, ReplayInterrupted, defaultCheckpointPath, readCheckpoint, sendThroughOutages, writeCheckpoint,
} from './replay-resilience';
import { FreshnessProbe, FreshnessSample, LagSample, consumerLag, percentile } from './live-sampling';
import { LoadReport, ReportChart, runtimeVersions, writeLoadReport } from './load-report';
import { mintDevelopmentToken } from '@platekeeper/config';
import { ReplayMode, createPacer } from './replay-pacing';

export interface ReplayWatch {
  /** Consumer groups whose lag is sampled every second (needs the admin principal's credentials). */
  lagGroups?: Array<{ groupId: string; topic: string }>;
  /** Freshness probes: reads on this registered camera, searched for as its owner through the search API. */
  freshness?: { cameraId: string; agencyId: string; searchUrl: string };
}

export interface ReplayOptions {
  file: string;
  /** Shorthand for `mode: { kind: 'rate', perSecond }`. */
  ratePerSecond?: number;
  mode?: ReplayMode;
  /** Times the file is replayed (default 1); each loop produces the same lines again. */
  loops?: number;
  /** This process produces only lines `index mod count = index` (several producer processes share one file and one schedule). */
  shard?: { index: number; count: number };
  topic?: string;
  batchSize?: number;
  progress?: boolean;
  watch?: ReplayWatch;
  /** Where the HTML + JSON report goes; none is written without it. */
  reportDirectory?: string;
  /** Settings to show in the report besides the replay's own. */
  reportSettings?: Record<string, string | number | boolean | undefined>;
  /** How long to wait out a broker that does not acknowledge before stopping with ReplayInterrupted (REPLAY_OUTAGE_TIMEOUT_MS). */
  outageTimeoutMs?: number;
  /** How long one send may go unanswered before it counts as failed and is sent again (REPLAY_SEND_TIMEOUT_MS). */
  sendTimeoutMs?: number;
  /** Where the count of acknowledged lines is kept (default `<file>.replay-checkpoint.json`, one per shard). */
  checkpointFile?: string;
  /** Skip the lines the checkpoint says were acknowledged. */
  resume?: boolean;
  /** Told while the replay waits for the broker. */
  onWaiting?(waitedMs: number, error: string): void;
}

export interface ReplayResult {
  produced: number;
  /** Lines this process is responsible for (its shard, every loop) acknowledged so far, counting those a resumed replay skipped. */
  acknowledgedLines: number;
  /** Lines skipped because an earlier run had them acknowledged (--resume). */
  resumedAfter: number;
  seconds: number;
  ratePerSecond: number;
  /** [seconds since start, reads produced in that second]. */
  perSecond: Array<[number, number]>;
  lag: LagSample[];
  freshness: FreshnessSample[];
  report?: { json: string; html: string };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** Lines due within this much are sent together instead of one request each. */
const BATCH_AHEAD_MS = 5;

function cameraIdOf(line: string): string | null {
  try {
    const cameraId = (JSON.parse(line) as { cameraId?: unknown }).cameraId;
    return typeof cameraId === 'string' ? cameraId : null;
  } catch {
    return null;
  }
}

function modeOf(options: ReplayOptions): ReplayMode {
  return options.mode ?? (options.ratePerSecond ? { kind: 'rate', perSecond: options.ratePerSecond } : { kind: 'flat-out' });
}

/**
 * Produces an NDJSON file (gzipped when it ends in .gz) of raw reads onto the raw topic, each line as-is (malformed
 * lines too: they are what the DLQ is for), keyed by cameraId, paced by the mode (flat out, a fixed rate, a ramp, or
 * the file's own capture times × a speed), `loops` times; optionally watching consumer lag and freshness meanwhile.
 */
export async function replayReads(config: PlatekeeperConfig, options: ReplayOptions): Promise<ReplayResult> {
  const topic = options.topic ?? config.TOPIC_RAW;
  const batchSize = options.batchSize ?? 1000;
  const loops = options.loops ?? 1;
  const mode = modeOf(options);
  const pacer = createPacer(mode);
  // Replay stands in for cameras and gateways, so it has exactly their rights: write the raw topic.
  const kafka = createKafka(config, 'camera', 'replay');
  await requireTopics(kafka, [topic]);
  // Short client retries inside the replay's own bounded wait (sendThroughOutages), so an outage is waited out, not fatal.
  const producer = new ReplaceableProducer(() => createProducer(kafka, { retry: { retries: 4, initialRetryTime: 300, maxRetryTime: 2_000 } }));
  await producer.connect();
  const fileBytes = (await stat(options.file)).size;
  const checkpointPath = options.checkpointFile
    ?? defaultCheckpointPath(options.shard ? `${options.file}.shard-${options.shard.index + 1}-of-${options.shard.count}` : options.file);
  const resumedAfter = options.resume ? await readCheckpoint(checkpointPath, options.file) : 0;
  const outageTimeoutMs = options.outageTimeoutMs ?? config.REPLAY_OUTAGE_TIMEOUT_MS;
  const attemptTimeoutMs = options.sendTimeoutMs ?? config.REPLAY_SEND_TIMEOUT_MS;
  const bar = options.progress === false
    ? undefined
    : new SingleBar({ format: 'replay |{bar}| {percentage}% | {produced} reads | {rate} reads/s | {live}', hideCursor: true }, Presets.shades_classic);
  bar?.start(fileBytes * loops, 0, { produced: 0, rate: 0, live: '' });
  const startedAt = Date.now();
  const began = new Date(startedAt).toISOString();
  // The freshness probe has a producer of its own: the replay's may be replaced during an outage.
  const probeProducer = options.watch?.freshness ? createProducer(kafka) : undefined;
  await probeProducer?.connect();
  const watch = await startWatch(config, probeProducer, topic, options.watch, startedAt);
  let produced = 0;
  let bytesDone = 0;
  let pending: Message[] = [];
  const perSecond: Array<[number, number]> = [];
  const ticker = setInterval(() => {
    const second = Math.round((Date.now() - startedAt) / 1000);
    perSecond.push([second, produced - perSecond.reduce((sum, [, count]) => sum + count, 0)]);
    bar?.update(bytesDone, { produced, rate: Math.round(produced / Math.max((Date.now() - startedAt) / 1000, 0.001)), live: watch.describe() });
  }, 1000);
  const flush = async () => {
    if (pending.length === 0) return;
    const messages = pending;
    await sendThroughOutages(() => producer.send({ topic, messages, acks: -1 }), {
      outageTimeoutMs,
      attemptTimeoutMs,
      onAttemptTimedOut: () => producer.replace(),
      onWaiting: options.onWaiting,
      interrupted: (error, waitedMs) => new ReplayInterrupted(resumedAfter + produced, checkpointPath, error, waitedMs),
    });
    pending = [];
    produced += messages.length;
    await writeCheckpoint(checkpointPath, options.file, resumedAfter + produced);
  };
  let ours = 0;
  try {
    let index = 0;
    for (let loop = 0; loop < loops; loop++) {
      const raw = createReadStream(options.file);
      const input = options.file.endsWith('.gz') ? raw.pipe(createGunzip()) : raw;
      for await (const line of createInterface({ input, crlfDelay: Infinity })) {
        if (line.trim().length === 0) continue;
        const lineIndex = index++;
        const dueMs = pacer.dueMs(lineIndex, line, loop);
        if (options.shard && lineIndex % options.shard.count !== options.shard.index) continue;
        // Acknowledged by an earlier run (lines go out in order, one batch after the other, so they are a prefix).
        if (++ours <= resumedAfter) continue;
        const aheadMs = dueMs === undefined ? 0 : dueMs - (Date.now() - startedAt);
        if (aheadMs > BATCH_AHEAD_MS) {
          await flush();
          await sleep(aheadMs);
        }
        pending.push({ key: cameraIdOf(line), value: line });
        if (pending.length >= batchSize) await flush();
        bytesDone = fileBytes * loop + raw.bytesRead;
      }
      await flush();
    }
  } catch (error) {
    // Interrupted (an outage outlasted the wait): the broker is away, so nothing waits on it any more.
    await watch.stop().catch(() => undefined);
    void producer.disconnect().catch(() => undefined);
    void probeProducer?.disconnect().catch(() => undefined);
    throw error;
  } finally {
    clearInterval(ticker);
    bar?.stop();
  }
  const seconds = (Date.now() - startedAt) / 1000;
  perSecond.push([Math.ceil(seconds), produced - perSecond.reduce((sum, [, count]) => sum + count, 0)]);
  const observed = await watch.stop();
  await producer.disconnect();
  await probeProducer?.disconnect();
  const result: ReplayResult = {
    produced, acknowledgedLines: resumedAfter + produced, resumedAfter, seconds, ratePerSecond: produced / Math.max(seconds, 0.001), perSecond, ...observed,
  };
  if (options.reportDirectory) {
    result.report = writeReplayReport(options, mode, loops, began, result);
  }
  return result;
}

export interface Watcher {
  describe(): string;
  stop(): Promise<{ lag: LagSample[]; freshness: FreshnessSample[] }>;
}

/** Consumer lag every second and freshness probes, while a replay (or several replaying processes) run. */
export async function startWatch(config: PlatekeeperConfig, producer: Producer | undefined, topic: string, watch: ReplayWatch | undefined, startedAt: number): Promise<Watcher> {
  const lag: LagSample[] = [];
  let stopped = false;
  const admin = watch?.lagGroups?.length ? createKafka(config, 'admin', 'replay-watch').admin() : undefined;
  await admin?.connect();
  const sampling = (async () => {
    while (admin && !stopped) {
      const sample = await consumerLag(admin, watch!.lagGroups!).catch(() => undefined);
      if (sample) lag.push({ atMs: Date.now() - startedAt, lag: sample });
      await sleep(1000);
    }
  })();
  let probe: FreshnessProbe | undefined;
  if (watch?.freshness) {
    if (!producer) throw new Error('freshness probes need a producer');
    const token = await mintDevelopmentToken(config, { agencyId: watch.freshness.agencyId, roles: ['investigator'], userId: 'replay-freshness-probe' });
    probe = new FreshnessProbe({
      producer, topic, cameraId: watch.freshness.cameraId, searchUrl: watch.freshness.searchUrl, token,
      platePrefix: `QQ${String.fromCharCode(65 + (startedAt % 26))}`, everyMs: 500, pollMs: 200,
    });
    probe.start();
  }
  return {
    describe: () => {
      const lagText = lag.length > 0 ? `lag ${Object.values(lag.at(-1)!.lag).join('/')}` : '';
      const recent = probe?.samples.slice(-20).map((sample) => sample.freshnessMs) ?? [];
      return [lagText, recent.length > 0 ? `freshness p50 ${percentile(recent, 0.5)} ms` : ''].filter(Boolean).join(' | ');
    },
    stop: async () => {
      await probe?.stop(15_000);
      stopped = true;
      await sampling;
      await admin?.disconnect();
      return { lag, freshness: probe?.samples ?? [] };
    },
  };
}

export function writeReplayReport(options: ReplayOptions, mode: ReplayMode, loops: number, startedAt: string, result: ReplayResult): { json: string; html: string } {
  const freshnessMs = result.freshness.map((sample) => sample.freshnessMs);
  const groups = [...new Set(result.lag.flatMap((sample) => Object.keys(sample.lag)))];
  const startedMs = Date.parse(startedAt);
  const charts: ReportChart[] = [
    { title: 'throughput: reads produced per second', yLabel: 'reads/s', series: [{ label: 'produced', points: result.perSecond }] },
    ...(groups.length > 0 ? [{ title: 'consumer lag', yLabel: 'messages behind', series: groups.map((group) => ({ label: group, points: result.lag.map((sample): [number, number] => [sample.atMs / 1000, sample.lag[group] ?? 0]) })) }] : []),
    ...(freshnessMs.length > 0 ? [{ title: 'freshness: production → returned by POST /v1/searches', yLabel: 'ms', dots: true, series: [{ label: 'probe reads', points: result.freshness.map((sample): [number, number] => [(sample.producedAtMs - startedMs) / 1000, sample.freshnessMs]) }] }] : []),
  ];
  const rates = result.perSecond.map(([, count]) => count);
  const report: LoadReport = {
    title: `replay of ${options.file}`,
    startedAt, finishedAt: new Date().toISOString(), charts,
    tables: [
      { title: 'summary', header: ['measure', 'value'], rows: [['reads produced', result.produced], ['seconds', result.seconds], ['mean reads/s', result.ratePerSecond], ['peak reads/s (1 s)', Math.max(0, ...rates)]] },
      ...(freshnessMs.length > 0 ? [{
        title: 'freshness, ms', header: ['probes', 'p50', 'p90', 'p99', 'max'],
        rows: [[String(freshnessMs.length), percentile(freshnessMs, 0.5), percentile(freshnessMs, 0.9), percentile(freshnessMs, 0.99), Math.max(...freshnessMs)]],
      }] : []),
      ...(groups.length > 0 ? [{
        title: 'consumer lag, messages', header: ['group', 'max', 'at the end'],
        rows: groups.map((group) => [group, Math.max(...result.lag.map((sample) => sample.lag[group] ?? 0)), result.lag.at(-1)?.lag[group] ?? 0]),
      }] : []),
    ],
    settings: {
      file: options.file, mode: JSON.stringify(mode), loops, topic: options.topic, batchSize: options.batchSize ?? 1000,
      shard: options.shard ? `${options.shard.index + 1}/${options.shard.count}` : undefined, ...options.reportSettings,
    },
    versions: runtimeVersions(),
  };
  return writeLoadReport(options.reportDirectory!, `replay-${startedAt.replace(/[:.]/g, '-')}`, report);
}
