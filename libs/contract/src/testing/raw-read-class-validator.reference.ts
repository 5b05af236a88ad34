/**
 * The raw-read rules as they were written with class-validator before the compiled schema replaced them on the hot
 * path: kept only as the independent reference `raw-read.property.spec.ts` checks the compiled rules against.
 */
import 'reflect-metadata';
import { Type, plainToInstance } from 'class-transformer';
import {
  ArrayMaxSize, IsArray, IsLatitude, IsLongitude, IsNotEmptyObject, IsNumber, IsObject, IsOptional, IsString, IsUUID,
  Length, Max, Min, ValidateNested, ValidationError, registerDecorator, validateSync,
} from 'class-validator';
import { FieldViolation } from '../topics';
import { normalisePlate } from '../plate';

const MAX_FUTURE_SKEW_MS = 5 * 60 * 1000;
const ISO_8601_WITH_OFFSET = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/;

function IsIsoInstantWithOffset() {
  return (target: object, propertyName: string) =>
    registerDecorator({
      name: 'isIsoInstantWithOffset',
      target: target.constructor,
      propertyName,
      options: { message: `${propertyName} must be an ISO-8601 timestamp with an offset, e.g. 2026-05-01T12:00:00Z` },
      validator: {
        validate: (value: unknown) =>
          typeof value === 'string' && ISO_8601_WITH_OFFSET.test(value) && !Number.isNaN(Date.parse(value)),
      },
    });
}

function NotInTheFuture(skewMs: number) {
  return (target: object, propertyName: string) =>
    registerDecorator({
      name: 'notInTheFuture',
      target: target.constructor,
      propertyName,
      options: { message: `${propertyName} must not be more than 5 minutes in the future` },
      validator: {
        validate: (value: unknown) => typeof value !== 'string' || !(Date.parse(value) > Date.now() + skewMs),
      },
    });
}

function NormalisesToAPlate() {
  return (target: object, propertyName: string) =>
    registerDecorator({
      name: 'normalisesToAPlate',
      target: target.constructor,
      propertyName,
      options: { message: `${propertyName} must contain at least one letter or digit` },
      validator: { validate: (value: unknown) => typeof value !== 'string' || normalisePlate(value).length > 0 },
    });
}

export class VehicleDescription {
  @IsOptional() @IsString() make?: string;
  @IsOptional() @IsString() model?: string;
  @IsOptional() @IsString() color?: string;
  @IsOptional() @IsString() type?: string;
}

/** Another reading of the same plate the OCR considered, with its confidence (0–1). */
export class PlateCandidate {
  @IsString() @Length(1, 16) @NormalisesToAPlate() plate: string;
  @IsOptional() @IsNumber({ allowNaN: false, allowInfinity: false }) @Min(0) @Max(1) confidence?: number;
}

const MAX_PLATE_CANDIDATES = 10;

export class ReadLocation {
  @IsLatitude() lat: number;
  @IsLongitude() lon: number;
}

/** A camera read as published on the raw topic (CONTRACT §2). */
export class RawReadReference {
  @IsOptional() @IsUUID() readId?: string;
  @IsString() @Length(1, 200) cameraId: string;
  @IsString() @IsIsoInstantWithOffset() @NotInTheFuture(MAX_FUTURE_SKEW_MS) capturedAt: string;
  @IsString() @Length(1, 16) @NormalisesToAPlate() plate: string;
  @IsOptional() @IsString() @Length(1, 16) plateRegion?: string;
  @IsOptional() @IsNumber({ allowNaN: false, allowInfinity: false }) @Min(0) @Max(1) confidence?: number;
  @IsOptional() @IsObject() @ValidateNested() @Type(() => VehicleDescription) vehicle?: VehicleDescription;
  @IsOptional() @IsNotEmptyObject() @ValidateNested() @Type(() => ReadLocation) location?: ReadLocation;
  @IsOptional() @IsString() @Length(1, 1024) imageRef?: string;
  /** Alternative readings (best first), used by fuzzy search and hotlist matching. */
  @IsOptional() @IsArray() @ArrayMaxSize(MAX_PLATE_CANDIDATES) @ValidateNested({ each: true }) @Type(() => PlateCandidate) candidates?: PlateCandidate[];
  /** Direction of travel in compass degrees (0 = north, 90 = east), as the camera reports it. */
  @IsOptional() @IsNumber({ allowNaN: false, allowInfinity: false }) @Min(0) @Max(360) direction?: number;
}

type RawReadCheck = { ok: true; read: RawReadReference } | { ok: false; violations: FieldViolation[] };

function flattenViolations(errors: ValidationError[], parentPath = ''): FieldViolation[] {
  return errors.flatMap((error) => {
    const field = parentPath ? `${parentPath}.${error.property}` : error.property;
    const own = Object.entries(error.constraints ?? {}).map(([rule, message]) => ({ field, rule, message }));
    return [...own, ...flattenViolations(error.children ?? [], field)];
  });
}

export function checkRawReadWithClassValidator(candidate: unknown): RawReadCheck {
  if (typeof candidate !== 'object' || candidate === null || Array.isArray(candidate)) {
    return { ok: false, violations: [{ field: '$', rule: 'isObject', message: 'a read must be a JSON object' }] };
  }
  const read = plainToInstance(RawReadReference, candidate, { excludeExtraneousValues: false });
  const violations = flattenViolations(validateSync(read, { whitelist: true, forbidUnknownValues: false }));
  return violations.length === 0 ? { ok: true, read } : { ok: false, violations };
}

