import PDFDocument from 'pdfkit';

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
const CELL_GAP = 8;

/**
 * A report as a PDF (pdfkit, standard Helvetica: no font files to ship), laid out as titled tables. Every cell is
 * written as text, so the figures can be read back from the file (test/annual-report.e2e-spec.ts does).
 */
export function renderReportPdf(report: PdfReport, info: { title: string; subject: string }): Promise<Buffer> {
  const doc = new PDFDocument({ size: 'A4', layout: report.layout ?? 'portrait', margin: MARGIN, info: { Title: info.title, Subject: info.subject, Producer: 'Platekeeper' } });
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  const width = doc.page.width - 2 * MARGIN;
  doc.font('Helvetica-Bold').fontSize(16).text(report.title);
  doc.font('Helvetica').fontSize(9).fillColor('#444444');
  for (const line of report.subtitle) doc.text(line);
  doc.fillColor('black');
  for (const section of report.sections) {
    doc.moveDown(1.2);
    ensureRoom(doc, 60);
    doc.font('Helvetica-Bold').fontSize(12).text(section.heading, MARGIN);
    if (section.note) doc.font('Helvetica').fontSize(8.5).fillColor('#444444').text(section.note, MARGIN).fillColor('black');
    doc.moveDown(0.3);
    if (section.rows.length === 0) {
      doc.font('Helvetica-Oblique').fontSize(9.5).text(section.empty ?? 'none', MARGIN);
      continue;
    }
    const relative = section.widths ?? section.columns.map(() => 1);
    const total = relative.reduce((sum, part) => sum + part, 0);
    const columnWidths = relative.map((part) => (part / total) * width);
    tableRow(doc, section.columns, columnWidths, 'Helvetica-Bold', section.rows[0]);
    doc.moveTo(MARGIN, doc.y).lineTo(MARGIN + width, doc.y).lineWidth(0.5).strokeColor('#999999').stroke();
    doc.y += 2;
    for (const row of section.rows) tableRow(doc, row, columnWidths, 'Helvetica', row);
  }
  doc.end();
  return done;
}

/** One table row at the current position, wrapping cells within their column; a new page when it would not fit. */
function tableRow(doc: PDFKit.PDFDocument, cells: Array<string | number>, widths: number[], font: string, alignLike: Array<string | number>): void {
  doc.font(font).fontSize(9.5);
  const texts = cells.map(String);
  const height = Math.max(...texts.map((text, column) => doc.heightOfString(text, { width: widths[column] - CELL_GAP })));
  ensureRoom(doc, height + 4);
  const top = doc.y;
  let x = MARGIN;
  texts.forEach((text, column) => {
    const align = typeof alignLike[column] === 'number' ? 'right' : 'left';
    doc.text(text, x, top, { width: widths[column] - CELL_GAP, align });
    x += widths[column];
  });
  doc.x = MARGIN;
  doc.y = top + height + 3;
}

function ensureRoom(doc: PDFKit.PDFDocument, height: number): void {
  if (doc.y + height > doc.page.height - MARGIN) doc.addPage();
}
