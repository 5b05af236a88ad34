import fc from 'fast-check';
import type {
  AgencyCategory,
  AgencyProfile,
  AgencyStatus,
  DenyReason,
  JurisdictionRule,
  OffenseLevel,
  SearchPurpose,
  SearchScope,
} from '@platekeeper/sharing';

// Written out again on purpose, from the text of CONTRACT §3 and §4: the reference trusts libs/sharing and
// libs/contract for types only, so it cannot share a misreading with the code it checks.
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
const HOUR_MS = 60 * 60 * 1000;
/** Least serious first, as the legal-basis rules read them (docs/legal-basis.md). */
const OFFENSE_LEVELS: OffenseLevel[] = ['infraction', 'misdemeanor', 'gross_misdemeanor', 'felony'];
const FEDERAL: AgencyCategory[] = ['federal', 'federal_immigration'];

export const REFERENCE_NOW = new Date('2026-03-15T12:00:00.000Z');

export type PlateMatch = 'exact' | 'partial' | 'fuzzy';
export type VehicleText = { make?: string; model?: string; color?: string; type?: string };

/** A read as the reference sees it. Without a plate (unit level), it matches every criterion but cameraIds. */
export interface ReferenceRead {
  agencyId: string;
  capturedAt: Date;
  readId?: string;
  cameraId?: string;
  /** the plate as the camera sent it; the reference normalises it itself */
  plate?: string;
  vehicle?: VehicleText;
}

export interface ReferenceCamera {
  id: string;
  agencyId: string;
}

/** A declaration a searcher agency has on file with an owner (revoked ones are simply not listed). */
export interface ReferenceDeclaration {
  ownerAgencyId: string;
  searcherAgencyId: string;
  purposes: SearchPurpose[];
  expiresAt: Date;
}

export interface ReferenceWorld {
  agencies: AgencyProfile[];
  jurisdictions: JurisdictionRule[];
  declarations?: ReferenceDeclaration[];
  cameras?: ReferenceCamera[];
  /** the purposes this world's deny lists draw from; searches mostly use them too */
  purposesInPlay?: SearchPurpose[];
}

export interface ReferenceCriteria {
  plate?: string;
  plateMatch?: PlateMatch;
  vehicle?: VehicleText;
  cameraIds?: string[];
}

export interface ReferenceSearch {
  searcherId: string;
  purpose: SearchPurpose;
  scope: SearchScope;
  criteria?: ReferenceCriteria;
  /** what the search states about its legal basis */
  offenseLevel?: OffenseLevel;
  legalReference?: string;
}

/** What the legal-basis clauses read besides agencies and rules: the search's statements, the declarations, the time. */
export interface ReferenceLegalContext {
  offenseLevel?: OffenseLevel;
  legalReference?: string;
  declarations?: ReferenceDeclaration[];
  /** when the search starts; without it no declaration counts */
  now?: Date;
}

export function legalContextOf(world: ReferenceWorld, search: ReferenceSearch, now: Date): ReferenceLegalContext {
  return { offenseLevel: search.offenseLevel, legalReference: search.legalReference, declarations: world.declarations, now };
}

// ---------------------------------------------------------------------------------------------------------
// CONTRACT §2 and §4: plates and criteria
// ---------------------------------------------------------------------------------------------------------

/** §2: upper case, every character that is not A–Z or 0–9 removed. */
export function referenceNormalisePlate(plate: string): string {
  let normalised = '';
  for (const character of plate.toUpperCase()) if (/^[A-Z0-9]$/.test(character)) normalised += character;
  return normalised;
}

/** §4: "0/O/Q/D, 1/I/L, 2/Z, 5/S, 6/G, 8/B", each group folded onto its first member. */
export const OCR_LOOK_ALIKE_GROUPS = ['0OQD', '1IL', '2Z', '5S', '6G', '8B'];

function foldLookAlikes(plate: string): string {
  return [...plate].map((character) => OCR_LOOK_ALIKE_GROUPS.find((group) => group.includes(character))?.[0] ?? character).join('');
}

/** Equal, or one insertion, deletion or substitution apart (a swap of two characters is two edits). */
export function withinOneEdit(left: string, right: string): boolean {
  if (left === right) return true;
  if (left.length === right.length) {
    let differences = 0;
    for (let index = 0; index < left.length; index++) if (left[index] !== right[index]) differences++;
    return differences === 1;
  }
  const [shorter, longer] = left.length < right.length ? [left, right] : [right, left];
  if (longer.length - shorter.length !== 1) return false;
  for (let skipped = 0; skipped < longer.length; skipped++) {
    if (longer.slice(0, skipped) + longer.slice(skipped + 1) === shorter) return true;
  }
  return false;
}

/** §4 partial: `*` any run, `?` one character; without a wildcard, a substring. */
function partialMatches(pattern: string, plate: string): boolean {
  let kept = '';
  for (const character of pattern.toUpperCase()) if (/^[A-Z0-9*?]$/.test(character)) kept += character;
  if (!kept.includes('*') && !kept.includes('?')) return plate.includes(kept);
  const expression = [...kept].map((character) => (character === '*' ? '.*' : character === '?' ? '.' : character)).join('');
  return new RegExp(`^${expression}$`).test(plate);
}

export function referencePlateMatches(criteria: ReferenceCriteria, readPlate: string): boolean {
  if (criteria.plate === undefined) return true;
  const plate = referenceNormalisePlate(readPlate);
  switch (criteria.plateMatch ?? 'exact') {
    case 'exact':
      return plate === referenceNormalisePlate(criteria.plate);
    case 'partial':
      return partialMatches(criteria.plate, plate);
    case 'fuzzy': {
      const wanted = referenceNormalisePlate(criteria.plate);
      return foldLookAlikes(plate) === foldLookAlikes(wanted) || withinOneEdit(plate, wanted);
    }
  }
}

/** A read matches when every criterion given holds; vehicle text is compared case-insensitively. */
export function referenceMatchesCriteria(criteria: ReferenceCriteria | undefined, read: ReferenceRead): boolean {
  if (criteria === undefined) return true;
  if (criteria.plate !== undefined && read.plate !== undefined && !referencePlateMatches(criteria, read.plate)) return false;
  for (const [attribute, wanted] of Object.entries(criteria.vehicle ?? {})) {
    const actual = read.vehicle?.[attribute as keyof VehicleText];
    if (wanted !== undefined && (actual === undefined || actual.toLowerCase() !== wanted.toLowerCase())) return false;
  }
  if (criteria.cameraIds !== undefined && !criteria.cameraIds.includes(read.cameraId ?? '')) return false;
  return true;
}

