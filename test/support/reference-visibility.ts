import fc from 'fast-check';
import type {
  AgencyCategory,
  AgencyProfile,
  AgencyStatus,
  DenyReason,
  JurisdictionRule,
  SearchPurpose,
  SearchScope,
} from '@platekeeper/sharing';

// Written out again on purpose: the reference must not trust libs/sharing for anything but types.
const DAY_MS = 24 * 60 * 60 * 1000;
const CATEGORIES: AgencyCategory[] = [
  'local_police',
  'sheriff',
  'state_police',
  'federal',
  'federal_immigration',
  'private',
  'other',
];
const STATUSES: AgencyStatus[] = ['active', 'suspended', 'revoked'];
const PURPOSES: SearchPurpose[] = [
  'criminal_investigation',
  'stolen_vehicle',
  'missing_person',
  'amber_alert',
  'wanted_person',
  'traffic_enforcement',
  'immigration_enforcement',
  'reproductive_health',
  'other',
];
const SCOPES: SearchScope[] = ['local', 'statewide', 'national'];

export const REFERENCE_NOW = new Date('2026-03-15T12:00:00.000Z');

export interface ReferenceRead {
  agencyId: string;
  capturedAt: Date;
}

export interface ReferenceWorld {
  agencies: AgencyProfile[];
  jurisdictions: JurisdictionRule[];
}

export interface ReferenceSearch {
  searcherId: string;
  purpose: SearchPurpose;
  scope: SearchScope;
}

/** CONTRACT §3 transcribed literally, one line per clause, on plain arrays. */
export function referenceIsVisible(
  agencies: AgencyProfile[],
  jurisdictions: JurisdictionRule[],
  searcherId: string,
  purpose: SearchPurpose,
  scope: SearchScope,
  read: ReferenceRead,
  now: Date,
): boolean {
  const R = agencies.find((agency) => agency.id === searcherId);
  const O = agencies.find((agency) => agency.id === read.agencyId);
  if (R === undefined || O === undefined) return false;
  const J = jurisdictions.find((rule) => rule.state === O.state);

  if (R.status !== 'active') return false;

  const maxRetentionDays =
    J !== undefined && J.maxRetentionDays !== null ? Math.min(O.retentionDays, J.maxRetentionDays) : O.retentionDays;
  const ageMs = now.getTime() - read.capturedAt.getTime();
  if (!(ageMs < maxRetentionDays * DAY_MS)) return false;

  let visible: boolean;
  if (O.id === R.id) {
    visible = true;
  } else {
    const c1 = O.status === 'active';
    const c2 = !O.sharing.denyAgencies.includes(R.id);
    const c3 = !(O.sharing.denyCategories.includes(R.category) || (J?.denyCategories ?? []).includes(R.category));
    const c4 = !(O.sharing.deniedPurposes.includes(purpose) || (J?.deniedPurposes ?? []).includes(purpose));
    const c5 = !((J?.denyOutOfState ?? false) && R.state !== O.state);
    const c6 =
      O.sharing.allowAgencies.includes(R.id) ||
      (O.sharing.statewide && R.sharing.statewide && R.state === O.state) ||
      (O.sharing.nationalLookup && R.sharing.nationalLookup);
    visible = c1 && c2 && c3 && c4 && c5 && c6;
  }

  if (scope === 'local') return visible && O.id === R.id;
  if (scope === 'statewide') return visible && O.state === R.state;
  return visible;
}

/** Owners a deny rule (conditions 2–5) withheld from the search, each with every failing condition, in agency order. */
export function referenceWithheldOwners(
  agencies: AgencyProfile[],
  jurisdictions: JurisdictionRule[],
  searcherId: string,
  purpose: SearchPurpose,
  scope: SearchScope,
): { agencyId: string; reasons: DenyReason[] }[] {
  const R = agencies.find((agency) => agency.id === searcherId);
  if (R === undefined || R.status !== 'active' || scope === 'local') return [];

  const withheld: { agencyId: string; reasons: DenyReason[] }[] = [];
  for (const O of agencies) {
    if (O.id === R.id) continue;
    if (O.status !== 'active') continue;
    if (scope === 'statewide' && O.state !== R.state) continue;
    const c6 =
      O.sharing.allowAgencies.includes(R.id) ||
      (O.sharing.statewide && R.sharing.statewide && R.state === O.state) ||
      (O.sharing.nationalLookup && R.sharing.nationalLookup);
    if (!c6) continue;

    const J = jurisdictions.find((rule) => rule.state === O.state);
    const reasons: DenyReason[] = [];
    if (O.sharing.denyAgencies.includes(R.id)) reasons.push('SHARING.DENIED_AGENCY');
    if (O.sharing.denyCategories.includes(R.category) || (J?.denyCategories ?? []).includes(R.category)) {
      reasons.push('SHARING.DENIED_CATEGORY');
    }
    if (O.sharing.deniedPurposes.includes(purpose) || (J?.deniedPurposes ?? []).includes(purpose)) {
      reasons.push('SHARING.DENIED_PURPOSE');
    }
    if ((J?.denyOutOfState ?? false) && R.state !== O.state) reasons.push('SHARING.OUT_OF_STATE');
    if (reasons.length > 0) withheld.push({ agencyId: O.id, reasons });
  }
  return withheld.sort((left, right) => (left.agencyId < right.agencyId ? -1 : left.agencyId > right.agencyId ? 1 : 0));
}

