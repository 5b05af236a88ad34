import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsBoolean, IsIn, IsInt, IsObject, IsOptional, IsString, IsUUID, Length, Matches, Max, MaxLength, Min, ValidateNested,
} from 'class-validator';
import { HIT_DISPOSITIONS, HOTLIST_ENTRY_SOURCES, HitDisposition, HotlistEntrySource, MATCH_KINDS } from '@platekeeper/persistence';
import { SEARCH_PURPOSES, SearchPurpose } from '@platekeeper/sharing';
import { OptionalNotNull } from '../validation/administration-fields';
import { IsNotBlank, IsTimestamp, MinTrimmedLength } from '../validation/text-rules';
import { SearchResponseDto, VehicleCriteria } from '../searches/search-request.dto';

export class HotlistPathDto {
  @ApiProperty({ format: 'uuid' }) @IsUUID('all', { message: 'hotlistId must be a UUID' }) hotlistId: string;
}

export class HotlistEntryPathDto extends HotlistPathDto {
  @ApiProperty({ format: 'uuid' }) @IsUUID('all', { message: 'entryId must be a UUID' }) entryId: string;
}

export class HotlistAlertPathDto {
  @ApiProperty({ format: 'uuid' }) @IsUUID('all', { message: 'alertId must be a UUID' }) alertId: string;
}

export class CreateHotlistDto {
  @ApiProperty({ maxLength: 200, description: 'unique within the agency' }) @IsString() @IsNotBlank() @MaxLength(200) name: string;
  @ApiPropertyOptional({ maxLength: 2000 }) @OptionalNotNull() @IsString() @MaxLength(2000) description?: string;
}

export class HotlistDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ description: 'the owning agency' }) agencyId: string;
  @ApiProperty() name: string;
  @ApiProperty({ nullable: true, type: String }) description: string | null;
  @ApiProperty() createdBy: string;
  @ApiProperty() createdAt: string;
  @ApiProperty({ description: 'entries neither removed nor expired' }) liveEntries: number;
}

/** Purposes whose entries may run once against stored reads when added (`searchHistory`). */
export const HISTORY_SEARCH_PURPOSES: readonly SearchPurpose[] = [
  'criminal_investigation', 'stolen_vehicle', 'missing_person', 'amber_alert', 'wanted_person',
];

/** One hotlist entry as REST and each CSV line describe it; the same rules for both. */
export class HotlistEntryFields {
  @ApiProperty({ maxLength: 16, description: 'as written on the plate; normalised (upper case, letters and digits) before it is stored' })
  @IsString() @Length(1, 16) @Matches(/[A-Za-z0-9]/, { message: 'plate must contain at least one letter or digit' })
  plate: string;

  @ApiPropertyOptional({ maxLength: 16, description: 'e.g. WA; an entry with a region matches reads of that region or of none' })
  @OptionalNotNull() @IsString() @Matches(/^[A-Za-z0-9-]{1,16}$/, { message: 'plateRegion must be 1–16 letters, digits or dashes, e.g. WA' })
  plateRegion?: string;

  @ApiPropertyOptional({ type: VehicleCriteria, description: 'description for the officer; not used for matching' })
  @OptionalNotNull() @IsObject() @ValidateNested() @Type(() => VehicleCriteria)
  vehicle?: VehicleCriteria;

  @ApiProperty({ enum: SEARCH_PURPOSES, description: 'the purpose of every alert this entry raises: the sharing rule is applied with it' })
  @IsIn(SEARCH_PURPOSES, { message: `purpose must be one of ${SEARCH_PURPOSES.join(', ')}` })
  purpose: SearchPurpose;

  @ApiProperty({ maxLength: 100 }) @IsString() @IsNotBlank() @MaxLength(100) caseNumber: string;

  @ApiProperty({ minLength: 10, maxLength: 2000, description: 'at least 10 characters besides surrounding whitespace' })
  @IsString() @MinTrimmedLength(10) @MaxLength(2000)
  reason: string;

  @ApiProperty({
    description: 'required: when the entry stops matching (YYYY-MM-DD is midnight UTC); in the future and within the purpose\'s maximum ' +
      '(docs/hotlists.md), capped by the agency\'s state `maxRetentionDays`',
  })
  @IsTimestamp()
  expiresAt: string;
}

export class CreateHotlistEntryDto extends HotlistEntryFields {
  @ApiPropertyOptional({ enum: ['manual', 'ncic'], default: 'manual', description: 'where the entry came from; `import` is set by CSV imports' })
  @IsOptional() @IsIn(['manual', 'ncic']) source?: Exclude<HotlistEntrySource, 'import'>;

  @ApiPropertyOptional({
    default: false,
    description: `run the entry once against stored reads, as an audited national exact-plate search with its purpose (only ${HISTORY_SEARCH_PURPOSES.join(', ')})`,
  })
  @IsOptional() @IsBoolean() searchHistory?: boolean;
}

