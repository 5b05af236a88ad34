import { Injectable } from '@nestjs/common';
import { AuditRecordStore, HotlistStore } from '@platekeeper/persistence';
import { SearcherUsageDto, UsageReportDto } from './usage-report.dto';

export interface UsageReportCommand {
  agencyId: string;
  /** YYYY-MM, already validated */
  month: string;
}

@Injectable()
export class BuildUsageReportUseCase {
  constructor(private readonly auditRecords: AuditRecordStore, private readonly hotlists: HotlistStore) {}

  async execute({ agencyId, month }: UsageReportCommand): Promise<UsageReportDto> {
    const { start, end } = utcMonth(month);
    const [rows, hotlists] = await Promise.all([this.auditRecords.usageByOthers(agencyId, start, end), this.hotlists.hitRates(agencyId, start, end)]);
    const searchers: SearcherUsageDto[] = rows.map((row) => ({
      searcherAgencyId: row.searcher,
      searchesReturningOurReads: row.searches,
      readsReturned: Number(row.reads),
      purposes: row.purposes,
      withheldAttempts: row.attempts,
      withheldReasons: row.reasons,
    }));
    const alertsOnOurReads = rows.filter((row) => row.alerts > 0).map((row) => ({ agencyId: row.searcher, alerts: row.alerts }));
    return { agencyId, month, generatedAt: new Date().toISOString(), searchers, hotlists, alertsOnOurReads };
  }
}

export function utcMonth(month: string): { start: Date; end: Date } {
  const [year, monthNumber] = month.split('-').map(Number);
  return { start: new Date(Date.UTC(year, monthNumber - 1, 1)), end: new Date(Date.UTC(year, monthNumber, 1)) };
}
