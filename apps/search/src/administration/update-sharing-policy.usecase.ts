import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { SharingPolicy } from '@platekeeper/sharing';
import { AuditTrail } from '../audit/audit-trail.service';
import { AuthenticatedUser } from '../auth/authenticated-user';
import { sentFields } from './administration-fields';
import { assertAdministers } from '../auth/agency-access';
import { completeSharingPolicy, requireAgency } from './agency-rows';
import { changeRecord } from './change-record';
import { SHARING_POLICY_FIELDS, SharingPolicyPatchDto } from './sharing-policy.dto';

/**
 * Partly updates an agency's sharing policy. The row lock makes concurrent PATCHes apply one after the
 * other, so neither loses the other's fields; the trigger's version bump puts it in force for the next search.
 */
@Injectable()
export class UpdateSharingPolicyUseCase {
  constructor(
    private readonly dataSource: DataSource,
    private readonly auditTrail: AuditTrail,
  ) {}

  async execute(user: AuthenticatedUser, agencyId: string, patch: SharingPolicyPatchDto): Promise<SharingPolicy> {
    assertAdministers(user, agencyId);
    return this.dataSource.transaction(async (manager) => {
      const before = (await requireAgency(manager, agencyId, { forUpdate: true })).sharing;
      const after = completeSharingPolicy({ ...before, ...sentFields(patch, SHARING_POLICY_FIELDS) });
      await manager.query(`UPDATE agencies SET sharing = $2, updated_at = now() WHERE id = $1`, [agencyId, after]);
      await this.auditTrail.append(changeRecord(user, 'sharing.update', { type: 'agency', id: agencyId }, before, after), manager);
      return after;
    });
  }
}
