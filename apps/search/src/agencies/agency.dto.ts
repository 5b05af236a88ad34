import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsObject, IsString, Matches, Max, MaxLength, Min, ValidateNested } from 'class-validator';
import { AGENCY_CATEGORIES, AGENCY_STATUSES, AgencyCategory, AgencyProfile, AgencyStatus } from '@platekeeper/sharing';
import {
  AGENCY_ID_PATTERN, DEFAULT_RETENTION_DAYS, DEFAULT_TIME_ZONE, IsIanaTimeZone, MAX_RETENTION_DAYS, OptionalNotNull, STATE_CODE_PATTERN,
} from '../validation/administration-fields';
import { IsNotBlank } from '../validation/text-rules';
import { SharingPolicyDto, SharingPolicyPatchDto } from './sharing-policy.dto';

export const AGENCY_PATCH_FIELDS = ['name', 'category', 'status', 'retentionDays', 'timeZone'] as const satisfies ReadonlyArray<keyof AgencyProfile>;

const TIME_ZONE_DESCRIPTION = 'IANA time zone of the agency\'s local time, used for the anomaly queue\'s after-hours window; stored as its canonical name';

export class CreateAgencyDto {
  @ApiProperty({ pattern: AGENCY_ID_PATTERN.source, example: 'wa-auburn-pd' })
  @Matches(AGENCY_ID_PATTERN, { message: 'id must be a lower-case slug: a-z, 0-9 and -, 2 to 100 characters' })
  id: string;

  @ApiProperty({ maxLength: 200 }) @IsString() @IsNotBlank() @MaxLength(200) name: string;

  @ApiProperty({ pattern: STATE_CODE_PATTERN.source, example: 'WA' })
  @Matches(STATE_CODE_PATTERN, { message: 'state must be a two-letter upper-case state code' })
  state: string;

  @ApiProperty({ enum: AGENCY_CATEGORIES }) @IsIn(AGENCY_CATEGORIES) category: AgencyCategory;

  @ApiPropertyOptional({ enum: AGENCY_STATUSES, default: 'active' }) @OptionalNotNull() @IsIn(AGENCY_STATUSES) status?: AgencyStatus;

  @ApiPropertyOptional({ minimum: 1, maximum: MAX_RETENTION_DAYS, default: DEFAULT_RETENTION_DAYS })
  @OptionalNotNull() @IsInt() @Min(1) @Max(MAX_RETENTION_DAYS)
  retentionDays?: number;

  @ApiPropertyOptional({ example: 'America/Los_Angeles', default: DEFAULT_TIME_ZONE, description: TIME_ZONE_DESCRIPTION })
  @OptionalNotNull() @IsIanaTimeZone()
  timeZone?: string;

  @ApiPropertyOptional({ type: SharingPolicyPatchDto, description: 'fields left out take the defaults of CONTRACT §3 (share nothing)' })
  @OptionalNotNull() @IsObject() @ValidateNested() @Type(() => SharingPolicyPatchDto)
  sharing?: SharingPolicyPatchDto;
}

/** Fields left out keep their value; id and state never change. */
export class UpdateAgencyDto {
  @ApiPropertyOptional({ maxLength: 200 }) @OptionalNotNull() @IsString() @IsNotBlank() @MaxLength(200) name?: string;
  @ApiPropertyOptional({ enum: AGENCY_CATEGORIES }) @OptionalNotNull() @IsIn(AGENCY_CATEGORIES) category?: AgencyCategory;
  @ApiPropertyOptional({ enum: AGENCY_STATUSES }) @OptionalNotNull() @IsIn(AGENCY_STATUSES) status?: AgencyStatus;

  @ApiPropertyOptional({ minimum: 1, maximum: MAX_RETENTION_DAYS })
  @OptionalNotNull() @IsInt() @Min(1) @Max(MAX_RETENTION_DAYS)
  retentionDays?: number;

  @ApiPropertyOptional({ example: 'America/Los_Angeles', description: TIME_ZONE_DESCRIPTION })
  @OptionalNotNull() @IsIanaTimeZone()
  timeZone?: string;
}

export class AgencyDto implements AgencyProfile {
  @ApiProperty() id: string;
  @ApiProperty() name: string;
  @ApiProperty() state: string;
  @ApiProperty({ enum: AGENCY_CATEGORIES }) category: AgencyCategory;
  @ApiProperty({ enum: AGENCY_STATUSES }) status: AgencyStatus;
  @ApiProperty() retentionDays: number;
  @ApiProperty({ type: SharingPolicyDto }) sharing: SharingPolicyDto;
  // Always answered (stored NOT NULL, default UTC); optional only because AgencyProfile, the sharing rule's type, may omit it.
  @ApiProperty({ example: 'America/Los_Angeles', description: TIME_ZONE_DESCRIPTION }) timeZone?: string;
}
