import { Injectable } from '@nestjs/common';
import { AuditRecordStore } from '@platekeeper/persistence';
import { isPlatformAdmin } from '../auth/agency-access';
import { AuthenticatedUser } from '../auth/authenticated-user';
import { DomainError } from '../errors/domain-error';
import { ExplainView, ExplainedOwnerDto, ExplainedSearchDto } from './explained-search.dto';

type GrantedOwner = { agencyId: string; rule: string; retentionDays: number; maxAgeHours?: number };

/**
 * Why a search saw what it saw, from its record alone (never recomputed from today's policies), under the audit's
 * privacy rule (CONTRACT §4): the searcher's agency sees its own search, another agency only a search that returned or
 * withheld its matching reads, and then only its own line. A search the caller may not see is a 404, as one that does
 * not exist.
 */
@Injectable()
export class ExplainSearchUseCase {
  constructor(private readonly auditRecords: AuditRecordStore) {}

  /** `reviewed`: the agencies whose side the caller reviews (an agency_admin's own agency). */
  async execute(user: AuthenticatedUser, searchId: string, reviewed: string[]): Promise<ExplainedSearchDto> {
    const record = await this.auditRecords.searchRecord(searchId);
    const notFound = new DomainError('AUDIT.SEARCH_NOT_FOUND', `no search ${searchId} in this agency's records`);
    if (record === undefined) throw notFound;
    const payload = record.payload;
    const returned: Record<string, number> = payload.returnedByOwner ?? {};
    const withheldCounts: Record<string, number> = payload.withheldByOwner ?? {};
    const withheld: Array<{ agencyId: string; reasons: string[] }> = Array.isArray(payload.withheldOwners) ? payload.withheldOwners : [];
    const granted: GrantedOwner[] = payload.decisionTrace?.grantedOwners ?? [];

    const view: ExplainView | undefined = isPlatformAdmin(user)
      ? 'full'
      : reviewed.includes(record.actorAgencyId)
        ? 'searching_agency'
        : reviewed.some((agencyId) => returned[agencyId] !== undefined || withheldCounts[agencyId] !== undefined)
          ? 'touched_owner'
          : undefined;
    if (view === undefined) throw notFound;

    const owners: ExplainedOwnerDto[] = [
      ...Object.entries(returned).map(([agencyId, count]): ExplainedOwnerDto => {
        const grant = granted.find((owner) => owner.agencyId === agencyId);
        return {
          agencyId, decision: 'returned', readsReturned: count, readsWithheld: 0, grantedBy: grant?.rule ?? null,
          retentionDays: grant?.retentionDays ?? null, maxAgeHours: grant?.maxAgeHours ?? null, reasons: [],
        };
      }),
      ...withheld
        // A withheld owner counts where it held matching reads (CONTRACT §4); the searcher's own withheld reads always do.
        .filter((owner) => withheldCounts[owner.agencyId] !== undefined || owner.agencyId === record.actorAgencyId)
        .map((owner): ExplainedOwnerDto => ({
          agencyId: owner.agencyId, decision: 'withheld', readsReturned: 0, readsWithheld: withheldCounts[owner.agencyId] ?? 0,
          grantedBy: null, retentionDays: null, maxAgeHours: null, reasons: owner.reasons,
        })),
    ].filter((owner) => {
      if (view === 'full') return true;
      if (view === 'touched_owner') return reviewed.includes(owner.agencyId);
      // The searcher learns nothing of other owners' withheld reads: to it they are absent.
      return owner.decision === 'returned' || owner.agencyId === record.actorAgencyId;
    }).sort((left, right) => (left.agencyId < right.agencyId ? -1 : left.agencyId > right.agencyId ? 1 : 0));

    const text = (value: unknown) => (typeof value === 'string' ? value : value === undefined || value === null ? null : String(value));
    const ownView = view !== 'touched_owner';
    return {
      searchId, seq: record.seq, recordedAt: record.recordedAt, view,
      userId: record.actorUserId, agencyId: record.actorAgencyId, action: record.action,
      purpose: text(payload.purpose), caseNumber: text(payload.caseNumber), reason: text(payload.reason),
      offenseLevel: text(payload.offenseLevel), legalReference: text(payload.legalReference),
      scope: ownView ? text(payload.scope) : null,
      worldVersion: text(payload.decisionTrace?.worldVersion), decidedAt: text(payload.decisionTrace?.decidedAt),
      narrowedToHours: ownView ? (payload.decisionTrace?.narrowedToHours ?? []) : [],
      owners,
    };
  }
}
