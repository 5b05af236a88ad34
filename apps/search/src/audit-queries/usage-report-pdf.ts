import PDFDocument from 'pdfkit';
import { UsageReportDto } from './usage-report.dto';
import { ensureRoom, pdfBytes, tableRow } from './pdf-layout';

const PAGE = { size: 'LETTER' as const, layout: 'landscape' as const, margin: 40 };
const INK = '#1a1a1a';
const MUTED = '#555555';
const BAR = '#1f5fa8';
const WITHHELD = '#c2410c';

const plain = (value: string) => value.replace(/_/g, ' ');
const plural = (count: number, one: string, many = `${one}s`) => `${count} ${count === 1 ? one : many}`;

interface Column { header: string; width: number; align?: 'left' | 'right'; cell: (row: UsageReportDto['searchers'][number]) => string }

const COLUMNS: Column[] = [
  { header: 'Agency', width: 210, cell: (row) => row.searcherAgencyId },
  { header: 'Searches returning our reads', width: 90, align: 'right', cell: (row) => String(row.searchesReturningOurReads) },
  { header: 'Reads returned', width: 70, align: 'right', cell: (row) => String(row.readsReturned) },
  { header: 'Purposes', width: 160, cell: (row) => row.purposes.map(plain).join(', ') || '-' },
  { header: 'Attempts withheld', width: 70, align: 'right', cell: (row) => String(row.withheldAttempts) },
  { header: 'Why withheld', width: 112, cell: (row) => row.withheldReasons.join(', ') || '-' },
];

/**
 * The monthly review as a PDF (pdfkit, its built-in Helvetica: nothing fetched), drawn from the same report as the JSON
 * and the CSV and from nothing else, so it can never show a search the JSON would not.
 */
export function usageReportPdf(report: UsageReportDto): Promise<Buffer> {
  const document = new PDFDocument({
    ...PAGE,
    bufferPages: true,
    info: { Title: `Monthly review of ${report.agencyId}, ${report.month}`, Author: 'Platekeeper', Subject: 'Usage of our reads by other agencies' },
  });
  const done = pdfBytes(document);

  const totals = {
    searches: report.searchers.reduce((sum, row) => sum + row.searchesReturningOurReads, 0),
    reads: report.searchers.reduce((sum, row) => sum + row.readsReturned, 0),
    withheld: report.searchers.reduce((sum, row) => sum + row.withheldAttempts, 0),
  };
  document.fillColor(INK).font('Helvetica-Bold').fontSize(18).text(`Monthly review: ${report.agencyId}, ${report.month}`);
  document.font('Helvetica').fontSize(9).fillColor(MUTED)
    .text(`Generated ${report.generatedAt} from the audit trail. Month boundaries in UTC. Other agencies' searches appear only where they returned our reads or our rules withheld reads of ours that matched.`);
  document.moveDown(0.8).fillColor(INK).fontSize(11).text(
    `In ${report.month}, ${plural(report.searchers.length, 'other agency', 'other agencies')} ran ${plural(totals.searches, 'search', 'searches')} ` +
    `that returned ${totals.reads} of our reads; our rules withheld ${plural(totals.withheld, 'attempt')}.`,
  );
  document.moveDown(0.8);
  if (report.searchers.length > 0) drawBars(document, report);
  drawUsageTable(document, report, totals);
  drawHotlists(document, report);

  const pages = document.bufferedPageRange();
  for (let page = pages.start; page < pages.start + pages.count; page++) {
    document.switchToPage(page);
    const bottom = document.page.height - PAGE.margin / 2 - 6;
    document.page.margins.bottom = 0;
    document.font('Helvetica').fontSize(8).fillColor(MUTED)
      .text(`${report.agencyId} · ${report.month} · page ${page + 1} of ${pages.count}`, PAGE.margin, bottom, { lineBreak: false });
  }
  document.end();
  return done;
}

