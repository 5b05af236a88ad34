import { AgencyProfile, DEFAULT_SHARING_POLICY, SharingPolicy } from '@platekeeper/sharing';
import { AgencyStore, Transaction } from '@platekeeper/persistence';
import { DomainError } from '../errors/domain-error';
import { distinct } from '../validation/administration-fields';
import { settingLegalBasis } from '../validation/legal-basis-fields';

/** A whole policy from a partial one: lists copied and de-duplicated, so the stored jsonb is always complete. */
export function completeSharingPolicy(policy: Partial<SharingPolicy>): SharingPolicy {
  const whole = { ...DEFAULT_SHARING_POLICY, ...policy };
  return {
    statewide: whole.statewide,
    nationalLookup: whole.nationalLookup,
    allowAgencies: distinct(whole.allowAgencies),
    denyAgencies: distinct(whole.denyAgencies),
    denyCategories: distinct(whole.denyCategories),
    deniedPurposes: distinct(whole.deniedPurposes),
    ...settingLegalBasis(whole),
  };
}

/** The agency as stored, its policy complete; read inside `tx` when given, and row-locked until it ends with `forUpdate`. */
export async function requireAgency(
  agencies: AgencyStore, agencyId: string, options: { tx?: Transaction; forUpdate?: boolean } = {},
): Promise<AgencyProfile> {
  const { tx, forUpdate } = options;
  const agency = tx && forUpdate ? await agencies.findForUpdate(tx, agencyId) : await agencies.find(agencyId, tx);
  if (agency === undefined) throw new DomainError('AGENCY.NOT_FOUND', `agency ${agencyId} does not exist`);
  return { ...agency, sharing: completeSharingPolicy(agency.sharing) };
}
