import { v5 as uuidv5 } from 'uuid';
import { RawRead } from './raw-read';
import { foldPlateLookAlikes, normalisePlate } from './plate';

const READ_ID_NAMESPACE = '4b3c1c2e-6f57-4f7e-9a34-1f2d3b0e8a61';

export interface CameraRegistration {
  cameraId: string;
  ownerAgencyId: string;
  ownerState: string;
  lat: number;
  lon: number;
}

export interface ReadVehicle {
  make?: string;
  model?: string;
  color?: string;
  type?: string;
}

/**
 * The one definition of the read document: ingest writes it, the indexer stores it, searches return part of it.
 * Adding a field here fails to compile until `enrichRead` sets it, the strict index mapping
 * (`READ_DOCUMENT_MAPPING` in libs/elastic) maps it and `SEARCH_RETURNS` says whether searches return it.
 */
export interface EnrichedRead {
  readId: string;
  cameraId: string;
  agencyId: string;
  agencyState: string;
  capturedAt: string;
  plate: string;
  plateFolded: string;
  plateRaw: string;
  plateRegion?: string;
  confidence?: number;
  vehicle?: ReadVehicle;
  location: { lat: number; lon: number };
  imageRef?: string;
  /** Other readings the camera considered, normalised (and folded, for fuzzy matching), best first. */
  candidates?: Array<{ plate: string; plateFolded: string; confidence?: number }>;
  direction?: number;
  ingestedAt: string;
}

/** Same camera, same instant, same plate: the same read, however often it is replayed. */
export function deriveReadId(cameraId: string, capturedAt: string, plate: string): string {
  const instant = new Date(capturedAt).toISOString();
  return uuidv5(`${cameraId}|${instant}|${normalisePlate(plate)}`, READ_ID_NAMESPACE);
}

/** The owner always comes from the camera registry, never from the read. */
export function enrichRead(read: RawRead, camera: CameraRegistration, ingestedAt: Date): EnrichedRead {
  const plate = normalisePlate(read.plate);
  const enriched: EveryField<EnrichedRead> = {
    readId: read.readId ?? deriveReadId(read.cameraId, read.capturedAt, read.plate),
    cameraId: camera.cameraId,
    agencyId: camera.ownerAgencyId,
    agencyState: camera.ownerState,
    capturedAt: new Date(read.capturedAt).toISOString(),
    plate,
    plateFolded: foldPlateLookAlikes(plate),
    plateRaw: read.plate,
    plateRegion: read.plateRegion?.toUpperCase(),
    confidence: read.confidence,
    vehicle: read.vehicle
      ? { make: read.vehicle.make, model: read.vehicle.model, color: read.vehicle.color, type: read.vehicle.type }
      : undefined,
    location: read.location ? { lat: read.location.lat, lon: read.location.lon } : { lat: camera.lat, lon: camera.lon },
    imageRef: read.imageRef,
    candidates: read.candidates?.map((candidate) => {
      const normalised = normalisePlate(candidate.plate);
      return { plate: normalised, plateFolded: foldPlateLookAlikes(normalised), confidence: candidate.confidence };
    }),
    direction: read.direction,
    ingestedAt: ingestedAt.toISOString(),
  };
  return enriched;
}

/** Every key of T present (optional ones possibly undefined): a field added to the document cannot be forgotten here. */
type EveryField<T> = { [K in keyof Required<T>]: T[K] };

/**
 * Which fields a search returns, decided per field: a field added to `EnrichedRead` fails to compile until it is
 * listed here. `true` returns the field whole, `false` keeps it stored only, and a list of sub-fields returns just
 * those of an object field (or of each element of a list of objects), e.g. `candidates: ['plate', 'confidence']`.
 * The search service derives its `_source` list, its projection and its response type from this.
 */
export const SEARCH_RETURNS = {
  readId: true,
  cameraId: true,
  agencyId: true,
  agencyState: false,
  capturedAt: true,
  plate: true,
  plateFolded: false,
  plateRaw: false,
  plateRegion: true,
  confidence: true,
  vehicle: true,
  location: true,
  imageRef: false,
  ingestedAt: false,
  candidates: ['plate', 'confidence'],
  direction: true,
} as const satisfies ReturnedFields<EnrichedRead>;

type Element<T> = T extends readonly (infer E)[] ? E : T;
/** Per field of T: returned whole, not at all, or only the listed sub-fields. */
export type ReturnedFields<T> = { [K in keyof Required<T>]: boolean | ReadonlyArray<keyof Element<NonNullable<T[K]>>> };

type Projected<T, S> = T extends undefined
  ? undefined
  : S extends ReadonlyArray<infer P>
    ? T extends readonly (infer E)[] ? Array<Pick<E, P & keyof E>> : Pick<T, P & keyof T>
    : T;
type ReturnedKeys<T, R extends ReturnedFields<T>> = { [K in keyof R]: R[K] extends false ? never : K }[keyof R] & keyof T;
/** The part of a T that `returns` lets out. */
export type ProjectedDocument<T, R extends ReturnedFields<T>> = { [K in keyof Pick<T, ReturnedKeys<T, R>>]: Projected<T[K], R[K]> };

export type SearchedReadField = ReturnedKeys<EnrichedRead, typeof SEARCH_RETURNS>;

/** What a search answers for each read. */
export type SearchedRead = ProjectedDocument<EnrichedRead, typeof SEARCH_RETURNS>;

/** Elasticsearch `_source` paths for `returns`: a whole field by name, listed sub-fields as `field.sub`. */
export function sourcePaths<T>(returns: ReturnedFields<T>): string[] {
  return Object.entries(returns as Record<string, boolean | readonly string[]>).flatMap(([field, returned]) =>
    returned === true ? [field] : returned === false ? [] : returned.map((sub) => `${field}.${sub}`),
  );
}

/** The part of `document` that `returns` lets out, and nothing else (also when the source held more). */
export function projectDocument<T, R extends ReturnedFields<T>>(document: T, returns: R): ProjectedDocument<T, R> {
  const pick = (value: Record<string, unknown>, keys: readonly string[]) => Object.fromEntries(keys.map((key) => [key, value[key]]));
  const projected: Record<string, unknown> = {};
  for (const [field, returned] of Object.entries(returns as Record<string, boolean | readonly string[]>)) {
    const value = (document as Record<string, unknown>)[field];
    if (returned === false) continue;
    if (returned === true || value === undefined || value === null) projected[field] = value;
    else projected[field] = Array.isArray(value) ? value.map((element) => pick(element, returned)) : pick(value as Record<string, unknown>, returned);
  }
  return projected as ProjectedDocument<T, R>;
}

export const SEARCHED_READ_FIELDS = sourcePaths<EnrichedRead>(SEARCH_RETURNS);

/** The searched part of a stored read, and nothing else. */
export function toSearchedRead(source: SearchedRead): SearchedRead {
  return projectDocument(source, SEARCH_RETURNS);
}
