import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsLatitude, IsLongitude, IsNumber, IsString, Length, Matches, MaxLength } from 'class-validator';
import { AGENCY_ID_PATTERN } from '../validation/administration-fields';
import { IsNotBlank } from '../validation/text-rules';

export interface RegisteredCamera {
  id: string;
  agencyId: string;
  name: string;
  lat: number;
  lon: number;
  /** flagging sensitive places the camera stands in (docs/sensitive-places.md); absent when none */
  sensitivePlaces?: Array<{ id: string; kind: string; cameraRule: string }>;
}

export class CameraPathDto {
  @ApiProperty({ description: 'camera id, as the camera sends it in cameraId' }) @IsString() @IsNotBlank() @Length(1, 200) id: string;
}

export class PutCameraDto {
  @ApiProperty({ description: 'the owner agency' })
  @Matches(AGENCY_ID_PATTERN, { message: 'agencyId must be an agency id (lower-case slug)' })
  agencyId: string;

  @ApiProperty({ maxLength: 200 }) @IsString() @IsNotBlank() @MaxLength(200) name: string;
  @ApiProperty({ minimum: -90, maximum: 90 }) @IsNumber() @IsLatitude() lat: number;
  @ApiProperty({ minimum: -180, maximum: 180 }) @IsNumber() @IsLongitude() lon: number;
}

export class CameraDto implements RegisteredCamera {
  @ApiProperty() id: string;
  @ApiProperty() agencyId: string;
  @ApiProperty() name: string;
  @ApiProperty() lat: number;
  @ApiProperty() lon: number;
  @ApiPropertyOptional({ description: 'flagging sensitive places the camera stands in; absent when none' })
  sensitivePlaces?: Array<{ id: string; kind: string; cameraRule: string }>;
}