// ---------------------------------------------------------------------------------------------------------
// CONTRACT §3, one clause at a time
// ---------------------------------------------------------------------------------------------------------

/**
 * Every clause of §3 for searcher R, owner O, purpose P, read age, and the search's scope. The owner's own
 * lists and the state's lists are kept apart, so a test can tell which one decided a case.
 */
export interface ReferenceClauses {
  searcherActive: boolean;
  own: boolean;
  youngerThanOwnerRetention: boolean;
  youngerThanStateRetention: boolean;
  c1OwnerActive: boolean;
  c2NotDeniedAgency: boolean;
  c3NotDeniedCategoryByOwner: boolean;
  c3NotDeniedCategoryByState: boolean;
  c4NotDeniedPurposeByOwner: boolean;
  c4NotDeniedPurposeByState: boolean;
  c5NotOutOfState: boolean;
  c6Granted: boolean;
  scopeAdmits: boolean;
  /** legal basis: the search states an offense level at least as serious as the owner's and the state's minimum for P */
  offenseLevelMet: boolean;
  /** legal basis: the read is younger than the owner's and the state's legal-reference window, or the search states a reference */
  legalReferenceAdmits: boolean;
  /** legal basis: no declaration rule names R, or R has one on file with O covering P and not yet expired */
  declarationOnFile: boolean;
}

export function referenceClauses(
  agencies: AgencyProfile[],
  jurisdictions: JurisdictionRule[],
  searcherId: string,
  purpose: SearchPurpose,
  scope: SearchScope,
  ownerId: string,
  readAgeMs: number,
  legal: ReferenceLegalContext = {},
): ReferenceClauses | undefined {
  const R = agencies.find((agency) => agency.id === searcherId);
  const O = agencies.find((agency) => agency.id === ownerId);
  if (R === undefined || O === undefined) return undefined;
  const J = jurisdictions.find((rule) => rule.state === O.state);
  // "Owners can tighten, never loosen": each legal-basis rule holds from the owner's policy and from the state's rule alike.
  const minimums = [O.sharing.minimumOffenseLevels?.[purpose], J?.minimumOffenseLevels?.[purpose]].filter((level): level is OffenseLevel => level != null);
  const stated = legal.offenseLevel === undefined ? -1 : OFFENSE_LEVELS.indexOf(legal.offenseLevel);
  const windows = [O.sharing.legalReferenceAfterHours, J?.legalReferenceAfterHours].filter((hours): hours is number => typeof hours === 'number');
  const named = [...(O.sharing.declarationRequiredFor ?? []), ...(J?.declarationRequiredFor ?? [])];
  const declarationNeeded = O.id !== R.id
    && ((named.includes('out_of_state') && R.state !== O.state) || (named.includes('federal') && FEDERAL.includes(R.category)));
  const declared = (legal.declarations ?? []).some((declaration) =>
    declaration.ownerAgencyId === O.id && declaration.searcherAgencyId === R.id && declaration.purposes.includes(purpose)
    && legal.now !== undefined && declaration.expiresAt.getTime() > legal.now.getTime());
  return {
    offenseLevelMet: minimums.every((minimum) => stated >= OFFENSE_LEVELS.indexOf(minimum)),
    legalReferenceAdmits: legal.legalReference !== undefined || windows.every((hours) => readAgeMs < hours * HOUR_MS),
    declarationOnFile: !declarationNeeded || declared,
    searcherActive: R.status === 'active',
    own: O.id === R.id,
    youngerThanOwnerRetention: readAgeMs < O.retentionDays * DAY_MS,
    youngerThanStateRetention: J === undefined || J.maxRetentionDays === null || readAgeMs < J.maxRetentionDays * DAY_MS,
    c1OwnerActive: O.status === 'active',
    c2NotDeniedAgency: !O.sharing.denyAgencies.includes(R.id),
    c3NotDeniedCategoryByOwner: !O.sharing.denyCategories.includes(R.category),
    c3NotDeniedCategoryByState: !(J?.denyCategories ?? []).includes(R.category),
    c4NotDeniedPurposeByOwner: !O.sharing.deniedPurposes.includes(purpose),
    c4NotDeniedPurposeByState: !(J?.deniedPurposes ?? []).includes(purpose),
    c5NotOutOfState: !((J?.denyOutOfState ?? false) && R.state !== O.state),
    c6Granted:
      O.sharing.allowAgencies.includes(R.id) ||
      (O.sharing.statewide && R.sharing.statewide && R.state === O.state) ||
      (O.sharing.nationalLookup && R.sharing.nationalLookup),
    scopeAdmits: scope === 'local' ? O.id === R.id : scope === 'statewide' ? O.state === R.state : true,
  };
}

/** Names of the clauses that fail, for a read that is not visible; empty when it is. */
export function referenceFailingClauses(clauses: ReferenceClauses): string[] {
  const failing: string[] = [];
  if (!clauses.searcherActive) failing.push('searcherActive');
  if (!clauses.youngerThanOwnerRetention) failing.push('ownerRetention');
  if (!clauses.youngerThanStateRetention) failing.push('stateRetention');
  if (!clauses.scopeAdmits) failing.push('scope');
  // Legal-basis rules are law about using the data, so they bind the owner's own searches too (docs/legal-basis.md).
  if (!clauses.offenseLevelMet) failing.push('offenseLevel');
  if (!clauses.legalReferenceAdmits) failing.push('legalReferenceAge');
  if (clauses.own) return failing;
  if (!clauses.declarationOnFile) failing.push('noDeclaration');
  const shared: Array<[keyof ReferenceClauses, string]> = [
    ['c1OwnerActive', 'ownerActive'],
    ['c2NotDeniedAgency', 'denyAgencies'],
    ['c3NotDeniedCategoryByOwner', 'denyCategories'],
    ['c3NotDeniedCategoryByState', 'stateDenyCategories'],
    ['c4NotDeniedPurposeByOwner', 'deniedPurposes'],
    ['c4NotDeniedPurposeByState', 'stateDeniedPurposes'],
    ['c5NotOutOfState', 'stateDenyOutOfState'],
    ['c6Granted', 'noGrant'],
  ];
  for (const [clause, name] of shared) if (!clauses[clause]) failing.push(name);
  return failing;
}

