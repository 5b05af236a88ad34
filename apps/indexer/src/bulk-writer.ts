import { Client } from '@elastic/elasticsearch';
import { DeadLetterReason, EnrichedRead } from '@platekeeper/contract';
import { readDocumentId, readsIndexName, toReadDocument } from '@platekeeper/elastic';
import { jitteredBackoff } from '@platekeeper/config';

export interface IndexOutcome {
  /** Documents Elasticsearch refused as malformed: never retried, dead-lettered with its reason. */
  rejected: Array<{ position: number; status: number; detail: string }>;
  /** Positions of the documents whose id was already indexed (a replay or redelivery): left as they were, and done. */
  alreadyIndexed: number[];
}

export interface BulkRetryPolicy {
  maxRetries: number;
  baseDelayMs: number;
  onRetry?: (attempt: number, pending: number, delayMs: number) => Promise<void> | void;
  /** Aborted on shutdown: no further retry, the batch stays uncommitted and is delivered again after the restart. */
  stopping?: AbortSignal;
  /** Subscribes to the engine being back after it was away (returns the unsubscribe): the backoff in progress ends early. */
  wake?: (listener: () => void) => () => void;
}

/** Capture times the indexer writes; anything outside never creates an index, whoever produced it. */
export interface CaptureWindow {
  earliest: Date;
  latest: Date;
}

// Ingest refuses reads more than 5 minutes ahead; a day absorbs clock differences between hosts, and lets at most next month's index exist.
const FUTURE_TOLERANCE_MS = 24 * 3_600_000;
const DAY_MS = 86_400_000;

/** [now − READS_MAX_AGE_DAYS, now + a day]: at most ⌈max age / 28⌉ + 2 monthly indices can ever be created. */
export function acceptedCaptureWindow(now: Date, maxAgeDays: number): CaptureWindow {
  return { earliest: new Date(now.getTime() - maxAgeDays * DAY_MS), latest: new Date(now.getTime() + FUTURE_TOLERANCE_MS) };
}

/**
 * Only what the indexer itself needs (owner and readId for the document id, a capture time inside the window to
 * route to a month); Elasticsearch's strict mapping judges the rest.
 */
export function parseEnrichedMessage(
  value: Buffer | string | null,
  window: CaptureWindow,
): { ok: true; read: EnrichedRead } | { ok: false; reason: DeadLetterReason } {
  let document: Partial<EnrichedRead>;
  try {
    document = JSON.parse(typeof value === 'string' ? value : value?.toString('utf8') ?? '');
  } catch (error) {
    return { ok: false, reason: { code: 'READ.INVALID_JSON', detail: (error as Error).message } };
  }
  const routable =
    typeof document === 'object' && document !== null &&
    typeof document.readId === 'string' && document.readId.length > 0 &&
    typeof document.agencyId === 'string' && document.agencyId.length > 0 && !document.agencyId.includes(':') &&
    typeof document.capturedAt === 'string' && !Number.isNaN(Date.parse(document.capturedAt));
  if (!routable) {
    return { ok: false, reason: { code: 'READ.INDEX_REJECTED', detail: 'an enriched read needs a readId, an agencyId and a capturedAt date' } };
  }
  const capturedAt = new Date(document.capturedAt!);
  if (capturedAt < window.earliest) {
    return {
      ok: false,
      reason: { code: 'READ.TOO_OLD', detail: `captured at ${capturedAt.toISOString()}, before ${window.earliest.toISOString()} (READS_MAX_AGE_DAYS)` },
    };
  }
  if (capturedAt > window.latest) {
    return {
      ok: false,
      reason: { code: 'READ.INDEX_REJECTED', detail: `captured at ${capturedAt.toISOString()}, after ${window.latest.toISOString()}` },
    };
  }
  return { ok: true, read: document as EnrichedRead };
}

/**
 * Refusals that say the index cannot take writes now (blocked, closed, missing, shards unavailable, overloaded),
 * whatever status code carries them: the document is fine, so it waits and is retried, never dead-lettered.
 */
const INDEX_UNAVAILABLE_ERRORS = new Set([
  'cluster_block_exception',
  'index_closed_exception',
  'index_not_found_exception',
  'unavailable_shards_exception',
  'no_shard_available_action_exception',
  'primary_missing_action_exception',
  'es_rejected_execution_exception',
  'circuit_breaking_exception',
  'process_cluster_event_timeout_exception',
  'node_not_connected_exception',
  'node_closed_exception',
]);

const ALREADY_INDEXED_ERRORS = new Set(['version_conflict_engine_exception']);

/** What happens to one document after a bulk `create`: kept, already there, tried again later, or dead-lettered. */
export type BulkItemVerdict = 'created' | 'already-indexed' | 'retry' | 'reject';

/** Judges a bulk item by the type of its error first (a blocked index is not a malformed document), then its status. */
export function classifyBulkItem(item: { status: number; error?: { type?: string } | null }): BulkItemVerdict {
  if (item.status < 300) return 'created';
  const type = item.error?.type ?? '';
  if (ALREADY_INDEXED_ERRORS.has(type) || item.status === 409) return 'already-indexed';
  if (INDEX_UNAVAILABLE_ERRORS.has(type) || item.status === 429 || item.status >= 500) return 'retry';
  return 'reject';
}

