import { Injectable } from '@nestjs/common';
import { stringify } from 'csv-stringify/sync';
import { AuditRecordStore, FALSE_HIT_DISPOSITIONS, HIT_DISPOSITIONS, HitDisposition, JurisdictionStore, SensitivePlaceStore } from '@platekeeper/persistence';
import { JurisdictionRule } from '@platekeeper/sharing';
import { renderReportPdf } from './report-pdf';

/**
 * A state's annual statutory report (Virginia 2025 and its like; docs/oversight.md), built only from the records: the
 * audit chain's search, alert, disposition and sweep records and the sensitive-place drop counts.
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
  alerts: AnnualAlerts;
}

/** Hotlist alerts in the year, from their records in the chain (docs/hotlists.md: each alert is a search record). */
export interface AnnualAlerts {
  /** alerts raised for hotlist entries of the state's agencies */
  raised: number;
  byPurpose: Array<{ purpose: string; alerts: number }>;
  /** of those, alerts an investigator dispositioned (latest disposition of each, whenever recorded) */
  dispositioned: number;
  byDisposition: Record<HitDisposition, number>;
  /** misread + wrong_state + not_actionable */
  falseHits: number;
  /** falseHits / dispositioned; null while none is dispositioned */
  falseHitRate: number | null;
  /** alerts the state's owners' reads raised, per alerting agency (any state, the owners' own included) */
  onStateOwnersReads: Array<{ agencyId: string; agencyState: string; alerts: number }>;
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
      alerts: annualAlerts(figures.alertsRaised, figures.alertsOnOwnersReads),
    };
  }
}

function annualAlerts(
  raised: Array<{ purpose: string; disposition: string | null; alerts: number }>,
  onOwnersReads: Array<{ agency: string; agency_state: string; alerts: number }>,
): AnnualAlerts {
  const byDisposition = Object.fromEntries(HIT_DISPOSITIONS.map((disposition) => [disposition, 0])) as Record<HitDisposition, number>;
  const byPurpose = new Map<string, number>();
  for (const row of raised) {
    byPurpose.set(row.purpose, (byPurpose.get(row.purpose) ?? 0) + row.alerts);
    if (row.disposition !== null && row.disposition in byDisposition) byDisposition[row.disposition as HitDisposition] += row.alerts;
  }
  const dispositioned = HIT_DISPOSITIONS.reduce((sum, disposition) => sum + byDisposition[disposition], 0);
  const falseHits = FALSE_HIT_DISPOSITIONS.reduce((sum, disposition) => sum + byDisposition[disposition], 0);
  return {
    raised: raised.reduce((sum, row) => sum + row.alerts, 0),
    byPurpose: [...byPurpose].map(([purpose, alerts]) => ({ purpose, alerts })),
    dispositioned,
    byDisposition,
    falseHits,
    falseHitRate: dispositioned === 0 ? null : falseHits / dispositioned,
    onStateOwnersReads: onOwnersReads.map((row) => ({ agencyId: row.agency, agencyState: row.agency_state, alerts: row.alerts })),
  };
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
  const { alerts } = report;
  rows.push(['alerts_raised', '', '', alerts.raised]);
  for (const row of alerts.byPurpose) rows.push(['alerts_by_purpose', row.purpose, '', row.alerts]);
  rows.push(['alerts_dispositioned', '', '', alerts.dispositioned]);
  for (const [disposition, count] of Object.entries(alerts.byDisposition)) rows.push(['alerts_by_disposition', disposition, '', count]);
  rows.push(['alerts_false_hits', '', alerts.falseHitRate === null ? 'rate n/a' : `rate ${alerts.falseHitRate.toFixed(4)}`, alerts.falseHits]);
  for (const row of alerts.onStateOwnersReads) rows.push(['alerts_on_state_owners_reads', row.agencyId, row.agencyState, row.alerts]);
  return stringify(rows, { header: true, columns: ['section', 'key', 'detail', 'value'], escape_formulas: true });
}

