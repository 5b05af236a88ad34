import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize, ArrayMinSize, IsArray, IsIn, IsInt, IsLatitude, IsLongitude, IsNumber, IsObject, IsOptional, IsPositive,
  IsString, Length, Matches, Max, MaxLength, Min, ValidateIf, ValidateNested,
} from 'class-validator';
import { SearchedRead } from '@platekeeper/contract';
import { OFFENSE_LEVELS, OffenseLevel, SEARCH_PURPOSES, SEARCH_SCOPES, SearchPurpose, SearchScope } from '@platekeeper/sharing';
import { OptionalNotNull } from '../validation/administration-fields';
import { IsNotBlank, IsTimestamp, MinTrimmedLength } from '../validation/text-rules';
import {
  IsBoundingBox, IsSpecificEnoughPlate, MIN_PARTIAL_PLATE_CHARACTERS, NamesAtLeastOneOf, NamesExactlyOneOf,
} from './search-request.rules';

export const PLATE_MATCHES = ['exact', 'partial', 'fuzzy'] as const;
export type PlateMatch = (typeof PLATE_MATCHES)[number];

export const VEHICLE_ATTRIBUTES = ['make', 'model', 'color', 'type'] as const;
export const AREA_SHAPES = ['bbox', 'near'] as const;

export class VehicleCriteria {
  @ApiPropertyOptional() @OptionalNotNull() @IsString() @IsNotBlank() @MaxLength(100) make?: string;
  @ApiPropertyOptional() @OptionalNotNull() @IsString() @IsNotBlank() @MaxLength(100) model?: string;
  @ApiPropertyOptional() @OptionalNotNull() @IsString() @IsNotBlank() @MaxLength(100) color?: string;
  @ApiPropertyOptional() @OptionalNotNull() @IsString() @IsNotBlank() @MaxLength(100) type?: string;
}

export class NearCriteria {
  @ApiProperty({ minimum: -90, maximum: 90 }) @IsNumber() @IsLatitude() lat: number;
  @ApiProperty({ minimum: -180, maximum: 180 }) @IsNumber() @IsLongitude() lon: number;
  @ApiProperty({ minimum: 0, exclusiveMinimum: true, maximum: 500 }) @IsNumber() @IsPositive() @Max(500) radiusKm: number;
}

/** Exactly one of `bbox` or `near`. */
export class AreaCriteria {
  @ApiPropertyOptional({
    type: [Number], minItems: 4, maxItems: 4,
    description: '[minLon, minLat, maxLon, maxLat]; longitudes -180..180, latitudes -90..90, min not above max',
  })
  @OptionalNotNull() @IsArray() @ArrayMinSize(4) @ArrayMaxSize(4) @IsNumber({}, { each: true }) @IsBoundingBox()
  bbox?: [number, number, number, number];

  @ApiPropertyOptional({ type: NearCriteria })
  @OptionalNotNull() @IsObject() @ValidateNested() @Type(() => NearCriteria)
  near?: NearCriteria;
}

/** CONTRACT §4 search body; unknown fields are refused by the global ValidationPipe. */
export class SearchRequestDto {
  @ApiProperty({ enum: SEARCH_PURPOSES }) @IsIn(SEARCH_PURPOSES) purpose: SearchPurpose;
  @ApiProperty({ maxLength: 100 }) @IsString() @IsNotBlank() @MaxLength(100) caseNumber: string;
  @ApiProperty({ minLength: 10, maxLength: 2000, description: 'at least 10 characters besides surrounding whitespace' })
  @IsString() @MinTrimmedLength(10) @MaxLength(2000)
  reason: string;
  @ApiPropertyOptional({ enum: SEARCH_SCOPES, default: 'local' }) @IsOptional() @IsIn(SEARCH_SCOPES) scope?: SearchScope;

  @ApiPropertyOptional({
    enum: OFFENSE_LEVELS,
    description: 'the most serious offense the case concerns; owners and states may require a minimum per purpose (docs/legal-basis.md)',
  })
  @IsOptional() @IsIn(OFFENSE_LEVELS)
  offenseLevel?: OffenseLevel;

  @ApiPropertyOptional({
    maxLength: 200,
    description: 'warrant or court order number; without one, reads older than a legal-reference rule allows are not searched',
  })
  @IsOptional() @IsString() @IsNotBlank() @MaxLength(200)
  legalReference?: string;

  @ApiPropertyOptional({
    maxLength: 32,
    description: `required unless vehicle is given; a partial pattern needs at least ${MIN_PARTIAL_PLATE_CHARACTERS} letters or digits`,
  })
  @ValidateIf((request: SearchRequestDto) => request.vehicle === undefined || request.plate !== undefined)
  @IsString({ message: 'plate or vehicle must be given; plate must be a string' })
  @Length(1, 32)
  @Matches(/[A-Za-z0-9]/, { message: 'plate must contain at least one letter or digit' })
  @IsSpecificEnoughPlate()
  plate?: string;

