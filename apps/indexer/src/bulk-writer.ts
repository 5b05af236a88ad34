import { Client } from '@elastic/elasticsearch';
import { DeadLetterReason, EnrichedRead } from '@platekeeper/contract';
import { readsIndexName } from '@platekeeper/elastic';

export interface IndexOutcome {
  /** Documents Elasticsearch refused as malformed: never retried, dead-lettered with its reason. */
  rejected: Array<{ position: number; status: number; detail: string }>;
}

export interface BulkRetryPolicy {
  maxRetries: number;
  baseDelayMs: number;
  onRetry?: (attempt: number, pending: number, delayMs: number) => Promise<void> | void;
}

/** Only what the indexer itself needs (an id and a day to route to); Elasticsearch's strict mapping judges the rest. */
export function parseEnrichedMessage(
  value: Buffer | null,
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
    typeof document.capturedAt === 'string' && !Number.isNaN(Date.parse(document.capturedAt));
  return routable
    ? { ok: true, read: document as EnrichedRead }
    : { ok: false, reason: { code: 'READ.INDEX_REJECTED', detail: 'an enriched read needs a readId and a capturedAt date' } };
}

const RETRYABLE = (status: number) => status === 429 || status >= 500;

export class BulkRetriesExhausted extends Error {}

export function jitteredBackoff(attempt: number, baseDelayMs: number): number {
  const ceiling = Math.min(30_000, baseDelayMs * 2 ** attempt);
  return Math.round(ceiling / 2 + Math.random() * (ceiling / 2));
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Writes reads with `_id = readId` (so a replay overwrites, never duplicates); retries 429/5xx and
 * transport failures with jittered backoff until every document is acknowledged or rejected.
 */
export async function writeReads(
  client: Client,
  indexPrefix: string,
  reads: Array<{ position: number; read: EnrichedRead }>,
  retry: BulkRetryPolicy,
  refresh = false,
): Promise<IndexOutcome> {
  const rejected: IndexOutcome['rejected'] = [];
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
      { index: { _index: readsIndexName(indexPrefix, read.capturedAt), _id: read.readId } },
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
      const result = item.index!;
      const entry = pending[itemPosition];
      if (result.status < 300) return;
      if (RETRYABLE(result.status)) stillPending.push(entry);
      else rejected.push({ position: entry.position, status: result.status, detail: JSON.stringify(result.error) });
    });
    pending = stillPending;
  }
  return { rejected };
}
