import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { assertAdministers } from '../auth/agency-access';
import { AuthenticatedUser } from '../auth/authenticated-user';
import { DomainError } from '../errors/domain-error';

/** Who may review an agency's audit: that agency's own agency_admin, or a platform_admin; and the agency must exist. */
@Injectable()
export class ReviewedAgency {
  constructor(private readonly dataSource: DataSource) {}

  async resolve(user: AuthenticatedUser, agencyId: string): Promise<string> {
    assertAdministers(user, agencyId);
    const [agency] = await this.dataSource.query('SELECT id FROM agencies WHERE id = $1', [agencyId]);
    if (agency === undefined) throw new DomainError('AGENCY.NOT_FOUND', `agency ${agencyId} does not exist`);
    return agencyId;
  }
}
