import { Injectable } from '@nestjs/common';
import { AgencyStore } from '@platekeeper/persistence';
import { SharingPolicy } from '@platekeeper/sharing';
import { AuthenticatedUser } from '../auth/authenticated-user';
import { assertReviews } from '../auth/agency-access';
import { requireAgency } from './agency-rows';

@Injectable()
export class GetSharingPolicyUseCase {
  constructor(private readonly agencies: AgencyStore) {}

  async execute(user: AuthenticatedUser, agencyId: string): Promise<SharingPolicy> {
    assertReviews(user, agencyId);
    return (await requireAgency(this.agencies, agencyId)).sharing;
  }
}
