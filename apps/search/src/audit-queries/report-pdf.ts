import PDFDocument from 'pdfkit';
import { ensureRoom, pdfBytes, tableRow } from './pdf-layout';

/** One table of a report: a heading, its column names, and rows of cells (numbers are right-aligned). */
export interface PdfSection {
  heading: string;
  /** said under the heading, e.g. what the figures count */
  note?: string;
  columns: string[];
  /** relative column widths; equal when omitted */
  widths?: number[];
  rows: Array<Array<string | number>>;
  /** said instead of the table when there are no rows */
  empty?: string;
}

export interface PdfReport {
  title: string;
  /** lines under the title: period, generation time, what the report is built from */
  subtitle: string[];
  sections: PdfSection[];
  /** landscape for wide tables; portrait by default */
  layout?: 'portrait' | 'landscape';
}

const MARGIN = 50;
const CELL = { fontSize: 9.5, left: MARGIN, gap: 8, padding: 1.5 };

/**
 * A report as a PDF (pdfkit, standard Helvetica: no font files to ship), laid out as titled tables. Every cell is
 * written as text, so the figures can be read back from the file (test/annual-report.e2e-spec.ts does).
 */
export function renderReportPdf(report: PdfReport, info: { title: string; subject: string }): Promise<Buffer> {
  const doc = new PDFDocument({ size: 'A4', layout: report.layout ?? 'portrait', margin: MARGIN, info: { Title: info.title, Subject: info.subject, Producer: 'Platekeeper' } });
  const done = pdfBytes(doc);
  const width = doc.page.width - 2 * MARGIN;
  doc.font('Helvetica-Bold').fontSize(16).text(report.title);
  doc.font('Helvetica').fontSize(9).fillColor('#444444');
  for (const line of report.subtitle) doc.text(line);
  doc.fillColor('black');
  for (const section of report.sections) {
    doc.moveDown(1.2);
    ensureRoom(doc, 60, MARGIN);
    doc.font('Helvetica-Bold').fontSize(12).text(section.heading, MARGIN);
    if (section.note) doc.font('Helvetica').fontSize(8.5).fillColor('#444444').text(section.note, MARGIN).fillColor('black');
    doc.moveDown(0.3);
    if (section.rows.length === 0) {
      doc.font('Helvetica-Oblique').fontSize(9.5).text(section.empty ?? 'none', MARGIN);
      continue;
    }
    const relative = section.widths ?? section.columns.map(() => 1);
    const total = relative.reduce((sum, part) => sum + part, 0);
    // a column of numbers is right-aligned, judged by the first row
    const columns = relative.map((part, index) => ({ width: (part / total) * width, align: typeof section.rows[0][index] === 'number' ? 'right' as const : 'left' as const }));
    tableRow(doc, section.columns, columns, { ...CELL, font: 'Helvetica-Bold', rule: '#999999' });
    doc.y += 2;
    for (const row of section.rows) tableRow(doc, row.map(String), columns, { ...CELL, font: 'Helvetica' });
  }
  doc.end();
  return done;
}
