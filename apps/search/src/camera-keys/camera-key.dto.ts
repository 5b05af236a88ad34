import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize, ArrayMinSize, IsArray, IsIn, IsOptional, IsString, IsUUID, Length, Matches, MaxLength, ValidateNested, registerDecorator,
} from 'class-validator';
import { CAMERA_FORMATS, CameraFormat, CameraKey, CameraMapping } from '@platekeeper/persistence';
import { AGENCY_ID_PATTERN } from '../validation/administration-fields';
import { IsNotBlank } from '../validation/text-rules';

function IsTimeZone() {
  return (target: object, propertyName: string) =>
    registerDecorator({
      name: 'isTimeZone',
      target: target.constructor,
      propertyName,
      options: { message: `${propertyName} must be an IANA time zone, e.g. America/Los_Angeles` },
      validator: {
        validate: (value: unknown) => {
          if (typeof value !== 'string') return false;
          try {
            new Intl.DateTimeFormat('en-US', { timeZone: value });
            return true;
          } catch {
            return false;
          }
        },
      },
    });
}

export class AgencyPathDto {
  @ApiProperty() @Matches(AGENCY_ID_PATTERN, { message: 'id must be an agency id (lower-case slug)' }) id: string;
}

export class CameraKeyPathDto extends AgencyPathDto {
  @ApiProperty({ format: 'uuid' }) @IsUUID() keyId: string;
}

export class CameraMappingDto implements CameraMapping {
  @ApiProperty({ description: 'the camera id as the vendor sends it (OpenALPR camera_id, Plate Recognizer camera_id, Frigate camera name, Verkada camera_id, Blue Iris camera short name; for the platekeeper format the cameraId itself)' })
  @IsString() @IsNotBlank() @Length(1, 200) vendorCameraId: string;

  @ApiProperty({ description: 'the registered Platekeeper camera (owned by this agency) its reads are attributed to' })
  @IsString() @IsNotBlank() @Length(1, 200) cameraId: string;

  @ApiPropertyOptional({ description: 'IANA time zone of this camera, used when the vendor sends local times without an offset' })
  @IsOptional() @IsTimeZone() timeZone?: string;
}

export class IssueCameraKeyDto {
  @ApiProperty({ maxLength: 200, description: 'a label for the camera or agent holding the key' })
  @IsString() @IsNotBlank() @MaxLength(200) name: string;

  @ApiProperty({ enum: CAMERA_FORMATS, description: 'the vendor format this key posts' })
  @IsIn(CAMERA_FORMATS as unknown as string[]) format: CameraFormat;

  @ApiProperty({ type: [CameraMappingDto], description: 'vendor camera id ↔ Platekeeper camera; an id not listed is refused by the gateway' })
  @IsArray() @ArrayMinSize(1) @ArrayMaxSize(500) @ValidateNested({ each: true }) @Type(() => CameraMappingDto)
  cameras: CameraMappingDto[];
}

export class CameraKeyDto implements CameraKey {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() agencyId: string;
  @ApiProperty() name: string;
  @ApiProperty({ enum: CAMERA_FORMATS }) format: CameraFormat;
  @ApiProperty({ type: [CameraMappingDto] }) cameras: CameraMapping[];
  @ApiProperty() createdAt: string;
  @ApiProperty({ nullable: true, type: String }) rotatedAt: string | null;
  @ApiProperty({ nullable: true, type: String }) revokedAt: string | null;
}

export class IssuedCameraKeyDto extends CameraKeyDto {
  @ApiProperty({ description: 'the API key, shown only in this answer; the camera sends it as `Authorization: Bearer <apiKey>` or `X-Api-Key`' })
  apiKey: string;
}
