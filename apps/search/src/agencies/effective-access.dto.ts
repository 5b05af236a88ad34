import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  AGENCY_CATEGORIES, AccessGrant, AgencyCategory, EffectiveAccess, GrantingRule, OFFENSE_LEVELS, OffenseLevel, SEARCH_PURPOSES, SearchPurpose,
} from '@platekeeper/sharing';

export class AccessGrantDto implements AccessGrant {
  @ApiProperty() agencyId: string;
  @ApiProperty() agencyName: string;
  @ApiProperty() state: string;
  @ApiProperty({ enum: AGENCY_CATEGORIES }) category: AgencyCategory;
  @ApiProperty({ enum: ['direct', 'statewide', 'national'], isArray: true, description: 'every rule that lets this agency in' })
  rules: GrantingRule[];
  @ApiProperty({ enum: SEARCH_PURPOSES, isArray: true, description: 'purposes still denied to this agency' })
  deniedPurposes: SearchPurpose[];
  @ApiPropertyOptional({ description: 'true when a declaration rule names this agency: its access lasts only while a declaration of theirs is on file' })
  declarationRequired?: true;
}

export class EffectiveAccessDto implements EffectiveAccess {
  @ApiProperty() ownerAgencyId: string;
  @ApiProperty() ownerActive: boolean;
  @ApiProperty({ description: 'min(agency retentionDays, state maxRetentionDays)' }) effectiveRetentionDays: number;
  @ApiProperty({ type: [AccessGrantDto] }) grants: AccessGrantDto[];
  @ApiProperty({ enum: SEARCH_PURPOSES, isArray: true }) deniedPurposesForAll: SearchPurpose[];
  @ApiPropertyOptional({ type: 'integer', description: 'present when set: reads older than this many hours need a legal reference in the search' })
  legalReferenceAfterHours?: number;
  @ApiPropertyOptional({ type: 'object', additionalProperties: { type: 'string', enum: [...OFFENSE_LEVELS] }, description: 'present when set: per purpose, the least serious offense level a search must state' })
  minimumOffenseLevels?: Partial<Record<SearchPurpose, OffenseLevel>>;
}
