import './styles.css';
import { h, plain, status, table, when } from './dom';
import { chainSummary } from './pages/audit';

interface CountByKey { key: string; searches: number }
interface TransparencyReport {
  generatedAt: string;
  agency: { id: string; name: string; state: string; category: string; status: string };
  cameras: { count: number; locationDecimals: number; items: Array<{ name: string; lat: number; lon: number }> };
  retention: {
    agencyDays: number; stateMaxDays: number | null; inForceDays: number;
    latestAttestation: { sweptAt: string; seq: string; deletedReads: number; oldestHeldAgeDays: number | null; withinRetention: boolean } | null;
  };
  sharing: {
    policy: { statewide: boolean; nationalLookup: boolean; allowAgencies: string[]; denyAgencies: string[]; denyCategories: string[]; deniedPurposes: string[] };
    agenciesThatCanSearch: number; statesThatCanSearch: number; deniedPurposes: string[]; twoPersonApproval: boolean; noticePeriodMinutes: number;
  };
  outsideSearches: { from: string; to: string; searchesReturningReads: number; byPurpose: CountByKey[]; byCategory: CountByKey[]; withheldAttempts: number; withheldByPurpose: CountByKey[] };
  hotlists: { liveEntries: number; alerts: number; dispositioned: number; falseHits: number; alertsForOtherAgenciesOnOurReads: number };
  auditChain: Parameters<typeof chainSummary>[0];
  latestCheckpoint: { seq: string; headHash: string; publishedAt: string; keyId: string } | null;
}

const yesNo = (value: boolean) => (value ? 'on' : 'off');

function attestationSentence(attested: TransparencyReport['retention']['latestAttestation']): string {
  if (attested === null) return 'No retention sweep has attested for this agency yet.';
  const oldest = attested.oldestHeldAgeDays === null ? 'no read is held' : `the oldest read held was ${attested.oldestHeldAgeDays.toFixed(1)} days old`;
  return `The latest retention sweep (${when(attested.sweptAt)}, audit record ${attested.seq}) deleted ${attested.deletedReads} reads; ${oldest}, ` +
    (attested.withinRetention ? 'within the retention in force.' : 'BEYOND the retention in force.');
}
const list = (values: string[]) => (values.length > 0 ? values.map(plain).join(', ') : 'none');

