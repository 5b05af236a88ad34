import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, Matches } from 'class-validator';

export const USAGE_REPORT_FORMATS = ['json', 'csv', 'pdf'] as const;
export type UsageReportFormat = (typeof USAGE_REPORT_FORMATS)[number];

export class UsageReportQueryDto {
  @ApiProperty({ example: '2026-03', description: 'calendar month, boundaries in UTC' })
  // From 1970: Date.UTC would read a year below 100 as 19xx and report on the wrong month.
  @Matches(/^(19[7-9]\d|[2-9]\d{3})-(0[1-9]|1[0-2])$/, { message: 'month must be a calendar month from 1970 on as YYYY-MM, e.g. 2026-03' })
  month: string;

  @ApiPropertyOptional({ enum: USAGE_REPORT_FORMATS, default: 'json' })
  @IsOptional() @IsIn(USAGE_REPORT_FORMATS, { message: `format must be one of ${USAGE_REPORT_FORMATS.join(', ')}` })
  format?: UsageReportFormat;
}

export class SearcherUsageDto {
  @ApiProperty({ description: 'the other agency whose users searched' }) searcherAgencyId: string;
  @ApiProperty({ description: 'searches that returned at least one of our reads (hotlist alerts on our reads included)' }) searchesReturningOurReads: number;
  @ApiProperty({ description: 'our reads those searches returned' }) readsReturned: number;
  @ApiProperty({ type: [String], description: 'distinct purposes of the searches that returned our reads, sorted' }) purposes: string[];
  @ApiProperty({ description: 'searches from which our policy (or our jurisdiction) withheld reads of ours that matched their criteria' }) withheldAttempts: number;
  @ApiProperty({ type: [String], description: 'distinct deny reasons of those attempts, sorted' }) withheldReasons: string[];
}

export class AlertsOnOurReadsDto {
  @ApiProperty({ description: 'the other agency whose hotlist entries matched our reads' }) agencyId: string;
  @ApiProperty({ description: 'alerts our reads raised for it (each also counted above as a search that returned one read)' }) alerts: number;
}

export class HotlistDispositionCountsDto {
  @ApiProperty() confirmed: number;
  @ApiProperty() misread: number;
  @ApiProperty() wrong_state: number;
  @ApiProperty() not_actionable: number;
}

export class HotlistHitRateDto {
  @ApiProperty({ format: 'uuid' }) hotlistId: string;
  @ApiProperty() hotlistName: string;
  @ApiProperty({ description: 'alerts the list raised in the month' }) alerts: number;
  @ApiProperty({ description: 'of those, alerts an investigator dispositioned' }) dispositioned: number;
  @ApiProperty({ type: HotlistDispositionCountsDto }) byDisposition: HotlistDispositionCountsDto;
  @ApiProperty({ nullable: true, type: Number, description: '(misread + wrong_state + not_actionable) / dispositioned; null while none is dispositioned' })
  falseHitRate: number | null;
}

export class UsageReportDto {
  @ApiProperty() agencyId: string;
  @ApiProperty({ example: '2026-03' }) month: string;
  @ApiProperty() generatedAt: string;
  @ApiProperty({ type: [SearcherUsageDto], description: 'sorted by searcherAgencyId' }) searchers: SearcherUsageDto[];
  @ApiProperty({ type: [HotlistHitRateDto], description: 'this agency\'s own hotlists that raised alerts in the month, by name (JSON and PDF)' })
  hotlists: HotlistHitRateDto[];
  @ApiProperty({ type: [AlertsOnOurReadsDto], description: 'other agencies\' hotlist alerts raised by our reads, by agency (JSON and PDF)' })
  alertsOnOurReads: AlertsOnOurReadsDto[];
}
