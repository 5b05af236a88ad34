import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsBoolean, IsEmail, IsIn, IsInt, IsOptional, IsUrl, Max, Min } from 'class-validator';
import { SHARING_CHANGE_STATUSES, SHARING_NOTICE_STATUSES, SharingNoticeStatus } from '@platekeeper/persistence';
import { SharingPolicyDto } from '../agencies/sharing-policy.dto';

export const MAX_NOTICE_PERIOD_MINUTES = 90 * 24 * 60;
const MAX_CONTACTS = 20;

/** PUT /v1/agencies/{id}/governance: how the agency governs widenings of its sharing and whom it tells. */
export class AgencyGovernanceDto {
  @ApiProperty({ description: 'a change that widens access waits for a second agency admin (not its proposer) to approve it' })
  @IsBoolean()
  twoPersonApproval: boolean;

  @ApiProperty({ minimum: 0, maximum: MAX_NOTICE_PERIOD_MINUTES, description: 'a widening takes effect this many minutes after approval (or after it is proposed, without two-person approval); narrowing is always immediate' })
  @IsInt() @Min(0) @Max(MAX_NOTICE_PERIOD_MINUTES)
  noticePeriodMinutes: number;

  @ApiProperty({ type: [String], description: 'addresses told of every widening and narrowing (through SMTP_URL)' })
  @IsArray() @ArrayMaxSize(MAX_CONTACTS) @IsEmail({}, { each: true, message: 'each value in notifyEmails must be an e-mail address' })
  notifyEmails: string[];

  @ApiProperty({ type: [String], description: 'http(s) URLs that receive a JSON POST for every widening and narrowing' })
  @IsArray() @ArrayMaxSize(MAX_CONTACTS)
  @IsUrl({ protocols: ['http', 'https'], require_protocol: true, require_tld: false }, { each: true, message: 'each value in notifyWebhooks must be an http(s) URL' })
  notifyWebhooks: string[];

  @ApiPropertyOptional({ minimum: 0, maximum: 5, default: 2, description: 'decimal places of camera positions on the public transparency page (2 ≈ 1 km)' })
  @IsOptional() @IsInt() @Min(0) @Max(5)
  publicLocationDecimals?: number;
}

export class StoredAgencyGovernanceDto extends AgencyGovernanceDto {
  @ApiProperty() agencyId: string;
  @ApiProperty({ nullable: true, type: String }) updatedAt: string | null;
  @ApiProperty({ nullable: true, type: String }) updatedBy: string | null;
}

export class SharingChangeDto {
  @ApiProperty() id: string;
  @ApiProperty() agencyId: string;
  @ApiProperty({ enum: ['widening', 'narrowing'] }) direction: 'widening' | 'narrowing';
  @ApiProperty({ enum: SHARING_CHANGE_STATUSES }) status: (typeof SHARING_CHANGE_STATUSES)[number];
  @ApiProperty({ type: 'array', items: { type: 'object' }, description: '{field, set} for a switch, {field, add} or {field, remove} for a list' })
  steps: object[];
  @ApiProperty({ type: [String], description: 'the steps in plain language' }) summary: string[];
  @ApiProperty() proposedBy: string;
  @ApiProperty() proposedAt: string;
  @ApiProperty({ nullable: true, type: String }) approvedBy: string | null;
  @ApiProperty({ nullable: true, type: String }) approvedAt: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'when an approved widening takes effect' }) effectiveAt: string | null;
  @ApiProperty({ nullable: true, type: String }) appliedAt: string | null;
  @ApiProperty({ nullable: true, type: String }) cancelledBy: string | null;
  @ApiProperty({ nullable: true, type: String }) cancelledAt: string | null;
}

export class GovernedSharingUpdateDto {
  @ApiProperty({ type: SharingPolicyDto, description: 'the policy in force now (narrowing steps of the request already applied)' }) policy: SharingPolicyDto;
  @ApiProperty({ type: SharingChangeDto, description: 'the widening waiting for approval or its notice period' }) pendingChange: SharingChangeDto;
}

export class SharingChangesQueryDto {
  @ApiPropertyOptional({ minimum: 1, maximum: 200, default: 50 })
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(200)
  limit?: number;
}

export class SharingNoticesQueryDto extends SharingChangesQueryDto {
  @ApiPropertyOptional({ enum: SHARING_NOTICE_STATUSES, description: 'only notices in this state, e.g. failed' })
  @IsOptional() @IsIn(SHARING_NOTICE_STATUSES, { message: `status must be one of ${SHARING_NOTICE_STATUSES.join(', ')}` })
  status?: SharingNoticeStatus;
}

/** One notice to one contact, as the outbox holds it. */
export class SharingNoticeDeliveryDto {
  @ApiProperty({ description: 'the idempotency key the receiver sees (webhook Idempotency-Key header and body id, e-mail Message-ID)' }) id: string;
  @ApiProperty() agencyId: string;
  @ApiProperty() sharingChangeId: string;
  @ApiProperty({ description: 'sharing.narrowed, sharing.widened, sharing.widening_proposed, …' }) event: string;
  @ApiProperty({ enum: ['webhook', 'email'] }) channel: 'webhook' | 'email';
  @ApiProperty({ description: 'the webhook URL or e-mail address' }) destination: string;
  @ApiProperty({ enum: SHARING_NOTICE_STATUSES, description: 'pending (being sent or waiting to retry), delivered, failed (attempts used up)' })
  status: SharingNoticeStatus;
  @ApiProperty() attempts: number;
  @ApiProperty({ description: 'when a pending notice is tried next' }) nextAttemptAt: string;
  @ApiProperty({ nullable: true, type: String, description: 'why the last attempt failed' }) lastError: string | null;
  @ApiProperty() createdAt: string;
  @ApiProperty({ nullable: true, type: String }) deliveredAt: string | null;
}
