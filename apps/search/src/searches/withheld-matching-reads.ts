import { Inject, Injectable } from '@nestjs/common';
import { Client } from '@elastic/elasticsearch';
import { PLATEKEEPER_CONFIG, PlatekeeperConfig } from '@platekeeper/config';
import { otherNodes, readsIndexPattern } from '@platekeeper/elastic';
import { SharingWorld, VisibilityDecision, buildWithheldReadsFilter } from '@platekeeper/sharing';
import { DomainError } from '../errors/domain-error';
import { READS_ELASTIC_CLIENT } from '../elastic-client.provider';
import { PreparedCriteria, buildReadsQuery } from './reads-query';
import { SearchRequestDto } from './search-request.dto';

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
   * Per withheld owner holding at least one matching read, how many it holds. `matchingOwners`, when the search's owner
   * probe vouched for every owner of a matching read, leaves out the withheld owners it did not name (they hold none):
   * most searches then need no count at all.
   */
  async countByOwner(
    request: SearchRequestDto, decision: VisibilityDecision, world: SharingWorld, now: Date, prepared: PreparedCriteria = {},
    matchingOwners?: readonly string[],
  ): Promise<Record<string, number>> {
    const holding = matchingOwners === undefined ? undefined : new Set(matchingOwners);
    const withheldOwners = holding === undefined ? decision.withheldOwners : decision.withheldOwners.filter((owner) => holding.has(owner.agencyId));
    if (withheldOwners.length === 0) return {};
    const { query } = buildReadsQuery(request, buildWithheldReadsFilter({ ...decision, withheldOwners }, world, now), prepared);
    const response = await this.elastic
      .search({
        index: readsIndexPattern(this.config.READS_INDEX_PREFIX),
        ignore_unavailable: true,
        allow_no_indices: true,
        size: 0,
        track_total_hits: false,
        query,
        // Every withheld owner fits in one bucket list, so each count is exact.
        aggs: { owners: { terms: { field: 'agencyId', size: withheldOwners.length } } },
        timeout: `${this.config.SEARCH_TIMEOUT_MS}ms`,
      } as never, { requestTimeout: this.config.SEARCH_TIMEOUT_MS + 2_000, maxRetries: otherNodes(this.elastic) })
      .catch(() => {
        throw new DomainError('ENGINE.UNAVAILABLE', 'search is unavailable; try again later');
      });
    const buckets = (response.aggregations?.owners as { buckets?: Array<{ key: string; doc_count: number }> } | undefined)?.buckets ?? [];
    return Object.fromEntries(buckets.filter((bucket) => bucket.doc_count > 0).map((bucket) => [bucket.key, bucket.doc_count]));
  }
}
