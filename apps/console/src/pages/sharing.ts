import { api } from '../api';
import { h, plain, status, table, when } from '../dom';
import type { PageContext } from '../main';

export interface SharingPolicy {
  statewide: boolean;
  nationalLookup: boolean;
  allowAgencies: string[];
  denyAgencies: string[];
  denyCategories: string[];
  deniedPurposes: string[];
}

interface Preview {
  before: { agencies: number; states: number };
  after: { agencies: number; states: number };
  effectiveRetentionDays: number;
  stateRule: { state: string; denyOutOfState: boolean; denyCategories: string[]; deniedPurposes: string[]; maxRetentionDays: number | null } | null;
  widening: string[];
  narrowing: string[];
  wideningWaits: boolean;
}

interface Governance {
  twoPersonApproval: boolean;
  noticePeriodMinutes: number;
  notifyEmails: string[];
  notifyWebhooks: string[];
  publicLocationDecimals: number;
}

interface SharingChange {
  id: string;
  direction: string;
  status: string;
  summary: string[];
  proposedBy: string;
  proposedAt: string;
  approvedBy: string | null;
  approvedAt: string | null;
  effectiveAt: string | null;
  appliedAt: string | null;
  cancelledBy: string | null;
}

interface SharingNoticeDelivery {
  id: string;
  event: string;
  channel: 'webhook' | 'email';
  destination: string;
  status: 'pending' | 'delivered' | 'failed';
  attempts: number;
  nextAttemptAt: string;
  lastError: string | null;
  createdAt: string;
  deliveredAt: string | null;
}

const CATEGORIES = ['local_police', 'sheriff', 'state_police', 'federal', 'federal_immigration', 'private', 'other'];
const PURPOSES = ['criminal_investigation', 'stolen_vehicle', 'missing_person', 'amber_alert', 'wanted_person', 'traffic_enforcement',
  'immigration_enforcement', 'reproductive_health', 'other'];
const FIELDS = ['statewide', 'nationalLookup', 'allowAgencies', 'denyAgencies', 'denyCategories', 'deniedPurposes'] as const;

const sameList = (left: string[], right: string[]) => left.length === right.length && [...left].sort().join('\n') === [...right].sort().join('\n');

/** Only the fields the draft changed: what PATCH and the preview get. */
export function changedFields(saved: SharingPolicy, draft: SharingPolicy): Partial<SharingPolicy> {
  const patch: Record<string, unknown> = {};
  for (const field of FIELDS) {
    const before = saved[field];
    const after = draft[field];
    if (Array.isArray(before) ? !sameList(before, after as string[]) : before !== after) patch[field] = after;
  }
  return patch as Partial<SharingPolicy>;
}

function reachSentence(preview: Preview): string {
  const { before, after } = preview;
  const agencies = (count: number) => `${count} ${count === 1 ? 'agency' : 'agencies'}`;
  return `After this change, ${agencies(after.agencies)} in ${after.states} ${after.states === 1 ? 'state' : 'states'} can search your reads (was ${before.agencies}).`;
}

export function renderSharing(context: PageContext): Promise<void> {
  return drawSharing(context, null);
}

