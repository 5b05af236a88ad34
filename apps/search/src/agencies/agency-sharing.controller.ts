import { Body, Controller, Get, HttpCode, Param, Patch, Post, Res } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { GovernedSharingUpdateDto } from '../sharing-governance/sharing-governance.dto';
import { sharingChangeView } from '../sharing-governance/sharing-governance.controller';
import { PreviewSharingChangeUseCase, SharingChangePreview } from './preview-sharing-change.usecase';
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
    private readonly previewSharingChange: PreviewSharingChangeUseCase,
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
    summary: 'Partly update the sharing policy, e.g. {"nationalLookup": false}; answers the whole new policy, in force for the next search. ' +
      'When the agency governs widenings (GET/PUT governance), the widening part waits and the answer is 202 with the policy now and the pending change',
  })
  @ApiOkResponse({ type: SharingPolicyDto })
  @ApiAcceptedResponse({ type: GovernedSharingUpdateDto })
  async update(
    @CurrentUser() user: AuthenticatedUser,
    @Param('id') agencyId: string,
    @Body() patch: SharingPolicyPatchDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<SharingPolicyDto | GovernedSharingUpdateDto> {
    requireSomeField(patch, SHARING_POLICY_FIELDS);
    const outcome = await this.updateSharingPolicy.execute(user, agencyId, patch);
    if (outcome.pendingChange === null) return outcome.policy;
    void reply.status(202);
    return { policy: outcome.policy, pendingChange: sharingChangeView(outcome.pendingChange) };
  }

  @Post('preview')
  @HttpCode(200)
  @ApiOperation({
    summary: 'What a change would do, nothing stored: agencies and states that could search the reads before and after, what the state rule forces, and whether the widening would wait',
  })
  preview(@CurrentUser() user: AuthenticatedUser, @Param('id') agencyId: string, @Body() patch: SharingPolicyPatchDto): Promise<SharingChangePreview> {
    return this.previewSharingChange.execute(user, agencyId, patch);
  }
}