/** CONTRACT §3 transcribed literally: R active, younger than both retentions, and own or conditions 1–6, then the scope. */
export function referenceIsVisible(
  agencies: AgencyProfile[],
  jurisdictions: JurisdictionRule[],
  searcherId: string,
  purpose: SearchPurpose,
  scope: SearchScope,
  read: ReferenceRead,
  now: Date,
  legal: ReferenceLegalContext = {},
): boolean {
  const clauses = referenceClauses(agencies, jurisdictions, searcherId, purpose, scope, read.agencyId, now.getTime() - read.capturedAt.getTime(), legal);
  return clauses !== undefined && referenceFailingClauses(clauses).length === 0;
}

/** Total order of §4 "newest first", tie-broken by readId then owner; fuzzy searches put exact matches first. */
function compareNewestFirst(criteria: ReferenceCriteria | undefined) {
  const exactFirst = criteria?.plateMatch === 'fuzzy' && criteria.plate !== undefined;
  const isExact = (read: ReferenceRead) =>
    exactFirst && read.plate !== undefined && referenceNormalisePlate(read.plate) === referenceNormalisePlate(criteria!.plate!);
  const ascending = (left: string, right: string) => (left < right ? -1 : left > right ? 1 : 0);
  return (left: ReferenceRead, right: ReferenceRead): number =>
    Number(isExact(right)) - Number(isExact(left)) ||
    right.capturedAt.getTime() - left.capturedAt.getTime() ||
    ascending(left.readId ?? '', right.readId ?? '') ||
    ascending(left.agencyId, right.agencyId);
}

/** What a search must answer: every visible read matching its criteria, in the contract's order. */
export function referenceSearch(world: ReferenceWorld, search: ReferenceSearch, reads: ReferenceRead[], now: Date): ReferenceRead[] {
  return reads
    .filter((read) => referenceMatchesCriteria(search.criteria, read))
    .filter((read) => referenceIsVisible(world.agencies, world.jurisdictions, search.searcherId, search.purpose, search.scope, read, now, legalContextOf(world, search, now)))
    .sort(compareNewestFirst(search.criteria));
}

/**
 * CONTRACT §4 (corrected): the owners "whose data was withheld from it by a deny rule (2–5 above)", counted
 * "only where the agency held reads matching the criteria" within its retention. An owner is withheld when it
 * is another, active agency that shares with R (condition 6) inside the search's scope, one or more of
 * conditions 2–5 fail, and it holds a read that matches the criteria and is younger than its retention.
 * Reasons list every failing condition, in the contract's order.
 */
export function referenceWithheldOwners(
  world: ReferenceWorld,
  search: ReferenceSearch,
  reads: ReferenceRead[],
  now: Date,
): { agencyId: string; reasons: DenyReason[] }[] {
  const withheld: { agencyId: string; reasons: DenyReason[] }[] = [];
  for (const owner of world.agencies) {
    const clausesAt = (readAgeMs: number) =>
      referenceClauses(world.agencies, world.jurisdictions, search.searcherId, search.purpose, search.scope, owner.id, readAgeMs, legalContextOf(world, search, now));
    const clauses = clausesAt(0);
    if (clauses === undefined || !clauses.searcherActive || clauses.own) continue;
    if (!clauses.c1OwnerActive || !clauses.c6Granted || !clauses.scopeAdmits) continue;
    const heldMatchingRead = reads.some((read) => {
      if (read.agencyId !== owner.id || !referenceMatchesCriteria(search.criteria, read)) return false;
      const atReadAge = clausesAt(now.getTime() - read.capturedAt.getTime())!;
      return atReadAge.youngerThanOwnerRetention && atReadAge.youngerThanStateRetention;
    });
    if (!heldMatchingRead) continue;
    const reasons: DenyReason[] = [];
    if (!clauses.c2NotDeniedAgency) reasons.push('SHARING.DENIED_AGENCY');
    if (!clauses.c3NotDeniedCategoryByOwner || !clauses.c3NotDeniedCategoryByState) reasons.push('SHARING.DENIED_CATEGORY');
    if (!clauses.c4NotDeniedPurposeByOwner || !clauses.c4NotDeniedPurposeByState) reasons.push('SHARING.DENIED_PURPOSE');
    if (!clauses.c5NotOutOfState) reasons.push('SHARING.OUT_OF_STATE');
    if (!clauses.offenseLevelMet) reasons.push('SHARING.OFFENSE_LEVEL');
    if (!clauses.declarationOnFile) reasons.push('SHARING.NO_DECLARATION');
    if (reasons.length > 0) withheld.push({ agencyId: owner.id, reasons });
  }
  return withheld.sort((left, right) => (left.agencyId < right.agencyId ? -1 : left.agencyId > right.agencyId ? 1 : 0));
}

/**
 * CONTRACT §4 preview: the owner agencies a search could reach (the searcher's own and every owner that passes
 * §3 for this purpose inside the scope), narrowed to the owners of `cameraIds` when given, and their cameras.
 */
export function referencePreview(world: ReferenceWorld, search: ReferenceSearch, now: Date = new Date()): { agencyIds: string[]; cameras: number } {
  const cameras = world.cameras ?? [];
  const named = (camera: ReferenceCamera) => search.criteria?.cameraIds === undefined || search.criteria.cameraIds.includes(camera.id);
  const reachable = world.agencies
    .filter((owner) => {
      const clauses = referenceClauses(world.agencies, world.jurisdictions, search.searcherId, search.purpose, search.scope, owner.id, 0, legalContextOf(world, search, now));
      return clauses !== undefined && referenceFailingClauses(clauses).length === 0;
    })
    .map((owner) => owner.id)
    .filter((ownerId) => search.criteria?.cameraIds === undefined || cameras.some((camera) => camera.agencyId === ownerId && named(camera)))
    .sort();
  return { agencyIds: reachable, cameras: cameras.filter((camera) => reachable.includes(camera.agencyId) && named(camera)).length };
}

export interface ReferenceEffectiveAccess {
  ownerActive: boolean;
  effectiveRetentionDays: number;
  deniedPurposesForAll: SearchPurpose[];
  grants: { agencyId: string; rules: Array<'direct' | 'statewide' | 'national'>; deniedPurposes: SearchPurpose[] }[];
}

