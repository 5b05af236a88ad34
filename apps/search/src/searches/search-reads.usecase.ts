import { Inject, Injectable } from '@nestjs/common';
import { Client } from '@elastic/elasticsearch';
import { randomUUID } from 'node:crypto';
import { PLATEKEEPER_CONFIG, PlatekeeperConfig } from '@platekeeper/config';
import { EnrichedRead } from '@platekeeper/contract';
import { readsIndexPattern } from '@platekeeper/elastic';
import { searchMetrics } from '@platekeeper/metrics';
import { SharingWorld } from '@platekeeper/sharing';
import { AuthenticatedUser } from '../auth/authenticated-user';
import { AuditTrail } from '../audit/audit-trail.service';
import { DomainError } from '../errors/domain-error';
import { SharingWorldService } from '../sharing-world/sharing-world.service';
import { READS_ELASTIC_CLIENT } from './elastic-client.provider';
import { buildReadsQuery } from './reads-query';
import { visibilityFilterForSearch } from './visibility-for-search';
import { decodeCursor, encodeCursor } from './search-cursor';
import { SearchRequestDto, SearchResponseDto, SearchedReadDto } from './search-request.dto';

export const DEFAULT_SEARCH_LIMIT = 50;

export function searchCriteria(request: SearchRequestDto) {
  const { purpose: _purpose, caseNumber: _caseNumber, reason: _reason, scope: _scope, ...criteria } = request;
  return criteria;
}

/** One search: decide visibility from the live policies, query with it inside, record it, answer. */
@Injectable()
export class SearchReadsUseCase {
  constructor(
    @Inject(PLATEKEEPER_CONFIG) private readonly config: PlatekeeperConfig,
    @Inject(READS_ELASTIC_CLIENT) private readonly elastic: Client,
    private readonly sharingWorld: SharingWorldService,
    private readonly auditTrail: AuditTrail,
  ) {}

  async execute(user: AuthenticatedUser, request: SearchRequestDto, world: SharingWorld): Promise<SearchResponseDto> {
    const searchId = randomUUID();
    const scope = request.scope ?? 'local';
    const stopTimer = searchMetrics.searchDuration.startTimer({ scope });
    const now = new Date();
    const searchAfter = request.cursor ? decodeCursor(request.cursor) : undefined;
    const decision = this.sharingWorld.decide(world, user.agencyId, request.purpose, scope);
    const limit = request.limit ?? DEFAULT_SEARCH_LIMIT;
    const visibilityFilter = await visibilityFilterForSearch(this.elastic, {
      index: readsIndexPattern(this.config.READS_INDEX_PREFIX),
      decision,
      criteria: buildReadsQuery(request, { match_all: {} }).query,
      now,
      probeAboveOwners: this.config.SEARCH_OWNER_PROBE_ABOVE,
    });
    const query = buildReadsQuery(request, visibilityFilter);
    if (searchAfter && searchAfter.length !== query.sort.length) {
      throw new DomainError('SEARCH.INVALID_CURSOR', 'cursor is not a cursor this service issued for this search');
    }
    const response = await this.elastic
      .search<EnrichedRead>({
        index: readsIndexPattern(this.config.READS_INDEX_PREFIX),
        ignore_unavailable: true,
        allow_no_indices: true,
        track_total_hits: true,
        size: limit,
        ...query,
        ...(searchAfter && { search_after: searchAfter }),
        _source: ['readId', 'capturedAt', 'plate', 'plateRegion', 'confidence', 'vehicle', 'location', 'cameraId', 'agencyId'],
      } as never)
      .catch((error: Error) => {
        throw new DomainError('ENGINE.UNAVAILABLE', `search is unavailable: ${error.message}`);
      });
    const hits = response.hits.hits;
    const items = hits.map((hit) => toSearchedRead(hit._source as EnrichedRead));
    const total = typeof response.hits.total === 'number' ? response.hits.total : (response.hits.total?.value ?? 0);
    const lastSort = hits.length === limit ? hits[hits.length - 1].sort : undefined;
    const returnedByOwner: Record<string, number> = {};
    for (const item of items) returnedByOwner[item.agencyId] = (returnedByOwner[item.agencyId] ?? 0) + 1;
    await this.auditTrail.append({
      kind: 'search',
      action: 'search.reads',
      actorUserId: user.userId,
      actorAgencyId: user.agencyId,
      payload: {
        searchId,
        purpose: request.purpose,
        caseNumber: request.caseNumber,
        reason: request.reason,
        scope,
        criteria: searchCriteria(request),
        outcome: 'answered',
        total,
        returnedByOwner,
        withheldOwners: decision.withheldOwners,
      },
    });
    stopTimer();
    searchMetrics.searches.inc({ scope });
    return { searchId, items, total, nextCursor: lastSort ? encodeCursor(lastSort as Array<string | number>) : null };
  }
}

function toSearchedRead(read: EnrichedRead): SearchedReadDto {
  return {
    readId: read.readId,
    capturedAt: read.capturedAt,
    plate: read.plate,
    plateRegion: read.plateRegion,
    confidence: read.confidence,
    vehicle: read.vehicle,
    location: read.location,
    cameraId: read.cameraId,
    agencyId: read.agencyId,
  };
}
