import { stringify } from 'csv-stringify/sync';
import { renderReportPdf } from './report-pdf';
import { UsageReportDto } from './usage-report.dto';

export const USAGE_REPORT_CSV_COLUMNS = [
  'searcher_agency_id',
  'searches_returning_our_reads',
  'reads_returned',
  'purposes',
  'withheld_attempts',
  'withheld_reasons',
];

/** One row per searcher, lists joined with `;`; quoting by csv-stringify, and cells a spreadsheet would run as a formula are defused. */
export function usageReportCsv(report: UsageReportDto): string {
  const rows = report.searchers.map((searcher) => [
    searcher.searcherAgencyId,
    searcher.searchesReturningOurReads,
    searcher.readsReturned,
    searcher.purposes.join(';'),
    searcher.withheldAttempts,
    searcher.withheldReasons.join(';'),
  ]);
  return stringify(rows, { header: true, columns: USAGE_REPORT_CSV_COLUMNS, escape_formulas: true });
}

/** The monthly review as a PDF: the JSON report's figures, one table per section. */
export function usageReportPdf(report: UsageReportDto): Promise<Buffer> {
  return renderReportPdf({
    title: `Monthly usage review: ${report.agencyId}, ${report.month}`,
    subtitle: [`Calendar month ${report.month} (UTC). Generated ${report.generatedAt}.`, 'Built only from the audit chain and the agency\'s hotlist alerts.'],
    layout: 'landscape',
    sections: [
      {
        heading: 'Other agencies\' searches of our reads',
        note: 'searches that returned our reads (hotlist alerts included), and attempts our rules withheld our matching reads from',
        columns: ['agency', 'searches', 'reads returned', 'purposes', 'withheld attempts', 'withheld reasons'], widths: [2.6, 0.9, 0.9, 3, 0.9, 2.6],
        rows: report.searchers.map((row) => [
          row.searcherAgencyId, row.searchesReturningOurReads, row.readsReturned, row.purposes.join(', '), row.withheldAttempts, row.withheldReasons.join(', '),
        ]),
      },
      {
        heading: 'Other agencies\' hotlist alerts on our reads', columns: ['agency', 'alerts'], widths: [3, 1],
        rows: report.alertsOnOurReads.map((row) => [row.agencyId, row.alerts]),
      },
      {
        heading: 'Our hotlists', note: 'alerts raised in the month and their dispositions; false hits are misread, wrong_state and not_actionable',
        columns: ['list', 'alerts', 'dispositioned', 'confirmed', 'misread', 'wrong state', 'not actionable', 'false-hit rate'],
        widths: [2.4, 1, 1.2, 1.1, 1, 1, 1.1, 1.1],
        rows: report.hotlists.map((row) => [
          row.hotlistName, row.alerts, row.dispositioned, row.byDisposition.confirmed, row.byDisposition.misread, row.byDisposition.wrong_state,
          row.byDisposition.not_actionable, row.falseHitRate === null ? 'n/a' : row.falseHitRate.toFixed(4),
        ]),
      },
    ],
  }, { title: `Usage review ${report.agencyId} ${report.month}`, subject: 'Platekeeper monthly usage review' });
}
