import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize, ArrayMinSize, IsArray, IsIn, IsInt, IsISO8601, IsLatitude, IsLongitude, IsNotEmpty, IsNumber,
  IsOptional, IsPositive, IsString, Length, Matches, Max, MaxLength, Min, MinLength, ValidateIf, ValidateNested,
} from 'class-validator';
import { SEARCH_PURPOSES, SEARCH_SCOPES, SearchPurpose, SearchScope } from '@platekeeper/sharing';

export const PLATE_MATCHES = ['exact', 'partial', 'fuzzy'] as const;
export type PlateMatch = (typeof PLATE_MATCHES)[number];

export class VehicleCriteria {
  @ApiPropertyOptional() @IsOptional() @IsString() @IsNotEmpty() @MaxLength(100) make?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @IsNotEmpty() @MaxLength(100) model?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @IsNotEmpty() @MaxLength(100) color?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @IsNotEmpty() @MaxLength(100) type?: string;
}

export class NearCriteria {
  @ApiProperty() @IsLatitude() lat: number;
  @ApiProperty() @IsLongitude() lon: number;
  @ApiProperty() @IsNumber() @IsPositive() @Max(500) radiusKm: number;
}

export class AreaCriteria {
  @ApiPropertyOptional({ type: [Number], description: '[minLon, minLat, maxLon, maxLat]' })
  @ValidateIf((area: AreaCriteria) => area.near === undefined)
  @IsArray() @ArrayMinSize(4) @ArrayMaxSize(4) @IsNumber({}, { each: true })
  bbox?: [number, number, number, number];

  @ApiPropertyOptional({ type: NearCriteria })
  @IsOptional() @ValidateNested() @Type(() => NearCriteria)
  near?: NearCriteria;
}

/** CONTRACT §4 search body; unknown fields are refused by the global ValidationPipe. */
export class SearchRequestDto {
  @ApiProperty({ enum: SEARCH_PURPOSES }) @IsIn(SEARCH_PURPOSES) purpose: SearchPurpose;
  @ApiProperty() @IsString() @IsNotEmpty() @MaxLength(100) caseNumber: string;
  @ApiProperty({ minLength: 10 }) @IsString() @MinLength(10) @MaxLength(2000) reason: string;
  @ApiPropertyOptional({ enum: SEARCH_SCOPES, default: 'local' }) @IsOptional() @IsIn(SEARCH_SCOPES) scope?: SearchScope;

  @ApiPropertyOptional({ description: 'required unless vehicle is given' })
  @ValidateIf((request: SearchRequestDto) => request.vehicle === undefined || request.plate !== undefined)
  @IsString({ message: 'plate or vehicle must be given; plate must be a string' })
  @Length(1, 32)
  @Matches(/[A-Za-z0-9]/, { message: 'plate must contain at least one letter or digit' })
  plate?: string;

  @ApiPropertyOptional({ enum: PLATE_MATCHES, default: 'exact' }) @IsOptional() @IsIn(PLATE_MATCHES) plateMatch?: PlateMatch;
  @ApiPropertyOptional() @IsOptional() @IsString() @Length(1, 16) plateRegion?: string;
  @ApiPropertyOptional({ type: VehicleCriteria }) @IsOptional() @ValidateNested() @Type(() => VehicleCriteria) vehicle?: VehicleCriteria;
  @ApiPropertyOptional() @IsOptional() @IsISO8601({ strict: true }) from?: string;
  @ApiPropertyOptional() @IsOptional() @IsISO8601({ strict: true }) to?: string;
  @ApiPropertyOptional({ type: AreaCriteria }) @IsOptional() @ValidateNested() @Type(() => AreaCriteria) area?: AreaCriteria;
  @ApiPropertyOptional({ type: [String] })
  @IsOptional() @IsArray() @ArrayMaxSize(1000) @IsString({ each: true })
  cameraIds?: string[];
  @ApiPropertyOptional({ minimum: 1, maximum: 500, default: 50 }) @IsOptional() @IsInt() @Min(1) @Max(500) limit?: number;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(500) cursor?: string;
}

export class SearchedReadDto {
  @ApiProperty() readId: string;
  @ApiProperty() capturedAt: string;
  @ApiProperty() plate: string;
  @ApiPropertyOptional() plateRegion?: string;
  @ApiPropertyOptional() confidence?: number;
  @ApiPropertyOptional({ type: VehicleCriteria }) vehicle?: VehicleCriteria;
  @ApiProperty() location: { lat: number; lon: number };
  @ApiProperty() cameraId: string;
  @ApiProperty() agencyId: string;
}

export class SearchResponseDto {
  @ApiProperty() searchId: string;
  @ApiProperty({ type: [SearchedReadDto] }) items: SearchedReadDto[];
  @ApiProperty() total: number;
  @ApiProperty({ nullable: true, type: String }) nextCursor: string | null;
}
