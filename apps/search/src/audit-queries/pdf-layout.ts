/** Page plumbing shared by the reports drawn with pdfkit: the finished file as a buffer, page breaks, table rows. */

/** The document's bytes once `end()` has been called (pdfkit streams them as they are written). */
export function pdfBytes(doc: PDFKit.PDFDocument): Promise<Buffer> {
  const chunks: Buffer[] = [];
  doc.on('data', (chunk: Buffer) => chunks.push(chunk));
  return new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
}

/** A new page, with the cursor at the left margin, when `height` more points would not fit above the bottom margin. */
export function ensureRoom(doc: PDFKit.PDFDocument, height: number, margin: number): void {
  if (doc.y + height > doc.page.height - margin) {
    doc.addPage();
    doc.x = margin;
  }
}

export interface TableColumn {
  width: number;
  align?: 'left' | 'right';
}

/**
 * One table row at the current position, from `left`: each cell wrapped within its column (less `gap`), the row as
 * tall as its tallest cell, on a new page when it would not fit; `rule` draws a line under it. Every cell is written
 * as text, so figures can be read back from the file.
 */
export function tableRow(
  doc: PDFKit.PDFDocument,
  cells: string[],
  columns: TableColumn[],
  style: { font: string; fontSize: number; left: number; gap: number; padding: number; rule?: string },
): void {
  doc.font(style.font).fontSize(style.fontSize);
  const height = Math.max(...cells.map((cell, index) => doc.heightOfString(cell, { width: columns[index].width - style.gap }))) + 2 * style.padding;
  ensureRoom(doc, height + 1, style.left);
  const top = doc.y;
  let x = style.left;
  cells.forEach((cell, index) => {
    doc.text(cell, x, top + style.padding, { width: columns[index].width - style.gap, align: columns[index].align ?? 'left' });
    x += columns[index].width;
  });
  if (style.rule) doc.moveTo(style.left, top + height).lineTo(x, top + height).lineWidth(0.5).strokeColor(style.rule).stroke();
  doc.x = style.left;
  doc.y = top + height;
}
