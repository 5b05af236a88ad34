import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AgencyProfile } from '@platekeeper/sharing';
import { AuditTrail } from '../audit/audit-trail.service';
import { AuthenticatedUser } from '../auth/authenticated-user';
import { DomainError } from '../errors/domain-error';
import { DEFAULT_RETENTION_DAYS, sentFields } from './administration-fields';
import { CreateAgencyDto } from './agency.dto';
import { completeSharingPolicy } from './agency-rows';
import { changeRecord } from './change-record';
import { SHARING_POLICY_FIELDS } from './sharing-policy.dto';

/** Registers an agency; it and its audit record commit together or not at all. */
@Injectable()
export class CreateAgencyUseCase {
  constructor(
    private readonly dataSource: DataSource,
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
    };
    return this.dataSource.transaction(async (manager) => {
      const inserted = await manager.query(
        `INSERT INTO agencies (id, name, state, category, status, retention_days, sharing)
         VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (id) DO NOTHING RETURNING id`,
        [agency.id, agency.name, agency.state, agency.category, agency.status, agency.retentionDays, agency.sharing],
      );
      if (inserted.length === 0) throw new DomainError('AGENCY.ALREADY_EXISTS', `agency ${agency.id} already exists`);
      await this.auditTrail.append(changeRecord(user, 'agency.create', { type: 'agency', id: agency.id }, null, agency), manager);
      return agency;
    });
  }
}
