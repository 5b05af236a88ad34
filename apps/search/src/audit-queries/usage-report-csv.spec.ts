import { usageReportCsv } from './usage-report-formats';
import { utcMonth } from './build-usage-report.usecase';

const report = (searchers: Parameters<typeof usageReportCsv>[0]['searchers']) => ({
  agencyId: 'wa-auburn-pd', month: '2026-03', generatedAt: '2026-04-01T00:00:00.000Z', searchers, hotlists: [], alertsOnOurReads: [],
});

describe('usage report CSV', () => {
  it('writes only the header when no other agency searched', () => {
    expect(usageReportCsv(report([]))).toBe(
      'searcher_agency_id,searches_returning_our_reads,reads_returned,purposes,withheld_attempts,withheld_reasons\n',
    );
  });

  it('joins lists with ; and quotes a field holding a comma or a quote', () => {
    const csv = usageReportCsv(report([
      { searcherAgencyId: 'odd,"agency"', searchesReturningOurReads: 2, readsReturned: 3, purposes: ['missing_person', 'stolen_vehicle'],
        withheldAttempts: 1, withheldReasons: ['SHARING.DENIED_CATEGORY', 'SHARING.DENIED_PURPOSE'] },
    ]));
    expect(csv.split('\n')[1]).toBe('"odd,""agency""",2,3,missing_person;stolen_vehicle,1,SHARING.DENIED_CATEGORY;SHARING.DENIED_PURPOSE');
  });

  it('defuses a cell a spreadsheet would run as a formula', () => {
    const csv = usageReportCsv(report([
      { searcherAgencyId: '=HYPERLINK("x")', searchesReturningOurReads: 0, readsReturned: 0, purposes: [], withheldAttempts: 1, withheldReasons: [] },
    ]));
    expect(csv.split('\n')[1].startsWith('"\'=HYPERLINK')).toBe(true);
  });
});

describe('usage report month', () => {
  it('spans the calendar month in UTC, December rolling into the next year', () => {
    expect(utcMonth('2026-12')).toEqual({ start: new Date('2026-12-01T00:00:00Z'), end: new Date('2027-01-01T00:00:00Z') });
  });
});
