import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

export interface ReportTable {
  title: string;
  header: string[];
  rows: Array<Array<string | number>>;
}

/** One line of a chart: y values at seconds since the run started. */
export interface ReportSeries {
  label: string;
  points: Array<[seconds: number, value: number]>;
}

export interface ReportChart {
  title: string;
  yLabel: string;
  series: ReportSeries[];
  /** Freshness samples read better as dots than as a line. */
  dots?: boolean;
}

/** Everything a load run leaves behind: written as JSON (for tools) and as a self-contained HTML page (for people). */
export interface LoadReport {
  title: string;
  startedAt: string;
  finishedAt: string;
  settings: Record<string, string | number | boolean | undefined>;
  versions: Record<string, string>;
  tables: ReportTable[];
  charts: ReportChart[];
}

/**
 * A file of the installation (`package.json`, `node_modules/x/...`), looked up from this file and the working
 * directory upwards: works from the sources, from the webpack bundle in dist/, and whatever a package exports.
 */
function installationFile(relative: string): string | undefined {
  for (const start of [__dirname, process.cwd()]) {
    for (let directory = start; ; directory = dirname(directory)) {
      if (existsSync(join(directory, relative))) return join(directory, relative);
      if (dirname(directory) === directory) break;
    }
  }
  return undefined;
}

export function runtimeVersions(): Record<string, string> {
  const versionOf = (relative: string) => {
    const file = installationFile(relative);
    return file ? (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version : 'unknown';
  };
  return {
    platekeeper: versionOf('package.json'), node: process.version,
    kafkajs: versionOf('node_modules/kafkajs/package.json'), '@elastic/elasticsearch': versionOf('node_modules/@elastic/elasticsearch/package.json'),
  };
}

/** Writes `<name>.json` and `<name>.html` into `directory`; returns both paths. */
export function writeLoadReport(directory: string, name: string, report: LoadReport): { json: string; html: string } {
  mkdirSync(directory, { recursive: true });
  const json = join(directory, `${name}.json`);
  const html = join(directory, `${name}.html`);
  writeFileSync(json, `${JSON.stringify(report, null, 2)}\n`);
  writeFileSync(html, renderHtml(report));
  return { json, html };
}

const escape = (text: unknown) => String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export function formatCell(value: string | number): string {
  if (typeof value !== 'number') return value;
  if (!Number.isFinite(value)) return 'n/a';
  if (Number.isInteger(value) || Math.abs(value) >= 1000) return Math.round(value).toLocaleString('en-US');
  if (Math.abs(value) >= 100) return value.toFixed(0);
  if (Math.abs(value) >= 10) return value.toFixed(1);
  return value.toFixed(2);
}

function renderTable(table: ReportTable): string {
  const head = table.header.map((cell) => `<th>${escape(cell)}</th>`).join('');
  const rows = table.rows.map((row) => `<tr>${row.map((cell) => `<td class="${typeof cell === 'number' ? 'n' : ''}">${escape(formatCell(cell))}</td>`).join('')}</tr>`).join('\n');
  return `<h2>${escape(table.title)}</h2><table><thead><tr>${head}</tr></thead><tbody>${rows}</tbody></table>`;
}

function renderHtml(report: LoadReport): string {
  // Chart.js inlined, so the page needs no network (CI artefacts, air-gapped installations).
  const chartFile = installationFile('node_modules/chart.js/dist/chart.umd.min.js');
  const chartJs = chartFile ? readFileSync(chartFile, 'utf8').replace(/<\/script/gi, '<\\/script') : '';
  const settings = Object.entries(report.settings).filter(([, value]) => value !== undefined).map(([key, value]) => [key, String(value)]);
  const versions = Object.entries(report.versions);
  const charts = report.charts.map((chart, index) => `<h2>${escape(chart.title)}</h2><div class="chart"><canvas id="chart${index}"></canvas></div>`).join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escape(report.title)}</title>
<style>
body{font-family:system-ui,sans-serif;margin:24px auto;max-width:1100px;color:#222}
h1{font-size:22px}h2{font-size:16px;margin-top:28px}
table{border-collapse:collapse;font-size:13px;margin:6px 0}td,th{border:1px solid #ccc;padding:3px 8px;text-align:left}
td.n{text-align:right;font-variant-numeric:tabular-nums}th{background:#f3f3f3}
.chart{height:260px}.meta{display:flex;gap:40px;flex-wrap:wrap}
</style></head><body>
<h1>${escape(report.title)}</h1>
<p>${escape(report.startedAt)} → ${escape(report.finishedAt)}</p>
${report.tables.map(renderTable).join('\n')}
${charts}
<div class="meta">
${renderTable({ title: 'settings', header: ['setting', 'value'], rows: settings })}
${renderTable({ title: 'versions', header: ['component', 'version'], rows: versions })}
</div>
<script>${chartJs}</script>
<script>
const charts = ${JSON.stringify(report.charts).replace(/</g, "\\u003c")};
const palette = ['#1f77b4','#d62728','#2ca02c','#ff7f0e','#9467bd','#8c564b','#e377c2'];
charts.forEach((chart, index) => new Chart(document.getElementById('chart' + index), {
  type: chart.dots ? 'scatter' : 'line',
  data: { datasets: chart.series.map((series, s) => ({
    label: series.label, data: series.points.map(([x, y]) => ({ x, y })), borderColor: palette[s % palette.length],
    backgroundColor: palette[s % palette.length], pointRadius: chart.dots ? 2 : 0, borderWidth: 1.5, showLine: !chart.dots,
  })) },
  options: { animation: false, maintainAspectRatio: false, parsing: false,
    scales: { x: { type: 'linear', title: { display: true, text: 'seconds since start' } }, y: { beginAtZero: true, title: { display: true, text: chart.yLabel } } } },
}));
</script></body></html>
`;
}
