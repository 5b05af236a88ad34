import { compareAgencyIds, denyReasons, grantingRules } from './sharing-conditions';
import {
  DenyReason,
  SearchPurpose,
  SearchScope,
  ShareRule,
  SharingWorld,
  effectiveRetentionDays,
} from './sharing-policy';

export interface VisibleOwner {
  agencyId: string;
  rule: ShareRule;
  /** min(owner.retentionDays, J(owner.state).maxRetentionDays) */
  retentionDays: number;
}

export interface WithheldOwner {
  agencyId: string;
  reasons: DenyReason[];
}

export interface VisibilityDecision {
  searcherAgencyId: string;
  searcherActive: boolean;
  visibleOwners: VisibleOwner[];
  withheldOwners: WithheldOwner[];
}

/** Whose reads a search by `searcherAgencyId` may see (CONTRACT §3), and whose a deny rule withheld. */
export function decideVisibility(
  world: SharingWorld,
  searcherAgencyId: string,
  purpose: SearchPurpose,
  scope: SearchScope,
): VisibilityDecision {
  const searcher = world.agencies.get(searcherAgencyId);
  if (searcher === undefined || searcher.status !== 'active') {
    return { searcherAgencyId, searcherActive: false, visibleOwners: [], withheldOwners: [] };
  }

  const visibleOwners: VisibleOwner[] = [
    {
      agencyId: searcherAgencyId,
      rule: 'own',
      retentionDays: effectiveRetentionDays(searcher, world.jurisdictions.get(searcher.state)),
    },
  ];
  const withheldOwners: WithheldOwner[] = [];

  if (scope !== 'local') {
    for (const owner of world.agencies.values()) {
      if (owner.id === searcherAgencyId || owner.status !== 'active') continue;
      if (scope === 'statewide' && owner.state !== searcher.state) continue;

      // One scan per owner list: the searcher is fixed, so a Set would cost as much to build as it saves.
      const [rule] = grantingRules(owner, searcher, owner.sharing.allowAgencies.includes(searcherAgencyId));
      if (rule === undefined) continue;

      const jurisdiction = world.jurisdictions.get(owner.state);
      const reasons = denyReasons(
        owner,
        searcher,
        jurisdiction,
        owner.sharing.denyAgencies.includes(searcherAgencyId),
        purpose,
      );
      if (reasons.length > 0) {
        withheldOwners.push({ agencyId: owner.id, reasons });
      } else {
        visibleOwners.push({ agencyId: owner.id, rule, retentionDays: effectiveRetentionDays(owner, jurisdiction) });
      }
    }
  }

  visibleOwners.sort((left, right) => compareAgencyIds(left.agencyId, right.agencyId));
  withheldOwners.sort((left, right) => compareAgencyIds(left.agencyId, right.agencyId));
  return { searcherAgencyId, searcherActive: true, visibleOwners, withheldOwners };
}

/** Owners a search could reach, for /v1/searches/preview. */
export function reachableOwnerIds(decision: VisibilityDecision): string[] {
  return decision.visibleOwners.map((owner) => owner.agencyId);
}
