import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsBoolean, IsIn, Matches } from 'class-validator';
import { AGENCY_CATEGORIES, AgencyCategory, SEARCH_PURPOSES, SearchPurpose, SharingPolicy } from '@platekeeper/sharing';
import { AGENCY_ID_PATTERN, MAX_POLICY_LIST_SIZE, OptionalNotNull } from '../validation/administration-fields';
import { LegalBasisFieldsDto } from '../validation/legal-basis-fields';

export const SHARING_POLICY_FIELDS = [
  'statewide',
  'nationalLookup',
  'allowAgencies',
  'denyAgencies',
  'denyCategories',
  'deniedPurposes',
  'legalReferenceAfterHours',
  'minimumOffenseLevels',
  'declarationRequiredFor',
] as const satisfies ReadonlyArray<keyof SharingPolicy>;

const agencyIdMessage = { each: true, message: 'each value in $property must be an agency id (lower-case slug)' };

/**
 * A partial sharing policy (CONTRACT §3): fields left out keep their current value. The legal-basis fields tighten the
 * state's (the stricter applies); `legalReferenceAfterHours: null` removes the owner's own window, never the state's.
 */
export class SharingPolicyPatchDto extends LegalBasisFieldsDto {
  @ApiPropertyOptional({ description: 'share with agencies of the same state that also share statewide' })
  @OptionalNotNull() @IsBoolean()
  statewide?: boolean;

  @ApiPropertyOptional({ description: 'share with agencies anywhere that also have national lookup on' })
  @OptionalNotNull() @IsBoolean()
  nationalLookup?: boolean;

  @ApiPropertyOptional({ type: [String], description: 'direct shares with these agencies, any state' })
  @OptionalNotNull() @IsArray() @ArrayMaxSize(MAX_POLICY_LIST_SIZE) @Matches(AGENCY_ID_PATTERN, agencyIdMessage)
  allowAgencies?: string[];

  @ApiPropertyOptional({ type: [String], description: 'never share with these agencies; beats everything' })
  @OptionalNotNull() @IsArray() @ArrayMaxSize(MAX_POLICY_LIST_SIZE) @Matches(AGENCY_ID_PATTERN, agencyIdMessage)
  denyAgencies?: string[];

  @ApiPropertyOptional({ enum: AGENCY_CATEGORIES, isArray: true, description: 'never share with agencies of these categories' })
  @OptionalNotNull() @IsArray() @ArrayMaxSize(MAX_POLICY_LIST_SIZE) @IsIn(AGENCY_CATEGORIES, { each: true })
  denyCategories?: AgencyCategory[];

  @ApiPropertyOptional({ enum: SEARCH_PURPOSES, isArray: true, description: 'never share for searches with these purposes' })
  @OptionalNotNull() @IsArray() @ArrayMaxSize(MAX_POLICY_LIST_SIZE) @IsIn(SEARCH_PURPOSES, { each: true })
  deniedPurposes?: SearchPurpose[];
}

export class SharingPolicyDto extends LegalBasisFieldsDto implements SharingPolicy {
  @ApiProperty() statewide: boolean;
  @ApiProperty() nationalLookup: boolean;
  @ApiProperty({ type: [String] }) allowAgencies: string[];
  @ApiProperty({ type: [String] }) denyAgencies: string[];
  @ApiProperty({ enum: AGENCY_CATEGORIES, isArray: true }) denyCategories: AgencyCategory[];
  @ApiProperty({ enum: SEARCH_PURPOSES, isArray: true }) deniedPurposes: SearchPurpose[];
}
