import { ApiProperty } from '@nestjs/swagger';
import { AGENCY_CATEGORIES, AccessGrant, AgencyCategory, EffectiveAccess, GrantingRule, SEARCH_PURPOSES, SearchPurpose } from '@platekeeper/sharing';

export class AccessGrantDto implements AccessGrant {
  @ApiProperty() agencyId: string;
  @ApiProperty() agencyName: string;
  @ApiProperty() state: string;
  @ApiProperty({ enum: AGENCY_CATEGORIES }) category: AgencyCategory;
  @ApiProperty({ enum: ['direct', 'statewide', 'national'], isArray: true, description: 'every rule that lets this agency in' })
  rules: GrantingRule[];
  @ApiProperty({ enum: SEARCH_PURPOSES, isArray: true, description: 'purposes still denied to this agency' })
  deniedPurposes: SearchPurpose[];
}

export class EffectiveAccessDto implements EffectiveAccess {
  @ApiProperty() ownerAgencyId: string;
  @ApiProperty() ownerActive: boolean;
  @ApiProperty({ description: 'min(agency retentionDays, state maxRetentionDays)' }) effectiveRetentionDays: number;
  @ApiProperty({ type: [AccessGrantDto] }) grants: AccessGrantDto[];
  @ApiProperty({ enum: SEARCH_PURPOSES, isArray: true }) deniedPurposesForAll: SearchPurpose[];
}