/**
 * CONTRACT §4 effective access: who can search the owner's reads right now (other active agencies that pass
 * conditions 1, 2, 3, 5 and 6 of §3), each with every rule of condition 6 that lets them in, and the purposes
 * (condition 4) still denied to them.
 */
export function referenceEffectiveAccess(world: ReferenceWorld, ownerId: string, now: Date = new Date()): ReferenceEffectiveAccess {
  const O = world.agencies.find((agency) => agency.id === ownerId)!;
  const J = world.jurisdictions.find((rule) => rule.state === O.state);
  const deniedPurposesForAll = PURPOSES.filter((purpose) => O.sharing.deniedPurposes.includes(purpose) || (J?.deniedPurposes ?? []).includes(purpose)).sort();
  const grants: ReferenceEffectiveAccess['grants'] = [];
  for (const R of world.agencies) {
    if (R.id === O.id || R.status !== 'active' || O.status !== 'active') continue;
    if (O.sharing.denyAgencies.includes(R.id)) continue;
    if (O.sharing.denyCategories.includes(R.category) || (J?.denyCategories ?? []).includes(R.category)) continue;
    if ((J?.denyOutOfState ?? false) && R.state !== O.state) continue;
    const rules: Array<'direct' | 'statewide' | 'national'> = [];
    if (O.sharing.allowAgencies.includes(R.id)) rules.push('direct');
    if (O.sharing.statewide && R.sharing.statewide && R.state === O.state) rules.push('statewide');
    if (O.sharing.nationalLookup && R.sharing.nationalLookup) rules.push('national');
    // A purpose no declaration of theirs covers is denied to a searcher a declaration rule names; none covered, no access.
    const undeclared = PURPOSES.filter((purpose) => {
      const clauses = referenceClauses(world.agencies, world.jurisdictions, R.id, purpose, 'national', O.id, 0, { declarations: world.declarations, now });
      return !clauses!.declarationOnFile;
    });
    if (undeclared.length === PURPOSES.length) continue;
    const deniedPurposes = PURPOSES.filter((purpose) => deniedPurposesForAll.includes(purpose) || undeclared.includes(purpose)).sort();
    if (rules.length > 0) grants.push({ agencyId: R.id, rules, deniedPurposes });
  }
  return {
    ownerActive: O.status === 'active',
    effectiveRetentionDays: J?.maxRetentionDays != null ? Math.min(O.retentionDays, J.maxRetentionDays) : O.retentionDays,
    deniedPurposesForAll,
    grants: grants.sort((left, right) => (left.agencyId < right.agencyId ? -1 : left.agencyId > right.agencyId ? 1 : 0)),
  };
}

// ---------------------------------------------------------------------------------------------------------
// Generators
// ---------------------------------------------------------------------------------------------------------

function mostlyEmpty<T>(list: fc.Arbitrary<T[]>): fc.Arbitrary<T[]> {
  return fc.oneof({ arbitrary: fc.constant([] as T[]), weight: 2 }, { arbitrary: list, weight: 1 });
}

function oftenEmpty<T>(list: fc.Arbitrary<T[]>): fc.Arbitrary<T[]> {
  return fc.oneof(fc.constant([] as T[]), list);
}

function arbitraryAgency(
  id: string,
  index: number,
  agencyIds: string[],
  states: string[],
  categories: AgencyCategory[],
  purposes: SearchPurpose[],
): fc.Arbitrary<AgencyProfile> {
  return fc.record({
    id: fc.constant(id),
    name: fc.constant(`Agency ${index}`),
    state: fc.constantFrom(...states),
    category: fc.constantFrom(...categories),
    status: fc.oneof(
      { arbitrary: fc.constant<AgencyStatus>('active'), weight: 4 },
      { arbitrary: fc.constantFrom(...STATUSES), weight: 1 },
    ),
    retentionDays: fc.oneof({ arbitrary: fc.integer({ min: 1, max: 30 }), weight: 1 }, { arbitrary: fc.integer({ min: 7, max: 30 }), weight: 3 }),
    sharing: fc.record({
      statewide: fc.boolean(),
      // Mostly on, as in the field: otherwise few reads cross agencies and the properties prove little.
      nationalLookup: fc.oneof({ arbitrary: fc.constant(true), weight: 3 }, { arbitrary: fc.constant(false), weight: 1 }),
      allowAgencies: mostlyEmpty(fc.subarray(agencyIds, { maxLength: Math.min(4, agencyIds.length) })),
      denyAgencies: oftenEmpty(fc.subarray(agencyIds, { minLength: 1, maxLength: 2 })),
      denyCategories: mostlyEmpty(fc.subarray(categories, { minLength: 1, maxLength: 1 })),
      deniedPurposes: mostlyEmpty(fc.subarray(purposes, { minLength: 1, maxLength: 2 })),
    }).chain((sharing) => arbitraryLegalBasis(purposes, 6).map((legal) => ({ ...sharing, ...legal }))),
  });
}

/** Hours a legal-reference window may last: whole days, so reads kept clear of day boundaries stay clear of these too. */
const LEGAL_REFERENCE_HOURS = [24, 48, 72, 96];

/**
 * Legal-basis rules (docs/legal-basis.md), each present one time in `rarity` or so: a warrant window, minimum offense
 * levels for some purposes in play, a declaration rule. Absent fields are absent, as a rule without them is stored.
 */
function arbitraryLegalBasis(purposes: SearchPurpose[], rarity: number): fc.Arbitrary<Pick<JurisdictionRule, 'legalReferenceAfterHours' | 'minimumOffenseLevels' | 'declarationRequiredFor'>> {
  const sometimes = <T>(value: fc.Arbitrary<T>) =>
    fc.oneof({ arbitrary: fc.constant(undefined), weight: rarity - 1 }, { arbitrary: value as fc.Arbitrary<T | undefined>, weight: 1 });
  return fc
    .record({
      legalReferenceAfterHours: sometimes(fc.constantFrom(...LEGAL_REFERENCE_HOURS)),
      minimumOffenseLevels: sometimes(
        fc.subarray(purposes, { minLength: 1, maxLength: 2 }).chain((named) =>
          fc.tuple(...named.map(() => fc.constantFrom(...OFFENSE_LEVELS))).map((levels) => Object.fromEntries(named.map((purpose, index) => [purpose, levels[index]]))),
        ),
      ),
      declarationRequiredFor: sometimes(fc.constantFrom<Array<'out_of_state' | 'federal'>>(['out_of_state'], ['federal'], ['out_of_state', 'federal'])),
    })
    .map((legal) => Object.fromEntries(Object.entries(legal).filter(([, value]) => value !== undefined)));
}

