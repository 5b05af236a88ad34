import { AgencyProfile, DenyReason, JurisdictionRule, SearchPurpose, ShareRule } from './sharing-policy';

export type GrantingRule = Exclude<ShareRule, 'own'>;

/** Condition 6 of CONTRACT §3: every rule under which `owner` shares with `searcher`, in precedence order. */
export function grantingRules(owner: AgencyProfile, searcher: AgencyProfile, directlyAllowed: boolean): GrantingRule[] {
  const rules: GrantingRule[] = [];
  if (directlyAllowed) rules.push('direct');
  if (owner.sharing.statewide && searcher.sharing.statewide && owner.state === searcher.state) rules.push('statewide');
  if (owner.sharing.nationalLookup && searcher.sharing.nationalLookup) rules.push('national');
  return rules;
}

/**
 * Conditions 2–5 of CONTRACT §3 that fail for `searcher` reading `owner`'s data.
 * Without a purpose, condition 4 is skipped (effective access is purpose-independent).
 */
export function denyReasons(
  owner: AgencyProfile,
  searcher: AgencyProfile,
  jurisdiction: JurisdictionRule | undefined,
  deniedBySearcherId: boolean,
  purpose?: SearchPurpose,
): DenyReason[] {
  const reasons: DenyReason[] = [];
  if (deniedBySearcherId) reasons.push('SHARING.DENIED_AGENCY');
  if (
    owner.sharing.denyCategories.includes(searcher.category) ||
    (jurisdiction?.denyCategories.includes(searcher.category) ?? false)
  ) {
    reasons.push('SHARING.DENIED_CATEGORY');
  }
  if (
    purpose !== undefined &&
    (owner.sharing.deniedPurposes.includes(purpose) || (jurisdiction?.deniedPurposes.includes(purpose) ?? false))
  ) {
    reasons.push('SHARING.DENIED_PURPOSE');
  }
  if (jurisdiction?.denyOutOfState && searcher.state !== owner.state) reasons.push('SHARING.OUT_OF_STATE');
  return reasons;
}

export function compareAgencyIds(left: string, right: string): number {
  return left < right ? -1 : left > right ? 1 : 0;
}
