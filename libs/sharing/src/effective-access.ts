import { GrantingRule, compareAgencyIds, denyReasons, grantingRules } from './sharing-conditions';
import { AgencyCategory, SearchPurpose, SharingWorld, effectiveRetentionDays } from './sharing-policy';

export interface AccessGrant {
  agencyId: string;
  agencyName: string;
  state: string;
  category: AgencyCategory;
  /** Every rule that lets this agency in, not just the first. */
  rules: GrantingRule[];
  /** Purposes still denied to them: the owner's ∪ the owner's jurisdiction's, sorted. */
  deniedPurposes: SearchPurpose[];
}

export interface EffectiveAccess {
  ownerAgencyId: string;
  ownerActive: boolean;
  effectiveRetentionDays: number;
  grants: AccessGrant[];
  deniedPurposesForAll: SearchPurpose[];
}

/**
 * Who can search the owner's reads right now (CONTRACT §4): every other active agency admitted by
 * condition 6 and not shut out by conditions 2, 3 or 5. Purposes (condition 4) are reported, not applied.
 */
export function effectiveAccess(world: SharingWorld, ownerAgencyId: string): EffectiveAccess {
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
      grants.push({
        agencyId: searcher.id,
        agencyName: searcher.name,
        state: searcher.state,
        category: searcher.category,
        rules,
        deniedPurposes: [...deniedPurposesForAll],
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
  };
}