function arbitraryJurisdiction(state: string, categories: AgencyCategory[], purposes: SearchPurpose[]): fc.Arbitrary<JurisdictionRule> {
  return fc.record({
    state: fc.constant(state),
    denyOutOfState: fc.oneof({ arbitrary: fc.constant(false), weight: 2 }, { arbitrary: fc.constant(true), weight: 1 }),
    denyCategories: oftenEmpty(fc.subarray(categories, { minLength: 1, maxLength: 1 })),
    deniedPurposes: oftenEmpty(fc.subarray(purposes, { minLength: 1, maxLength: 2 })),
    maxRetentionDays: fc.oneof(fc.constant(null), fc.integer({ min: 1, max: 30 })),
  }).chain((rule) => arbitraryLegalBasis(purposes, 4).map((legal) => ({ ...rule, ...legal })));
}

/** 0–4 declarations between the world's agencies, for purposes in play, some expired a day or more ago. */
function arbitraryDeclarations(agencyIds: string[], purposes: SearchPurpose[], now: Date): fc.Arbitrary<ReferenceDeclaration[]> {
  return fc.array(
    fc.record({
      ownerAgencyId: fc.constantFrom(...agencyIds),
      searcherAgencyId: fc.constantFrom(...agencyIds),
      purposes: fc.subarray(purposes, { minLength: 1 }),
      expiresInDays: fc.constantFrom(-3, -1, 1, 5, 30),
    }).map(({ expiresInDays, ...declaration }) => ({ ...declaration, expiresAt: new Date(now.getTime() + expiresInDays * DAY_MS) })),
    { maxLength: 4 },
  );
}

/**
 * 3–8 agencies spread over `states` (WA/OR/CA by default) with every status, policies that name each
 * other, one or two cameras each, and for each state either a random jurisdiction rule or none. Each world
 * draws the few categories and purposes in play, so deny lists meet the agencies and searches they name;
 * across worlds every category and purpose occurs. `idPrefix` namespaces ids.
 */
export function arbitraryWorld(options: { idPrefix?: string; states?: string[]; now?: Date } = {}): fc.Arbitrary<ReferenceWorld> {
  const idPrefix = options.idPrefix ?? '';
  const states = options.states ?? ['WA', 'OR', 'CA'];
  const inPlay = fc.record({
    agencyCount: fc.integer({ min: 3, max: 8 }),
    categories: fc.shuffledSubarray(CATEGORIES, { minLength: 2, maxLength: 3 }),
    purposes: fc.shuffledSubarray(PURPOSES, { minLength: 2, maxLength: 4 }),
  });
  return inPlay.chain(({ agencyCount, categories, purposes }) => {
    const agencyIds = Array.from({ length: agencyCount }, (_, index) => `${idPrefix}agency-${index}`);
    const agencies = fc.tuple(
      ...agencyIds.map((id, index) => arbitraryAgency(id, index, agencyIds, states, categories, purposes)),
    ) as fc.Arbitrary<AgencyProfile[]>;
    const jurisdictions = fc
      .tuple(...states.map((state) => fc.option(arbitraryJurisdiction(state, categories, purposes), { nil: undefined, freq: 3 })))
      .map((rules) => rules.filter((rule): rule is JurisdictionRule => rule !== undefined));
    const cameras = fc
      .tuple(...agencyIds.map(() => fc.integer({ min: 1, max: 2 })))
      .map((counts) => agencyIds.flatMap((agencyId, index) => Array.from({ length: counts[index] }, (_, camera) => ({ id: `${agencyId}-cam-${camera}`, agencyId }))));
    const declarations = arbitraryDeclarations(agencyIds, purposes, options.now ?? REFERENCE_NOW);
    return fc.record({ agencies, jurisdictions, declarations, cameras, purposesInPlay: fc.constant(purposes) });
  });
}

/**
 * A read owned by one of `agencyIds`, mostly under a week old so few expire, sometimes up to 40 days.
 * By default ages land on and 1 ms either side of whole-day retention boundaries; `boundaryMarginMs` keeps
 * them that far away instead, for suites where time passes between writing and searching. Some reads share
 * an instant, so the order's tie-breaks are exercised.
 */
export function arbitraryRead(
  agencyIds: string[],
  options: { now?: Date; boundaryMarginMs?: number } = {},
): fc.Arbitrary<ReferenceRead> {
  const now = options.now ?? REFERENCE_NOW;
  const margin = options.boundaryMarginMs ?? 0;
  const offsetWithinDay =
    margin > 0
      ? fc.oneof(fc.integer({ min: margin, max: DAY_MS - margin }), fc.constant(margin))
      : fc.oneof(fc.constantFrom(-1, 0, 1), fc.integer({ min: 0, max: DAY_MS - 1 }));
  const ageDays = fc.oneof({ arbitrary: fc.integer({ min: 0, max: 6 }), weight: 4 }, { arbitrary: fc.integer({ min: 0, max: 40 }), weight: 1 });
  return fc
    .record({ agencyId: fc.constantFrom(...agencyIds), ageDays, offsetWithinDay })
    .map(({ agencyId, ageDays: days, offsetWithinDay: offsetMs }) => ({
      agencyId,
      capturedAt: new Date(now.getTime() - days * DAY_MS - offsetMs),
    }));
}

/** A searcher, a purpose (mostly one of the world's purposes in play) and a scope, national as often as the other two. */
export function arbitrarySearch(agencyIds: string[], purposesInPlay: SearchPurpose[] = PURPOSES): fc.Arbitrary<ReferenceSearch> {
  return fc.record({
    searcherId: fc.constantFrom(...agencyIds),
    purpose: fc.oneof({ arbitrary: fc.constantFrom(...purposesInPlay), weight: 4 }, { arbitrary: fc.constantFrom(...PURPOSES), weight: 1 }),
    scope: fc.oneof({ arbitrary: fc.constantFrom(...SCOPES), weight: 1 }, { arbitrary: fc.constant<SearchScope>('national'), weight: 1 }),
    // Mostly the most serious level, so offense minimums decide now and then without hiding every other rule's work.
    offenseLevel: fc.oneof(
      { arbitrary: fc.constant(undefined), weight: 1 },
      { arbitrary: fc.constant<OffenseLevel>('felony'), weight: 3 },
      { arbitrary: fc.constantFrom(...OFFENSE_LEVELS), weight: 2 },
    ),
    legalReference: fc.option(fc.constantFrom('WARRANT-2026-0417', 'CO-DC-26-1183'), { nil: undefined, freq: 2 }),
  }, { requiredKeys: ['searcherId', 'purpose', 'scope'] }).map((search) =>
    Object.fromEntries(Object.entries(search).filter(([, value]) => value !== undefined)) as unknown as ReferenceSearch);
}

