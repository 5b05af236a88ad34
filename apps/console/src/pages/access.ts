import { api } from '../api';
import { h, plain, table } from '../dom';
import type { PageContext } from '../main';
import { US_STATE_TILES } from '../us-state-tiles';

interface EffectiveAccess {
  ownerActive: boolean;
  effectiveRetentionDays: number;
  grants: Array<{ agencyId: string; agencyName: string; state: string; category: string; rules: string[]; deniedPurposes: string[] }>;
  deniedPurposesForAll: string[];
}

const RULES: Record<string, string> = { direct: 'direct share', statewide: 'statewide sharing', national: 'national lookup' };
const SVG = 'http://www.w3.org/2000/svg';

function svg(tag: string, attributes: Record<string, string | number>, text?: string): SVGElement {
  const element = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, String(value));
  if (text !== undefined) element.textContent = text;
  return element;
}

/** The states as tiles, shaded by how many agencies there can search; the same numbers are in the caption and the table. */
export function stateMap(countsByState: Map<string, number>, ownState: string): HTMLElement {
  const size = 44;
  const map = svg('svg', { viewBox: `0 0 ${12 * size} ${8 * size}`, width: '100%', 'aria-hidden': 'true', focusable: 'false', class: 'state-map' });
  const most = Math.max(1, ...countsByState.values());
  for (const [state, [column, row]] of Object.entries(US_STATE_TILES)) {
    const count = countsByState.get(state) ?? 0;
    const shade = count === 0 ? '#f1f3f5' : `hsl(212, 80%, ${86 - Math.round((count / most) * 30)}%)`;
    const tile = svg('g', {});
    tile.append(
      svg('rect', { x: column * size + 2, y: row * size + 2, width: size - 4, height: size - 4, rx: 4, fill: shade, stroke: state === ownState ? '#0b1f33' : '#adb5bd', 'stroke-width': state === ownState ? 3 : 1 }),
      svg('text', { x: column * size + size / 2, y: row * size + size / 2 - 2, 'text-anchor': 'middle', 'font-size': 12, fill: '#0b1f33' }, state),
    );
    if (count > 0) tile.append(svg('text', { x: column * size + size / 2, y: row * size + size / 2 + 12, 'text-anchor': 'middle', 'font-size': 11, fill: '#0b1f33' }, String(count)));
    map.append(tile);
  }
  const elsewhere = [...countsByState].filter(([state]) => !(state in US_STATE_TILES));
  const described = [...countsByState].sort(([left], [right]) => left.localeCompare(right)).map(([state, count]) => `${state}: ${count}`).join(', ');
  return h('figure', { class: 'card' }, map as unknown as Node,
    h('figcaption', {}, countsByState.size === 0 ? 'No other state can search your reads.' : `Agencies that can search your reads, by state — ${described}.`,
      elsewhere.length > 0 ? ` (${elsewhere.map(([state]) => state).join(', ')} ${elsewhere.length === 1 ? 'is' : 'are'} not on the map.)` : ''));
}

export async function renderAccess({ agencyId, main }: PageContext): Promise<void> {
  const access = await api<EffectiveAccess>('GET', `/v1/agencies/${encodeURIComponent(agencyId)}/effective-access`);
  const counts = new Map<string, number>();
  for (const grant of access.grants) counts.set(grant.state, (counts.get(grant.state) ?? 0) + 1);
  const ownState = (await api<Array<{ id: string; state: string }>>('GET', `/v1/agencies?q=${encodeURIComponent(agencyId)}&limit=5`))
    .find((entry) => entry.id === agencyId)?.state ?? '';
  main.append(
    h('p', { class: 'reach', id: 'access-summary' },
      `${access.grants.length} ${access.grants.length === 1 ? 'agency' : 'agencies'} in ${counts.size} ${counts.size === 1 ? 'state' : 'states'} can search your reads right now.`),
    h('p', {}, `Reads are kept ${access.effectiveRetentionDays} days. `,
      access.deniedPurposesForAll.length > 0 ? `No one else may search them for: ${access.deniedPurposesForAll.map(plain).join(', ')}.` : 'No purpose is denied to everyone.'),
    stateMap(counts, ownState),
    table('Agencies that can search your reads, the rule that lets each in, and the purposes still denied',
      ['Agency', 'State', 'Kind', 'Let in by', 'Purposes denied'],
      access.grants.map((grant) => [`${grant.agencyName} (${grant.agencyId})`, grant.state, plain(grant.category), grant.rules.map((rule) => RULES[rule] ?? rule).join(', '),
        grant.deniedPurposes.length > 0 ? grant.deniedPurposes.map(plain).join(', ') : 'none']),
      { id: 'access-table' }),
  );
}