/** The whole page from the server's state; every save, approval or cancellation draws it again with its outcome. */
async function drawSharing(context: PageContext, flash: { message: string; kind: 'info' | 'error'; where: 'policy' | 'changes' } | null): Promise<void> {
  const { agencyId, main } = context;
  const redraw = async (message: string, kind: 'info' | 'error', where: 'policy' | 'changes') => {
    main.replaceChildren(...[...main.children].filter((child) => child.tagName === 'H1'));
    await drawSharing(context, { message, kind, where });
  };
  const base = `/v1/agencies/${encodeURIComponent(agencyId)}`;
  const saved = await api<SharingPolicy>('GET', `${base}/sharing`);
  const draft: SharingPolicy = structuredClone(saved);
  const [current, governance] = await Promise.all([
    api<Preview>('POST', `${base}/sharing/preview`, {}),
    api<Governance>('GET', `${base}/governance`),
  ]);

  const outcome = h('div', { 'aria-live': 'polite' }, flash?.where === 'policy' ? status(flash.message, flash.kind) : '');
  const previewBox = h('div', { id: 'sharing-preview', class: 'preview', 'aria-live': 'polite' });
  const saveButton = h('button', { type: 'submit', class: 'primary', disabled: true }, 'Save changes');
  const changesBox = h('section', { 'aria-labelledby': 'changes-heading' });

  const refreshPreview = async () => {
    const patch = changedFields(saved, draft);
    saveButton.disabled = Object.keys(patch).length === 0;
    if (Object.keys(patch).length === 0) {
      previewBox.replaceChildren(h('p', {}, `Now ${current.before.agencies} ${current.before.agencies === 1 ? 'agency' : 'agencies'} in ${current.before.states} ${current.before.states === 1 ? 'state' : 'states'} can search your reads. No unsaved changes.`));
      return;
    }
    const preview = await api<Preview>('POST', `${base}/sharing/preview`, patch);
    previewBox.replaceChildren(
      h('p', { class: 'reach' }, reachSentence(preview)),
      preview.narrowing.length > 0 ? h('p', {}, 'In force as soon as you save: ', preview.narrowing.join('; '), '.') : '',
      preview.widening.length > 0
        ? h('p', {}, preview.wideningWaits ? 'Waits for approval or the notice period: ' : 'In force as soon as you save: ', preview.widening.join('; '), '.')
        : '',
    );
  };

  const switchControl = (field: 'nationalLookup' | 'statewide', label: string, help: string) => {
    const id = `switch-${field}`;
    const input = h('input', { id, type: 'checkbox', role: 'switch', checked: draft[field], 'aria-describedby': `${id}-help` });
    input.addEventListener('change', () => { draft[field] = input.checked; void refreshPreview(); });
    return h('div', { class: 'switch' }, input, h('label', { for: id }, label), h('p', { id: `${id}-help`, class: 'help' }, help));
  };

  const checkboxGroup = (field: 'denyCategories' | 'deniedPurposes', legend: string, values: string[], forced: string[]) =>
    h('fieldset', {}, h('legend', {}, legend), values.map((value) => {
      const id = `${field}-${value}`;
      const input = h('input', { id, type: 'checkbox', checked: draft[field].includes(value) });
      input.addEventListener('change', () => {
        draft[field] = input.checked ? [...draft[field], value] : draft[field].filter((entry) => entry !== value);
        void refreshPreview();
      });
      return h('div', { class: 'check' }, input, h('label', { for: id }, plain(value), forced.includes(value) ? ' (already denied by state law)' : ''));
    }));

  const agencyList = (field: 'allowAgencies' | 'denyAgencies', legend: string, help: string) => {
    const listId = `${field}-options`;
    const inputId = `${field}-input`;
    const chosen = h('ul', { class: 'chosen' });
    const options = h('datalist', { id: listId });
    const input = h('input', { id: inputId, type: 'text', list: listId, autocomplete: 'off', placeholder: 'Type a name or id' });
    const draw = () => chosen.replaceChildren(...draft[field].map((id) => h('li', {}, id, ' ',
      h('button', { type: 'button', class: 'link', 'aria-label': `Remove ${id} from ${legend.toLowerCase()}`, onclick: () => {
        draft[field] = draft[field].filter((entry) => entry !== id); draw(); void refreshPreview();
      } }, 'Remove'))));
    input.addEventListener('input', async () => {
      const matches = await api<Array<{ id: string; name: string; state: string }>>('GET', `/v1/agencies?q=${encodeURIComponent(input.value)}&limit=10`);
      options.replaceChildren(...matches.filter((entry) => entry.id !== agencyId).map((entry) => h('option', { value: entry.id }, `${entry.name} (${entry.state})`)));
    });
    const add = () => {
      const id = input.value.trim();
      if (!/^[a-z0-9][a-z0-9-]{1,99}$/.test(id) || draft[field].includes(id)) return;
      draft[field] = [...draft[field], id]; input.value = ''; draw(); void refreshPreview();
    };
    input.addEventListener('keydown', (event) => { if (event.key === 'Enter') { event.preventDefault(); add(); } });
    draw();
    return h('fieldset', {}, h('legend', {}, legend), h('p', { class: 'help' }, help), chosen,
      h('label', { for: inputId }, `Add to ${legend.toLowerCase()}`), h('div', { class: 'row' }, input, options, h('button', { type: 'button', onclick: add }, 'Add')));
  };

  const rule = current.stateRule;
  const stateSection = h('section', { 'aria-labelledby': 'state-heading', class: 'card' },
    h('h2', { id: 'state-heading' }, 'What state law already forces'),
    rule === null
      ? h('p', {}, 'Your state has no rule on record: only your own policy limits who can search.')
      : h('ul', {},
        h('li', {}, rule.denyOutOfState ? `Agencies outside ${rule.state} can never search your reads.` : `Agencies outside ${rule.state} may search if you share with them.`),
        h('li', {}, rule.denyCategories.length > 0 ? `Always denied: ${rule.denyCategories.map(plain).join(', ')}.` : 'No agency category is denied by law.'),
        h('li', {}, rule.deniedPurposes.length > 0 ? `Never for: ${rule.deniedPurposes.map(plain).join(', ')}.` : 'No purpose is denied by law.'),
        h('li', {}, rule.maxRetentionDays === null ? 'No retention cap.' : `Reads kept at most ${rule.maxRetentionDays} days.`)),
    h('p', {}, `Retention in force: ${current.effectiveRetentionDays} days.`));

  const form = h('form', { 'aria-labelledby': 'policy-heading', class: 'card' },
    h('h2', { id: 'policy-heading' }, 'Who can search our reads'),
    switchControl('nationalLookup', 'National lookup', 'Agencies anywhere in the country that also have national lookup on can search your reads.'),
    switchControl('statewide', 'Statewide sharing', 'Agencies in your state that also share statewide can search your reads.'),
    agencyList('allowAgencies', 'Direct shares', 'These agencies can search your reads whatever their state.'),
    agencyList('denyAgencies', 'Denied agencies', 'These agencies can never search your reads; this beats every share.'),
    checkboxGroup('denyCategories', 'Denied kinds of agency', CATEGORIES, rule?.denyCategories ?? []),
    checkboxGroup('deniedPurposes', 'Denied purposes', PURPOSES, rule?.deniedPurposes ?? []),
    h('h3', {}, 'Preview'), previewBox, saveButton, outcome);

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const patch = changedFields(saved, draft);
    if (Object.keys(patch).length === 0) return;
    try {
      const response = await fetchPatch(`${base}/sharing`, patch);
      await redraw(response.pending
        ? `Saved. The widening (${response.pending.summary.join('; ')}) waits: ${response.pending.status === 'pending_approval' ? 'a second administrator must approve it' : `it takes effect ${when(response.pending.effectiveAt)}`}. Anything that narrows access is in force now.`
        : 'Saved. The new policy is in force for the next search.', 'info', 'policy');
    } catch (error) {
      outcome.replaceChildren(status((error as Error).message, 'error'));
    }
  });

  const drawChanges = async () => {
    const changes = await api<SharingChange[]>('GET', `${base}/sharing/changes?limit=50`);
    const actions = (change: SharingChange) => {
      if (change.status !== 'pending_approval' && change.status !== 'scheduled') return null;
      const act = (verb: 'approve' | 'cancel') => async () => {
        try {
          const result = await api<SharingChange>('POST', `${base}/sharing/changes/${change.id}/${verb}`);
          await redraw(verb === 'cancel' ? 'Cancelled.' : result.status === 'applied' ? 'Approved. The widening is in force for the next search.'
            : `Approved. The widening takes effect ${when(result.effectiveAt)}.`, 'info', 'changes');
        } catch (error) {
          changesStatus.replaceChildren(status((error as Error).message, 'error'));
        }
      };
      return h('span', { class: 'row' },
        change.status === 'pending_approval' ? h('button', { type: 'button', onclick: act('approve'), 'aria-label': `Approve: ${change.summary.join('; ')}` }, 'Approve') : null,
        h('button', { type: 'button', onclick: act('cancel'), 'aria-label': `Cancel: ${change.summary.join('; ')}` }, 'Cancel'));
    };
    changesBox.replaceChildren(h('h2', { id: 'changes-heading' }, 'Who changed what, and when'), changesStatus,
      table('Changes to the sharing policy, newest first', ['Proposed', 'Change', 'Direction', 'Status', 'By', 'Approved by', 'In force', 'Action'],
        changes.map((change) => [when(change.proposedAt), change.summary.join('; '), change.direction, plain(change.status), change.proposedBy,
          change.approvedBy ?? '—', change.appliedAt ? when(change.appliedAt) : change.effectiveAt ? `from ${when(change.effectiveAt)}` : '—', actions(change)]),
        { id: 'changes-table' }));
  };
  const changesStatus = h('div', { 'aria-live': 'polite' }, flash?.where === 'changes' ? status(flash.message, flash.kind) : '');

  main.append(stateSection, form, changesBox, await noticesSection(base), governanceForm(base, governance));
  await drawChanges();
  await refreshPreview();
  // After a save or an approval the page is new: a keyboard or screen-reader user lands on what happened.
  const flashed = main.querySelector<HTMLElement>('.status');
  if (flash && flashed) {
    flashed.tabIndex = -1;
    flashed.focus();
  }
}