// Plates: every case draws one base plate; reads carry it, look-alikes of it, near misses and strangers, and
// searches ask for it in every match kind, so each kind meets reads it must find and reads it must not.

const PLATE_ALPHABET = 'ABCDEFGHJKMNPRTUVWXY0123456789OQDILZSGB';
const VEHICLE_POOL = {
  make: ['Subaru', 'Ford'],
  model: ['Outback', 'F-150'],
  color: ['Green', 'Silver'],
  type: ['suv', 'pickup'],
};

const plateCharacter = fc.constantFrom(...PLATE_ALPHABET);
const lookAlikeCharacter = fc.constantFrom(...OCR_LOOK_ALIKE_GROUPS.join(''));

/** Half look-alike characters, so folding has something to fold in most plates. */
export const arbitraryBasePlate: fc.Arbitrary<string> = fc
  .array(fc.oneof(plateCharacter, lookAlikeCharacter), { minLength: 5, maxLength: 7 })
  .map((characters) => characters.join(''));

/** Every look-alike character swapped for another of its group: two or more swaps put only folding in reach. */
function lookAlikeOf(base: string): fc.Arbitrary<string> {
  return fc.array(fc.nat(), { minLength: base.length, maxLength: base.length }).map((picks) =>
    [...base].map((character, index) => {
      const group = OCR_LOOK_ALIKE_GROUPS.find((members) => members.includes(character));
      if (group === undefined) return character;
      return group[(group.indexOf(character) + 1 + (picks[index] % (group.length - 1))) % group.length];
    }).join(''),
  );
}

function editedOnce(base: string): fc.Arbitrary<string> {
  return fc.record({ kind: fc.constantFrom('insert', 'delete', 'substitute'), at: fc.nat(), character: plateCharacter }).map(({ kind, at, character }) => {
    const position = at % (base.length + (kind === 'insert' ? 1 : 0));
    if (kind === 'insert') return base.slice(0, position) + character + base.slice(position);
    if (kind === 'delete') return base.slice(0, position) + base.slice(position + 1);
    return base.slice(0, position) + character + base.slice(position + 1);
  });
}

/** A plate as a camera might send it for a case whose base plate is `base`. */
export function arbitraryReadPlate(base: string): fc.Arbitrary<string> {
  return fc.oneof(
    { arbitrary: fc.constant(base), weight: 5 },
    { arbitrary: lookAlikeOf(base), weight: 2 },
    { arbitrary: editedOnce(base), weight: 1 },
    { arbitrary: editedOnce(base).chain(editedOnce), weight: 1 },
    { arbitrary: fc.array(plateCharacter, { minLength: 4, maxLength: 8 }).map((characters) => characters.join('')), weight: 1 },
  );
}

export function arbitraryVehicle(): fc.Arbitrary<VehicleText | undefined> {
  return fc.option(
    fc.record(
      {
        make: fc.constantFrom(...VEHICLE_POOL.make),
        model: fc.constantFrom(...VEHICLE_POOL.model),
        color: fc.constantFrom(...VEHICLE_POOL.color),
        type: fc.constantFrom(...VEHICLE_POOL.type),
      },
      { requiredKeys: ['make', 'color'] },
    ),
    { nil: undefined, freq: 4 },
  );
}

/** Lower case and a separator here and there: what an investigator types, which the search must normalise. */
function typedBy(plate: fc.Arbitrary<string>): fc.Arbitrary<string> {
  return fc.record({ plate, lower: fc.boolean(), dashAt: fc.option(fc.nat(), { nil: undefined }) }).map(({ plate: text, lower, dashAt }) => {
    const cased = lower ? text.toLowerCase() : text;
    if (dashAt === undefined) return cased;
    const position = 1 + (dashAt % Math.max(1, cased.length - 1));
    return `${cased.slice(0, position)}-${cased.slice(position)}`;
  });
}

/** Partial patterns keep at least three literal characters (shorter ones are refused as too broad). */
function partialPatternOf(base: string): fc.Arbitrary<string> {
  const length = base.length;
  return fc.oneof(
    fc.record({ from: fc.nat(), size: fc.integer({ min: 3, max: length }) }).map(({ from, size }) => {
      const start = from % (length - size + 1);
      return base.slice(start, start + size);
    }),
    fc.integer({ min: 3, max: length }).map((size) => `${base.slice(0, size)}*`),
    fc.integer({ min: 3, max: length }).map((size) => `*${base.slice(length - size)}`),
    fc.nat().map((at) => {
      const position = at % length;
      return `${base.slice(0, position)}?${base.slice(position + 1)}`;
    }),
    fc.constant(`${base.slice(0, 2)}*${base.slice(-2)}`),
    fc.constant(`${base.slice(0, 3)}?*`),
  );
}

/** Criteria of every kind the contract names: exact, partial and fuzzy plates, vehicle only, sometimes cameras. */
export function arbitraryCriteria(base: string, cameraIds: string[]): fc.Arbitrary<ReferenceCriteria> {
  const plateCriteria: fc.Arbitrary<ReferenceCriteria> = fc.oneof(
    { arbitrary: typedBy(fc.constant(base)).map((plate) => ({ plate })), weight: 2 },
    { arbitrary: typedBy(fc.constant(base)).map((plate) => ({ plate, plateMatch: 'exact' as const })), weight: 1 },
    { arbitrary: partialPatternOf(base).map((plate) => ({ plate, plateMatch: 'partial' as const })), weight: 3 },
    { arbitrary: typedBy(arbitraryReadPlate(base)).map((plate) => ({ plate, plateMatch: 'fuzzy' as const })), weight: 3 },
  );
  const vehicleOnly: fc.Arbitrary<ReferenceCriteria> = fc
    .record(
      {
        make: fc.constantFrom(...VEHICLE_POOL.make).map((make) => make.toUpperCase()),
        color: fc.constantFrom(...VEHICLE_POOL.color).map((color) => color.toLowerCase()),
        type: fc.constantFrom(...VEHICLE_POOL.type),
      },
      { requiredKeys: [] },
    )
    .filter((vehicle) => Object.keys(vehicle).length > 0)
    .map((vehicle) => ({ vehicle }));
  const withCameras = (criteria: fc.Arbitrary<ReferenceCriteria>) =>
    fc.record({ criteria, cameras: fc.option(fc.subarray(cameraIds, { minLength: 1 }), { nil: undefined, freq: 4 }) }).map(({ criteria: given, cameras }) =>
      cameras === undefined ? given : { ...given, cameraIds: cameras },
    );
  return withCameras(fc.oneof({ arbitrary: plateCriteria, weight: 4 }, { arbitrary: vehicleOnly, weight: 1 }));
}

