import { SingleBar, Presets } from 'cli-progress';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { createGunzip } from 'node:zlib';
import { Message } from 'kafkajs';
import { PlatekeeperConfig } from '@platekeeper/config';
import { createKafka, createProducer, requireTopics } from '@platekeeper/kafka';
import { ReplayInterrupted, defaultCheckpointPath, readCheckpoint, sendThroughOutages, writeCheckpoint } from './replay-resilience';

export interface ReplayOptions {
  file: string;
  ratePerSecond?: number;
  topic?: string;
  batchSize?: number;
  progress?: boolean;
  /** How long to wait out a broker that does not acknowledge before stopping with ReplayInterrupted (REPLAY_OUTAGE_TIMEOUT_MS). */
  outageTimeoutMs?: number;
  /** Where the count of acknowledged lines is kept (default `<file>.replay-checkpoint.json`). */
  checkpointFile?: string;
  /** Skip the lines the checkpoint says were acknowledged. */
  resume?: boolean;
  /** Told while the replay waits for the broker. */
  onWaiting?(waitedMs: number, error: string): void;
}

export interface ReplayResult {
  produced: number;
  /** Lines of the file acknowledged so far, counting those a resumed replay skipped. */
  acknowledgedLines: number;
  /** Lines skipped because an earlier run had them acknowledged (--resume). */
  resumedAfter: number;
  seconds: number;
  ratePerSecond: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function cameraIdOf(line: string): string | null {
  try {
    const cameraId = (JSON.parse(line) as { cameraId?: unknown }).cameraId;
    return typeof cameraId === 'string' ? cameraId : null;
  } catch {
    return null;
  }
}

/**
 * Produces an NDJSON file (gzipped when it ends in .gz) of raw reads onto the raw topic, each line
 * as-is (malformed lines too: they are what the DLQ is for), keyed by cameraId, at a fixed rate or flat out.
 */
export async function replayReads(config: PlatekeeperConfig, options: ReplayOptions): Promise<ReplayResult> {
  const topic = options.topic ?? config.TOPIC_RAW;
  const batchSize = options.batchSize ?? 1000;
  // Replay stands in for cameras and gateways, so it has exactly their rights: write the raw topic.
  const kafka = createKafka(config, 'camera', 'replay');
  await requireTopics(kafka, [topic]);
  // Short client retries (a few seconds) inside the replay's own wait, so REPLAY_OUTAGE_TIMEOUT_MS is what bounds an outage.
  const producer = createProducer(kafka, { retry: { retries: 4, initialRetryTime: 300, maxRetryTime: 2_000 } });
  await producer.connect();
  const fileBytes = (await stat(options.file)).size;
  const raw = createReadStream(options.file);
  const input = options.file.endsWith('.gz') ? raw.pipe(createGunzip()) : raw;
  const bar = options.progress === false
    ? undefined
    : new SingleBar({ format: 'replay |{bar}| {percentage}% | {produced} reads | {rate} reads/s', hideCursor: true }, Presets.shades_classic);
  bar?.start(fileBytes, 0, { produced: 0, rate: 0 });
  const startedAt = Date.now();
  const checkpointPath = options.checkpointFile ?? defaultCheckpointPath(options.file);
  const resumedAfter = options.resume ? await readCheckpoint(checkpointPath, options.file) : 0;
  const outageTimeoutMs = options.outageTimeoutMs ?? config.REPLAY_OUTAGE_TIMEOUT_MS;
  let produced = 0;
  let pending: Message[] = [];
  const flush = async () => {
    if (pending.length === 0) return;
    const batch = pending;
    await sendThroughOutages(() => producer.send({ topic, messages: batch, acks: -1 }), {
      outageTimeoutMs,
      onWaiting: options.onWaiting,
      interrupted: (error, waitedMs) => new ReplayInterrupted(resumedAfter + produced, checkpointPath, error, waitedMs),
    });
    produced += pending.length;
    pending = [];
    await writeCheckpoint(checkpointPath, options.file, resumedAfter + produced);
    const elapsedSeconds = (Date.now() - startedAt) / 1000;
    bar?.update(raw.bytesRead, { produced, rate: Math.round(produced / Math.max(elapsedSeconds, 0.001)) });
    if (options.ratePerSecond) {
      const dueAtMs = (produced / options.ratePerSecond) * 1000;
      const aheadMs = dueAtMs - (Date.now() - startedAt);
      if (aheadMs > 0) await sleep(aheadMs);
    }
  };
  const effectiveBatch = options.ratePerSecond ? Math.max(1, Math.min(batchSize, Math.ceil(options.ratePerSecond / 10))) : batchSize;
  let lineNumber = 0;
  try {
    for await (const line of createInterface({ input, crlfDelay: Infinity })) {
      if (line.trim().length === 0) continue;
      if (++lineNumber <= resumedAfter) continue;
      pending.push({ key: cameraIdOf(line), value: line });
      if (pending.length >= effectiveBatch) await flush();
    }
    await flush();
  } finally {
    bar?.stop();
    await producer.disconnect().catch(() => undefined);
  }
  const seconds = (Date.now() - startedAt) / 1000;
  return { produced, acknowledgedLines: resumedAfter + produced, resumedAfter, seconds, ratePerSecond: produced / Math.max(seconds, 0.001) };
}
