import { Injectable } from '@nestjs/common';
import { stringify } from 'csv-stringify/sync';
import { AuditRecordStore, JurisdictionStore, SensitivePlaceStore } from '@platekeeper/persistence';
import { JurisdictionRule } from '@platekeeper/sharing';

/**
 * A state's annual statutory report (Virginia 2025 and its like; docs/oversight.md), built only from the records: the
 * audit chain's search and sweep records and the sensitive-place drop counts. Alerts and false hits join once hotlists
 * record them.
 */
export interface AnnualReport {
  state: string;
  year: number;
  from: string;
  to: string;
  /** the jurisdiction rule as it stands now (the rules of the year are in the chain's jurisdiction.put records) */
  rule: JurisdictionRule | null;
  searchesByPurpose: Array<{ purpose: string; offenseLevel: string; searches: number }>;
  outsideAgencies: Array<{ searcherAgencyId: string; searcherState: string; searchesReturningReads: number; readsReturned: number }>;
  withheldAttempts: Array<{ reason: string; attempts: number }>;
  droppedAtSensitivePlaces: Array<{ kind: string; places: number; dropped: number }>;
  retention: {
    sweeps: number;
    lastSweepSeq: string | null;
    lastSweepAt: string | null;
    owners: Array<{ agencyId: string; retentionDays: number; deletedReads: number; oldestHeldAgeDays: number | null; withinRetention: boolean }>;
  };
  alerts: null;
}

@Injectable()
export class BuildAnnualReportUseCase {
  constructor(
    private readonly auditRecords: AuditRecordStore,
    private readonly places: SensitivePlaceStore,
    private readonly jurisdictions: JurisdictionStore,
  ) {}

  async execute(state: string, year: number): Promise<AnnualReport> {
    const start = new Date(Date.UTC(year, 0, 1));
    const end = new Date(Date.UTC(year + 1, 0, 1));
    const figures = await this.auditRecords.annualFigures(state, start, end);
    const inState = new Set(figures.ownerIds);
    const attestations: Record<string, any> = figures.lastSweep?.attestations ?? {};
    return {
      state, year, from: start.toISOString(), to: end.toISOString(),
      rule: (await this.jurisdictions.find(state)) ?? null,
      searchesByPurpose: figures.byPurpose.map((row) => ({ purpose: row.purpose, offenseLevel: row.offense_level, searches: row.searches })),
      outsideAgencies: figures.outside.map((row) => ({
        searcherAgencyId: row.searcher, searcherState: row.searcher_state, searchesReturningReads: row.searches, readsReturned: Number(row.reads),
      })),
      withheldAttempts: figures.withheld,
      droppedAtSensitivePlaces: await this.places.droppedInState(state, start, end),
      retention: {
        sweeps: figures.sweeps,
        lastSweepSeq: figures.lastSweep?.seq ?? null,
        lastSweepAt: figures.lastSweep ? new Date(figures.lastSweep.recorded_at).toISOString() : null,
        owners: Object.entries(attestations)
          .filter(([agencyId]) => inState.has(agencyId))
          .map(([agencyId, attestation]) => ({
            agencyId, retentionDays: attestation.retentionDays, deletedReads: attestation.deletedReads,
            oldestHeldAgeDays: attestation.oldestHeldAgeDays, withinRetention: attestation.withinRetention,
          })),
      },
      alerts: null,
    };
  }
}

/** One row per figure: `section,key,detail,value`; cells a spreadsheet would run as a formula are defused. */
export function annualReportCsv(report: AnnualReport): string {
  const rows: Array<[string, string, string, string | number]> = [];
  for (const row of report.searchesByPurpose) rows.push(['searches_by_purpose', row.purpose, row.offenseLevel, row.searches]);
  for (const row of report.outsideAgencies) {
    rows.push(['outside_agency_searches', row.searcherAgencyId, row.searcherState, row.searchesReturningReads]);
    rows.push(['outside_agency_reads', row.searcherAgencyId, row.searcherState, row.readsReturned]);
  }
  for (const row of report.withheldAttempts) rows.push(['withheld_attempts', row.reason, '', row.attempts]);
  for (const row of report.droppedAtSensitivePlaces) rows.push(['dropped_at_sensitive_places', row.kind, `${row.places} places`, row.dropped]);
  rows.push(['retention_sweeps', '', report.retention.lastSweepSeq ?? '', report.retention.sweeps]);
  for (const row of report.retention.owners) {
    rows.push(['retention_oldest_held_age_days', row.agencyId, row.withinRetention ? 'within retention' : 'PAST RETENTION', row.oldestHeldAgeDays ?? '']);
  }
  return stringify(rows, { header: true, columns: ['section', 'key', 'detail', 'value'], escape_formulas: true });
}
