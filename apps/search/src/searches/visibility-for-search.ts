import { Client } from '@elastic/elasticsearch';
import { otherNodes } from '@platekeeper/elastic';
import { VisibilityDecision, buildVisibilityFilter, narrowDecisionToOwners } from '@platekeeper/sharing';

type QueryClause = Record<string, unknown>;

/**
 * A probe that would have to name more owners than this gains little over the full filter, so it gives up. A partial
 * plate at 10M reads can match the reads of over 1,000 owners; falling back to the full filter for those was the p95
 * of partial searches (20,000 agencies, 10M reads, same segments: partial / exact p95 7.98 at 1,000, 2.66 at 5,000).
 */
export const PROBE_MAX_OWNERS = 5_000;
/** Reads a probe looks at per shard before giving up: bounds its cost for broad criteria (e.g. only a colour). */
export const PROBE_MAX_READS_PER_SHARD = 20_000;

/** The parts of a probe's answer that say whether it saw every matching read's owner. */
export interface OwnerProbeAnswer {
  timed_out?: boolean;
  terminated_early?: boolean;
  _shards?: { failed?: number };
  aggregations?: unknown;
}

/**
 * The owners of every read matching the criteria, or undefined when the probe cannot vouch for having seen them all
 * (it stopped early, a shard failed, or there were too many owners to list).
 */
export function ownersFromProbe(answer: OwnerProbeAnswer): string[] | undefined {
  if (answer.timed_out || answer.terminated_early || (answer._shards?.failed ?? 0) > 0) return undefined;
  const owners = (answer.aggregations as { owners?: { buckets?: Array<{ key: unknown }>; sum_other_doc_count?: number } } | undefined)?.owners;
  if (owners?.buckets === undefined || owners.sum_other_doc_count !== 0) return undefined;
  return owners.buckets.map((bucket) => String(bucket.key));
}

/**
 * The visibility filter one search runs with (CONTRACT §3, enforced inside Elasticsearch either way).
 *
 * A national decision names thousands of owners, and Elasticsearch resolves a `terms` filter that long against every
 * segment of every index, so its cost grows with the stored reads (docs/performance.md). When the decision is that
 * large, a first cheap request asks which owners have reads matching the criteria at all (a few, for a plate), and the
 * search then filters on the visible ones among them only. That narrowed filter is a subset of the decision's: it can
 * leave a read out, never let one in, so a wrong or partial probe cannot leak. A probe that cannot vouch for having
 * seen every matching owner falls back to the full filter, so totals and pages stay exact.
 */
export async function visibilityFilterForSearch(elastic: Client, search: VisibilitySearch): Promise<QueryClause> {
  return (await visibilityForSearch(elastic, search)).filter;
}

/** What one search runs with: its visibility filter and, when a probe vouched for them, the owners of every matching read. */
export interface SearchVisibility {
  filter: QueryClause;
  /**
   * Every owner holding a read that matched the criteria when the probe ran, or undefined when no probe ran or it
   * could not vouch for having seen them all. A withheld owner not named here held no matching read.
   */
  matchingOwners?: string[];
  /**
   * Whether the filter names few owners (no more than `probeAboveOwners`: the decision's are few, or the probe narrowed
   * them to few), so evaluating it twice in one request (query and post_filter) costs little; false for the full filter
   * of a large decision and for a probe that found many owners.
   */
  small: boolean;
}

export interface VisibilitySearch {
  index: string;
  decision: VisibilityDecision;
  /** The search's criteria without visibility: what the probe matches. */
  criteria: QueryClause;
  now: Date;
  /** Up to this many visible owners the full filter is already cheap (local, most statewide searches): no probe. */
  probeAboveOwners: number;
  /** The search's own time budget: a probe that outlasts it falls back to the full filter. */
  timeoutMs: number;
}

/** The filter of visibilityFilterForSearch, with the owners its probe saw (see SearchVisibility). */
export async function visibilityForSearch(elastic: Client, search: VisibilitySearch): Promise<SearchVisibility> {
  const { index, decision, criteria, now } = search;
  if (decision.visibleOwners.length <= search.probeAboveOwners) return { filter: buildVisibilityFilter(decision, now), small: true };
  // A probe that fails costs only its shortcut: the full filter is exact and the search itself reports the engine.
  const answer = await elastic.search({
    index,
    ignore_unavailable: true,
    allow_no_indices: true,
    size: 0,
    track_total_hits: false,
    terminate_after: PROBE_MAX_READS_PER_SHARD,
    query: criteria,
    // `map` walks only the matching reads' owners; global ordinals would be rebuilt for every owner after each refresh.
    aggs: { owners: { terms: { field: 'agencyId', size: PROBE_MAX_OWNERS, shard_size: PROBE_MAX_OWNERS, execution_hint: 'map' } } },
    timeout: `${search.timeoutMs}ms`,
  }, { requestTimeout: search.timeoutMs, maxRetries: otherNodes(elastic) }).catch(() => ({ timed_out: true }));
  const owners = ownersFromProbe(answer as OwnerProbeAnswer);
  if (owners === undefined) return { filter: buildVisibilityFilter(decision, now), small: false };
  const narrowed = narrowDecisionToOwners(decision, owners);
  // A partial plate can match the reads of hundreds of owners: a filter naming that many costs a pass over all their
  // reads, not to be paid twice in one request (1,000 agencies, 10M reads: API partial p95 11.1× exact, ES-direct 4.3×).
  return { filter: buildVisibilityFilter(narrowed, now), matchingOwners: owners, small: narrowed.visibleOwners.length <= search.probeAboveOwners };
}
