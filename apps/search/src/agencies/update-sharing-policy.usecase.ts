import { Injectable } from '@nestjs/common';
import { AgencyStore, Database } from '@platekeeper/persistence';
import { SharingPolicy } from '@platekeeper/sharing';
import { AuditTrail } from '../audit/audit-trail.service';
import { AuthenticatedUser } from '../auth/authenticated-user';
import { sentFields } from '../validation/administration-fields';
import { assertAdministers } from '../auth/agency-access';
import { completeSharingPolicy, requireAgency } from './agency-rows';
import { changeRecord } from '../audit/change-record';
import { SHARING_POLICY_FIELDS, SharingPolicyPatchDto } from './sharing-policy.dto';

/**
 * Partly updates an agency's sharing policy. The row lock makes concurrent PATCHes apply one after the
 * other, so neither loses the other's fields; the trigger's version bump puts it in force for the next search.
 */
@Injectable()
export class UpdateSharingPolicyUseCase {
  constructor(
    private readonly database: Database,
    private readonly agencies: AgencyStore,
    private readonly auditTrail: AuditTrail,
  ) {}

  async execute(user: AuthenticatedUser, agencyId: string, patch: SharingPolicyPatchDto): Promise<SharingPolicy> {
    assertAdministers(user, agencyId);
    return this.database.transaction(async (tx) => {
      const before = (await requireAgency(this.agencies, agencyId, { tx, forUpdate: true })).sharing;
      const after = completeSharingPolicy({ ...before, ...sentFields(patch, SHARING_POLICY_FIELDS) });
      await this.agencies.updateSharing(tx, agencyId, after);
      await this.auditTrail.append(changeRecord(user, 'sharing.update', { type: 'agency', id: agencyId }, before, after), tx);
      return after;
    });
  }
}
