import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiForbiddenResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentUser, Roles } from '../auth/auth.decorators';
import { AuthenticatedUser } from '../auth/authenticated-user';
import { AuditChainStatusDto, AuditVerificationDto } from './audit-verification.dto';
import { AuditChainStatus } from './audit-chain-status';
import { AuditedSearchesPageDto, AuditedSearchesQueryDto } from './audited-searches.dto';
import { ListAuditedSearchesUseCase } from './list-audited-searches.usecase';
import { ReviewedAgency } from './reviewed-agency';
import { VerifyAuditChainUseCase } from './verify-audit-chain.usecase';

@ApiTags('audit')
@ApiBearerAuth()
@Controller('v1/audit')
export class AuditController {
  constructor(
    private readonly verifyAuditChain: VerifyAuditChainUseCase,
    private readonly listAuditedSearches: ListAuditedSearchesUseCase,
    private readonly reviewedAgency: ReviewedAgency,
    private readonly chainStatus: AuditChainStatus,
  ) {}

  @Get('chain-status')
  @Roles('agency_admin', 'platform_admin', 'investigator')
  @ApiOperation({ summary: 'Whether the audit chain verifies and its head hash (a verification reused for TRANSPARENCY_CHAIN_CHECK_SECONDS)' })
  @ApiOkResponse({ type: AuditChainStatusDto })
  chain(): Promise<AuditChainStatusDto> {
    return this.chainStatus.current();
  }

  @Get('verify')
  @Roles('platform_admin')
  @ApiOperation({ summary: 'Recompute the whole hash chain of the audit trail and name the first broken record' })
  @ApiOkResponse({ type: AuditVerificationDto })
  verify(): Promise<AuditVerificationDto> {
    return this.verifyAuditChain.execute();
  }

  @Get('searches')
  @Roles('agency_admin', 'platform_admin')
  @ApiOperation({
    summary: "Searches by the agency's own users, and searches by others that returned its reads or were withheld its matching reads",
    description:
      'Newest first, recorded between `from` and `to` (both inclusive; default the last 30 days). Own users\' searches in full, ' +
      'refused ones and previews included; another agency\'s search only where it returned reads of this agency or a deny rule ' +
      'withheld reads of this agency that matched its criteria, and then only who, when, why and this agency\'s own counts. ' +
      "An agency_admin reviews their own agency; a platform_admin may name any agency with `agencyId`.",
  })
  @ApiOkResponse({ type: AuditedSearchesPageDto })
  @ApiForbiddenResponse({ description: "another agency's agency_admin, or a caller without agency_admin/platform_admin" })
  async searches(@CurrentUser() user: AuthenticatedUser, @Query() query: AuditedSearchesQueryDto): Promise<AuditedSearchesPageDto> {
    const { agencyId: requestedAgencyId, ...window } = query;
    const agencyId = await this.reviewedAgency.resolve(user, requestedAgencyId ?? user.agencyId);
    return this.listAuditedSearches.execute({ agencyId, ...window });
  }
}
