import { Inject, Injectable, Logger } from '@nestjs/common';
import { Client, errors as elasticErrors } from '@elastic/elasticsearch';
import { randomUUID } from 'node:crypto';
import { PLATEKEEPER_CONFIG, PlatekeeperConfig } from '@platekeeper/config';
import { SEARCHED_READ_FIELDS, SearchedRead, toSearchedRead } from '@platekeeper/contract';
import { ElasticAvailability, isUnreachable, otherNodes, readsIndexPattern } from '@platekeeper/elastic';
import { searchMetrics } from '@platekeeper/metrics';
import { VisibilityDecision, legalReferenceWindows, narrowDecisionToOwners } from '@platekeeper/sharing';
import { AuthenticatedUser } from '../auth/authenticated-user';
import { AuditTrail, WorldMovedError } from '../audit/audit-trail.service';
import { actingAgencyIn } from '../auth/agency-access';
import { SharingWorldService } from '../sharing-world/sharing-world.service';
import { DecisionTrace, answeredSearchRecord } from '../audit/search-record';
import { WorldSnapshot } from '@platekeeper/sharing';
import { DomainError } from '../errors/domain-error';
import { READS_ELASTIC_CLIENT } from '../elastic-client.provider';
import { buildReadsQuery } from './reads-query';
import { prepareReadsCriteria } from './partial-plate';
import { visibilityForSearch } from './visibility-for-search';
import { decodeCursor, encodeCursor } from './search-cursor';
import { searchFailure } from './search-failure';
import { SearchRequestDto, SearchResponseDto, SearchedReadDto } from './search-request.dto';
import { WithheldMatchingReads, withheldCountAggregation, withheldCountsFrom, withheldToCount } from './withheld-matching-reads';
import { narrowingNotices, searchBasisOf } from './search-basis';

export const DEFAULT_SEARCH_LIMIT = 50;
const SEARCH_TRANSPORT_GRACE_MS = 2_000;
/** Times one search is run again because the sharing world moved before its record: each run starts from the live world. */
const MAX_WORLD_MOVES = 5;

/** One search: decide visibility from the live policies, query with it inside, record it, answer. */
@Injectable()
export class SearchReadsUseCase {
  private readonly logger = new Logger(SearchReadsUseCase.name);

  constructor(
    @Inject(PLATEKEEPER_CONFIG) private readonly config: PlatekeeperConfig,
    @Inject(READS_ELASTIC_CLIENT) private readonly elastic: Client,
    private readonly auditTrail: AuditTrail,
    private readonly withheldReads: WithheldMatchingReads,
    private readonly elasticAvailability: ElasticAvailability,
    private readonly sharingWorld: SharingWorldService,
  ) {}

  /**
   * `world` may be the world this instance last loaded rather than the live one (the AuthGuard reads no version for a
   * search, @SpeculativeWorld): the record is written only if the world is still at the version the answer was
   * decided in, checked in the append's own round trip. When it moved, no record is written and nothing is answered;
   * the search runs again in the live world, after the agency check the guard made, so a change committed before the
   * record is in force on the answer (CONTRACT §3: in force on the next search; §4: recorded before it answers).
   */
  async execute(user: AuthenticatedUser, request: SearchRequestDto, world: WorldSnapshot): Promise<SearchResponseDto> {
    const scope = request.scope ?? 'local';
    const stopTimer = searchMetrics.searchDuration.startTimer({ scope });
    for (let moves = 0; ; moves++) {
      try {
        const answer = await this.searchIn(user, request, world);
        stopTimer();
        searchMetrics.searches.inc({ scope });
        return answer;
      } catch (error) {
        if (!(error instanceof WorldMovedError)) throw error;
        searchMetrics.worldReruns.inc();
        if (moves + 1 >= MAX_WORLD_MOVES) {
          this.logger.warn(`the sharing world moved ${MAX_WORLD_MOVES} times during one search (now ${error.worldVersion}); refused`);
          throw new DomainError('ENGINE.UNAVAILABLE', 'the sharing policies kept changing during this search; try again');
        }
        world = await this.sharingWorld.current();
        actingAgencyIn(user, world);
      }
    }
  }

