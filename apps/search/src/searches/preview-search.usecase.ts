import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { CameraStore } from '@platekeeper/persistence';
import { reachableOwnerIds } from '@platekeeper/sharing';
import { AuditTrail } from '../audit/audit-trail.service';
import { previewedSearchRecord } from '../audit/search-record';
import { RequestContext } from '../auth/request-context';
import { SearchRequestDto } from './search-request.dto';
import { SearchPreviewDto } from './search-preview.dto';
import { narrowingNotices, searchBasisOf } from './search-basis';

/**
 * How far a search would reach: the owners its visibility decision admits (narrowed to the owners of
 * `cameraIds` when given) and their registered cameras. Reads no read; recorded like a search.
 */
@Injectable()
export class PreviewSearchUseCase {
  constructor(
    private readonly cameras: CameraStore,
    private readonly auditTrail: AuditTrail,
  ) {}

  async execute({ user, world }: RequestContext, request: SearchRequestDto): Promise<SearchPreviewDto> {
    const scope = request.scope ?? 'local';
    const decision = world.decide(user.agencyId, request.purpose, scope, searchBasisOf(request, new Date()));
    const reachable = reachableOwnerIds(decision);
    const camerasByOwner = await this.cameras.countByOwner(reachable, request.cameraIds ?? null);
    const agencyIds = request.cameraIds === undefined ? reachable : reachable.filter((ownerId) => camerasByOwner.has(ownerId));
    const cameras = [...camerasByOwner.values()].reduce((sum, count) => sum + count, 0);
    await this.auditTrail.append(previewedSearchRecord(user, request, { searchId: randomUUID(), withheldOwners: decision.withheldOwners }));
    const narrowedBy = narrowingNotices(decision);
    return { agencies: agencyIds.length, cameras, agencyIds, ...(narrowedBy.length > 0 && { narrowedBy }) };
  }
}
