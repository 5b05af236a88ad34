import { readFile, rename, writeFile } from 'node:fs/promises';

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

/**
 * Runs `send` until it succeeds, waiting out failures (1 s, doubling to 10 s between attempts) for at most
 * `outageTimeoutMs` since the first failure; then throws what `interrupted` makes of it. A batch that failed may have
 * been written in part before the failure, so a retried batch can reach the raw topic twice: the pipeline makes that
 * harmless (the same read has the same id, docs/read-identity.md).
 */
export async function sendThroughOutages(
  send: () => Promise<unknown>,
  options: { outageTimeoutMs: number; onWaiting?(waitedMs: number, error: string): void; interrupted(error: string, waitedMs: number): Error },
): Promise<void> {
  let firstFailureAt: number | undefined;
  for (let attempt = 0; ; attempt++) {
    const attemptStartedAt = Date.now();
    try {
      await send();
      return;
    } catch (error) {
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
