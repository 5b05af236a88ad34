import { compareAgencyIds, denyReasons, grantingRules } from './sharing-conditions';
import { legalBasisReasons, legalReferenceAfterHours } from './legal-basis';
import {
  AgencyProfile,
  DenyReason,
  JurisdictionRule,
  SearchBasis,
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
  /** set when the search states no legal reference and a rule requires one for older reads: only younger reads are visible */
  maxAgeHours?: number;
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

/**
 * Whose reads a search by `searcherAgencyId` may see (CONTRACT §3 and the legal-basis rules of docs/legal-basis.md),
 * and whose a deny rule withheld. Without `basis` every legal-basis rule applies as if the search stated nothing.
 */
export function decideVisibility(
  world: SharingWorld,
  searcherAgencyId: string,
  purpose: SearchPurpose,
  scope: SearchScope,
  basis?: SearchBasis,
): VisibilityDecision {
  const searcher = world.agencies.get(searcherAgencyId);
  if (searcher === undefined || searcher.status !== 'active') {
    return { searcherAgencyId, searcherActive: false, visibleOwners: [], withheldOwners: [] };
  }

  const visibleOwners: VisibleOwner[] = [];
  const withheldOwners: WithheldOwner[] = [];
  const admit = (owner: AgencyProfile, rule: ShareRule, jurisdiction: JurisdictionRule | undefined) => {
    const hours = basis?.legalReference ? null : legalReferenceAfterHours(owner, jurisdiction);
    visibleOwners.push({
      agencyId: owner.id,
      rule,
      retentionDays: effectiveRetentionDays(owner, jurisdiction),
      ...(hours !== null && { maxAgeHours: hours }),
    });
  };

  // Legal-basis rules are law about using the data at all, so they bind the owner's own searches too.
  const ownJurisdiction = world.jurisdictions.get(searcher.state);
  const ownReasons = legalBasisReasons(world, searcher, searcher, ownJurisdiction, purpose, basis);
  if (ownReasons.length > 0) withheldOwners.push({ agencyId: searcherAgencyId, reasons: ownReasons });
  else admit(searcher, 'own', ownJurisdiction);

  if (scope !== 'local') {
    for (const owner of world.agencies.values()) {
      if (owner.id === searcherAgencyId || owner.status !== 'active') continue;
      if (scope === 'statewide' && owner.state !== searcher.state) continue;

      // One scan per owner list: the searcher is fixed, so a Set would cost as much to build as it saves.
      const [rule] = grantingRules(owner, searcher, owner.sharing.allowAgencies.includes(searcherAgencyId));
      if (rule === undefined) continue;

      const jurisdiction = world.jurisdictions.get(owner.state);
      const reasons = [
        ...denyReasons(owner, searcher, jurisdiction, owner.sharing.denyAgencies.includes(searcherAgencyId), purpose),
        ...legalBasisReasons(world, owner, searcher, jurisdiction, purpose, basis),
      ];
      if (reasons.length > 0) {
        withheldOwners.push({ agencyId: owner.id, reasons });
      } else {
        admit(owner, rule, jurisdiction);
      }
    }
  }

  visibleOwners.sort((left, right) => compareAgencyIds(left.agencyId, right.agencyId));
  withheldOwners.sort((left, right) => compareAgencyIds(left.agencyId, right.agencyId));
  return { searcherAgencyId, searcherActive: true, visibleOwners, withheldOwners };
}

/**
 * The windows a missing legal reference narrowed this search to, in hours, shortest first: decided from the rules
 * alone, never from which reads exist, so saying so reveals nothing a search could not learn from the law.
 */
export function legalReferenceWindows(decision: VisibilityDecision): number[] {
  // Every search asks (its record and its answer); a national decision is cached per world and names thousands of owners.
  let windows = windowsByDecision.get(decision);
  if (windows === undefined) {
    const hours = new Set<number>();
    for (const owner of decision.visibleOwners) if (owner.maxAgeHours !== undefined) hours.add(owner.maxAgeHours);
    windows = [...hours].sort((left, right) => left - right);
    windowsByDecision.set(decision, windows);
  }
  return [...windows];
}

const windowsByDecision = new WeakMap<VisibilityDecision, readonly number[]>();

/** Owners a search could reach, for /v1/searches/preview. */
export function reachableOwnerIds(decision: VisibilityDecision): string[] {
  return decision.visibleOwners.map((owner) => owner.agencyId);
}
