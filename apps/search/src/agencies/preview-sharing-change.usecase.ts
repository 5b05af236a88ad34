import { Injectable } from '@nestjs/common';
import { GovernanceStore } from '@platekeeper/persistence';
import { AccessGrant, EffectiveAccess, JurisdictionRule, SharingWorld, effectiveAccess, splitPolicyChange, describePolicyStep } from '@platekeeper/sharing';
import { AuthenticatedUser } from '../auth/authenticated-user';
import { assertAdministers } from '../auth/agency-access';
import { DomainError } from '../errors/domain-error';
import { SharingWorldService } from '../sharing-world/sharing-world.service';
import { sentFields } from '../validation/administration-fields';
import { completeSharingPolicy } from './agency-rows';
import { SHARING_POLICY_FIELDS, SharingPolicyPatchDto } from './sharing-policy.dto';

export interface AccessReach {
  agencies: number;
  states: number;
}

export interface SharingChangePreview {
  before: AccessReach;
  after: AccessReach;
  grantsAfter: AccessGrant[];
  effectiveRetentionDays: number;
  deniedPurposesForAll: string[];
  /** The owner's state's rule, which the policy cannot loosen; null when the state has none. */
  stateRule: JurisdictionRule | null;
  widening: string[];
  narrowing: string[];
  /** Whether the widening part would wait (two-person approval or a notice period). */
  wideningWaits: boolean;
}

const reachOf = (access: EffectiveAccess): AccessReach => ({
  agencies: access.grants.length,
  states: new Set(access.grants.map((grant) => grant.state)).size,
});

/** "After this change, N agencies in M states can search your reads (was N′)": the live world with the patch applied, nothing stored. */
@Injectable()
export class PreviewSharingChangeUseCase {
  constructor(private readonly sharingWorld: SharingWorldService, private readonly governance: GovernanceStore) {}

  async execute(user: AuthenticatedUser, agencyId: string, patch: SharingPolicyPatchDto): Promise<SharingChangePreview> {
    assertAdministers(user, agencyId);
    const world = await this.sharingWorld.current();
    const owner = world.agencies.get(agencyId);
    if (owner === undefined) throw new DomainError('AGENCY.NOT_FOUND', `agency ${agencyId} does not exist`);
    const proposed = completeSharingPolicy({ ...owner.sharing, ...sentFields(patch, SHARING_POLICY_FIELDS) });
    const agencies = new Map(world.agencies);
    agencies.set(agencyId, { ...owner, sharing: proposed });
    const changedWorld: SharingWorld = { agencies, jurisdictions: world.jurisdictions };
    const before = effectiveAccess(world, agencyId);
    const after = effectiveAccess(changedWorld, agencyId);
    const { widening, narrowing } = splitPolicyChange(owner.sharing, proposed);
    const governance = await this.governance.governanceOf(agencyId);
    return {
      before: reachOf(before),
      after: reachOf(after),
      grantsAfter: after.grants,
      effectiveRetentionDays: after.effectiveRetentionDays,
      deniedPurposesForAll: after.deniedPurposesForAll,
      stateRule: world.jurisdictions.get(owner.state) ?? null,
      widening: widening.map(describePolicyStep),
      narrowing: narrowing.map(describePolicyStep),
      wideningWaits: widening.length > 0 && (governance.twoPersonApproval || governance.noticePeriodMinutes > 0),
    };
  }
}
