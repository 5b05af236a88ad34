import {
  AgencyProfile, DenyReason, FEDERAL_CATEGORIES, JurisdictionRule, OFFENSE_LEVELS, OffenseLevel, SearchBasis, SearchPurpose,
  SharingWorld,
} from './sharing-policy';

type Rules = Pick<JurisdictionRule, 'legalReferenceAfterHours' | 'minimumOffenseLevels' | 'declarationRequiredFor'> | undefined;

/** Hours after which a read needs a legal reference: the shorter of the owner's and the state's, or null for none. */
export function legalReferenceAfterHours(owner: AgencyProfile, jurisdiction: Rules): number | null {
  const limits = [owner.sharing.legalReferenceAfterHours, jurisdiction?.legalReferenceAfterHours].filter(
    (hours): hours is number => typeof hours === 'number',
  );
  return limits.length === 0 ? null : Math.min(...limits);
}

/** The least serious offense level a search for `purpose` must state: the more serious of the owner's and the state's. */
export function minimumOffenseLevel(owner: AgencyProfile, jurisdiction: Rules, purpose: SearchPurpose): OffenseLevel | null {
  const levels = [owner.sharing.minimumOffenseLevels?.[purpose], jurisdiction?.minimumOffenseLevels?.[purpose]].filter(
    (level): level is OffenseLevel => level !== undefined && level !== null,
  );
  if (levels.length === 0) return null;
  return levels.reduce((stricter, level) => (offenseRank(level) > offenseRank(stricter) ? level : stricter));
}

export function offenseRank(level: OffenseLevel): number {
  return OFFENSE_LEVELS.indexOf(level);
}

/** Whether a search that stated `stated` (or nothing) meets `minimum`. */
export function offenseLevelMet(stated: OffenseLevel | undefined, minimum: OffenseLevel | null): boolean {
  return minimum === null || (stated !== undefined && offenseRank(stated) >= offenseRank(minimum));
}

/** Whether the owner's or its state's declaration rule names this searcher (never the owner itself). */
export function declarationRequired(owner: AgencyProfile, searcher: AgencyProfile, jurisdiction: Rules): boolean {
  if (owner.id === searcher.id) return false;
  const named = new Set([...(owner.sharing.declarationRequiredFor ?? []), ...(jurisdiction?.declarationRequiredFor ?? [])]);
  return (named.has('out_of_state') && searcher.state !== owner.state)
    || (named.has('federal') && FEDERAL_CATEGORIES.includes(searcher.category));
}

/** The purposes a declaration of `searcherId` on file with `ownerId` covers at `at` (none without a time). */
export function declaredPurposes(world: SharingWorld, ownerId: string, searcherId: string, at: Date | undefined): Set<SearchPurpose> {
  const purposes = new Set<SearchPurpose>();
  if (at === undefined) return purposes;
  for (const declaration of world.declarations?.get(ownerId) ?? []) {
    if (declaration.searcherAgencyId !== searcherId || Date.parse(declaration.expiresAt) <= at.getTime()) continue;
    for (const purpose of declaration.purposes) purposes.add(purpose);
  }
  return purposes;
}

/** Legal-basis rules that fail for a search by `searcher` of `owner`'s reads (the legal-reference rule narrows, it is not here). */
export function legalBasisReasons(
  world: SharingWorld,
  owner: AgencyProfile,
  searcher: AgencyProfile,
  jurisdiction: Rules,
  purpose: SearchPurpose,
  basis: SearchBasis | undefined,
): DenyReason[] {
  const reasons: DenyReason[] = [];
  if (!offenseLevelMet(basis?.offenseLevel, minimumOffenseLevel(owner, jurisdiction, purpose))) reasons.push('SHARING.OFFENSE_LEVEL');
  if (declarationRequired(owner, searcher, jurisdiction) && !declaredPurposes(world, owner.id, searcher.id, basis?.at).has(purpose)) {
    reasons.push('SHARING.NO_DECLARATION');
  }
  return reasons;
}

/**
 * The instants at which some declaration in `world` expires, sorted: between two of them every decision that
 * depends on declarations stays the same, so a cache can key decisions on the interval a search starts in.
 */
export function declarationExpiries(world: SharingWorld): number[] {
  const instants = new Set<number>();
  for (const filed of world.declarations?.values() ?? []) for (const declaration of filed) instants.add(Date.parse(declaration.expiresAt));
  return [...instants].sort((left, right) => left - right);
}