/** CONTRACT §4: per withheld owner, how many of `reads` (all matching the criteria) it held within its retention; owners with none left out. */
export function referenceWithheldMatches(
  agencies: AgencyProfile[],
  jurisdictions: JurisdictionRule[],
  search: { searcherId: string; purpose: SearchPurpose; scope: SearchScope },
  reads: ReferenceRead[],
  now: Date,
): Record<string, number> {
  const withheld = referenceWithheldOwners(agencies, jurisdictions, search.searcherId, search.purpose, search.scope).map((owner) => owner.agencyId);
  const matches: Record<string, number> = {};
  for (const read of reads) {
    const O = agencies.find((agency) => agency.id === read.agencyId);
    if (O === undefined || !withheld.includes(O.id)) continue;
    const J = jurisdictions.find((rule) => rule.state === O.state);
    const maxRetentionDays = J !== undefined && J.maxRetentionDays !== null ? Math.min(O.retentionDays, J.maxRetentionDays) : O.retentionDays;
    if (now.getTime() - read.capturedAt.getTime() < maxRetentionDays * DAY_MS) matches[O.id] = (matches[O.id] ?? 0) + 1;
  }
  return matches;
}

function mostlyEmpty<T>(list: fc.Arbitrary<T[]>): fc.Arbitrary<T[]> {
  return fc.oneof({ arbitrary: fc.constant([] as T[]), weight: 2 }, { arbitrary: list, weight: 1 });
}

function arbitraryAgency(id: string, index: number, agencyIds: string[], states: string[]): fc.Arbitrary<AgencyProfile> {
  return fc.record({
    id: fc.constant(id),
    name: fc.constant(`Agency ${index}`),
    state: fc.constantFrom(...states),
    category: fc.constantFrom(...CATEGORIES),
    status: fc.oneof(
      { arbitrary: fc.constant<AgencyStatus>('active'), weight: 4 },
      { arbitrary: fc.constantFrom(...STATUSES), weight: 1 },
    ),
    retentionDays: fc.integer({ min: 1, max: 30 }),
    sharing: fc.record({
      statewide: fc.boolean(),
      // Mostly on, as in the field: otherwise few reads cross agencies and the properties prove little.
      nationalLookup: fc.oneof({ arbitrary: fc.constant(true), weight: 3 }, { arbitrary: fc.constant(false), weight: 1 }),
      allowAgencies: mostlyEmpty(fc.subarray(agencyIds, { maxLength: Math.min(4, agencyIds.length) })),
      denyAgencies: mostlyEmpty(fc.subarray(agencyIds, { maxLength: 3 })),
      denyCategories: mostlyEmpty(fc.subarray(CATEGORIES, { maxLength: 3 })),
      deniedPurposes: mostlyEmpty(fc.subarray(PURPOSES, { maxLength: 3 })),
    }),
  });
}

function arbitraryJurisdiction(state: string): fc.Arbitrary<JurisdictionRule> {
  return fc.record({
    state: fc.constant(state),
    denyOutOfState: fc.boolean(),
    denyCategories: mostlyEmpty(fc.subarray(CATEGORIES, { maxLength: 2 })),
    deniedPurposes: mostlyEmpty(fc.subarray(PURPOSES, { maxLength: 3 })),
    maxRetentionDays: fc.oneof(fc.constant(null), fc.integer({ min: 1, max: 30 })),
  });
}

/**
 * 3–12 agencies spread over `states` (WA/OR/CA by default) with every category and status, policies that
 * name each other, and for each state either a random jurisdiction rule or none. `idPrefix` namespaces ids
 * so repeated runs against a shared database do not collide.
 */
export function arbitraryWorld(options: { idPrefix?: string; states?: string[] } = {}): fc.Arbitrary<ReferenceWorld> {
  const idPrefix = options.idPrefix ?? '';
  const states = options.states ?? ['WA', 'OR', 'CA'];
  return fc.integer({ min: 3, max: 12 }).chain((agencyCount) => {
    const agencyIds = Array.from({ length: agencyCount }, (_, index) => `${idPrefix}agency-${index}`);
    const agencies = fc.tuple(
      ...agencyIds.map((id, index) => arbitraryAgency(id, index, agencyIds, states)),
    ) as fc.Arbitrary<AgencyProfile[]>;
    const jurisdictions = fc
      .tuple(...states.map((state) => fc.option(arbitraryJurisdiction(state), { nil: undefined, freq: 2 })))
      .map((rules) => rules.filter((rule): rule is JurisdictionRule => rule !== undefined));
    return fc.record({ agencies, jurisdictions });
  });
}

/**
 * A read 0–40 days old (relative to `now`), owned by one of `agencyIds`. By default ages land on and
 * 1 ms either side of whole-day retention boundaries; `boundaryMarginMs` keeps them that far away
 * instead, for suites where time passes between writing and searching.
 */
export function arbitraryRead(
  agencyIds: string[],
  options: { now?: Date; boundaryMarginMs?: number } = {},
): fc.Arbitrary<ReferenceRead> {
  const now = options.now ?? REFERENCE_NOW;
  const margin = options.boundaryMarginMs ?? 0;
  const offsetWithinDay =
    margin > 0
      ? fc.integer({ min: margin, max: DAY_MS - margin })
      : fc.oneof(fc.constantFrom(-1, 0, 1), fc.integer({ min: 0, max: DAY_MS - 1 }));
  return fc
    .record({ agencyId: fc.constantFrom(...agencyIds), ageDays: fc.integer({ min: 0, max: 40 }), offsetWithinDay })
    .map(({ agencyId, ageDays, offsetWithinDay: offsetMs }) => ({
      agencyId,
      capturedAt: new Date(now.getTime() - ageDays * DAY_MS - offsetMs),
    }));
}

export function arbitrarySearch(agencyIds: string[]): fc.Arbitrary<ReferenceSearch> {
  return fc.record({
    searcherId: fc.constantFrom(...agencyIds),
    purpose: fc.constantFrom(...PURPOSES),
    scope: fc.constantFrom(...SCOPES),
  });
}