  /** One run of the search in `world`: rejects with WorldMovedError, having recorded and answered nothing, when it is not current. */
  private async searchIn(user: AuthenticatedUser, request: SearchRequestDto, world: WorldSnapshot): Promise<SearchResponseDto> {
    // Elasticsearch did not answer its latest probe: refuse now rather than make the investigator wait out the timeouts.
    if (this.elasticAvailability.down) throw new DomainError('ENGINE.UNAVAILABLE', 'search is unavailable; try again later');
    const searchId = randomUUID();
    const scope = request.scope ?? 'local';
    const now = new Date();
    const decision = world.decide(user.agencyId, request.purpose, scope, searchBasisOf(request, now));
    const limit = request.limit ?? DEFAULT_SEARCH_LIMIT;
    const timeoutMs = this.config.SEARCH_TIMEOUT_MS;
    const prepared = await prepareReadsCriteria(this.elastic, request, { index: readsIndexPattern(this.config.READS_INDEX_PREFIX), timeoutMs });
    const visibility = await visibilityForSearch(this.elastic, {
      index: readsIndexPattern(this.config.READS_INDEX_PREFIX),
      decision,
      criteria: buildReadsQuery(request, { match_all: {} }, prepared).query,
      now,
      probeAboveOwners: this.config.SEARCH_OWNER_PROBE_ABOVE,
      timeoutMs: this.config.SEARCH_TIMEOUT_MS,
    });
    // Which withheld owners held matching reads, for the record only. With a small visibility filter the count rides in
    // the search's own request (criteria ∧ (visible ∨ withheld), hits and total post-filtered to the visible reads, an
    // aggregation over the withheld ones): one request. With the full filter of a large decision, evaluating it twice
    // would cost more than a second request, which then runs side by side with the search.
    const withheld = withheldToCount(decision, world, now, visibility.matchingOwners);
    const countInSearch = withheld !== undefined && visibility.small;
    const query = buildReadsQuery(
      request, countInSearch ? { bool: { should: [visibility.filter, withheld.filter], minimum_should_match: 1 } } : visibility.filter, prepared,
    );
    const searchAfter = request.cursor ? decodeCursor(request.cursor, query.sort) : undefined;
    const searching = this.elastic
      .search<SearchedRead>(
        {
          index: readsIndexPattern(this.config.READS_INDEX_PREFIX),
          ignore_unavailable: true,
          allow_no_indices: true,
          track_total_hits: true,
          size: limit,
          timeout: `${timeoutMs}ms`,
          ...query,
          ...(countInSearch && { post_filter: visibility.filter, aggs: withheldCountAggregation(withheld) }),
          ...(searchAfter && { search_after: searchAfter }),
          _source: SEARCHED_READ_FIELDS,
        } as never,
        // Elasticsearch's own timeout stops shard work; this one bounds the wait if a node does not answer at all. Only
        // another node is tried then (otherNodes), never the same one twice: one dead node of a cluster is not an outage.
        { requestTimeout: timeoutMs + SEARCH_TRANSPORT_GRACE_MS, maxRetries: otherNodes(this.elastic) },
      )
      .catch((error: unknown) => {
        throw this.engineFailure(error, timeoutMs);
      });
    const [response, countedApart] = await Promise.all([
      searching, withheld === undefined || countInSearch ? {} : this.withheldReads.count(request, withheld, prepared),
    ]);
    const withheldByOwner = countInSearch ? withheldCountsFrom(response.aggregations) : countedApart;
    if (response.timed_out) throw this.engineFailure(new elasticErrors.TimeoutError('search timed out on the shards'), timeoutMs);
    // Partial results would silently under-report what the investigator's search matched.
    if ((response._shards?.failed ?? 0) > 0) throw this.engineFailure(new Error(`shard failures: ${JSON.stringify(response._shards.failures)}`), timeoutMs);
    const hits = response.hits.hits;
    const items = hits.map((hit): SearchedReadDto => toSearchedRead(hit._source!));
    const total = typeof response.hits.total === 'number' ? response.hits.total : (response.hits.total?.value ?? 0);
    const lastSort = hits.length === limit ? hits[hits.length - 1].sort : undefined;
    const returnedByOwner: Record<string, number> = {};
    for (const item of items) returnedByOwner[item.agencyId] = (returnedByOwner[item.agencyId] ?? 0) + 1;
    await this.auditTrail.appendDecidedIn(
      answeredSearchRecord(user, request, {
        searchId, total, returnedByOwner, withheldOwners: decision.withheldOwners, withheldByOwner,
        decisionTrace: decisionTrace(world, decision, returnedByOwner, now),
      }),
      world.version,
    );
    const narrowedBy = narrowingNotices(decision);
    return {
      searchId, items, total, nextCursor: lastSort ? encodeCursor(lastSort as Array<string | number>) : null,
      ...(narrowedBy.length > 0 && { narrowedBy }),
    };
  }

  private engineFailure(error: unknown, timeoutMs: number): DomainError {
    if (isUnreachable(error)) this.elasticAvailability.noteUnreachable(error);
    this.logger.error(`search failed in Elasticsearch: ${error instanceof Error ? error.message : String(error)}`);
    return searchFailure(error, timeoutMs);
  }
}

/** The rule that granted each owner whose reads the search returned, under the world version it was decided in. */
function decisionTrace(world: WorldSnapshot, decision: VisibilityDecision, returnedByOwner: Record<string, number>, now: Date): DecisionTrace {
  return {
    worldVersion: world.version,
    decidedAt: now.toISOString(),
    // Looked up per returned owner (a handful), not scanned per visible owner: a national decision names thousands, and
    // the scan cost 6.5 ms a search at 20,000 agencies (docs/performance.md). Same owners, same order.
    grantedOwners: narrowDecisionToOwners(decision, Object.keys(returnedByOwner)).visibleOwners
      .map(({ agencyId, rule, retentionDays, maxAgeHours }) => ({ agencyId, rule, retentionDays, ...(maxAgeHours !== undefined && { maxAgeHours }) })),
    narrowedToHours: legalReferenceWindows(decision),
  };
}
