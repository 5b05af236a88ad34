import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsBoolean, IsIn, IsInt, Matches, Max, Min, ValidateIf } from 'class-validator';
import { AGENCY_CATEGORIES, AgencyCategory, JurisdictionRule, SEARCH_PURPOSES, SearchPurpose } from '@platekeeper/sharing';
import { MAX_POLICY_LIST_SIZE, MAX_RETENTION_DAYS, OptionalNotNull, STATE_CODE_PATTERN } from '../validation/administration-fields';
import { LegalBasisFieldsDto } from '../validation/legal-basis-fields';

export class StatePathDto {
  @ApiProperty({ pattern: STATE_CODE_PATTERN.source, example: 'WA' })
  @Matches(STATE_CODE_PATTERN, { message: 'state must be a two-letter upper-case state code' })
  state: string;
}

/** The whole rule for a state: a field left out means "no limit" from it (false, [], null). */
export class PutJurisdictionDto extends LegalBasisFieldsDto {
  @ApiPropertyOptional({ default: false, description: 'owners in this state share with no agency of another state' })
  @OptionalNotNull() @IsBoolean()
  denyOutOfState?: boolean;

  @ApiPropertyOptional({ enum: AGENCY_CATEGORIES, isArray: true, default: [] })
  @OptionalNotNull() @IsArray() @ArrayMaxSize(MAX_POLICY_LIST_SIZE) @IsIn(AGENCY_CATEGORIES, { each: true })
  denyCategories?: AgencyCategory[];

  @ApiPropertyOptional({ enum: SEARCH_PURPOSES, isArray: true, default: [] })
  @OptionalNotNull() @IsArray() @ArrayMaxSize(MAX_POLICY_LIST_SIZE) @IsIn(SEARCH_PURPOSES, { each: true })
  deniedPurposes?: SearchPurpose[];

  @ApiPropertyOptional({ type: 'integer', nullable: true, minimum: 1, maximum: MAX_RETENTION_DAYS, default: null })
  @ValidateIf((_rule: object, value: unknown) => value !== undefined && value !== null)
  @IsInt() @Min(1) @Max(MAX_RETENTION_DAYS)
  maxRetentionDays?: number | null;
}

export class JurisdictionRuleDto extends LegalBasisFieldsDto implements JurisdictionRule {
  @ApiProperty() state: string;
  @ApiProperty() denyOutOfState: boolean;
  @ApiProperty({ enum: AGENCY_CATEGORIES, isArray: true }) denyCategories: AgencyCategory[];
  @ApiProperty({ enum: SEARCH_PURPOSES, isArray: true }) deniedPurposes: SearchPurpose[];
  @ApiProperty({ type: 'integer', nullable: true }) maxRetentionDays: number | null;
}
