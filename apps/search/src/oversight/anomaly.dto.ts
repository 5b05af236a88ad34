import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import { IsNotBlank, IsTimestamp } from '../validation/text-rules';
import { ANOMALY_RULES } from './anomaly-rules';

export const DISPOSITIONS = ['justified', 'misuse', 'training_needed', 'referred'] as const;
export type Disposition = (typeof DISPOSITIONS)[number];

export class AnomalyQueryDto {
  @ApiPropertyOptional({ description: 'default: 30 days before `to`' }) @IsOptional() @IsTimestamp() from?: string;
  @ApiPropertyOptional({ description: 'default: now' }) @IsOptional() @IsTimestamp() to?: string;
  @ApiPropertyOptional({ minimum: 0, maximum: 23, default: 22, description: 'after hours start (hour in the agency\'s time zone, inclusive)' })
  @IsOptional() @Type(() => Number) @IsInt() @Min(0) @Max(23)
  afterHoursFrom?: number;
  @ApiPropertyOptional({ minimum: 0, maximum: 23, default: 6, description: 'after hours end (hour in the agency\'s time zone, exclusive)' })
  @IsOptional() @Type(() => Number) @IsInt() @Min(0) @Max(23)
  afterHoursTo?: number;
}

export class FlagPathDto {
  @ApiProperty() @Matches(/^[a-z0-9-]{1,100}$/) id: string;
  @ApiProperty() @Matches(/^[a-z_]+-[0-9a-f]{20}$/, { message: 'flagId must be a flag id from the review queue' }) flagId: string;
}

export class DisposeAnomalyDto {
  @ApiProperty({ enum: DISPOSITIONS }) @IsIn(DISPOSITIONS) disposition: Disposition;
  @ApiProperty({ maxLength: 2000, description: 'what the reviewer found' }) @IsString() @IsNotBlank() @MaxLength(2000) note: string;
}

export class AnomalyDispositionDto {
  @ApiProperty({ enum: DISPOSITIONS }) disposition: Disposition;
  @ApiProperty() note: string;
  @ApiProperty() reviewedBy: string;
  @ApiProperty() reviewedAt: string;
  @ApiProperty({ description: 'the disposition\'s record in the audit chain' }) seq: string;
}

export class AnomalyFlagDto {
  @ApiProperty() flagId: string;
  @ApiProperty({ enum: ANOMALY_RULES }) rule: string;
  @ApiProperty() userId: string;
  @ApiProperty({ type: [String] }) searchIds: string[];
  @ApiProperty({ type: [String] }) seqs: string[];
  @ApiProperty() firstAt: string;
  @ApiProperty() lastAt: string;
  @ApiProperty() detail: string;
  @ApiProperty({ enum: ['open', 'reviewed'] }) status: 'open' | 'reviewed';
  @ApiProperty({ type: AnomalyDispositionDto, nullable: true }) disposition: AnomalyDispositionDto | null;
}

export class AnomalyQueueDto {
  @ApiProperty() agencyId: string;
  @ApiProperty() from: string;
  @ApiProperty() to: string;
  @ApiProperty({ example: 'America/Los_Angeles', description: 'the agency\'s time zone, which the after-hours window is in' }) timeZone: string;
  @ApiProperty({ example: 22, description: 'after hours start, local hour (inclusive)' }) afterHoursFrom: number;
  @ApiProperty({ example: 6, description: 'after hours end, local hour (exclusive)' }) afterHoursTo: number;
  @ApiProperty({ type: [AnomalyFlagDto] }) flags: AnomalyFlagDto[];
}