export class HotlistEntryDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) hotlistId: string;
  @ApiProperty() agencyId: string;
  @ApiProperty({ description: 'normalised' }) plate: string;
  @ApiProperty({ nullable: true, type: String }) plateRegion: string | null;
  @ApiProperty({ nullable: true, type: VehicleCriteria }) vehicle: VehicleCriteria | null;
  @ApiProperty({ enum: SEARCH_PURPOSES }) purpose: SearchPurpose;
  @ApiProperty() caseNumber: string;
  @ApiProperty() reason: string;
  @ApiProperty({ enum: HOTLIST_ENTRY_SOURCES }) source: HotlistEntrySource;
  @ApiProperty() addedBy: string;
  @ApiProperty() createdAt: string;
  @ApiProperty() expiresAt: string;
  @ApiProperty({ nullable: true, type: String }) removedAt: string | null;
  @ApiProperty({ nullable: true, type: String }) removedBy: string | null;
}

export class CreatedHotlistEntryDto {
  @ApiProperty({ type: HotlistEntryDto }) entry: HotlistEntryDto;
  @ApiPropertyOptional({ type: SearchResponseDto, description: 'with `searchHistory`: the audited search against stored reads' })
  historicalHits?: SearchResponseDto;
}

export class HotlistEntriesQueryDto {
  @ApiPropertyOptional({ default: false, description: 'also expired and removed entries (kept for the record until purged)' })
  @IsOptional() @IsIn(['true', 'false']) includeEnded?: 'true' | 'false';
}

export class HotlistImportDto {
  @ApiProperty({
    description: 'CSV text with a header line (docs/hotlists.md): plate (or LIC), plateRegion (or state, LIS), purpose, caseNumber (or OCA), ' +
      'reason, expiresAt, and optionally make (VMA), model (VMO), color (VCO), type (VST); at most 10,000 lines',
  })
  @IsString() @Length(1, 2_000_000)
  csv: string;

  @ApiPropertyOptional({ enum: ['import', 'ncic'], default: 'import' }) @IsOptional() @IsIn(['import', 'ncic']) source?: 'import' | 'ncic';
}

export class ImportLineDto {
  @ApiProperty({ description: 'line number in the CSV text, the header being line 1' }) line: number;
  @ApiProperty({ enum: ['accepted', 'refused'] }) status: 'accepted' | 'refused';
  @ApiPropertyOptional({ format: 'uuid' }) entryId?: string;
  @ApiPropertyOptional({ type: [String], description: 'why the line was refused, one message per broken rule' }) problems?: string[];
}

export class HotlistImportReportDto {
  @ApiProperty() accepted: number;
  @ApiProperty() refused: number;
  @ApiProperty({ type: [ImportLineDto] }) lines: ImportLineDto[];
}

export class HotlistAlertsQueryDto {
  @ApiPropertyOptional({ description: 'inclusive; default: 30 days before `to`' }) @IsOptional() @IsTimestamp() from?: string;
  @ApiPropertyOptional({ description: 'inclusive; default: now' }) @IsOptional() @IsTimestamp() to?: string;
  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUUID('all', { message: 'hotlistId must be a UUID' }) hotlistId?: string;
  @ApiPropertyOptional({ minimum: 1, maximum: 500, default: 100 }) @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(500) limit?: number;
}

export class HotlistAlertDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) entryId: string;
  @ApiProperty({ format: 'uuid' }) hotlistId: string;
  @ApiProperty({ description: 'the entry\'s agency' }) agencyId: string;
  @ApiProperty({ description: 'the agency that owns the read' }) ownerAgencyId: string;
  @ApiProperty() readId: string;
  @ApiProperty({ enum: MATCH_KINDS }) matchKind: string;
  @ApiProperty() matchedPlate: string;
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'the read, as a search returns it' }) read: Record<string, unknown>;
  @ApiProperty() raisedAt: string;
  @ApiProperty({ nullable: true, type: String, description: 'the alert\'s record in the audit chain' }) auditSeq: string | null;
  @ApiProperty({ nullable: true, enum: HIT_DISPOSITIONS }) disposition: HitDisposition | null;
  @ApiProperty({ nullable: true, type: String }) dispositionNote: string | null;
  @ApiProperty({ nullable: true, type: String }) dispositionBy: string | null;
  @ApiProperty({ nullable: true, type: String }) dispositionAt: string | null;
}

export class DispositionDto {
  @ApiProperty({ enum: HIT_DISPOSITIONS, description: 'every value but `confirmed` counts as a false hit in the monthly report' })
  @IsIn(HIT_DISPOSITIONS, { message: `disposition must be one of ${HIT_DISPOSITIONS.join(', ')}` })
  disposition: HitDisposition;

  @ApiPropertyOptional({ maxLength: 2000 }) @OptionalNotNull() @IsString() @MaxLength(2000) note?: string;
}
