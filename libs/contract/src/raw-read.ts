import Ajv, { ErrorObject } from 'ajv';
import { FieldViolation } from './topics';
import { normalisePlate } from './plate';

export const MAX_FUTURE_SKEW_MS = 5 * 60 * 1000;
export const MAX_PLATE_CANDIDATES = 10;
const ISO_8601_WITH_OFFSET = '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}(:\\d{2}(\\.\\d{1,9})?)?(Z|[+-]\\d{2}:?\\d{2})$';
// Versions 1–8, nil and max, any case: what the rule accepted before it was compiled (validator.js isUUID 'all').
const UUID = '^(?:[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[1-8][0-9a-fA-F]{3}-[89abAB][0-9a-fA-F]{3}-[0-9a-fA-F]{12}|00000000-0000-0000-0000-000000000000|[fF]{8}-[fF]{4}-[fF]{4}-[fF]{4}-[fF]{12})$';

export interface VehicleDescription {
  make?: string;
  model?: string;
  color?: string;
  type?: string;
}

/** Another reading of the same plate the OCR considered, with its confidence (0–1). */
export interface PlateCandidate {
  plate: string;
  confidence?: number;
}

export interface ReadLocation {
  lat: number;
  lon: number;
}

/** A camera read as published on the raw topic (CONTRACT §2). Optional fields may also be null (= absent). */
export interface RawRead {
  readId?: string;
  cameraId: string;
  capturedAt: string;
  plate: string;
  plateRegion?: string;
  confidence?: number;
  vehicle?: VehicleDescription;
  location?: ReadLocation;
  imageRef?: string;
  /** Alternative readings (best first), used by fuzzy search and hotlist matching. */
  candidates?: PlateCandidate[];
  /** Direction of travel in compass degrees (0 = north, 90 = east), as the camera reports it. */
  direction?: number;
}

const optional = (schema: Record<string, unknown>) => ({ ...schema, type: [schema.type as string, 'null'] });
const text = (minLength: number, maxLength: number) => ({ type: 'string', minLength, maxLength });
const fraction = { type: 'number', minimum: 0, maximum: 1 };

/** CONTRACT §2 as JSON Schema, compiled once: the hot path of ingest (a rule here dead-letters the read). */
const RAW_READ_SCHEMA = {
  type: 'object',
  required: ['cameraId', 'capturedAt', 'plate'],
  properties: {
    readId: optional({ type: 'string', pattern: UUID }),
    cameraId: text(1, 200),
    capturedAt: { type: 'string', pattern: ISO_8601_WITH_OFFSET },
    plate: text(1, 16),
    plateRegion: optional(text(1, 16)),
    confidence: optional(fraction),
    vehicle: optional({
      type: 'object',
      properties: Object.fromEntries(['make', 'model', 'color', 'type'].map((name) => [name, optional({ type: 'string' })])),
    }),
    location: optional({
      type: 'object',
      required: ['lat', 'lon'],
      properties: { lat: { type: 'number', minimum: -90, maximum: 90 }, lon: { type: 'number', minimum: -180, maximum: 180 } },
    }),
    imageRef: optional(text(1, 1024)),
    candidates: optional({
      type: 'array',
      maxItems: MAX_PLATE_CANDIDATES,
      items: { type: 'object', required: ['plate'], properties: { plate: text(1, 16), confidence: optional(fraction) } },
    }),
    direction: optional({ type: 'number', minimum: 0, maximum: 360 }),
  },
} as const;

const validateSchema = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true, unicodeRegExp: false }).compile<RawRead>(RAW_READ_SCHEMA);

