import { stringify } from 'csv-stringify/sync';
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
