import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { SharingPolicy } from '@platekeeper/sharing';
import { AuthenticatedUser } from '../auth/authenticated-user';
import { assertAdministers } from '../auth/agency-access';
import { requireAgency } from './agency-rows';

@Injectable()
export class GetSharingPolicyUseCase {
  constructor(private readonly dataSource: DataSource) {}

  async execute(user: AuthenticatedUser, agencyId: string): Promise<SharingPolicy> {
    assertAdministers(user, agencyId);
    return (await requireAgency(this.dataSource, agencyId)).sharing;
  }
}
