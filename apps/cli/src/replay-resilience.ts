import { readFile, rename, writeFile } from 'node:fs/promises';
import type { Producer, ProducerRecord, RecordMetadata } from 'kafkajs';

/**
 * What a replay needs to survive a broker outage: it waits (bounded) instead of giving up, and it keeps a checkpoint of
 * how many lines Kafka acknowledged, so a replay that was stopped (or gave up) resumes after the last acknowledged line
 * instead of guessing. Lines are produced in file order and a batch is sent only after the previous one was
 * acknowledged, so the acknowledged lines are always a prefix of the file.
 */
export interface ReplayCheckpoint {
  file: string;
  /** Non-empty lines of the file Kafka acknowledged (acks=all), from the start. */
  acknowledgedLines: number;
  updatedAt: string;
}

export function defaultCheckpointPath(file: string): string {
  return `${file}.replay-checkpoint.json`;
}

export async function readCheckpoint(path: string, file: string): Promise<number> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    return 0;
  }
  const checkpoint = JSON.parse(text) as ReplayCheckpoint;
  if (checkpoint.file !== file) throw new Error(`checkpoint ${path} belongs to ${checkpoint.file}, not ${file}`);
  return checkpoint.acknowledgedLines;
}

/** Written to a temporary file and renamed, so a replay killed mid-write never leaves a torn checkpoint. */
export async function writeCheckpoint(path: string, file: string, acknowledgedLines: number): Promise<void> {
  const checkpoint: ReplayCheckpoint = { file, acknowledgedLines, updatedAt: new Date().toISOString() };
  await writeFile(`${path}.tmp`, JSON.stringify(checkpoint));
  await rename(`${path}.tmp`, path);
}

/** The broker stayed away longer than the replay was told to wait; says how far it got. */
export class ReplayInterrupted extends Error {
  constructor(readonly acknowledgedLines: number, readonly checkpointPath: string, cause: string, waitedMs: number) {
    super(
      `Kafka did not acknowledge for ${Math.round(waitedMs / 1000)} s (${cause}); ${acknowledgedLines} lines were acknowledged ` +
        `and recorded in ${checkpointPath}: run the same replay with --resume to continue after them`,
    );
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** An attempt Kafka neither acknowledged nor refused within its deadline: not acknowledged, so it is sent again. */
export class AttemptTimedOut extends Error {}

/** Rejects with AttemptTimedOut after `ms`; a late answer or failure of the abandoned attempt is ignored. */
export function withinDeadline<T>(attempt: Promise<T>, ms: number): Promise<T> {
  attempt.catch(() => undefined);
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new AttemptTimedOut(`no answer from Kafka within ${ms} ms`)), ms);
  });
  return Promise.race([attempt, deadline]).finally(() => clearTimeout(timer));
}

export interface OutageOptions {
  /** Give up once attempts have failed (or gone unanswered) for this long. */
  outageTimeoutMs: number;
  /** One attempt may take at most this long (capped by outageTimeoutMs); then it counts as failed. */
  attemptTimeoutMs: number;
  /** Called after an attempt outlived its deadline, before the next one (e.g. to replace a wedged client). */
  onAttemptTimedOut?(): void;
  onWaiting?(waitedMs: number, error: string): void;
  interrupted(error: string, waitedMs: number): Error;
}

/**
 * Runs `send` until it succeeds, waiting out failures (1 s, doubling to 10 s between attempts) for at most
 * `outageTimeoutMs` since the first failed attempt began; then throws what `interrupted` makes of it. Each attempt has
 * a deadline: a kafkajs send whose request a dying broker cut off is neither answered nor failed for about 100 s
 * (its client's own reconnect backoff, measured on a SIGKILLed broker), so without one an outage was never noticed
 * and the bound never applied. An attempt that failed or timed out may have been written in part, so a retried batch
 * can reach the raw topic twice: the pipeline makes that harmless (the same read has the same id, docs/read-identity.md).
 */
export async function sendThroughOutages(send: () => Promise<unknown>, options: OutageOptions): Promise<void> {
  let firstFailureAt: number | undefined;
  const attemptTimeoutMs = Math.max(1, Math.min(options.attemptTimeoutMs, options.outageTimeoutMs));
  for (let attempt = 0; ; attempt++) {
    const attemptStartedAt = Date.now();
    try {
      await withinDeadline(send(), attemptTimeoutMs);
      return;
    } catch (error) {
      if (error instanceof AttemptTimedOut) options.onAttemptTimedOut?.();
      const reason = error instanceof Error ? error.message : String(error);
      // The client's own retries already waited inside the failed attempt: that time counts too.
      firstFailureAt ??= attemptStartedAt;
      const waitedMs = Date.now() - firstFailureAt;
      if (waitedMs >= options.outageTimeoutMs) throw options.interrupted(reason, waitedMs);
      options.onWaiting?.(waitedMs, reason);
      await sleep(Math.min(10_000, 1_000 * 2 ** attempt, Math.max(0, options.outageTimeoutMs - waitedMs)));
    }
  }
}

/**
 * The replay's producer, replaced by a fresh one when an attempt outlived its deadline: the old client sits in its
 * own reconnect backoff (up to 30 s a step) after the broker is back, a new one connects at once. The abandoned one is
 * disconnected in the background; a batch it still writes late is a harmless duplicate.
 */
export class ReplaceableProducer {
  private connected = false;

  constructor(private readonly create: () => Producer, private current: Producer = create()) {}

  async connect(): Promise<void> {
    const producer = this.current;
    if (this.connected) return;
    await producer.connect();
    // Replaced while connecting: the attempt this was for was already given up.
    if (producer !== this.current) throw new AttemptTimedOut('abandoned while connecting');
    this.connected = true;
  }

  async send(record: ProducerRecord): Promise<RecordMetadata[]> {
    await this.connect();
    return this.current.send(record);
  }

  replace(): void {
    const abandoned = this.current;
    this.current = this.create();
    this.connected = false;
    void abandoned.disconnect().catch(() => undefined);
  }

  async disconnect(): Promise<void> {
    await this.current.disconnect();
  }
}
