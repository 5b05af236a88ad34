import { Module } from '@nestjs/common';
import { AgenciesController } from './agencies.controller';
import { AgencySharingController } from './agency-sharing.controller';
import { CamerasController } from './cameras.controller';
import { CreateAgencyUseCase } from './create-agency.usecase';
import { GetAgencyUseCase } from './get-agency.usecase';
import { GetEffectiveAccessUseCase } from './get-effective-access.usecase';
import { GetJurisdictionUseCase } from './get-jurisdiction.usecase';
import { GetSharingPolicyUseCase } from './get-sharing-policy.usecase';
import { JurisdictionsController } from './jurisdictions.controller';
import { PreviewSearchUseCase } from './preview-search.usecase';
import { PutCameraUseCase } from './put-camera.usecase';
import { PutJurisdictionUseCase } from './put-jurisdiction.usecase';
import { SearchPreviewController } from './search-preview.controller';
import { UpdateAgencyUseCase } from './update-agency.usecase';
import { UpdateSharingPolicyUseCase } from './update-sharing-policy.usecase';

/**
 * CONTRACT §4 "Administration": agencies, sharing policies, cameras, jurisdiction rules, effective access
 * and search previews. Every change commits together with its audit record, or not at all.
 */
@Module({
  controllers: [AgenciesController, AgencySharingController, CamerasController, JurisdictionsController, SearchPreviewController],
  providers: [
    CreateAgencyUseCase,
    GetAgencyUseCase,
    UpdateAgencyUseCase,
    GetSharingPolicyUseCase,
    UpdateSharingPolicyUseCase,
    GetEffectiveAccessUseCase,
    PutCameraUseCase,
    GetJurisdictionUseCase,
    PutJurisdictionUseCase,
    PreviewSearchUseCase,
  ],
})
export class AdministrationModule {}
