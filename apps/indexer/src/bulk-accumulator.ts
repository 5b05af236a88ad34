import type { IndexOutcome, ReadToIndex } from './bulk-writer';

export interface BulkSizing {
  /** A request is sent once it holds this many bytes of documents (estimated: the message text and its action line). */
  maxBytes: number;
  /** ... or this many reads. */
  maxReads: number;
  /** A read waits at most this long for others to share its request. */
  lingerMs: number;
  /** Requests in flight at once, over every partition. */
  concurrency: number;
}

/** What one submitter (a partition's fetched batch) hears about the requests carrying its reads. */
export interface SubmitterHooks {
  /** A request carrying some of these reads was pushed back and will be retried (pause the partition, heartbeat). */
  onRetry?: (attempt: number, pendingCount: number, delayMs: number) => Promise<void> | void;
}

/**
 * Sends one bulk request with every retry: resolves with the outcome at the entries' positions in `entries`, or
 * throws without any claim about what was written. `onRetry` tells everyone whose reads ride on the request.
 */
export type BulkRequestWriter = (
  entries: ReadToIndex[],
  onRetry: (attempt: number, pendingCount: number, delayMs: number) => Promise<void>,
) => Promise<IndexOutcome>;

interface Submission {
  hooks: SubmitterHooks;
  unsettled: number;
  outcome: IndexOutcome;
  failed: boolean;
  resolve(outcome: IndexOutcome): void;
  reject(error: unknown): void;
}

interface Queued {
  submission: Submission;
  entry: ReadToIndex;
  bytes: number;
}

// The action line (~120 bytes) plus the document; the estimate only has to keep requests near the target size.
const entryBytes = (entry: ReadToIndex) => 120 + (entry.bytes ?? 400);

/**
 * One queue for the reads of every partition an indexer instance consumes, cut into bulk requests by size, or sent
 * when the oldest queued read has waited `lingerMs`, at most `concurrency` requests in flight. Each fetched batch
 * submits its reads and is answered only when every request carrying one of them was acknowledged (its outcome: the
 * rejections at its own positions, the reads already indexed) — or with the first failure of one of them. So the
 * consumer still commits a partition's offsets only after all of that batch's reads are in Elasticsearch, while
 * Elasticsearch receives a few large requests instead of one or two small ones per partition.
 */
export class BulkAccumulator {
  private queue: Queued[] = [];
  private queuedBytes = 0;
  private inFlight = 0;
  private lingerTimer?: NodeJS.Timeout;
  /** The oldest queued read has lingered long enough: everything queued goes out, whatever its size. */
  private due = false;

  constructor(private readonly sizing: BulkSizing, private readonly write: BulkRequestWriter) {}

  /** Resolves once every one of `entries` is acknowledged, already indexed or rejected; positions are the caller's. */
  submit(entries: ReadToIndex[], hooks: SubmitterHooks = {}): Promise<IndexOutcome> {
    if (entries.length === 0) return Promise.resolve({ rejected: [], alreadyIndexed: [] });
    return new Promise<IndexOutcome>((resolve, reject) => {
      const submission: Submission = { hooks, unsettled: entries.length, outcome: { rejected: [], alreadyIndexed: [] }, failed: false, resolve, reject };
      for (const entry of entries) {
        const bytes = entryBytes(entry);
        this.queue.push({ submission, entry, bytes });
        this.queuedBytes += bytes;
      }
      this.pump();
    });
  }

  /** Reads queued, not yet in a request (tests, diagnostics). */
  get queuedReads(): number {
    return this.queue.length;
  }

  private get full(): boolean {
    return this.queuedBytes >= this.sizing.maxBytes || this.queue.length >= this.sizing.maxReads;
  }

  private pump(): void {
    while (this.queue.length > 0 && this.inFlight < this.sizing.concurrency && (this.full || this.due)) {
      this.send(this.cutRequest());
    }
    if (this.queue.length === 0) {
      this.due = false;
      clearTimeout(this.lingerTimer);
      this.lingerTimer = undefined;
    } else if (this.lingerTimer === undefined && !this.due) {
      this.lingerTimer = setTimeout(() => {
        this.lingerTimer = undefined;
        this.due = true;
        this.pump();
      }, this.sizing.lingerMs);
    }
  }

  /** The oldest queued reads up to the size limits (at least one); reads of a submission that already failed are dropped. */
  private cutRequest(): Queued[] {
    const request: Queued[] = [];
    let bytes = 0;
    while (this.queue.length > 0 && request.length < this.sizing.maxReads) {
      const next = this.queue[0];
      if (request.length > 0 && bytes + next.bytes > this.sizing.maxBytes) break;
      this.queue.shift();
      this.queuedBytes -= next.bytes;
      if (next.submission.failed) continue;
      request.push(next);
      bytes += next.bytes;
    }
    return request;
  }

  private send(request: Queued[]): void {
    if (request.length === 0) return;
    this.inFlight++;
    const submissions = [...new Set(request.map((queued) => queued.submission))];
    const onRetry = async (attempt: number, pendingCount: number, delayMs: number) => {
      await Promise.all(submissions.map((submission) => submission.hooks.onRetry?.(attempt, pendingCount, delayMs)));
    };
    // Positions within the request, mapped back to each submitter's own afterwards.
    const entries = request.map((queued, position) => ({ ...queued.entry, position }));
    this.write(entries, onRetry)
      .then(
        (outcome) => {
          for (const rejection of outcome.rejected) {
            const { submission, entry } = request[rejection.position];
            submission.outcome.rejected.push({ ...rejection, position: entry.position });
          }
          for (const position of outcome.alreadyIndexed) {
            const { submission, entry } = request[position];
            submission.outcome.alreadyIndexed.push(entry.position);
          }
          for (const { submission } of request) {
            if (--submission.unsettled === 0 && !submission.failed) submission.resolve(submission.outcome);
          }
        },
        (error: unknown) => {
          for (const submission of submissions) {
            if (submission.failed) continue;
            submission.failed = true;
            submission.reject(error);
          }
        },
      )
      .finally(() => {
        this.inFlight--;
        this.pump();
      });
  }
}
