import { Injectable } from '@nestjs/common';
import { AgencyStore, AuditRecordStore } from '@platekeeper/persistence';
import { AuditTrail } from '../audit/audit-trail.service';
import { changeRecord } from '../audit/change-record';
import { assertReviews } from '../auth/agency-access';
import { AuthenticatedUser } from '../auth/authenticated-user';
import { DomainError } from '../errors/domain-error';
import { AnomalyOptions, DEFAULT_ANOMALY_OPTIONS, ReviewedSearch, anomalyFlags } from './anomaly-rules';
import { AnomalyFlagDto, AnomalyQueryDto, AnomalyQueueDto, DisposeAnomalyDto } from './anomaly.dto';

const DAY_MS = 86_400_000;

/**
 * The anomaly review queue (docs/oversight.md): flags raised by the rules over an agency's own users' search records,
 * each with the latest disposition a supervisor (agency_admin) or auditor recorded. Flags are computed from the records
 * every time; dispositions are change records in the audit chain, so the review itself is accountable.
 */
@Injectable()
export class AnomalyReviewUseCase {
  constructor(
    private readonly agencies: AgencyStore,
    private readonly auditRecords: AuditRecordStore,
    private readonly auditTrail: AuditTrail,
  ) {}

  async queue(user: AuthenticatedUser, agencyId: string, query: AnomalyQueryDto): Promise<AnomalyQueueDto> {
    const timeZone = await this.reviewableAgencyTimeZone(user, agencyId);
    const to = query.to ? new Date(query.to) : new Date();
    const from = query.from ? new Date(query.from) : new Date(to.getTime() - 30 * DAY_MS);
    const options = optionsOf(query, timeZone);
    const flags = anomalyFlags(await this.reviewedSearches(agencyId, from, to), options);
    const dispositions = await this.auditRecords.latestChangesAbout('anomaly.dispose', flags.map((flag) => flag.flagId));
    return {
      agencyId, from: from.toISOString(), to: to.toISOString(), timeZone, afterHoursFrom: options.afterHoursFrom, afterHoursTo: options.afterHoursTo,
      flags: flags.map((flag): AnomalyFlagDto => {
        const disposed = dispositions.get(flag.flagId);
        return {
          ...flag,
          status: disposed === undefined ? 'open' : 'reviewed',
          disposition: disposed === undefined ? null : {
            disposition: disposed.after.disposition, note: disposed.after.note, reviewedBy: disposed.actorUserId, reviewedAt: disposed.recordedAt, seq: disposed.seq,
          },
        };
      }),
    };
  }

  /**
   * Records a disposition of a flag the queue raises over the last year (with the same after-hours window as the queue
   * that showed it); the record names the flag's rule and searches.
   */
  async dispose(user: AuthenticatedUser, agencyId: string, flagId: string, request: DisposeAnomalyDto, query: AnomalyQueryDto): Promise<AnomalyFlagDto> {
    const timeZone = await this.reviewableAgencyTimeZone(user, agencyId);
    const to = new Date();
    const searches = await this.reviewedSearches(agencyId, new Date(to.getTime() - 365 * DAY_MS), to);
    const flag = anomalyFlags(searches, optionsOf(query, timeZone)).find((candidate) => candidate.flagId === flagId);
    if (flag === undefined) throw new DomainError('ANOMALY.NOT_FOUND', `no flag ${flagId} in ${agencyId}'s review queue`);
    const after = { rule: flag.rule, userId: flag.userId, searchIds: flag.searchIds, disposition: request.disposition, note: request.note.trim() };
    const record = await this.auditTrail.append(changeRecord(user, 'anomaly.dispose', { type: 'anomaly', id: flagId }, null, after));
    return {
      ...flag, status: 'reviewed',
      disposition: { disposition: request.disposition, note: after.note, reviewedBy: user.userId, reviewedAt: record.recordedAt, seq: record.seq },
    };
  }

  private async reviewedSearches(agencyId: string, from: Date, to: Date): Promise<ReviewedSearch[]> {
    const rows = await this.auditRecords.answeredSearchesBy(agencyId, { from, to });
    return rows.map((row) => ({
      seq: row.seq, recordedAt: new Date(row.recorded_at), userId: row.actor_user_id, searchId: row.search_id ?? '',
      purpose: row.purpose ?? '', reason: row.reason ?? '', scope: row.scope ?? 'local', criteria: row.criteria ?? {},
    }));
  }

  /** The reviewed agency's time zone, once the caller may review it. */
  private async reviewableAgencyTimeZone(user: AuthenticatedUser, agencyId: string): Promise<string> {
    assertReviews(user, agencyId);
    const agency = await this.agencies.find(agencyId);
    if (agency === undefined) throw new DomainError('AGENCY.NOT_FOUND', `agency ${agencyId} does not exist`);
    return agency.timeZone ?? DEFAULT_ANOMALY_OPTIONS.timeZone;
  }
}

function optionsOf(query: Pick<AnomalyQueryDto, 'afterHoursFrom' | 'afterHoursTo'>, timeZone: string): AnomalyOptions {
  return {
    ...DEFAULT_ANOMALY_OPTIONS,
    timeZone,
    ...(query.afterHoursFrom !== undefined && { afterHoursFrom: query.afterHoursFrom }),
    ...(query.afterHoursTo !== undefined && { afterHoursTo: query.afterHoursTo }),
  };
}
