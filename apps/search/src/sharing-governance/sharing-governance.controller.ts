import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Put, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AgencyStore, Database, GovernanceStore, SharingChange, SharingNoticeDelivery, SharingNoticeStore } from '@platekeeper/persistence';
import { PolicyStep, describePolicyStep } from '@platekeeper/sharing';
import { CurrentUser, Roles } from '../auth/auth.decorators';
import { AuthenticatedUser } from '../auth/authenticated-user';
import { assertAdministers, isPlatformAdmin } from '../auth/agency-access';
import { AuditTrail } from '../audit/audit-trail.service';
import { changeRecord } from '../audit/change-record';
import { DomainError } from '../errors/domain-error';
import { requireAgency } from '../agencies/agency-rows';
import { GovernedSharingChanges } from './governed-sharing-changes';
import { SharingNotices } from './sharing-notices.service';
import {
  AgencyGovernanceDto, SharingChangeDto, SharingChangesQueryDto, SharingNoticeDeliveryDto, SharingNoticesQueryDto, StoredAgencyGovernanceDto,
} from './sharing-governance.dto';

export function sharingChangeView(change: SharingChange): SharingChangeDto {
  return { ...change, summary: change.steps.map((step) => describePolicyStep(step as PolicyStep)) };
}

@ApiTags('administration')
@ApiBearerAuth()
@Controller('v1/agencies/:id')
@Roles('agency_admin', 'platform_admin')
export class SharingGovernanceController {
  constructor(
    private readonly database: Database,
    private readonly agencies: AgencyStore,
    private readonly governance: GovernanceStore,
    private readonly auditTrail: AuditTrail,
    private readonly changes: GovernedSharingChanges,
    private readonly noticeOutbox: SharingNoticeStore,
    private readonly notices: SharingNotices,
  ) {}

  @Get('governance')
  @ApiOperation({ summary: 'How the agency governs widenings of its sharing (two-person approval, notice period) and whom it tells' })
  @ApiOkResponse({ type: StoredAgencyGovernanceDto })
  async getGovernance(@CurrentUser() user: AuthenticatedUser, @Param('id') agencyId: string): Promise<StoredAgencyGovernanceDto> {
    assertAdministers(user, agencyId);
    await requireAgency(this.agencies, agencyId);
    return this.governance.governanceOf(agencyId);
  }

  @Put('governance')
  @ApiOperation({
    summary: 'Set the governance; recorded. While two-person approval is on, turning it off or shortening the notice needs a platform_admin',
  })
  @ApiOkResponse({ type: StoredAgencyGovernanceDto })
  putGovernance(
    @CurrentUser() user: AuthenticatedUser, @Param('id') agencyId: string, @Body() request: AgencyGovernanceDto,
  ): Promise<StoredAgencyGovernanceDto> {
    assertAdministers(user, agencyId);
    return this.database.transaction(async (tx) => {
      await requireAgency(this.agencies, agencyId, { tx, forUpdate: true });
      const before = await this.governance.governanceOf(agencyId, tx);
      const loosens = (before.twoPersonApproval && !request.twoPersonApproval) || request.noticePeriodMinutes < before.noticePeriodMinutes;
      // One admin alone must not be able to switch off the second person that guards against one admin alone.
      if (before.twoPersonApproval && loosens && !isPlatformAdmin(user)) {
        throw new DomainError('GOVERNANCE.LOOSENING_NEEDS_PLATFORM_ADMIN', 'while two-person approval is on, only a platform_admin may turn it off or shorten the notice period');
      }
      const after = await this.governance.putGovernance(tx, {
        agencyId,
        twoPersonApproval: request.twoPersonApproval,
        noticePeriodMinutes: request.noticePeriodMinutes,
        notifyEmails: [...new Set(request.notifyEmails)],
        notifyWebhooks: [...new Set(request.notifyWebhooks)],
        publicLocationDecimals: request.publicLocationDecimals ?? before.publicLocationDecimals,
        updatedBy: user.userId,
      });
      await this.auditTrail.append(changeRecord(user, 'governance.put', { type: 'agency', id: agencyId }, before, after), tx);
      return after;
    });
  }

