import { Injectable } from '@nestjs/common';
import { AgencyStore, Database } from '@platekeeper/persistence';
import { AgencyProfile } from '@platekeeper/sharing';
import { AuditTrail } from '../audit/audit-trail.service';
import { AuthenticatedUser } from '../auth/authenticated-user';
import { DomainError } from '../errors/domain-error';
import { DEFAULT_RETENTION_DAYS, DEFAULT_TIME_ZONE, canonicalTimeZone, sentFields } from '../validation/administration-fields';
import { CreateAgencyDto } from './agency.dto';
import { completeSharingPolicy } from './agency-rows';
import { changeRecord } from '../audit/change-record';
import { SHARING_POLICY_FIELDS } from './sharing-policy.dto';

/** Registers an agency; it and its audit record commit together or not at all. */
@Injectable()
export class CreateAgencyUseCase {
  constructor(
    private readonly database: Database,
    private readonly agencies: AgencyStore,
    private readonly auditTrail: AuditTrail,
  ) {}

  async execute(user: AuthenticatedUser, request: CreateAgencyDto): Promise<AgencyProfile> {
    const agency: AgencyProfile = {
      id: request.id,
      name: request.name,
      state: request.state,
      category: request.category,
      status: request.status ?? 'active',
      retentionDays: request.retentionDays ?? DEFAULT_RETENTION_DAYS,
      sharing: completeSharingPolicy(request.sharing ? sentFields(request.sharing, SHARING_POLICY_FIELDS) : {}),
      timeZone: canonicalTimeZone(request.timeZone) ?? DEFAULT_TIME_ZONE,
    };
    return this.database.transaction(async (tx) => {
      if (!(await this.agencies.insert(tx, agency))) throw new DomainError('AGENCY.ALREADY_EXISTS', `agency ${agency.id} already exists`);
      await this.auditTrail.append(changeRecord(user, 'agency.create', { type: 'agency', id: agency.id }, null, agency), tx);
      return agency;
    });
  }
}
