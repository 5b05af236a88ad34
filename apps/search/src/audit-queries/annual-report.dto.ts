import { ApiProperty } from '@nestjs/swagger';
import { HotlistDispositionCountsDto } from './usage-report.dto';

class SearchesByPurposeDto {
  @ApiProperty() purpose: string;
  @ApiProperty({ description: 'the stated offense level, or `(not stated)`' }) offenseLevel: string;
  @ApiProperty() searches: number;
}

class OutsideAgencyDto {
  @ApiProperty() searcherAgencyId: string;
  @ApiProperty() searcherState: string;
  @ApiProperty() searchesReturningReads: number;
  @ApiProperty() readsReturned: number;
}

class WithheldAttemptsDto {
  @ApiProperty({ example: 'SHARING.DENIED_CATEGORY' }) reason: string;
  @ApiProperty() attempts: number;
}

class DroppedAtSensitivePlacesDto {
  @ApiProperty() kind: string;
  @ApiProperty() places: number;
  @ApiProperty() dropped: number;
}

class RetentionOwnerDto {
  @ApiProperty() agencyId: string;
  @ApiProperty() retentionDays: number;
  @ApiProperty() deletedReads: number;
  @ApiProperty({ nullable: true, type: Number }) oldestHeldAgeDays: number | null;
  @ApiProperty() withinRetention: boolean;
}

class AnnualRetentionDto {
  @ApiProperty() sweeps: number;
  @ApiProperty({ nullable: true, type: String }) lastSweepSeq: string | null;
  @ApiProperty({ nullable: true, type: String }) lastSweepAt: string | null;
  @ApiProperty({ type: [RetentionOwnerDto] }) owners: RetentionOwnerDto[];
}

class AlertsByPurposeDto {
  @ApiProperty() purpose: string;
  @ApiProperty() alerts: number;
}

class AlertsOnStateOwnersReadsDto {
  @ApiProperty({ description: 'the agency whose hotlist entry matched' }) agencyId: string;
  @ApiProperty() agencyState: string;
  @ApiProperty() alerts: number;
}

class AnnualAlertsDto {
  @ApiProperty({ description: 'alerts raised in the year for hotlist entries of the state\'s agencies' }) raised: number;
  @ApiProperty({ type: [AlertsByPurposeDto] }) byPurpose: AlertsByPurposeDto[];
  @ApiProperty({ description: 'of those, alerts with a disposition (each alert\'s latest, whenever recorded)' }) dispositioned: number;
  @ApiProperty({ type: HotlistDispositionCountsDto }) byDisposition: HotlistDispositionCountsDto;
  @ApiProperty({ description: 'misread + wrong_state + not_actionable' }) falseHits: number;
  @ApiProperty({ nullable: true, type: Number, description: 'falseHits / dispositioned; null while none is dispositioned' }) falseHitRate: number | null;
  @ApiProperty({ type: [AlertsOnStateOwnersReadsDto], description: 'alerts the state\'s owners\' reads raised, per alerting agency (any state)' })
  onStateOwnersReads: AlertsOnStateOwnersReadsDto[];
}

/** The OpenAPI shape of `AnnualReport` (annual-report.ts); the controller answers that object as it is built. */
export class AnnualReportDto {
  @ApiProperty({ example: 'WA' }) state: string;
  @ApiProperty({ example: 2026 }) year: number;
  @ApiProperty() from: string;
  @ApiProperty() to: string;
  @ApiProperty({ nullable: true, type: Object, description: 'the jurisdiction rule as it stands now' }) rule: object | null;
  @ApiProperty({ type: [SearchesByPurposeDto] }) searchesByPurpose: SearchesByPurposeDto[];
  @ApiProperty({ type: [OutsideAgencyDto] }) outsideAgencies: OutsideAgencyDto[];
  @ApiProperty({ type: [WithheldAttemptsDto] }) withheldAttempts: WithheldAttemptsDto[];
  @ApiProperty({ type: [DroppedAtSensitivePlacesDto] }) droppedAtSensitivePlaces: DroppedAtSensitivePlacesDto[];
  @ApiProperty({ type: AnnualRetentionDto }) retention: AnnualRetentionDto;
  @ApiProperty({ type: AnnualAlertsDto }) alerts: AnnualAlertsDto;
}
