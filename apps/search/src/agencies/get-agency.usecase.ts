import { Injectable } from '@nestjs/common';
import { AgencyStore } from '@platekeeper/persistence';
import { AgencyProfile } from '@platekeeper/sharing';
import { AuthenticatedUser } from '../auth/authenticated-user';
import { assertReviews } from '../auth/agency-access';
import { requireAgency } from './agency-rows';

@Injectable()
export class GetAgencyUseCase {
  constructor(private readonly agencies: AgencyStore) {}

  async execute(user: AuthenticatedUser, agencyId: string): Promise<AgencyProfile> {
    assertReviews(user, agencyId);
    return requireAgency(this.agencies, agencyId);
  }
}
