import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsLatitude, IsLongitude, IsNumber, IsOptional, IsString, IsUUID, Matches, Max, MaxLength, Min } from 'class-validator';
import { SENSITIVE_CAMERA_RULES, SENSITIVE_PLACE_KINDS, SensitiveCameraRule, SensitivePlaceKind } from '@platekeeper/contract';
import { RegisteredSensitivePlace } from '@platekeeper/persistence';
import { AGENCY_ID_PATTERN, STATE_CODE_PATTERN } from '../validation/administration-fields';
import { IsNotBlank, IsTimestamp } from '../validation/text-rules';

export const MAX_PLACE_RADIUS_M = 5000;

/** A geofence: exactly one of `state` (a jurisdiction's place, platform_admin) or `agencyId` (an agency's, its agency_admin). */
export class RegisterSensitivePlaceDto {
  @ApiProperty({ maxLength: 200 }) @IsString() @IsNotBlank() @MaxLength(200) name: string;
  @ApiProperty({ enum: SENSITIVE_PLACE_KINDS }) @IsIn(SENSITIVE_PLACE_KINDS) kind: SensitivePlaceKind;
  @ApiProperty({ minimum: -90, maximum: 90 }) @IsNumber() @IsLatitude() lat: number;
  @ApiProperty({ minimum: -180, maximum: 180 }) @IsNumber() @IsLongitude() lon: number;
  @ApiProperty({ minimum: 1, maximum: MAX_PLACE_RADIUS_M, description: 'radius of the circle, metres' })
  @IsNumber() @Min(1) @Max(MAX_PLACE_RADIUS_M)
  radiusM: number;
  @ApiPropertyOptional({ enum: SENSITIVE_CAMERA_RULES, default: 'refuse', description: 'a camera registered inside: refused (409) or accepted and flagged' })
  @IsOptional() @IsIn(SENSITIVE_CAMERA_RULES)
  cameraRule?: SensitiveCameraRule;
  @ApiPropertyOptional({ description: 'a jurisdiction\'s place: covers every read captured inside it' })
  @IsOptional() @Matches(STATE_CODE_PATTERN, { message: 'state must be a two-letter upper-case state code' })
  state?: string;
  @ApiPropertyOptional({ description: 'an agency\'s place: covers its own cameras\' reads' })
  @IsOptional() @Matches(AGENCY_ID_PATTERN, { message: 'agencyId must be an agency id (lower-case slug)' })
  agencyId?: string;
}

export class PlacePathDto {
  @ApiProperty() @IsUUID() id: string;
}

export class DropCountsQueryDto {
  @ApiPropertyOptional({ description: 'first day counted (YYYY-MM-DD, inclusive); default: 365 days ago' })
  @IsOptional() @IsTimestamp()
  since?: string;
}

export class SensitivePlaceDto implements RegisteredSensitivePlace {
  @ApiProperty() id: string;
  @ApiProperty() name: string;
  @ApiProperty({ enum: SENSITIVE_PLACE_KINDS }) kind: SensitivePlaceKind;
  @ApiProperty({ nullable: true, type: String }) state: string | null;
  @ApiProperty({ nullable: true, type: String }) agencyId: string | null;
  @ApiProperty() lat: number;
  @ApiProperty() lon: number;
  @ApiProperty() radiusM: number;
  @ApiProperty({ enum: SENSITIVE_CAMERA_RULES }) cameraRule: SensitiveCameraRule;
  @ApiProperty() registeredBy: string;
  @ApiProperty() registeredAt: string;
  @ApiProperty({ nullable: true, type: String }) removedAt: string | null;
}

export class PlaceDropCountDto {
  @ApiProperty() placeId: string;
  @ApiProperty({ enum: SENSITIVE_PLACE_KINDS }) kind: SensitivePlaceKind;
  @ApiProperty({ nullable: true, type: String, description: 'the registering jurisdiction' }) state: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'the registering agency' }) agencyId: string | null;
  @ApiProperty({ description: 'reads dropped inside the place, all cameras' }) dropped: number;
  @ApiProperty({ type: 'array', items: { type: 'object', properties: { cameraId: { type: 'string' }, dropped: { type: 'number' } } } })
  byCamera: Array<{ cameraId: string; dropped: number }>;
}

export class DropCountsDto {
  @ApiProperty() since: string;
  @ApiProperty({ type: [PlaceDropCountDto], description: 'places with at least one dropped read; names and positions are not published' })
  places: PlaceDropCountDto[];
}