/** The notices of recent changes to the agency's contacts: delivered, still being retried, or failed (with Send again). */
async function noticesSection(base: string): Promise<HTMLElement> {
  const section = h('section', { 'aria-labelledby': 'notices-heading' });
  const outcome = h('div', { 'aria-live': 'polite' });
  const draw = async () => {
    const notices = await api<SharingNoticeDelivery[]>('GET', `${base}/sharing/notices?limit=20`);
    const failed = notices.filter((notice) => notice.status === 'failed').length;
    const state = (notice: SharingNoticeDelivery) => notice.status === 'delivered' ? `delivered ${when(notice.deliveredAt)}`
      : notice.status === 'failed' ? `failed after ${notice.attempts} attempts: ${notice.lastError ?? ''}`
        : notice.attempts === 0 ? 'sending' : `retrying ${when(notice.nextAttemptAt)} (${notice.attempts} attempts: ${notice.lastError ?? ''})`;
    const sendAgain = (notice: SharingNoticeDelivery) => notice.status !== 'failed' ? null
      : h('button', { type: 'button', 'aria-label': `Send again: ${plain(notice.event)} to ${notice.destination}`, onclick: async () => {
        try {
          await api('POST', `${base}/sharing/notices/${notice.id}/retry`);
          await draw();
          outcome.replaceChildren(status(`Sending again to ${notice.destination}.`));
        } catch (error) {
          outcome.replaceChildren(status((error as Error).message, 'error'));
        }
      } }, 'Send again');
    section.replaceChildren(h('h2', { id: 'notices-heading' }, 'Notices to your contacts'),
      failed > 0 ? status(`${failed} ${failed === 1 ? 'notice' : 'notices'} could not be delivered.`, 'error') : '',
      outcome,
      table('The latest notices of changes, newest first', ['Change', 'Notice', 'To', 'Delivery', 'Action'],
        notices.map((notice) => [when(notice.createdAt), plain(notice.event.replace('sharing.', '')), `${notice.channel === 'email' ? 'e-mail' : 'webhook'} ${notice.destination}`,
          state(notice), sendAgain(notice)]),
        { id: 'notices-table' }));
  };
  await draw();
  return section;
}

