import { ApiProperty } from '@nestjs/swagger';
import { IsUUID } from 'class-validator';

export class SearchIdPathDto {
  @ApiProperty() @IsUUID() searchId: string;
}

export const EXPLAIN_VIEWS = ['full', 'searching_agency', 'touched_owner'] as const;
export type ExplainView = (typeof EXPLAIN_VIEWS)[number];

/** One owner's part in a search, as decided when it ran. */
export class ExplainedOwnerDto {
  @ApiProperty() agencyId: string;
  @ApiProperty({ enum: ['returned', 'withheld'] }) decision: 'returned' | 'withheld';
  @ApiProperty({ description: 'reads of this owner the search returned' }) readsReturned: number;
  @ApiProperty({ description: 'reads of this owner matching the criteria that a rule withheld' }) readsWithheld: number;
  @ApiProperty({ nullable: true, enum: ['own', 'direct', 'statewide', 'national'], description: 'the rule that granted access (returned owners)' })
  grantedBy: string | null;
  @ApiProperty({ nullable: true, type: Number, description: 'the retention window the search saw this owner\'s reads through' })
  retentionDays: number | null;
  @ApiProperty({ nullable: true, type: Number, description: 'set when a missing legal reference narrowed this owner to younger reads' })
  maxAgeHours: number | null;
  @ApiProperty({ type: [String], description: 'why a rule withheld this owner\'s reads (withheld owners)' }) reasons: string[];
}

/**
 * Why a search saw what it saw, answered from its record (docs/legal-basis.md). `view` says how much the caller may see:
 * `full` (platform_admin), `searching_agency` (the searcher's agency: its returned owners, its own withheld reads, never
 * which other owners withheld theirs), `touched_owner` (another agency whose reads it returned or withheld: its own line only).
 */
export class ExplainedSearchDto {
  @ApiProperty() searchId: string;
  @ApiProperty({ description: 'position in the audit trail' }) seq: string;
  @ApiProperty() recordedAt: string;
  @ApiProperty({ enum: EXPLAIN_VIEWS }) view: ExplainView;
  @ApiProperty() userId: string;
  @ApiProperty() agencyId: string;
  @ApiProperty({ example: 'search.reads' }) action: string;
  @ApiProperty({ nullable: true, type: String }) purpose: string | null;
  @ApiProperty({ nullable: true, type: String }) caseNumber: string | null;
  @ApiProperty({ nullable: true, type: String }) reason: string | null;
  @ApiProperty({ nullable: true, type: String }) offenseLevel: string | null;
  @ApiProperty({ nullable: true, type: String }) legalReference: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'not in the touched_owner view' }) scope: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'the sharing world (policies, rules, declarations) version the search was decided under' })
  worldVersion: string | null;
  @ApiProperty({ nullable: true, type: String }) decidedAt: string | null;
  @ApiProperty({ type: [Number], description: 'windows a missing legal reference narrowed the search to; not in the touched_owner view' })
  narrowedToHours: number[];
  @ApiProperty({ type: [ExplainedOwnerDto] }) owners: ExplainedOwnerDto[];
}