/** The report as a PDF: the same figures as the JSON, one table per section (docs/oversight.md). */
export function annualReportPdf(report: AnnualReport, generatedAt = new Date()): Promise<Buffer> {
  const { rule, alerts, retention } = report;
  const ruleRows: Array<[string, string]> = rule === null ? [] : [
    ['maximum retention (days)', rule.maxRetentionDays === null ? 'none' : String(rule.maxRetentionDays)],
    ['out-of-state searchers denied', rule.denyOutOfState ? 'yes' : 'no'],
    ['denied categories', rule.denyCategories.join(', ') || 'none'],
    ['denied purposes', rule.deniedPurposes.join(', ') || 'none'],
    ['legal reference required after (hours)', rule.legalReferenceAfterHours == null ? 'none' : String(rule.legalReferenceAfterHours)],
    ['minimum offense levels', Object.entries(rule.minimumOffenseLevels ?? {}).map(([purpose, level]) => `${purpose}: ${level}`).join(', ') || 'none'],
    ['declaration required for', (rule.declarationRequiredFor ?? []).join(', ') || 'none'],
  ];
  return renderReportPdf({
    title: `Annual statutory report: ${report.state}, ${report.year}`,
    subtitle: [
      `Period ${report.from} to ${report.to} (UTC, end excluded). Generated ${generatedAt.toISOString()}.`,
      'Built only from the audit chain (search, alert, disposition and retention sweep records) and the sensitive-place drop counts.',
    ],
    sections: [
      { heading: 'Jurisdiction rule (as it stands now)', columns: ['rule', 'value'], widths: [2, 3], rows: ruleRows, empty: 'no jurisdiction rule for this state' },
      {
        heading: 'Searches by purpose and offense level', note: 'answered searches by the state\'s agencies',
        columns: ['purpose', 'offense level', 'searches'], rows: report.searchesByPurpose.map((row) => [row.purpose, row.offenseLevel, row.searches]),
      },
      {
        heading: 'Outside agencies', note: 'searches by other states\' agencies that returned the state\'s owners\' reads',
        columns: ['agency', 'state', 'searches', 'reads returned'], widths: [3, 1, 1, 1.3],
        rows: report.outsideAgencies.map((row) => [row.searcherAgencyId, row.searcherState, row.searchesReturningReads, row.readsReturned]),
      },
      {
        heading: 'Withheld attempts', note: 'searches from which a rule withheld the state\'s owners\' matching reads, per reason',
        columns: ['reason', 'attempts'], widths: [3, 1], rows: report.withheldAttempts.map((row) => [row.reason, row.attempts]),
      },
      {
        heading: 'Hotlist alerts', note: 'alerts raised for the state\'s agencies\' hotlist entries; each alert\'s latest disposition',
        columns: ['figure', 'value'], widths: [3, 1],
        rows: [
          ['alerts raised', alerts.raised],
          ...alerts.byPurpose.map((row): [string, number] => [`raised for ${row.purpose}`, row.alerts]),
          ['dispositioned', alerts.dispositioned],
          ...Object.entries(alerts.byDisposition).map(([disposition, count]): [string, number] => [`disposition ${disposition}`, count]),
          ['false hits', alerts.falseHits],
          ['false-hit rate', alerts.falseHitRate === null ? 'n/a' : alerts.falseHitRate.toFixed(4)],
        ],
      },
      {
        heading: 'Alerts on the state\'s reads', note: 'alerts the state\'s owners\' reads raised, per alerting agency',
        columns: ['agency', 'state', 'alerts'], widths: [3, 1, 1],
        rows: alerts.onStateOwnersReads.map((row) => [row.agencyId, row.agencyState, row.alerts]),
      },
      {
        heading: 'Reads dropped at sensitive places', note: 'reads captured inside a registered sensitive place, never stored',
        columns: ['kind', 'places', 'reads dropped'], rows: report.droppedAtSensitivePlaces.map((row) => [row.kind, row.places, row.dropped]),
      },
      {
        heading: 'Retention', note: `${retention.sweeps} sweeps in the period; last sweep ${retention.lastSweepAt ?? 'none'} (record ${retention.lastSweepSeq ?? 'none'})`,
        columns: ['owner', 'retention days', 'deleted reads', 'oldest held (days)', 'status'], widths: [3, 1.2, 1.2, 1.3, 1.5],
        rows: retention.owners.map((row) => [
          row.agencyId, row.retentionDays, row.deletedReads, row.oldestHeldAgeDays ?? 'none', row.withinRetention ? 'within retention' : 'PAST RETENTION',
        ]),
        empty: 'no retention attestation for the state\'s owners',
      },
    ],
  }, { title: `Annual statutory report ${report.state} ${report.year}`, subject: 'Platekeeper annual statutory report' });
}
