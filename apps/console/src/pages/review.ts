import Chart from 'chart.js/auto';
import { AuditedSearch, api, fetchWithSession } from '../api';
import { h, plain, status, table, when } from '../dom';
import type { PageContext } from '../main';

interface UsageReport {
  month: string;
  generatedAt: string;
  searchers: Array<{ searcherAgencyId: string; searchesReturningOurReads: number; readsReturned: number; purposes: string[]; withheldAttempts: number; withheldReasons: string[] }>;
}


const PALETTE = ['#1f5fa8', '#c2410c', '#15803d', '#7e22ce', '#b91c1c', '#0e7490', '#a16207', '#be185d'];
const MAX_PAGES = 20;

function monthWindow(month: string): { from: string; to: string; days: string[] } {
  const [year, monthNumber] = month.split('-').map(Number);
  const start = new Date(Date.UTC(year, monthNumber - 1, 1));
  const end = new Date(Date.UTC(year, monthNumber, 1) - 1);
  const days: string[] = [];
  for (let day = new Date(start); day <= end; day = new Date(day.getTime() + 86_400_000)) days.push(day.toISOString().slice(0, 10));
  return { from: start.toISOString(), to: end.toISOString(), days };
}

/** Every record of the month that concerns this agency, following the listing's cursor. */
async function monthsSearches(month: string): Promise<AuditedSearch[]> {
  const { from, to } = monthWindow(month);
  const items: AuditedSearch[] = [];
  let cursor: string | null = null;
  for (let page = 0; page < MAX_PAGES; page++) {
    const query = new URLSearchParams({ from, to, limit: '500', ...(cursor ? { cursor } : {}) });
    const answer: { items: AuditedSearch[]; nextCursor: string | null } = await api('GET', `/v1/audit/searches?${query}`);
    items.push(...answer.items);
    cursor = answer.nextCursor;
    if (!cursor) break;
  }
  return items;
}

function chartFigure(id: string, title: string, description: string): { figure: HTMLElement; canvas: HTMLCanvasElement } {
  const canvas = h('canvas', { id, role: 'img', 'aria-label': `${title}. ${description}` });
  return { figure: h('figure', { class: 'chart card' }, h('figcaption', {}, h('strong', {}, title), ' ', description), h('div', { class: 'chart-box' }, canvas)), canvas };
}