/** The public page: everything on it is computed from the records by the server (GET /v1/public/agencies/{id}/transparency). */
async function render(): Promise<void> {
  const main = document.getElementById('main')!;
  const agencyId = new URLSearchParams(location.search).get('agency') ?? '';
  const jsonUrl = `/v1/public/agencies/${encodeURIComponent(agencyId)}/transparency`;
  const response = await fetch(jsonUrl);
  if (!response.ok) {
    main.replaceChildren(h('h1', {}, 'Transparency'), status(response.status === 404 ? `There is no agency ${agencyId}.` : `The page could not be made (${response.status}).`, 'error'));
    return;
  }
  const report: TransparencyReport = await response.json();
  const { agency, cameras, retention, sharing, outsideSearches } = report;
  document.title = `${agency.name}: transparency – Platekeeper`;
  main.replaceChildren(
    h('h1', {}, `${agency.name}: how our plate readers are used`),
    h('p', {}, `${agency.name} (${agency.state}, ${plain(agency.category)}, ${agency.status}). Computed from the system's records on ${when(report.generatedAt)}; nothing here is typed in by the agency. `,
      h('a', { href: jsonUrl }, 'The same data as JSON'), '.'),
    h('section', { class: 'card', 'aria-labelledby': 't-cameras' }, h('h2', { id: 't-cameras' }, `Cameras (${cameras.count})`),
      table(`Where the cameras are, to ${cameras.locationDecimals} decimal places`, ['Camera', 'Latitude', 'Longitude'],
        cameras.items.map((camera) => [camera.name, camera.lat.toFixed(cameras.locationDecimals), camera.lon.toFixed(cameras.locationDecimals)]))),
    h('section', { class: 'card', 'aria-labelledby': 't-retention' }, h('h2', { id: 't-retention' }, 'How long reads are kept'),
      h('p', {}, `${retention.inForceDays} days. The agency keeps ${retention.agencyDays} days; `,
        retention.stateMaxDays === null ? 'the state sets no limit.' : `state law allows at most ${retention.stateMaxDays}.`),
      h('p', {}, attestationSentence(retention.latestAttestation))),
    h('section', { class: 'card', 'aria-labelledby': 't-sharing' }, h('h2', { id: 't-sharing' }, 'Who else can search them'),
      h('p', { class: 'reach' }, `${sharing.agenciesThatCanSearch} other ${sharing.agenciesThatCanSearch === 1 ? 'agency' : 'agencies'} in ${sharing.statesThatCanSearch} ${sharing.statesThatCanSearch === 1 ? 'state' : 'states'} can search these reads today.`),
      h('ul', {},
        h('li', {}, `National lookup: ${yesNo(sharing.policy.nationalLookup)}. Statewide sharing: ${yesNo(sharing.policy.statewide)}.`),
        h('li', {}, `Direct shares: ${list(sharing.policy.allowAgencies)}.`),
        h('li', {}, `Agencies denied: ${list(sharing.policy.denyAgencies)}. Kinds of agency denied: ${list(sharing.policy.denyCategories)}.`),
        h('li', {}, `Never searchable by others for: ${list(sharing.deniedPurposes)}.`),
        h('li', {}, sharing.twoPersonApproval ? 'Widening access needs two administrators.' : 'Widening access needs one administrator.',
          sharing.noticePeriodMinutes > 0 ? ` A widening takes effect ${sharing.noticePeriodMinutes} minutes after approval.` : ''))),
    h('section', { class: 'card', 'aria-labelledby': 't-searches' }, h('h2', { id: 't-searches' }, 'Searches by other agencies, last 30 days'),
      h('p', { class: 'reach' }, `${outsideSearches.searchesReturningReads} searches returned reads; the agency's rules withheld reads from ${outsideSearches.withheldAttempts} more.`),
      table('By purpose', ['Purpose', 'Searches'], outsideSearches.byPurpose.map((row) => [plain(row.key), row.searches])),
      table('By kind of agency searching', ['Kind', 'Searches'], outsideSearches.byCategory.map((row) => [plain(row.key), row.searches])),
      table('Withheld attempts by purpose', ['Purpose', 'Attempts'], outsideSearches.withheldByPurpose.map((row) => [plain(row.key), row.searches]))),
    h('section', { class: 'card', 'aria-labelledby': 't-hotlists' }, h('h2', { id: 't-hotlists' }, 'Hotlists'),
      table('Hotlist use, last 30 days', ['Item', 'Count'], [
        ['Entries that can raise an alert now', String(report.hotlists.liveEntries)],
        ['Alerts raised by our hotlists', String(report.hotlists.alerts)],
        ['Alerts checked by our investigators', String(report.hotlists.dispositioned)],
        ['Of those, false hits (misread, wrong state, not actionable)', String(report.hotlists.falseHits)],
        ["Alerts other agencies' hotlists raised on our reads", String(report.hotlists.alertsForOtherAgenciesOnOurReads)],
      ])),
    chainSummary(report.auditChain),
    h('p', {}, report.latestCheckpoint === null ? 'No signed checkpoint of the audit chain has been published yet.'
      : `Latest signed checkpoint: record ${report.latestCheckpoint.seq}, hash ${report.latestCheckpoint.headHash}, published ${when(report.latestCheckpoint.publishedAt)} (key ${report.latestCheckpoint.keyId.slice(0, 16)}…).`),
  );
  main.focus();
}

render().catch((error: Error) => document.getElementById('main')!.replaceChildren(status(error.message, 'error')));
