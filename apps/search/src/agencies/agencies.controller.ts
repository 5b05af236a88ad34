import { Body, Controller, Get, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentUser, Roles } from '../auth/auth.decorators';
import { AuthenticatedUser } from '../auth/authenticated-user';
import { requireSomeField } from '../validation/administration-fields';
import { AGENCY_PATCH_FIELDS, AgencyDto, CreateAgencyDto, UpdateAgencyDto } from './agency.dto';
import { CreateAgencyUseCase } from './create-agency.usecase';
import { EffectiveAccessDto } from './effective-access.dto';
import { GetAgencyUseCase } from './get-agency.usecase';
import { GetEffectiveAccessUseCase } from './get-effective-access.usecase';
import { UpdateAgencyUseCase } from './update-agency.usecase';
import { AgencyDirectoryEntryDto, AgencyDirectoryQueryDto, searchAgencyDirectory } from './agency-directory';
import { SharingWorldService } from '../sharing-world/sharing-world.service';

@ApiTags('administration')
@ApiBearerAuth()
@Controller('v1/agencies')
export class AgenciesController {
  constructor(
    private readonly createAgency: CreateAgencyUseCase,
    private readonly getAgency: GetAgencyUseCase,
    private readonly updateAgency: UpdateAgencyUseCase,
    private readonly getEffectiveAccess: GetEffectiveAccessUseCase,
    private readonly sharingWorld: SharingWorldService,
  ) {}

  @Get()
  @Roles('platform_admin', 'agency_admin')
  @ApiOperation({ summary: 'Active agencies whose id or name contains `q` (id, name, state, category): what an admin picks deny lists and direct shares from' })
  @ApiOkResponse({ type: [AgencyDirectoryEntryDto] })
  async directory(@Query() query: AgencyDirectoryQueryDto): Promise<AgencyDirectoryEntryDto[]> {
    return searchAgencyDirectory(await this.sharingWorld.current(), query);
  }

  @Post()
  @Roles('platform_admin')
  @ApiOperation({ summary: 'Register an agency (409 if the id is taken); recorded in the audit trail' })
  @ApiCreatedResponse({ type: AgencyDto })
  create(@CurrentUser() user: AuthenticatedUser, @Body() request: CreateAgencyDto): Promise<AgencyDto> {
    return this.createAgency.execute(user, request);
  }

  @Get(':id')
  @Roles('platform_admin', 'agency_admin', 'auditor')
  @ApiOperation({ summary: 'An agency with its sharing policy (its own agency_admin, or a platform_admin)' })
  @ApiOkResponse({ type: AgencyDto })
  get(@CurrentUser() user: AuthenticatedUser, @Param('id') agencyId: string): Promise<AgencyDto> {
    return this.getAgency.execute(user, agencyId);
  }

  @Patch(':id')
  @Roles('platform_admin')
  @ApiOperation({ summary: 'Change name, category, status, retentionDays or timeZone; in force for the next search; recorded' })
  @ApiOkResponse({ type: AgencyDto })
  update(@CurrentUser() user: AuthenticatedUser, @Param('id') agencyId: string, @Body() patch: UpdateAgencyDto): Promise<AgencyDto> {
    requireSomeField(patch, AGENCY_PATCH_FIELDS);
    return this.updateAgency.execute(user, agencyId, patch);
  }

  @Get(':id/effective-access')
  @Roles('agency_admin', 'platform_admin', 'auditor')
  @ApiOperation({ summary: 'Who can search this agency\'s reads right now, by which rule, and the purposes still denied' })
  @ApiOkResponse({ type: EffectiveAccessDto })
  effectiveAccess(@CurrentUser() user: AuthenticatedUser, @Param('id') agencyId: string): Promise<EffectiveAccessDto> {
    return this.getEffectiveAccess.execute(user, agencyId);
  }
}
