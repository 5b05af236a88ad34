/**
 * What a vendor payload says about one read, before the camera mapping: the vendor's camera id and either an instant
 * or a local wall-clock time (vendors that send times without an offset; the camera's mapped time zone places it).
 */
export interface VendorRead {
  vendorCameraId: string;
  capturedAt: { instant: string } | { localTime: string };
  plate: string;
  plateRegion?: string;
  confidence?: number;
  candidates?: Array<{ plate: string; confidence?: number }>;
  vehicle?: { make?: string; model?: string; color?: string; type?: string };
  direction?: number;
  location?: { lat: number; lon: number };
  imageRef?: string;
  readId?: string;
}

/** A payload that is not (a supported message of) the format; each problem names the field. */
export class UnsupportedPayload extends Error {
  constructor(readonly problems: string[]) {
    super(problems.join('; '));
  }
}

/** A translator: body bytes (already JSON-parsed where the format is JSON) → reads; [] for messages that carry none (heartbeats). */
export type Translator = (body: unknown) => VendorRead[];

export function objectAt(value: unknown, field: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new UnsupportedPayload([`${field}: must be a JSON object`]);
  return value as Record<string, unknown>;
}

export function optionalObject(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

export function stringAt(value: unknown, field: string): string {
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value !== 'string' || value.trim() === '') throw new UnsupportedPayload([`${field}: must be a non-empty string`]);
  return value;
}

export function optionalString(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value : undefined;
}

export function finiteNumber(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) return Number(value);
  return undefined;
}

/** Vendors' confidences on a 0–100 scale (OpenALPR) become 0–1; out-of-range values are dropped, never clamped into a lie. */
export function confidenceFromPercent(value: unknown): number | undefined {
  const percent = finiteNumber(value);
  return percent !== undefined && percent >= 0 && percent <= 100 ? Math.round(percent * 1000) / 100000 : undefined;
}

export function confidenceFromUnit(value: unknown): number | undefined {
  const unit = finiteNumber(value);
  return unit !== undefined && unit >= 0 && unit <= 1 ? unit : undefined;
}

/** `us-wa` (Plate Recognizer, OpenALPR, Verkada) → `WA`; a bare code (`mo`, `gb`) upper-cased; empty → undefined. */
export function regionCode(value: unknown): string | undefined {
  const code = optionalString(value)?.trim().toLowerCase();
  if (code === undefined) return undefined;
  const subdivision = /^[a-z]{2}-([a-z0-9]{1,3})$/.exec(code);
  return (subdivision ? subdivision[1] : code).toUpperCase().slice(0, 16);
}

export function instantFromEpochMs(value: unknown, field: string): { instant: string } {
  const ms = finiteNumber(value);
  if (ms === undefined || ms <= 0) throw new UnsupportedPayload([`${field}: must be a time in epoch milliseconds`]);
  return { instant: new Date(ms).toISOString() };
}

export function instantFromEpochSeconds(value: unknown, field: string): { instant: string } {
  const seconds = finiteNumber(value);
  if (seconds === undefined || seconds <= 0) throw new UnsupportedPayload([`${field}: must be a time in epoch seconds`]);
  return { instant: new Date(Math.round(seconds * 1000)).toISOString() };
}

const HAS_OFFSET = /(Z|[+-]\d{2}:?\d{2})$/i;
const LOCAL_TIME = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?$/;

/** An ISO-like time: with an offset it is an instant; without one, a local time the camera's time zone places. */
export function timeFromText(value: unknown, field: string): VendorRead['capturedAt'] {
  const text = stringAt(value, field).trim();
  if (HAS_OFFSET.test(text)) {
    const parsed = Date.parse(text.replace(' ', 'T'));
    if (Number.isNaN(parsed)) throw new UnsupportedPayload([`${field}: must be an ISO-8601 time`]);
    return { instant: new Date(parsed).toISOString() };
  }
  if (LOCAL_TIME.test(text)) return { localTime: text.replace(' ', 'T') };
  throw new UnsupportedPayload([`${field}: must be an ISO-8601 time`]);
}

/** Direction of travel in degrees [0, 360); vendors send "" or -1 when unknown. */
export function directionDegrees(value: unknown): number | undefined {
  const degrees = finiteNumber(value);
  return degrees !== undefined && degrees >= 0 && degrees <= 360 ? degrees % 360 : undefined;
}

/** Drops undefined fields and empty vehicles so the read carries only what the vendor said. */
export function compact(read: VendorRead): VendorRead {
  const vehicle = read.vehicle && Object.fromEntries(Object.entries(read.vehicle).filter(([, value]) => value !== undefined));
  const result = Object.fromEntries(Object.entries({ ...read, vehicle }).filter(([, value]) => value !== undefined)) as unknown as VendorRead;
  if (vehicle && Object.keys(vehicle).length === 0) delete result.vehicle;
  if (result.candidates && result.candidates.length === 0) delete result.candidates;
  return result;
}

/** Other readings than the chosen plate, best first, at most 10 (the read contract's limit). */
export function alternatives(best: string, candidates: Array<{ plate: string; confidence?: number }>): Array<{ plate: string; confidence?: number }> {
  const seen = new Set([normalised(best)]);
  const kept: Array<{ plate: string; confidence?: number }> = [];
  for (const candidate of candidates) {
    const key = normalised(candidate.plate);
    if (key === '' || seen.has(key) || candidate.plate.length > 16) continue;
    seen.add(key);
    kept.push(candidate.confidence === undefined ? { plate: candidate.plate } : candidate);
    if (kept.length === 10) break;
  }
  return kept;
}

function normalised(plate: string): string {
  return plate.toUpperCase().replace(/[^A-Z0-9]/g, '');
}