/** Searches that returned our reads and attempts withheld, one pair of bars per agency (the console's charts, on paper). */
function drawBars(document: PDFKit.PDFDocument, report: UsageReportDto): void {
  const rows = report.searchers.slice(0, 12);
  const largest = Math.max(1, ...rows.map((row) => Math.max(row.searchesReturningOurReads, row.withheldAttempts)));
  const labelWidth = 210;
  const barWidth = document.page.width - 2 * PAGE.margin - labelWidth - 40;
  document.font('Helvetica-Bold').fontSize(11).fillColor(INK).text('Searches returning our reads (blue) and attempts withheld (orange), per agency');
  document.moveDown(0.3);
  for (const row of rows) {
    ensureRoom(document, 16, PAGE.margin);
    const y = document.y;
    document.font('Helvetica').fontSize(8).fillColor(INK).text(row.searcherAgencyId, PAGE.margin, y, { width: labelWidth - 6, lineBreak: false, ellipsis: true });
    const x = PAGE.margin + labelWidth;
    document.rect(x, y, Math.max(1, (row.searchesReturningOurReads / largest) * barWidth), 5).fill(BAR);
    document.rect(x, y + 6, Math.max(row.withheldAttempts > 0 ? 1 : 0, (row.withheldAttempts / largest) * barWidth), 5).fill(WITHHELD);
    document.y = y + 15;
  }
  if (report.searchers.length > rows.length) {
    document.font('Helvetica').fontSize(8).fillColor(MUTED).text(`and ${report.searchers.length - rows.length} more agencies, in the table below.`, PAGE.margin);
  }
  document.x = PAGE.margin;
  document.moveDown(0.8);
}

function drawUsageTable(document: PDFKit.PDFDocument, report: UsageReportDto, totals: { searches: number; reads: number; withheld: number }): void {
  document.font('Helvetica-Bold').fontSize(11).fillColor(INK).text('Usage of our reads by other agencies', PAGE.margin);
  document.moveDown(0.3);
  drawRow(document, COLUMNS.map((column) => column.header), 'Helvetica-Bold');
  if (report.searchers.length === 0) {
    document.font('Helvetica').fontSize(9).fillColor(INK).text('No other agency searched our reads this month, and our rules withheld nothing.', PAGE.margin);
  }
  for (const row of report.searchers) drawRow(document, COLUMNS.map((column) => column.cell(row)), 'Helvetica');
  drawRow(document, ['Total', String(totals.searches), String(totals.reads), '', String(totals.withheld), ''], 'Helvetica-Bold');
  document.x = PAGE.margin;
  document.moveDown(0.8);
}

function drawRow(document: PDFKit.PDFDocument, cells: string[], font: string): void {
  document.fillColor(INK);
  tableRow(document, cells, COLUMNS, { font, fontSize: 9, left: PAGE.margin, gap: 6, padding: 3, rule: '#cccccc' });
}

function drawHotlists(document: PDFKit.PDFDocument, report: UsageReportDto): void {
  if (report.hotlists.length === 0 && report.alertsOnOurReads.length === 0) return;
  ensureRoom(document, 60, PAGE.margin);
  document.font('Helvetica-Bold').fontSize(11).fillColor(INK).text('Hotlists', PAGE.margin);
  document.font('Helvetica').fontSize(9);
  for (const list of report.hotlists) {
    const rate = list.falseHitRate === null ? 'no alert dispositioned yet' : `false-hit rate ${(list.falseHitRate * 100).toFixed(1)}%`;
    document.text(`Our list "${list.hotlistName}": ${plural(list.alerts, 'alert')}, ${list.dispositioned} dispositioned (${list.byDisposition.confirmed} confirmed, ` +
      `${list.byDisposition.misread} misread, ${list.byDisposition.wrong_state} wrong state, ${list.byDisposition.not_actionable} not actionable); ${rate}.`);
  }
  for (const alerts of report.alertsOnOurReads) document.text(`${alerts.agencyId}: ${plural(alerts.alerts, 'alert')} raised by our reads on its hotlists.`);
}
