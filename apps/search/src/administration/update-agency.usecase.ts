import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AgencyProfile } from '@platekeeper/sharing';
import { AuditTrail } from '../audit/audit-trail.service';
import { AuthenticatedUser } from '../auth/authenticated-user';
import { sentFields } from './administration-fields';
import { AGENCY_PATCH_FIELDS, UpdateAgencyDto } from './agency.dto';
import { requireAgency } from './agency-rows';
import { changeRecord } from './change-record';

/** Changes name, category, status or retention; read-modify-write under the row lock, recorded in the same transaction. */
@Injectable()
export class UpdateAgencyUseCase {
  constructor(
    private readonly dataSource: DataSource,
    private readonly auditTrail: AuditTrail,
  ) {}

  async execute(user: AuthenticatedUser, agencyId: string, patch: UpdateAgencyDto): Promise<AgencyProfile> {
    return this.dataSource.transaction(async (manager) => {
      const before = await requireAgency(manager, agencyId, { forUpdate: true });
      const after: AgencyProfile = { ...before, ...sentFields(patch, AGENCY_PATCH_FIELDS) };
      await manager.query(
        `UPDATE agencies SET name = $2, category = $3, status = $4, retention_days = $5, updated_at = now() WHERE id = $1`,
        [agencyId, after.name, after.category, after.status, after.retentionDays],
      );
      await this.auditTrail.append(changeRecord(user, 'agency.update', { type: 'agency', id: agencyId }, before, after), manager);
      return after;
    });
  }
}