  @ApiPropertyOptional({ enum: PLATE_MATCHES, default: 'exact' }) @IsOptional() @IsIn(PLATE_MATCHES) plateMatch?: PlateMatch;
  @ApiPropertyOptional({ maxLength: 16 }) @IsOptional() @IsString() @IsNotBlank() @Length(1, 16) plateRegion?: string;

  @ApiPropertyOptional({ type: VehicleCriteria, description: 'names at least one of make, model, color, type' })
  @OptionalNotNull() @IsObject() @NamesAtLeastOneOf(VEHICLE_ATTRIBUTES) @ValidateNested() @Type(() => VehicleCriteria)
  vehicle?: VehicleCriteria;

  @ApiPropertyOptional({ example: '2026-11-01T00:00:00Z', description: 'YYYY-MM-DD, or a date-time with Z or an offset' })
  @IsOptional() @IsTimestamp()
  from?: string;

  @ApiPropertyOptional({ example: '2026-11-27T23:59:59Z', description: 'YYYY-MM-DD, or a date-time with Z or an offset' })
  @IsOptional() @IsTimestamp()
  to?: string;

  @ApiPropertyOptional({ type: AreaCriteria, description: 'exactly one of bbox or near' })
  @OptionalNotNull() @IsObject() @NamesExactlyOneOf(AREA_SHAPES) @ValidateNested() @Type(() => AreaCriteria)
  area?: AreaCriteria;

  @ApiPropertyOptional({ type: [String], minItems: 1, maxItems: 1000 })
  @IsOptional() @IsArray() @ArrayMinSize(1) @ArrayMaxSize(1000) @IsString({ each: true }) @IsNotBlank({ each: true })
  @MaxLength(200, { each: true })
  cameraIds?: string[];

  @ApiPropertyOptional({ minimum: 1, maximum: 500, default: 50 }) @IsOptional() @IsInt() @Min(1) @Max(500) limit?: number;
  @ApiPropertyOptional({ description: 'nextCursor of the previous page of the same search' })
  @IsOptional() @IsString() @MaxLength(500)
  cursor?: string;
}

/** `SearchedRead` (libs/contract `SEARCH_RETURNS`) with its OpenAPI description; the check below keeps the two equal. */
export class SearchedReadDto implements SearchedRead {
  @ApiProperty() readId: string;
  @ApiProperty() capturedAt: string;
  @ApiProperty() plate: string;
  @ApiPropertyOptional() plateRegion?: string;
  @ApiPropertyOptional() confidence?: number;
  @ApiPropertyOptional({ type: VehicleCriteria }) vehicle?: VehicleCriteria;
  @ApiProperty() location: { lat: number; lon: number };
  @ApiProperty() cameraId: string;
  @ApiProperty() agencyId: string;
  @ApiPropertyOptional({ description: 'other readings the camera considered (normalised), best first, confidence 0–1' })
  candidates?: Array<{ plate: string; confidence?: number }>;
  @ApiPropertyOptional({ description: 'direction of travel in compass degrees, as the camera reported it' }) direction?: number;
}
// Fails to compile when searches return a field this response does not describe, or the reverse.
const searchedReadDtoDescribesEveryField: SameKeys<SearchedReadDto, SearchedRead> = true;
void searchedReadDtoDescribesEveryField;
type SameKeys<A, B> = [keyof A] extends [keyof B] ? ([keyof B] extends [keyof A] ? true : false) : false;

/**
 * A limit the rules put on this search before it ran (docs/legal-basis.md). Decided from the rules alone, never from
 * which reads exist: it appears whether or not any read was left out, so it reveals nothing about anyone's reads.
 */
export class SearchNarrowingDto {
  @ApiProperty({ enum: ['LEGAL_REFERENCE_REQUIRED'] }) rule: 'LEGAL_REFERENCE_REQUIRED';
  @ApiProperty({ description: 'reads older than this were not searched for the owners whose rules require a legal reference' })
  readsOlderThanHours: number;
  @ApiProperty() message: string;
}

export class SearchResponseDto {
  @ApiProperty() searchId: string;
  @ApiProperty({ type: [SearchedReadDto] }) items: SearchedReadDto[];
  @ApiProperty() total: number;
  @ApiProperty({ nullable: true, type: String }) nextCursor: string | null;
  @ApiPropertyOptional({ type: [SearchNarrowingDto], description: 'limits the rules put on this search before it ran; absent when none did' })
  narrowedBy?: SearchNarrowingDto[];
}
