import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiForbiddenResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentUser, Roles } from '../auth/auth.decorators';
import { AuthenticatedUser } from '../auth/authenticated-user';
import { AuditChainStatusDto, AuditVerificationDto } from './audit-verification.dto';
import { AuditChainStatus } from './audit-chain-status';
import { AuditedSearchesPageDto, AuditedSearchesQueryDto } from './audited-searches.dto';
import { ListAuditedSearchesUseCase } from './list-audited-searches.usecase';
import { ReviewedAgency } from './reviewed-agency';
import { VerifyAuditChainUseCase } from './verify-audit-chain.usecase';
import { ExplainSearchUseCase } from './explain-search.usecase';
import { ExplainedSearchDto, SearchIdPathDto } from './explained-search.dto';

@ApiTags('audit')
@ApiBearerAuth()
@Controller('v1/audit')
export class AuditController {
  constructor(
    private readonly verifyAuditChain: VerifyAuditChainUseCase,
    private readonly listAuditedSearches: ListAuditedSearchesUseCase,
    private readonly reviewedAgency: ReviewedAgency,
    private readonly explainSearch: ExplainSearchUseCase,
    private readonly chainStatus: AuditChainStatus,
  ) {}

  @Get('searches/:searchId/explain')
  @Roles('agency_admin', 'platform_admin', 'auditor')
  @ApiOperation({
    summary: 'Why a search saw what it saw: the world version it was decided under and, per owner, the rule that granted or the reasons that withheld',
    description:
      'Answered from the search\'s record, never recomputed. The searching agency\'s agency_admin sees its search (returned owners ' +
      'with their granting rule, its own withheld reads, the legal-reference narrowing); another agency\'s agency_admin sees it only ' +
      'where it returned or withheld that agency\'s matching reads, and then only that agency\'s line; a platform_admin sees all. ' +
      'Any other search is a 404, as one that does not exist.',
  })
  @ApiOkResponse({ type: ExplainedSearchDto })
  explain(@CurrentUser() user: AuthenticatedUser, @Param() path: SearchIdPathDto): Promise<ExplainedSearchDto> {
    return this.explainSearch.execute(user, path.searchId, [user.agencyId]);
  }


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
  @Roles('agency_admin', 'platform_admin', 'auditor')
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
