import { spawn } from 'node:child_process';

// pdf-parse (pdfjs) loads its worker with a dynamic import, which jest's module sandbox refuses: parse in a plain node.
const EXTRACT = `
const { PDFParse } = require('pdf-parse');
const chunks = [];
process.stdin.on('data', (chunk) => chunks.push(chunk));
process.stdin.on('end', async () => {
  const parser = new PDFParse({ data: Buffer.concat(chunks) });
  try { process.stdout.write((await parser.getText()).text); } finally { await parser.destroy(); }
});`;

/** The text of a PDF, page by page, as pdf-parse extracts it (items on one line joined by spaces). */
export function pdfText(pdf: Buffer): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-e', EXTRACT], { cwd: process.cwd(), stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(Buffer.concat(out).toString('utf8'))
      : reject(new Error(`pdf-parse exited ${code}: ${Buffer.concat(err).toString('utf8')}`))));
    child.stdin.end(pdf);
  });
}
