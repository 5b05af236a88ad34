import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsTimestamp } from '../validation/text-rules';
import { IsInt, IsOptional, IsString, Length, Max, MaxLength, Min } from 'class-validator';

export const DEFAULT_AUDIT_PAGE_SIZE = 100;
export const DEFAULT_AUDIT_WINDOW_DAYS = 30;

export const SEARCH_RELATIONS = ['own_user', 'returned_our_data', 'denied_our_data'] as const;
export type SearchRelation = (typeof SEARCH_RELATIONS)[number];

/** Query of GET /v1/audit/searches; unknown parameters are refused by the global ValidationPipe. */
export class AuditedSearchesQueryDto {
  @ApiPropertyOptional({ description: 'YYYY-MM-DD or a date-time with Z or an offset, inclusive; default: 30 days before `to`' })
  @IsOptional() @IsTimestamp()
  from?: string;

  @ApiPropertyOptional({ description: 'YYYY-MM-DD or a date-time with Z or an offset, inclusive; default: now' })
  @IsOptional() @IsTimestamp()
  to?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 500, default: DEFAULT_AUDIT_PAGE_SIZE })
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(500)
  limit?: number;

  @ApiPropertyOptional({ description: 'nextCursor of the previous page' })
  @IsOptional() @IsString() @MaxLength(200)
  cursor?: string;

  @ApiPropertyOptional({ description: 'platform_admin only: the agency to review; default: the caller\'s own agency' })
  @IsOptional() @IsString() @Length(1, 100)
  agencyId?: string;
}

/**
 * One search in an agency's trail. Its own users' searches are shown in full; another agency's search shows only
 * who searched, when, why, and this agency's own count: the fields marked "own users' searches only" are null.
 */
export class AuditedSearchDto {
  @ApiProperty({ description: 'position in the audit trail' }) seq: string;
  @ApiProperty() recordedAt: string;
  @ApiProperty({ nullable: true, type: String, description: 'the search record\'s id; null for a request refused before it was one' }) searchId: string | null;
  @ApiProperty({ description: 'the searching user' }) userId: string;
  @ApiProperty({ description: 'the searching user\'s agency' }) agencyId: string;
  @ApiProperty({ example: 'search.reads' }) action: string;
  @ApiProperty({ nullable: true, type: String }) purpose: string | null;
  @ApiProperty({ nullable: true, type: String }) caseNumber: string | null;
  @ApiProperty({ nullable: true, type: String }) reason: string | null;
  @ApiProperty({ nullable: true, type: String, description: "own users' searches only" }) scope: string | null;
  @ApiProperty({ nullable: true, type: 'object', additionalProperties: true, description: "own users' searches only (a refused one's as recorded, bounded)" })
  criteria: Record<string, unknown> | null;
  @ApiProperty({ enum: ['answered', 'refused', 'previewed'] }) outcome: string;
  @ApiProperty({ nullable: true, oneOf: [{ type: 'string' }, { type: 'number' }], description: "why an own user's search was refused" })
  refusal: string | number | null;
  @ApiProperty({ nullable: true, type: Number, description: "reads the search matched in all; own users' searches only" }) total: number | null;
  @ApiProperty({ description: 'reads of the reviewed agency this search returned' }) readsReturnedFromThisAgency: number;
  @ApiProperty({ description: 'reads of the reviewed agency matching the criteria that its deny rules withheld from this search' })
  readsWithheldFromThisAgency: number;
  @ApiProperty({ nullable: true, type: [String], description: 'deny reasons, when the reviewed agency\'s matching reads were withheld from this search' })
  withheldFromThisAgency: string[] | null;
  @ApiProperty({ enum: SEARCH_RELATIONS }) relation: SearchRelation;
}

export class AuditedSearchesPageDto {
  @ApiProperty({ description: 'the reviewed agency' }) agencyId: string;
  @ApiProperty() from: string;
  @ApiProperty() to: string;
  @ApiProperty({ type: [AuditedSearchDto], description: 'newest first' }) items: AuditedSearchDto[];
  @ApiProperty({ nullable: true, type: String }) nextCursor: string | null;
}
