import { Injectable } from '@nestjs/common';
import { AgencyStore, Database } from '@platekeeper/persistence';
import { AgencyProfile } from '@platekeeper/sharing';
import { AuditTrail } from '../audit/audit-trail.service';
import { AuthenticatedUser } from '../auth/authenticated-user';
import { canonicalTimeZone, sentFields } from '../validation/administration-fields';
import { AGENCY_PATCH_FIELDS, UpdateAgencyDto } from './agency.dto';
import { requireAgency } from './agency-rows';
import { changeRecord } from '../audit/change-record';

/** Changes name, category, status, retention or time zone; read-modify-write under the row lock, recorded in the same transaction. */
@Injectable()
export class UpdateAgencyUseCase {
  constructor(
    private readonly database: Database,
    private readonly agencies: AgencyStore,
    private readonly auditTrail: AuditTrail,
  ) {}

  async execute(user: AuthenticatedUser, agencyId: string, patch: UpdateAgencyDto): Promise<AgencyProfile> {
    return this.database.transaction(async (tx) => {
      const before = await requireAgency(this.agencies, agencyId, { tx, forUpdate: true });
      const after: AgencyProfile = { ...before, ...sentFields(patch, AGENCY_PATCH_FIELDS) };
      if (patch.timeZone !== undefined) after.timeZone = canonicalTimeZone(patch.timeZone);
      await this.agencies.updateProfile(tx, after);
      await this.auditTrail.append(changeRecord(user, 'agency.update', { type: 'agency', id: agencyId }, before, after), tx);
      return after;
    });
  }
}
