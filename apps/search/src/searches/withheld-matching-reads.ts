import { Inject, Injectable } from '@nestjs/common';
import { Client } from '@elastic/elasticsearch';
import { PLATEKEEPER_CONFIG, PlatekeeperConfig } from '@platekeeper/config';
import { otherNodes, readsIndexPattern } from '@platekeeper/elastic';
import { SharingWorld, VisibilityDecision, buildWithheldReadsFilter } from '@platekeeper/sharing';
import { DomainError } from '../errors/domain-error';
import { READS_ELASTIC_CLIENT } from '../elastic-client.provider';
import { PreparedCriteria, buildReadsQuery } from './reads-query';
import { SearchRequestDto } from './search-request.dto';

type QueryClause = Record<string, unknown>;

/** The withheld owners a search's record must count matching reads of, and the filter of those owners' reads. */
export interface WithheldToCount {
  /** The withheld owners' reads within their retention (buildWithheldReadsFilter). */
  filter: QueryClause;
  owners: number;
}

/**
 * Which withheld owners the record must count matching reads of: every owner a deny rule withheld from the search, or,
 * when the search's owner probe vouched for every owner of a matching read (`matchingOwners`), only those it named
 * (the others hold none). Undefined when there is none: most searches then need no count at all.
 */
export function withheldToCount(
  decision: VisibilityDecision, world: SharingWorld, now: Date, matchingOwners?: readonly string[],
): WithheldToCount | undefined {
  const holding = matchingOwners === undefined ? undefined : new Set(matchingOwners);
  const withheldOwners = holding === undefined ? decision.withheldOwners : decision.withheldOwners.filter((owner) => holding.has(owner.agencyId));
  if (withheldOwners.length === 0) return undefined;
  return { filter: buildWithheldReadsFilter({ ...decision, withheldOwners }, world, now), owners: withheldOwners.length };
}

/**
 * The count as part of the search's own request (one Elasticsearch request instead of two): the search's query
 * matches criteria ∧ (visible ∨ withheld), its `post_filter` keeps only the visible reads for the hits and the total
 * (which count post-filtered hits only), and this aggregation counts, per withheld owner, the matched reads that are
 * withheld: criteria ∧ withheld, exactly what the separate count asked. Every withheld owner fits in one bucket
 * list, so each count is exact.
 */
export function withheldCountAggregation(withheld: WithheldToCount): Record<string, unknown> {
  return { withheld: { filter: withheld.filter, aggs: { owners: { terms: { field: 'agencyId', size: withheld.owners } } } } };
}

/** The counts of withheldCountAggregation in a response's aggregations. */
export function withheldCountsFrom(aggregations: unknown): Record<string, number> {
  const buckets = (aggregations as { withheld?: { owners?: { buckets?: Array<{ key: string; doc_count: number }> } } } | undefined)
    ?.withheld?.owners?.buckets ?? [];
  return Object.fromEntries(buckets.filter((bucket) => bucket.doc_count > 0).map((bucket) => [bucket.key, bucket.doc_count]));
}

/**
 * Which owners a deny rule withheld matching reads from a search, and how many: the search's own criteria over
 * the withheld owners' reads within their retention. Only the record uses it (CONTRACT §4: a search counts for an
 * owner's trail and report only where it held matching reads); the answer never does.
 */
@Injectable()
export class WithheldMatchingReads {
  constructor(
    @Inject(PLATEKEEPER_CONFIG) private readonly config: PlatekeeperConfig,
    @Inject(READS_ELASTIC_CLIENT) private readonly elastic: Client,
  ) {}

  /**
   * Per withheld owner holding at least one matching read, how many it holds, in a request of its own. `matchingOwners`
   * as in withheldToCount.
   */
  async countByOwner(
    request: SearchRequestDto, decision: VisibilityDecision, world: SharingWorld, now: Date, prepared: PreparedCriteria = {},
    matchingOwners?: readonly string[],
  ): Promise<Record<string, number>> {
    const withheld = withheldToCount(decision, world, now, matchingOwners);
    return withheld === undefined ? {} : this.count(request, withheld, prepared);
  }

  /** The counts of `withheld` in a size-0 request of their own. */
  async count(request: SearchRequestDto, withheld: WithheldToCount, prepared: PreparedCriteria = {}): Promise<Record<string, number>> {
    const { query } = buildReadsQuery(request, withheld.filter, prepared);
    const response = await this.elastic
      .search({
        index: readsIndexPattern(this.config.READS_INDEX_PREFIX),
        ignore_unavailable: true,
        allow_no_indices: true,
        size: 0,
        track_total_hits: false,
        query,
        // The same aggregation as when the count rides in the search (its filter repeats the query's: one parser of the answer).
        aggs: withheldCountAggregation(withheld),
        timeout: `${this.config.SEARCH_TIMEOUT_MS}ms`,
      } as never, { requestTimeout: this.config.SEARCH_TIMEOUT_MS + 2_000, maxRetries: otherNodes(this.elastic) })
      .catch(() => {
        throw new DomainError('ENGINE.UNAVAILABLE', 'search is unavailable; try again later');
      });
    return withheldCountsFrom(response.aggregations);
  }
}
