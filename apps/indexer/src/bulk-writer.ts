import { Client } from '@elastic/elasticsearch';
import { DeadLetterReason, EnrichedRead } from '@platekeeper/contract';
import { readDocumentId, readsIndexName } from '@platekeeper/elastic';

export interface IndexOutcome {
  /** Documents Elasticsearch refused as malformed: never retried, dead-lettered with its reason. */
  rejected: Array<{ position: number; status: number; detail: string }>;
  /** Documents whose id was already indexed (a replay or redelivery): left as they were, and done. */
  alreadyIndexed: number;
}

export interface BulkRetryPolicy {
  maxRetries: number;
  baseDelayMs: number;
  onRetry?: (attempt: number, pending: number, delayMs: number) => Promise<void> | void;
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
  value: Buffer | null,
  window: CaptureWindow,
): { ok: true; read: EnrichedRead } | { ok: false; reason: DeadLetterReason } {
  let document: Partial<EnrichedRead>;
  try {
    document = JSON.parse(value?.toString('utf8') ?? '');
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

const RETRYABLE = (status: number) => status === 429 || status >= 500;

export class BulkRetriesExhausted extends Error {}

export function jitteredBackoff(attempt: number, baseDelayMs: number): number {
  const ceiling = Math.min(30_000, baseDelayMs * 2 ** attempt);
  return Math.round(ceiling / 2 + Math.random() * (ceiling / 2));
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Creates each read under its owner-scoped id (`readDocumentId`) with the bulk `create` op, so an indexed read is
 * never rewritten: a replay, a redelivery with other content or another owner's readId cannot touch it, and the 409
 * Elasticsearch answers means "already indexed". Retries 429/5xx and transport failures with jittered backoff
 * until every document is acknowledged, already there, or rejected.
 */
export async function writeReads(
  client: Client,
  indexPrefix: string,
  reads: Array<{ position: number; read: EnrichedRead }>,
  retry: BulkRetryPolicy,
  refresh = false,
): Promise<IndexOutcome> {
  const rejected: IndexOutcome['rejected'] = [];
  let alreadyIndexed = 0;
  let pending = reads;
  for (let attempt = 0; pending.length > 0; attempt++) {
    if (attempt > 0) {
      if (attempt > retry.maxRetries) {
        throw new BulkRetriesExhausted(`${pending.length} reads still unacknowledged after ${retry.maxRetries} retries`);
      }
      const delayMs = jitteredBackoff(attempt, retry.baseDelayMs);
      await retry.onRetry?.(attempt, pending.length, delayMs);
      await sleep(delayMs);
    }
    const operations = pending.flatMap(({ read }) => [
      { create: { _index: readsIndexName(indexPrefix, read.capturedAt), _id: readDocumentId(read) } },
      read,
    ]);
    let items;
    try {
      ({ items } = await client.bulk({ operations, refresh }));
    } catch {
      continue;
    }
    const stillPending: typeof pending = [];
    items.forEach((item, itemPosition) => {
      const result = item.create!;
      const entry = pending[itemPosition];
      if (result.status < 300) return;
      if (result.status === 409) alreadyIndexed++;
      else if (RETRYABLE(result.status)) stillPending.push(entry);
      else rejected.push({ position: entry.position, status: result.status, detail: JSON.stringify(result.error) });
    });
    pending = stillPending;
  }
  return { rejected, alreadyIndexed };
}