export interface ReferenceScenario {
  world: ReferenceWorld;
  reads: ReferenceRead[];
  searches: Array<ReferenceSearch & { limit: number }>;
  /** the agency whose effective access the case checks */
  effectiveAccessOwnerId: string;
}

/**
 * The clause a case arranges to decide one read, beside everything drawn at random ('none': a visible cross-agency
 * read; 'lookAlikes': the searcher's own read, found by a fuzzy search only through folding every look-alike group).
 */
export const SPOTLIGHTS = [
  'none',
  'denyAgencies',
  'denyCategories',
  'stateDenyCategories',
  'deniedPurposes',
  'stateDeniedPurposes',
  'stateDenyOutOfState',
  'stateRetention',
  'ownerActive',
  'lookAlikes',
  'offenseLevel',
  'legalReferenceAge',
  'noDeclaration',
] as const;
export type Spotlight = (typeof SPOTLIGHTS)[number];

/**
 * Arranges, on top of a random case, one more read of the base plate and one more national search for it, such
 * that exactly the spotlighted clause keeps the read from the searcher (or none does). Random worlds let each
 * deny rule decide only now and then; this makes every one of them decide in about a tenth of the cases.
 */
function withSpotlight(
  scenario: ReferenceScenario,
  base: string,
  spotlight: Spotlight,
  arranged: { pick: number; purpose: SearchPurpose; limit: number; states: string[]; now: Date },
): ReferenceScenario {
  const agencies = scenario.world.agencies.map((agency) => ({ ...agency, sharing: { ...agency.sharing } }));
  const jurisdictions = scenario.world.jurisdictions.map((rule) => ({ ...rule }));
  const searcher = agencies[arranged.pick % agencies.length];
  const owner = spotlight === 'lookAlikes' ? searcher : agencies[(arranged.pick + 1) % agencies.length];
  const { purpose } = arranged;
  const without = <T>(list: T[], value: T) => list.filter((entry) => entry !== value);
  const toggled = <T>(list: T[], value: T, present: boolean) => (present ? [...without(list, value), value] : without(list, value));

  searcher.status = 'active';
  searcher.sharing.nationalLookup = true;
  owner.status = spotlight === 'ownerActive' ? 'suspended' : 'active';
  owner.sharing.nationalLookup = true;
  owner.retentionDays = 30;
  owner.sharing.denyAgencies = toggled(owner.sharing.denyAgencies, searcher.id, spotlight === 'denyAgencies');
  owner.sharing.denyCategories = toggled(owner.sharing.denyCategories, searcher.category, spotlight === 'denyCategories');
  owner.sharing.deniedPurposes = toggled(owner.sharing.deniedPurposes, purpose, spotlight === 'deniedPurposes');
  let rule = jurisdictions.find((candidate) => candidate.state === owner.state);
  if (rule === undefined) {
    rule = { state: owner.state, denyOutOfState: false, denyCategories: [], deniedPurposes: [], maxRetentionDays: null };
    jurisdictions.push(rule);
  }
  rule.denyCategories = toggled(rule.denyCategories, searcher.category, spotlight === 'stateDenyCategories');
  rule.deniedPurposes = toggled(rule.deniedPurposes, purpose, spotlight === 'stateDeniedPurposes');
  if (spotlight === 'stateDenyOutOfState') {
    rule.denyOutOfState = true;
    searcher.state = arranged.states.find((state) => state !== owner.state)!;
  } else if (rule.denyOutOfState) {
    searcher.state = owner.state;
  }
  // Legal basis: the arranged search states the most serious level and a reference, and has a declaration on file with
  // the owner, unless the spotlight is the one rule that is to decide.
  if (spotlight === 'offenseLevel') {
    if (arranged.pick % 2 === 0) owner.sharing.minimumOffenseLevels = { ...owner.sharing.minimumOffenseLevels, [purpose]: 'felony' };
    else rule.minimumOffenseLevels = { ...rule.minimumOffenseLevels, [purpose]: 'felony' };
  }
  if (spotlight === 'legalReferenceAge') rule.legalReferenceAfterHours = 24;
  if (spotlight === 'noDeclaration') {
    rule.declarationRequiredFor = ['out_of_state'];
    rule.denyOutOfState = false;
    searcher.state = arranged.states.find((state) => state !== owner.state)!;
  }
  const otherPairs = (scenario.world.declarations ?? []).filter(
    (declaration) => !(declaration.ownerAgencyId === owner.id && declaration.searcherAgencyId === searcher.id),
  );
  const declarations = [
    ...otherPairs,
    {
      ownerAgencyId: owner.id,
      searcherAgencyId: searcher.id,
      purposes: [purpose],
      // Without a declaration in force the spotlight's read is withheld; an expired one must not count.
      expiresAt: new Date(arranged.now.getTime() + (spotlight === 'noDeclaration' ? -1 : 30) * DAY_MS),
    },
  ];
  const statedBasis = {
    offenseLevel: spotlight === 'offenseLevel' ? (arranged.pick % 3 === 0 ? undefined : 'gross_misdemeanor' as const) : 'felony' as const,
    legalReference: spotlight === 'legalReferenceAge' ? undefined : 'WARRANT-2026-0417',
  };
  const legalBasis = Object.fromEntries(Object.entries(statedBasis).filter(([, value]) => value !== undefined)) as Pick<ReferenceSearch, 'offenseLevel' | 'legalReference'>;

  const ageDays = spotlight === 'stateRetention' ? 3 : 1;
  if (spotlight === 'stateRetention') rule.maxRetentionDays = 2;
  else if (rule.maxRetentionDays !== null && rule.maxRetentionDays <= ageDays + 1) rule.maxRetentionDays = ageDays + 2;

  const camera = (scenario.world.cameras ?? []).find((candidate) => candidate.agencyId === owner.id)!;
  // One character of each look-alike group, read as another member of the same group: six positions differ.
  const lookAlikePlate = (shift: number) => OCR_LOOK_ALIKE_GROUPS.map((group, index) => group[(arranged.pick + index + shift) % group.length]).join('');
  const read: ReferenceRead = {
    agencyId: owner.id,
    cameraId: camera.id,
    capturedAt: new Date(arranged.now.getTime() - ageDays * DAY_MS - DAY_MS / 2),
    plate: spotlight === 'lookAlikes' ? lookAlikePlate(1) : base,
  };
  const search: ReferenceSearch & { limit: number } =
    spotlight === 'lookAlikes'
      ? { searcherId: searcher.id, purpose, scope: 'local', criteria: { plate: lookAlikePlate(0), plateMatch: 'fuzzy' }, limit: arranged.limit, ...legalBasis }
      : { searcherId: searcher.id, purpose, scope: 'national', criteria: { plate: base }, limit: arranged.limit, ...legalBasis };
  return {
    ...scenario,
    world: { ...scenario.world, agencies, jurisdictions, declarations },
    reads: [...scenario.reads, read],
    searches: [...scenario.searches, search],
  };
}

