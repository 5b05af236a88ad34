import { Injectable } from '@nestjs/common';
import { AgencyStore } from '@platekeeper/persistence';
import { assertReviews } from '../auth/agency-access';
import { AuthenticatedUser } from '../auth/authenticated-user';
import { DomainError } from '../errors/domain-error';

/** Who may review an agency's audit: that agency's own agency_admin or auditor, or a platform_admin; and the agency must exist. */
@Injectable()
export class ReviewedAgency {
  constructor(private readonly agencies: AgencyStore) {}

  async resolve(user: AuthenticatedUser, agencyId: string): Promise<string> {
    assertReviews(user, agencyId);
    if (!(await this.agencies.exists(agencyId))) throw new DomainError('AGENCY.NOT_FOUND', `agency ${agencyId} does not exist`);
    return agencyId;
  }
}