async function fetchPatch(path: string, patch: Partial<SharingPolicy>): Promise<{ policy: SharingPolicy; pending: (SharingChange & { effectiveAt: string | null }) | null }> {
  const answer = await api<SharingPolicy | { policy: SharingPolicy; pendingChange: SharingChange }>('PATCH', path, patch);
  return 'pendingChange' in answer ? { policy: answer.policy, pending: answer.pendingChange } : { policy: answer, pending: null };
}

function governanceForm(base: string, governance: Governance): HTMLElement {
  const twoPerson = h('input', { id: 'gov-two-person', type: 'checkbox', checked: governance.twoPersonApproval });
  const notice = h('input', { id: 'gov-notice', type: 'number', min: 0, max: 129600, value: String(governance.noticePeriodMinutes) });
  const emails = h('textarea', { id: 'gov-emails', rows: 2 }, governance.notifyEmails.join('\n'));
  const webhooks = h('textarea', { id: 'gov-webhooks', rows: 2 }, governance.notifyWebhooks.join('\n'));
  const result = h('div', { 'aria-live': 'polite' });
  const lines = (text: string) => text.split(/[\s,]+/).map((line) => line.trim()).filter(Boolean);
  const form = h('form', { class: 'card', 'aria-labelledby': 'gov-heading' },
    h('h2', { id: 'gov-heading' }, 'How changes are governed'),
    h('p', { class: 'help' }, 'Narrowing (turning sharing off, denying) is always immediate. These rules apply to changes that widen access.'),
    h('div', { class: 'check' }, twoPerson, h('label', { for: 'gov-two-person' }, 'A second administrator must approve every widening')),
    h('label', { for: 'gov-notice' }, 'Notice period before a widening takes effect (minutes)'), notice,
    h('label', { for: 'gov-emails' }, 'E-mail addresses told of every change (one per line)'), emails,
    h('label', { for: 'gov-webhooks' }, 'Webhook URLs told of every change (one per line)'), webhooks,
    h('button', { type: 'submit' }, 'Save governance'), result);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    try {
      await api('PUT', `${base}/governance`, {
        twoPersonApproval: twoPerson.checked, noticePeriodMinutes: Number(notice.value), notifyEmails: lines(emails.value), notifyWebhooks: lines(webhooks.value),
      });
      result.replaceChildren(status('Governance saved.'));
    } catch (error) {
      result.replaceChildren(status((error as Error).message, 'error'));
    }
  });
  return form;
}