export class BulkRetriesExhausted extends Error {}

/** What routes a read: its document id (owner and readId) and its monthly index (capture time). */
export type ReadRouting = Pick<EnrichedRead, 'agencyId' | 'readId' | 'capturedAt'>;

/**
 * A read to index, at its position in the fetched batch; `bytes` is the size of its message, which sizes the bulk
 * requests. The stored document is either built here from the whole `read` (`toReadDocument`), or given already
 * serialised as `document` (`readDocumentJson`), and then `read` need only route it.
 */
export type ReadToIndex = { position: number; bytes?: number } & (
  | { read: EnrichedRead; document?: undefined }
  | { read: ReadRouting; document: string }
);

/** The bulk `create` action and the stored document of one read, as two lines of the request body. */
export function bulkLines(indexPrefix: string, entry: ReadToIndex): string {
  const { read } = entry;
  const action = `{"create":{"_index":${JSON.stringify(readsIndexName(indexPrefix, read.capturedAt))},"_id":${JSON.stringify(readDocumentId(read))}}}`;
  // The stored document carries index-time fields (plate grams) the message does not.
  return `${action}\n${entry.document ?? JSON.stringify(toReadDocument(entry.read as EnrichedRead))}`;
}

// Only what is judged per item: the response to a 5,000-read request shrinks from ~1 MB to ~80 KB to parse.
export const BULK_RESPONSE_FIELDS = ['errors', 'items.*.status', 'items.*.error'];

/** Waits `ms`, or less if `signal` aborts or `wake` calls back first. */
function sleep(ms: number, signal?: AbortSignal, wake?: BulkRetryPolicy['wake']): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
    const unsubscribe = wake?.(done);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      unsubscribe?.();
      resolve();
    }
  });
}

/**
 * Creates each read under its owner-scoped id (`readDocumentId`) with the bulk `create` op, so an indexed read is
 * never rewritten: a replay, a redelivery with other content or another owner's readId cannot touch it, and the 409
 * Elasticsearch answers means "already indexed". Retries an index that cannot take writes now (`classifyBulkItem`)
 * and transport failures with jittered backoff until every document is acknowledged, already there, or rejected;
 * after `maxRetries` it gives up (`BulkRetriesExhausted`) without claiming anything pending was written.
 */
export async function writeReads(
  client: Client,
  indexPrefix: string,
  reads: ReadToIndex[],
  retry: BulkRetryPolicy,
  refresh = false,
): Promise<IndexOutcome> {
  const rejected: IndexOutcome['rejected'] = [];
  const alreadyIndexed: number[] = [];
  let pending = reads;
  let lastPushBack = '';
  for (let attempt = 0; pending.length > 0; attempt++) {
    if (attempt > 0) {
      if (attempt > retry.maxRetries) {
        throw new BulkRetriesExhausted(`${pending.length} reads still unacknowledged after ${retry.maxRetries} retries; last: ${lastPushBack}`);
      }
      // At most 5 s: an index unblocked (or an engine back) is written to within seconds, not half a minute later.
      const delayMs = jitteredBackoff(attempt, retry.baseDelayMs, 5_000);
      await retry.onRetry?.(attempt, pending.length, delayMs);
      await sleep(delayMs, retry.stopping, retry.wake);
      if (retry.stopping?.aborted) {
        throw new BulkRetriesExhausted(`stopping with ${pending.length} reads unacknowledged; last: ${lastPushBack}`);
      }
    }
    // Serialised here, each line once: the client passes strings through as they are.
    const operations = pending.map((entry) => bulkLines(indexPrefix, entry));
    let items;
    try {
      // No retries inside the client: this loop is the one retry policy (INDEXER_MAX_RETRIES), with back-pressure.
      // Aborted on shutdown too: a bulk Elasticsearch never answers must not hold the drain up.
      ({ items } = await client.bulk({ operations, refresh, filter_path: BULK_RESPONSE_FIELDS }, { maxRetries: 0, signal: retry.stopping }));
    } catch (error) {
      if (retry.stopping?.aborted) throw new BulkRetriesExhausted(`stopping with ${pending.length} reads unacknowledged`);
      lastPushBack = error instanceof Error ? error.message : String(error);
      continue;
    }
    const stillPending: typeof pending = [];
    items.forEach((item, itemPosition) => {
      const result = item.create!;
      const entry = pending[itemPosition];
      const verdict = classifyBulkItem(result);
      if (verdict === 'already-indexed') alreadyIndexed.push(entry.position);
      else if (verdict === 'retry') {
        stillPending.push(entry);
        lastPushBack = `status ${result.status} ${result.error?.type ?? ''}: ${result.error?.reason ?? ''}`;
      }
      else if (verdict === 'reject') rejected.push({ position: entry.position, status: result.status, detail: JSON.stringify(result.error) });
    });
    pending = stillPending;
  }
  return { rejected, alreadyIndexed };
}
