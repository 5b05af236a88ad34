import { Module } from '@nestjs/common';
import { AgenciesController } from './agencies.controller';
import { AgencySharingController } from './agency-sharing.controller';
import { CreateAgencyUseCase } from './create-agency.usecase';
import { GetAgencyUseCase } from './get-agency.usecase';
import { GetEffectiveAccessUseCase } from './get-effective-access.usecase';
import { GetSharingPolicyUseCase } from './get-sharing-policy.usecase';
import { UpdateAgencyUseCase } from './update-agency.usecase';
import { UpdateSharingPolicyUseCase } from './update-sharing-policy.usecase';
import { PreviewSharingChangeUseCase } from './preview-sharing-change.usecase';
import { SharingGovernanceModule } from '../sharing-governance/sharing-governance.module';

/** CONTRACT §4 "Administration" of agencies: profiles, sharing policies, effective access. Every change commits with its audit record, or not at all. */
@Module({
  imports: [SharingGovernanceModule],
  controllers: [AgenciesController, AgencySharingController],
  providers: [
    CreateAgencyUseCase, GetAgencyUseCase, UpdateAgencyUseCase, GetSharingPolicyUseCase, UpdateSharingPolicyUseCase, GetEffectiveAccessUseCase, PreviewSharingChangeUseCase,
  ],
})
export class AgenciesModule {}
