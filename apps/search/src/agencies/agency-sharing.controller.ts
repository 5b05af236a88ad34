import { Body, Controller, Get, Param, Patch } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentUser, Roles } from '../auth/auth.decorators';
import { AuthenticatedUser } from '../auth/authenticated-user';
import { requireSomeField } from '../validation/administration-fields';
import { GetSharingPolicyUseCase } from './get-sharing-policy.usecase';
import { SHARING_POLICY_FIELDS, SharingPolicyDto, SharingPolicyPatchDto } from './sharing-policy.dto';
import { UpdateSharingPolicyUseCase } from './update-sharing-policy.usecase';

@ApiTags('administration')
@ApiBearerAuth()
@Controller('v1/agencies/:id/sharing')
@Roles('agency_admin', 'platform_admin')
export class AgencySharingController {
  constructor(
    private readonly getSharingPolicy: GetSharingPolicyUseCase,
    private readonly updateSharingPolicy: UpdateSharingPolicyUseCase,
  ) {}

  @Get()
  @Roles('agency_admin', 'platform_admin', 'auditor')
  @ApiOperation({ summary: 'The agency\'s sharing policy (its own agency_admin or auditor, or a platform_admin)' })
  @ApiOkResponse({ type: SharingPolicyDto })
  get(@CurrentUser() user: AuthenticatedUser, @Param('id') agencyId: string): Promise<SharingPolicyDto> {
    return this.getSharingPolicy.execute(user, agencyId);
  }

  @Patch()
  @ApiOperation({
    summary: 'Partly update the sharing policy, e.g. {"nationalLookup": false}; answers the whole new policy, in force for the next search',
  })
  @ApiOkResponse({ type: SharingPolicyDto })
  update(
    @CurrentUser() user: AuthenticatedUser,
    @Param('id') agencyId: string,
    @Body() patch: SharingPolicyPatchDto,
  ): Promise<SharingPolicyDto> {
    requireSomeField(patch, SHARING_POLICY_FIELDS);
    return this.updateSharingPolicy.execute(user, agencyId, patch);
  }
}
