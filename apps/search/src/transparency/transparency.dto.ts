import { ApiProperty } from '@nestjs/swagger';
import { AGENCY_CATEGORIES, AGENCY_STATUSES, AgencyCategory, AgencyStatus } from '@platekeeper/sharing';
import { AuditChainStatusDto } from '../audit-queries/audit-verification.dto';
import { SharingPolicyDto } from '../agencies/sharing-policy.dto';

export class PublicAgencyDto {
  @ApiProperty() id: string;
  @ApiProperty() name: string;
  @ApiProperty() state: string;
  @ApiProperty({ enum: AGENCY_CATEGORIES }) category: AgencyCategory;
  @ApiProperty({ enum: AGENCY_STATUSES }) status: AgencyStatus;
}

export class PublicCameraDto {
  @ApiProperty() name: string;
  @ApiProperty({ description: 'rounded to the agency\'s publicLocationDecimals' }) lat: number;
  @ApiProperty() lon: number;
}

export class PublicCamerasDto {
  @ApiProperty() count: number;
  @ApiProperty({ description: 'decimal places of the positions (2 ≈ 1 km)' }) locationDecimals: number;
  @ApiProperty({ type: [PublicCameraDto] }) items: PublicCameraDto[];
}

export class PublicRetentionAttestationDto {
  @ApiProperty({ description: 'when the sweep that attested ran' }) sweptAt: string;
  @ApiProperty({ description: 'the sweep record\'s place in the audit chain' }) seq: string;
  @ApiProperty() hash: string;
  @ApiProperty() retentionDays: number;
  @ApiProperty({ description: 'reads of this agency the sweep deleted' }) deletedReads: number;
  @ApiProperty({ nullable: true, type: String }) oldestHeldCapturedAt: string | null;
  @ApiProperty({ nullable: true, type: Number }) oldestHeldAgeDays: number | null;
  @ApiProperty({ description: 'the oldest read still held is within the retention in force (or none is held)' }) withinRetention: boolean;
}

export class PublicRetentionDto {
  @ApiProperty({ description: 'the agency\'s own retention' }) agencyDays: number;
  @ApiProperty({ nullable: true, type: Number, description: 'the state law\'s cap, if any' }) stateMaxDays: number | null;
  @ApiProperty({ description: 'the retention in force: the smaller of the two' }) inForceDays: number;
  @ApiProperty({ type: PublicRetentionAttestationDto, nullable: true, description: 'the latest sweep\'s attestation for this agency, from the audit chain; null before any sweep held or deleted its reads' })
  latestAttestation: PublicRetentionAttestationDto | null;
}

export class PublicSharingDto {
  @ApiProperty({ type: SharingPolicyDto }) policy: SharingPolicyDto;
  @ApiProperty({ description: 'other agencies that can search these reads right now (computed from every live policy)' }) agenciesThatCanSearch: number;
  @ApiProperty({ description: 'the states those agencies are in' }) statesThatCanSearch: number;
  @ApiProperty({ type: [String], description: 'purposes no one else may search for (the agency\'s and the state\'s)' }) deniedPurposes: string[];
  @ApiProperty({ description: 'widenings wait for a second administrator' }) twoPersonApproval: boolean;
  @ApiProperty({ description: 'widenings take effect this long after approval' }) noticePeriodMinutes: number;
}

export class CountByKeyDto {
  @ApiProperty() key: string;
  @ApiProperty() searches: number;
}

export class OutsideSearchesDto {
  @ApiProperty() from: string;
  @ApiProperty() to: string;
  @ApiProperty({ description: 'searches by other agencies that returned reads of this agency' }) searchesReturningReads: number;
  @ApiProperty({ type: [CountByKeyDto], description: 'those searches by purpose' }) byPurpose: CountByKeyDto[];
  @ApiProperty({ type: [CountByKeyDto], description: 'those searches by the searching agency\'s category' }) byCategory: CountByKeyDto[];
  @ApiProperty({ description: 'searches from which this agency\'s rules withheld matching reads' }) withheldAttempts: number;
  @ApiProperty({ type: [CountByKeyDto], description: 'withheld attempts by purpose' }) withheldByPurpose: CountByKeyDto[];
}

export class PublicHotlistsDto {
  @ApiProperty({ description: 'entries on this agency\'s hotlists that can raise an alert now (neither removed nor expired)' }) liveEntries: number;
  @ApiProperty({ description: 'alerts this agency\'s hotlists raised in the window' }) alerts: number;
  @ApiProperty({ description: 'of those, how many its investigators have judged' }) dispositioned: number;
  @ApiProperty({ description: 'of those judged, how many were false hits (misread, wrong state, not actionable)' }) falseHits: number;
  @ApiProperty({ description: 'alerts other agencies\' hotlists raised on this agency\'s reads in the window (each is also a search in the audit trail)' })
  alertsForOtherAgenciesOnOurReads: number;
}

export class PublicCheckpointDto {
  @ApiProperty({ description: 'the chain record the checkpoint signs' }) seq: string;
  @ApiProperty() headHash: string;
  @ApiProperty() publishedAt: string;
  @ApiProperty({ description: 'sha256 of the signing public key (GET /v1/audit/checkpoints/latest has the key and the signature)' }) keyId: string;
}

export class TransparencyReportDto {
  @ApiProperty() generatedAt: string;
  @ApiProperty({ type: PublicAgencyDto }) agency: PublicAgencyDto;
  @ApiProperty({ type: PublicCamerasDto }) cameras: PublicCamerasDto;
  @ApiProperty({ type: PublicRetentionDto }) retention: PublicRetentionDto;
  @ApiProperty({ type: PublicSharingDto }) sharing: PublicSharingDto;
  @ApiProperty({ type: OutsideSearchesDto, description: 'the last 30 days, from the audit trail' }) outsideSearches: OutsideSearchesDto;
  @ApiProperty({ type: PublicHotlistsDto, description: 'hotlist use, the last 30 days, from the alerts the system raised' }) hotlists: PublicHotlistsDto;
  @ApiProperty({ type: AuditChainStatusDto }) auditChain: AuditChainStatusDto;
  @ApiProperty({ type: PublicCheckpointDto, nullable: true, description: 'the latest signed checkpoint of the chain, null when none is published' })
  latestCheckpoint: PublicCheckpointDto | null;
}
