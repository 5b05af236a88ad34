import { Injectable } from '@nestjs/common';
import { AuthenticatedUser } from '../auth/authenticated-user';
import { sentFields } from '../validation/administration-fields';
import { assertAdministers } from '../auth/agency-access';
import { GovernedSharingChanges, SharingChangeOutcome } from '../sharing-governance/governed-sharing-changes';
import { SHARING_POLICY_FIELDS, SharingPolicyPatchDto } from './sharing-policy.dto';

/**
 * Partly updates an agency's sharing policy. The row lock makes concurrent PATCHes apply one after the
 * other, so neither loses the other's fields; the trigger's version bump puts it in force for the next search.
 * A widening the agency governs (two-person approval, notice period) waits instead (docs/console.md).
 */
@Injectable()
export class UpdateSharingPolicyUseCase {
  constructor(private readonly governedChanges: GovernedSharingChanges) {}

  execute(user: AuthenticatedUser, agencyId: string, patch: SharingPolicyPatchDto): Promise<SharingChangeOutcome> {
    assertAdministers(user, agencyId);
    return this.governedChanges.change(user, agencyId, sentFields(patch, SHARING_POLICY_FIELDS));
  }
}