  @Get('sharing/changes')
  @ApiOperation({ summary: 'Changes to the sharing policy, newest first: who proposed, approved, applied or cancelled what, and when' })
  @ApiOkResponse({ type: [SharingChangeDto] })
  async list(@CurrentUser() user: AuthenticatedUser, @Param('id') agencyId: string, @Query() query: SharingChangesQueryDto): Promise<SharingChangeDto[]> {
    assertAdministers(user, agencyId);
    await requireAgency(this.agencies, agencyId);
    return (await this.governance.changesOf(agencyId, query.limit ?? 50)).map(sharingChangeView);
  }

  @Post('sharing/changes/:changeId/approve')
  @HttpCode(200)
  @ApiOperation({ summary: 'Approve a widening proposed by someone else; in force at once without a notice period, else at effectiveAt' })
  @ApiOkResponse({ type: SharingChangeDto })
  async approve(
    @CurrentUser() user: AuthenticatedUser, @Param('id') agencyId: string, @Param('changeId', new ParseUUIDPipe()) changeId: string,
  ): Promise<SharingChangeDto> {
    assertAdministers(user, agencyId);
    return sharingChangeView(await this.changes.approve(user, agencyId, changeId));
  }

  @Post('sharing/changes/:changeId/cancel')
  @HttpCode(200)
  @ApiOperation({ summary: 'Withdraw a widening that waits for approval or its notice period (any admin of the agency)' })
  @ApiOkResponse({ type: SharingChangeDto })
  async cancel(
    @CurrentUser() user: AuthenticatedUser, @Param('id') agencyId: string, @Param('changeId', new ParseUUIDPipe()) changeId: string,
  ): Promise<SharingChangeDto> {
    assertAdministers(user, agencyId);
    return sharingChangeView(await this.changes.cancel(user, agencyId, changeId));
  }

  @Get('sharing/notices')
  @ApiOperation({ summary: 'Notices of sharing changes to the agency\'s contacts, newest first: delivered, pending (retrying) or failed (attempts used up)' })
  @ApiOkResponse({ type: [SharingNoticeDeliveryDto] })
  async listNotices(
    @CurrentUser() user: AuthenticatedUser, @Param('id') agencyId: string, @Query() query: SharingNoticesQueryDto,
  ): Promise<SharingNoticeDeliveryDto[]> {
    assertAdministers(user, agencyId);
    await requireAgency(this.agencies, agencyId);
    return (await this.noticeOutbox.noticesOf(agencyId, { status: query.status, limit: query.limit ?? 50 })).map(noticeView);
  }

  @Post('sharing/notices/:noticeId/retry')
  @HttpCode(200)
  @ApiOperation({ summary: 'Send a failed notice again, from a fresh set of attempts (same idempotency key)' })
  @ApiOkResponse({ type: SharingNoticeDeliveryDto })
  async retryNotice(
    @CurrentUser() user: AuthenticatedUser, @Param('id') agencyId: string, @Param('noticeId', new ParseUUIDPipe()) noticeId: string,
  ): Promise<SharingNoticeDeliveryDto> {
    assertAdministers(user, agencyId);
    const requeued = await this.database.transaction((tx) => this.noticeOutbox.requeueFailed(tx, agencyId, noticeId));
    if (requeued === undefined) throw new DomainError('SHARING_NOTICE.NOT_FOUND', `agency ${agencyId} has no failed notice ${noticeId}`);
    this.notices.wake();
    return noticeView(requeued);
  }
}

/** The outbox row without its payload (the change it tells of is in `GET …/sharing/changes`). */
function noticeView({ payload: _payload, ...delivery }: SharingNoticeDelivery): SharingNoticeDeliveryDto {
  return delivery;
}