export async function renderReview({ agencyId, main }: PageContext): Promise<void> {
  const monthInput = h('input', { id: 'review-month', type: 'month', value: new Date().toISOString().slice(0, 7) });
  const body = h('div');
  const charts: Chart[] = [];
  const show = async () => {
    charts.splice(0).forEach((chart) => chart.destroy());
    const month = monthInput.value;
    body.replaceChildren(h('p', {}, 'Loading…'));
    const [report, searches] = await Promise.all([
      api<UsageReport>('GET', `/v1/agencies/${encodeURIComponent(agencyId)}/usage-report?month=${month}`),
      monthsSearches(month),
    ]);
    const others = searches.filter((search) => search.relation !== 'own_user' && search.action === 'search.reads');
    const { days } = monthWindow(month);
    const agencies = report.searchers.map((searcher) => searcher.searcherAgencyId);
    const perDay = (value: (search: AuditedSearch) => number) => agencies.map((agency, index) => ({
      label: agency,
      backgroundColor: PALETTE[index % PALETTE.length],
      data: days.map((day) => others.filter((search) => search.agencyId === agency && search.recordedAt.startsWith(day)).reduce((sum, search) => sum + value(search), 0)),
    }));
    const totalSearches = report.searchers.reduce((sum, row) => sum + row.searchesReturningOurReads, 0);
    const totalReads = report.searchers.reduce((sum, row) => sum + row.readsReturned, 0);
    const totalWithheld = report.searchers.reduce((sum, row) => sum + row.withheldAttempts, 0);
    const purposes = new Map<string, number>();
    for (const search of others) if (search.readsReturnedFromThisAgency > 0) purposes.set(search.purpose ?? 'unknown', (purposes.get(search.purpose ?? 'unknown') ?? 0) + 1);

    const searchesChart = chartFigure('chart-searches', 'Searches that returned our reads, per day', `${totalSearches} in ${month} by ${agencies.length} other agencies.`);
    const readsChart = chartFigure('chart-reads', 'Our reads returned, per day', `${totalReads} reads in ${month}.`);
    const purposeChart = chartFigure('chart-purposes', 'Purposes of those searches', [...purposes].map(([purpose, count]) => `${plain(purpose)}: ${count}`).join(', ') || 'none.');
    const withheldChart = chartFigure('chart-withheld', 'Attempts our rules withheld, per agency', `${totalWithheld} in ${month}.`);
    const drill = h('section', { 'aria-live': 'polite', id: 'drill-down' });

    const showSearchesOf = (searcher: string) => {
      const rows = others.filter((search) => search.agencyId === searcher);
      drill.replaceChildren(
        h('h2', { tabindex: '-1', id: 'drill-heading' }, `Searches by ${searcher} in ${month}`),
        table(`Each search record of ${searcher} that touched our reads`, ['When', 'User', 'Purpose', 'Case', 'Reason', 'Our reads returned', 'Withheld', 'Record'],
          rows.map((search) => [when(search.recordedAt), search.userId, plain(search.purpose ?? '—'), search.caseNumber ?? '—', search.reason ?? '—',
            search.readsReturnedFromThisAgency, search.readsWithheldFromThisAgency > 0 ? `${search.readsWithheldFromThisAgency} (${(search.withheldFromThisAgency ?? []).join(', ')})` : '0',
            `#${search.seq}`]), { id: 'drill-table' }));
      (drill.querySelector('#drill-heading') as HTMLElement).focus();
    };

    const downloadStatus = h('div', { 'aria-live': 'polite' });
    const download = async (format: 'csv' | 'pdf') => {
      const label = format.toUpperCase();
      const response = await fetchWithSession('GET', `/v1/agencies/${encodeURIComponent(agencyId)}/usage-report?month=${month}&format=${format}`);
      if (!response.ok) { downloadStatus.replaceChildren(status(`The ${label} could not be made (${response.status}).`, 'error')); return; }
      const link = h('a', { href: URL.createObjectURL(await response.blob()), download: `usage-report-${agencyId}-${month}.${format}` });
      document.body.append(link);
      link.click();
      link.remove();
      downloadStatus.replaceChildren(status(`${label} downloaded.`));
    };

    body.replaceChildren(
      h('p', { class: 'reach', id: 'review-summary' }, `In ${month}, ${agencies.length} other ${agencies.length === 1 ? 'agency' : 'agencies'} ran ${totalSearches} searches that returned ${totalReads} of your reads; your rules withheld ${totalWithheld} attempts.`),
      h('div', { class: 'row no-print' },
        h('button', { type: 'button', onclick: () => void download('csv') }, 'Download CSV'),
        h('button', { type: 'button', onclick: () => void download('pdf') }, 'Download PDF'),
        h('button', { type: 'button', onclick: () => window.print() }, 'Print')),
      downloadStatus,
      h('div', { class: 'charts' }, searchesChart.figure, readsChart.figure, purposeChart.figure, withheldChart.figure),
      table(`Usage of your reads by other agencies in ${month}`, ['Agency', 'Searches returning your reads', 'Reads returned', 'Purposes', 'Attempts withheld', 'Why withheld', 'Details'],
        report.searchers.map((row) => [row.searcherAgencyId, row.searchesReturningOurReads, row.readsReturned, row.purposes.map(plain).join(', ') || '—',
          row.withheldAttempts, row.withheldReasons.join(', ') || '—',
          h('button', { type: 'button', class: 'link', onclick: () => showSearchesOf(row.searcherAgencyId), 'aria-label': `Show searches of ${row.searcherAgencyId}` }, 'Show searches')]),
        { id: 'usage-table' }),
      drill,
    );
    const common = { animation: false as const, responsive: true, maintainAspectRatio: false };
    const labels = days.map((day) => day.slice(8));
    charts.push(
      new Chart(searchesChart.canvas, { type: 'bar', data: { labels, datasets: perDay((search) => (search.readsReturnedFromThisAgency > 0 ? 1 : 0)) }, options: { ...common, scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true } } } }),
      new Chart(readsChart.canvas, { type: 'bar', data: { labels, datasets: perDay((search) => search.readsReturnedFromThisAgency) }, options: { ...common, scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true } } } }),
      new Chart(purposeChart.canvas, { type: 'bar', data: { labels: [...purposes.keys()].map(plain), datasets: [{ label: 'searches', data: [...purposes.values()], backgroundColor: PALETTE[0] }] }, options: { ...common, indexAxis: 'y' } }),
      new Chart(withheldChart.canvas, { type: 'bar', data: { labels: agencies, datasets: [{ label: 'attempts withheld', data: report.searchers.map((row) => row.withheldAttempts), backgroundColor: PALETTE[1] }] }, options: { ...common } }),
    );
  };
  monthInput.addEventListener('change', () => void show());
  main.append(h('div', { class: 'row no-print' }, h('label', { for: 'review-month' }, 'Month'), monthInput), body);
  await show();
}