/** `/candidates/0/plate` → `candidates.0.plate`; a missing property is named by its own path. */
function fieldOf(error: ErrorObject): string {
  const path = error.instancePath.slice(1).replace(/\//g, '.');
  if (error.keyword !== 'required') return path;
  const missing = (error.params as { missingProperty: string }).missingProperty;
  return path ? `${path}.${missing}` : missing;
}

function violationOf(error: ErrorObject): FieldViolation {
  const field = fieldOf(error);
  const limit = (error.params as { limit?: number }).limit;
  switch (error.keyword) {
    case 'required':
      return { field, rule: 'isDefined', message: `${field} is required` };
    case 'type':
      return { field, rule: `is${String((error.params as { type: string | string[] }).type).split(',')[0].replace(/^./, (c) => c.toUpperCase())}`, message: `${field} must be ${describeType(error)}` };
    case 'minLength':
      return { field, rule: 'isLength', message: `${field} must be at least ${limit} characters long` };
    case 'maxLength':
      return { field, rule: 'isLength', message: `${field} must be at most ${limit} characters long` };
    case 'minimum':
      return { field, rule: 'min', message: `${field} must not be less than ${limit}` };
    case 'maximum':
      return { field, rule: 'max', message: `${field} must not be greater than ${limit}` };
    case 'maxItems':
      return { field, rule: 'arrayMaxSize', message: `${field} must contain no more than ${limit} elements` };
    case 'pattern':
      return field === 'readId'
        ? { field, rule: 'isUuid', message: 'readId must be a UUID' }
        : { field, rule: 'isIsoInstantWithOffset', message: `${field} must be an ISO-8601 timestamp with an offset, e.g. 2026-05-01T12:00:00Z` };
    default:
      return { field, rule: error.keyword, message: `${field} ${error.message ?? 'is invalid'}` };
  }
}

function describeType(error: ErrorObject): string {
  const type = String((error.params as { type: string | string[] }).type).split(',')[0];
  return { string: 'a string', number: 'a number', object: 'an object', array: 'an array' }[type] ?? type;
}

/**
 * The rules JSON Schema cannot say: a real instant not too far ahead, and plates with something left after
 * normalising. A field whose shape the schema already refused (`reported`) is not judged again.
 */
function semanticViolations(read: Record<string, unknown>, now: number, reported: ReadonlySet<string>): FieldViolation[] {
  const violations: FieldViolation[] = [];
  if (!reported.has('capturedAt') && typeof read.capturedAt === 'string') {
    const capturedAt = Date.parse(read.capturedAt);
    if (Number.isNaN(capturedAt)) {
      violations.push({ field: 'capturedAt', rule: 'isIsoInstantWithOffset', message: 'capturedAt must be an ISO-8601 timestamp with an offset, e.g. 2026-05-01T12:00:00Z' });
    } else if (capturedAt > now + MAX_FUTURE_SKEW_MS) {
      violations.push({ field: 'capturedAt', rule: 'notInTheFuture', message: 'capturedAt must not be more than 5 minutes in the future' });
    }
  }
  checkPlate('plate', read.plate, reported, violations);
  if (Array.isArray(read.candidates)) {
    for (let index = 0; index < read.candidates.length; index++) {
      checkPlate(`candidates.${index}.plate`, (read.candidates[index] as { plate?: unknown } | null)?.plate, reported, violations);
    }
  }
  return violations;
}

function checkPlate(field: string, plate: unknown, reported: ReadonlySet<string>, violations: FieldViolation[]): void {
  if (reported.has(field) || typeof plate !== 'string') return;
  // The test first: normalising is the slow way to learn the usual answer (a letter or digit is there).
  if (ASCII_LETTER_OR_DIGIT.test(plate) || normalisePlate(plate).length > 0) return;
  violations.push({ field, rule: 'normalisesToAPlate', message: `${field} must contain at least one letter or digit` });
}

const ASCII_LETTER_OR_DIGIT = /[A-Za-z0-9]/;
const NOTHING_REPORTED: ReadonlySet<string> = new Set();

export type RawReadCheck = { ok: true; read: RawRead } | { ok: false; violations: FieldViolation[] };

/** Every rule a raw read breaks, each named by its field (`vehicle.make`, `candidates.0.plate`), or the read. */
export function checkRawRead(candidate: unknown, now: number = Date.now()): RawReadCheck {
  if (typeof candidate !== 'object' || candidate === null || Array.isArray(candidate)) {
    return { ok: false, violations: [{ field: '$', rule: 'isObject', message: 'a read must be a JSON object' }] };
  }
  const fields = candidate as Record<string, unknown>;
  // The valid read is the hot path (ingest and the gateway check every read): no error lists built for it.
  if (validateSchema(fields)) {
    const violations = semanticViolations(fields, now, NOTHING_REPORTED);
    return violations.length === 0 ? { ok: true, read: candidate as RawRead } : { ok: false, violations };
  }
  const shapeViolations = (validateSchema.errors ?? []).map(violationOf);
  const reported = new Set(shapeViolations.map((violation) => violation.field));
  const violations = [...shapeViolations, ...semanticViolations(fields, now, reported)];
  return violations.length === 0 ? { ok: true, read: candidate as RawRead } : { ok: false, violations };
}
