import { Injectable } from '@nestjs/common';
import { Database, HotlistAlert, HotlistStore } from '@platekeeper/persistence';
import { AuditTrail } from '../audit/audit-trail.service';
import { changeRecord } from '../audit/change-record';
import { RequestContext } from '../auth/request-context';
import { DomainError } from '../errors/domain-error';
import { DispositionDto, HotlistAlertsQueryDto } from './hotlist.dto';

const DEFAULT_ALERT_WINDOW_DAYS = 30;

/** The agency's alerts, and the investigator's disposition of each (recorded as a change). */
@Injectable()
export class HotlistAlertsUseCase {
  constructor(private readonly database: Database, private readonly hotlists: HotlistStore, private readonly auditTrail: AuditTrail) {}

  list({ user }: RequestContext, query: HotlistAlertsQueryDto): Promise<HotlistAlert[]> {
    const to = query.to ? new Date(query.to) : new Date();
    const from = query.from ? new Date(query.from) : new Date(to.getTime() - DEFAULT_ALERT_WINDOW_DAYS * 86_400_000);
    if (from.getTime() > to.getTime()) throw new DomainError('AUDIT.INVALID_PERIOD', 'from must not be after to');
    return this.hotlists.alertsOf(user.agencyId, { from, to }, query.hotlistId ?? null, query.limit ?? 100);
  }

  dispose({ user }: RequestContext, alertId: string, request: DispositionDto): Promise<HotlistAlert> {
    return this.database.transaction(async (tx) => {
      const changed = await this.hotlists.setDisposition(tx, user.agencyId, alertId, { value: request.disposition, note: request.note ?? null, by: user.userId });
      if (changed === undefined) throw new DomainError('HOTLIST.ALERT_NOT_FOUND', 'no such alert for your agency');
      const summary = (alert: HotlistAlert) => ({ disposition: alert.disposition, dispositionNote: alert.dispositionNote });
      await this.auditTrail.append(
        changeRecord(user, 'hotlist_alert.disposition', { type: 'hotlist_alert', id: alertId }, summary(changed.before), summary(changed.after)), tx,
      );
      return changed.after;
    });
  }
}
