import { AuditedSearch, api } from '../api';
import { h, plain, table, when } from '../dom';
import type { PageContext } from '../main';

interface ChainStatus {
  valid: boolean;
  checked: number;
  firstBroken: { seq: string; problem: string } | null;
  head: { seq: string; hash: string } | null;
  checkedAt: string;
}


const RELATIONS: Record<string, string> = { own_user: 'our user', returned_our_data: 'returned our reads', denied_our_data: 'withheld by our rules' };

export function chainSummary(chain: ChainStatus): HTMLElement {
  return h('section', { class: 'card', 'aria-labelledby': 'chain-heading' },
    h('h2', { id: 'chain-heading' }, 'Audit chain'),
    h('p', { class: chain.valid ? 'ok' : 'bad', id: 'chain-status' }, chain.valid
      ? `Intact: all ${chain.checked} records verify.`
      : `Broken at record ${chain.firstBroken?.seq}: ${chain.firstBroken?.problem}.`),
    h('p', {}, 'Head hash: ', h('code', { class: 'hash' }, chain.head ? `${chain.head.hash} (record ${chain.head.seq})` : 'no records yet')),
    h('p', { class: 'help' }, `Checked ${when(chain.checkedAt)}.`));
}

export async function renderAudit({ main }: PageContext): Promise<void> {
  const chain = await api<ChainStatus>('GET', '/v1/audit/chain-status');
  const today = new Date().toISOString().slice(0, 10);
  const from = h('input', { id: 'audit-from', type: 'date', value: new Date(Date.now() - 30 * 86_400_000).toISOString().slice(0, 10) });
  const to = h('input', { id: 'audit-to', type: 'date', value: today });
  const relation = h('select', { id: 'audit-relation' }, h('option', { value: '' }, 'All'),
    Object.entries(RELATIONS).map(([value, label]) => h('option', { value }, label)));
  const text = h('input', { id: 'audit-text', type: 'search', placeholder: 'user, case, purpose, reason' });
  const results = h('div');
  let items: AuditedSearch[] = [];
  let nextCursor: string | null = null;

  const draw = () => {
    const needle = text.value.trim().toLowerCase();
    const shown = items.filter((item) => (!relation.value || item.relation === relation.value)
      && (!needle || [item.userId, item.agencyId, item.caseNumber, item.purpose, item.reason].some((value) => value?.toLowerCase().includes(needle))));
    results.replaceChildren(
      table(`Search records (${shown.length} shown of ${items.length} loaded)`, ['Record', 'When', 'Agency', 'User', 'Purpose', 'Case', 'Reason', 'Outcome', 'Relation', 'Our reads returned', 'Withheld'],
        shown.map((item) => [`#${item.seq}`, when(item.recordedAt), item.agencyId, item.userId, plain(item.purpose ?? '—'), item.caseNumber ?? '—', item.reason ?? '—',
          `${item.outcome}${item.total !== null ? ` (${item.total})` : ''}`, RELATIONS[item.relation] ?? item.relation, item.readsReturnedFromThisAgency, item.readsWithheldFromThisAgency]),
        { id: 'audit-table' }),
      nextCursor ? h('button', { type: 'button', onclick: () => void load(false) }, 'Load more') : '');
  };
  const load = async (fresh: boolean) => {
    if (fresh) { items = []; nextCursor = null; }
    const query = new URLSearchParams({ from: from.value, to: `${to.value}T23:59:59.999Z`, limit: '100', ...(nextCursor ? { cursor: nextCursor } : {}) });
    const page = await api<{ items: AuditedSearch[]; nextCursor: string | null }>('GET', `/v1/audit/searches?${query}`);
    items.push(...page.items);
    nextCursor = page.nextCursor;
    draw();
  };
  const filters = h('form', { class: 'row card', 'aria-label': 'Filter the records' },
    h('label', { for: 'audit-from' }, 'From'), from, h('label', { for: 'audit-to' }, 'To'), to,
    h('label', { for: 'audit-relation' }, 'Kind'), relation, h('label', { for: 'audit-text' }, 'Contains'), text,
    h('button', { type: 'submit' }, 'Show'));
  filters.addEventListener('submit', (event) => { event.preventDefault(); void load(true); });
  relation.addEventListener('change', draw);
  text.addEventListener('input', draw);
  main.append(chainSummary(chain), h('h2', {}, 'Our search records'), filters, results);
  await load(true);
}
