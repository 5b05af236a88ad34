import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AgencyProfile } from '@platekeeper/sharing';
import { AuthenticatedUser } from '../auth/authenticated-user';
import { assertAdministers } from '../auth/agency-access';
import { requireAgency } from './agency-rows';

@Injectable()
export class GetAgencyUseCase {
  constructor(private readonly dataSource: DataSource) {}

  async execute(user: AuthenticatedUser, agencyId: string): Promise<AgencyProfile> {
    assertAdministers(user, agencyId);
    return requireAgency(this.dataSource, agencyId);
  }
}