/** One case of the REST property test: a world, reads of one base plate's family, 2–5 searches of any kind, and a spotlight. */
export function arbitraryScenario(options: { states: string[]; now: Date; boundaryMarginMs: number }): fc.Arbitrary<ReferenceScenario> {
  return fc.record({ world: arbitraryWorld({ states: options.states, now: options.now }), base: arbitraryBasePlate }).chain(({ world, base }) => {
    const agencyIds = world.agencies.map((agency) => agency.id);
    const cameras = world.cameras ?? [];
    const read = fc
      .record({
        read: arbitraryRead(agencyIds, { now: options.now, boundaryMarginMs: options.boundaryMarginMs }),
        cameraPick: fc.nat(),
        plate: arbitraryReadPlate(base),
        vehicle: arbitraryVehicle(),
      })
      .map(({ read: owned, cameraPick, plate, vehicle }) => {
        const ownCameras = cameras.filter((camera) => camera.agencyId === owned.agencyId);
        return { ...owned, cameraId: ownCameras[cameraPick % ownCameras.length].id, plate, vehicle };
      });
    const search = fc
      .record({ search: arbitrarySearch(agencyIds, world.purposesInPlay), criteria: arbitraryCriteria(base, cameras.map((camera) => camera.id)), limit: fc.integer({ min: 1, max: 3 }) })
      .map(({ search: who, criteria, limit }) => ({ ...who, criteria, limit }));
    return fc
      .record({
        scenario: fc.record({
          world: fc.constant(world),
          reads: fc.array(read, { minLength: 4, maxLength: 14 }),
          searches: fc.array(search, { minLength: 2, maxLength: 5 }),
          effectiveAccessOwnerId: fc.constantFrom(...agencyIds),
        }),
        spotlight: fc.constantFrom(...SPOTLIGHTS),
        pick: fc.nat(),
        purpose: fc.constantFrom(...(world.purposesInPlay ?? PURPOSES)),
        limit: fc.integer({ min: 1, max: 3 }),
        // A second spotlight, arranged first so the main one stands whatever it changes: thirteen clauses share the cases.
        extraSpotlight: fc.constantFrom(...SPOTLIGHTS),
        extraPick: fc.nat(),
      })
      .map(({ scenario, spotlight, pick, purpose, limit, extraSpotlight, extraPick }) => {
        const arranged = { purpose, limit, states: options.states, now: options.now };
        const withExtra = withSpotlight(scenario, base, extraSpotlight, { ...arranged, pick: extraPick });
        return withSpotlight(withExtra, base, spotlight, { ...arranged, pick });
      });
  });
}

/** What a case exercised: the counters the property test requires minimums of, so a weak generator fails loudly. */
export interface ReferenceCoverage {
  searches: number;
  searchesWithReads: number;
  crossAgencyHits: number;
  /** (search, matching read) pairs that only one failing clause kept from the searcher, by clause */
  decidedBy: Record<string, number>;
  byMatchKind: Record<string, number>;
}

export function emptyCoverage(): ReferenceCoverage {
  return { searches: 0, searchesWithReads: 0, crossAgencyHits: 0, decidedBy: {}, byMatchKind: {} };
}

export function addCoverage(coverage: ReferenceCoverage, scenario: ReferenceScenario, now: Date): void {
  const { world } = scenario;
  for (const search of scenario.searches) {
    const searcher = world.agencies.find((agency) => agency.id === search.searcherId)!;
    if (searcher.status !== 'active') continue;
    coverage.searches++;
    const kind = search.criteria?.plate === undefined ? 'vehicle' : search.criteria.plateMatch ?? 'exact';
    const expected = referenceSearch(world, search, scenario.reads, now);
    if (expected.length > 0) {
      coverage.searchesWithReads++;
      coverage.byMatchKind[kind] = (coverage.byMatchKind[kind] ?? 0) + 1;
    }
    coverage.crossAgencyHits += expected.filter((read) => read.agencyId !== search.searcherId).length;
    if (kind === 'fuzzy') {
      const wanted = referenceNormalisePlate(search.criteria!.plate!);
      const foldedOnly = expected.filter((read) => !withinOneEdit(referenceNormalisePlate(read.plate ?? ''), wanted)).length;
      coverage.byMatchKind.fuzzyLookAlikeOnly = (coverage.byMatchKind.fuzzyLookAlikeOnly ?? 0) + foldedOnly;
    }
    for (const read of scenario.reads) {
      if (!referenceMatchesCriteria(search.criteria, read)) continue;
      const clauses = referenceClauses(
        world.agencies, world.jurisdictions, search.searcherId, search.purpose, search.scope, read.agencyId, now.getTime() - read.capturedAt.getTime(),
        legalContextOf(world, search, now),
      )!;
      const failing = referenceFailingClauses(clauses);
      if (failing.length === 1) coverage.decidedBy[failing[0]] = (coverage.decidedBy[failing[0]] ?? 0) + 1;
    }
  }
}
