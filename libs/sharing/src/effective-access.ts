import { GrantingRule, compareAgencyIds, denyReasons, grantingRules } from './sharing-conditions';
import { declarationRequired, declaredPurposes, legalReferenceAfterHours, minimumOffenseLevel } from './legal-basis';
import {
  AgencyCategory, AgencyProfile, JurisdictionRule, OffenseLevel, SEARCH_PURPOSES, SearchPurpose, SharingWorld, effectiveRetentionDays,
} from './sharing-policy';

export interface AccessGrant {
  agencyId: string;
  agencyName: string;
  state: string;
  category: AgencyCategory;
  /** Every rule that lets this agency in, not just the first. */
  rules: GrantingRule[];
  /** Purposes still denied to them: the owner's ∪ the owner's jurisdiction's, and those no declaration of theirs covers where one is required; sorted. */
  deniedPurposes: SearchPurpose[];
  /** present (true) when a declaration rule names them: their access lasts only while a declaration is on file */
  declarationRequired?: true;
}

export interface EffectiveAccess {
  ownerAgencyId: string;
  ownerActive: boolean;
  effectiveRetentionDays: number;
  grants: AccessGrant[];
  deniedPurposesForAll: SearchPurpose[];
  /** present when set: reads older than this many hours need a legal reference in the search (owner's or state's, the shorter) */
  legalReferenceAfterHours?: number;
  /** present when set: per purpose, the least serious offense level a search must state (owner's or state's, the stricter) */
  minimumOffenseLevels?: Partial<Record<SearchPurpose, OffenseLevel>>;
}

/**
 * Who can search the owner's reads right now (CONTRACT §4): every other active agency admitted by
 * condition 6 and not shut out by conditions 2, 3 or 5, nor by a declaration rule no declaration of theirs meets
 * at `at`. Purposes (condition 4, and those a declaration does not cover) are reported, not applied.
 */
export function effectiveAccess(world: SharingWorld, ownerAgencyId: string, at?: Date): EffectiveAccess {
  const owner = world.agencies.get(ownerAgencyId);
  if (owner === undefined) {
    return { ownerAgencyId, ownerActive: false, effectiveRetentionDays: 0, grants: [], deniedPurposesForAll: [] };
  }

  const jurisdiction = world.jurisdictions.get(owner.state);
  const deniedPurposesForAll = [
    ...new Set([...owner.sharing.deniedPurposes, ...(jurisdiction?.deniedPurposes ?? [])]),
  ].sort();
  const ownerActive = owner.status === 'active';
  const grants: AccessGrant[] = [];

  if (ownerActive) {
    const allowedAgencyIds = new Set(owner.sharing.allowAgencies);
    const deniedAgencyIds = new Set(owner.sharing.denyAgencies);
    for (const searcher of world.agencies.values()) {
      if (searcher.id === ownerAgencyId || searcher.status !== 'active') continue;
      const rules = grantingRules(owner, searcher, allowedAgencyIds.has(searcher.id));
      if (rules.length === 0) continue;
      if (denyReasons(owner, searcher, jurisdiction, deniedAgencyIds.has(searcher.id)).length > 0) continue;
      const needsDeclaration = declarationRequired(owner, searcher, jurisdiction);
      const declared = needsDeclaration ? declaredPurposes(world, owner.id, searcher.id, at) : undefined;
      const deniedPurposes = declared === undefined
        ? [...deniedPurposesForAll]
        : SEARCH_PURPOSES.filter((purpose) => deniedPurposesForAll.includes(purpose) || !declared.has(purpose)).sort();
      // No declaration on file at all: this searcher cannot search the owner's reads for any purpose, so it has no access.
      if (declared !== undefined && declared.size === 0) continue;
      grants.push({
        agencyId: searcher.id,
        agencyName: searcher.name,
        state: searcher.state,
        category: searcher.category,
        rules,
        deniedPurposes,
        ...(needsDeclaration && { declarationRequired: true as const }),
      });
    }
    grants.sort((left, right) => compareAgencyIds(left.agencyId, right.agencyId));
  }

  return {
    ownerAgencyId,
    ownerActive,
    effectiveRetentionDays: effectiveRetentionDays(owner, jurisdiction),
    grants,
    deniedPurposesForAll,
    ...legalBasisInForce(owner, jurisdiction),
  };
}

/** The legal-basis limits on every search of the owner's reads, only those set. */
function legalBasisInForce(owner: AgencyProfile, jurisdiction: JurisdictionRule | undefined): Pick<EffectiveAccess, 'legalReferenceAfterHours' | 'minimumOffenseLevels'> {
  const hours = legalReferenceAfterHours(owner, jurisdiction);
  const levels = Object.fromEntries(
    SEARCH_PURPOSES.flatMap((purpose) => {
      const level = minimumOffenseLevel(owner, jurisdiction, purpose);
      return level === null ? [] : [[purpose, level]];
    }),
  );
  return { ...(hours !== null && { legalReferenceAfterHours: hours }), ...(Object.keys(levels).length > 0 && { minimumOffenseLevels: levels }) };
}
