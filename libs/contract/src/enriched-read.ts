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
    ingestedAt: ingestedAt.toISOString(),
  };
  return enriched;
}

/** Every key of T present (optional ones possibly undefined): a field added to the document cannot be forgotten here. */
type EveryField<T> = { [K in keyof Required<T>]: T[K] };

/**
 * Which fields a search returns, decided per field: a field added to `EnrichedRead` fails to compile until it is
 * listed here. The search service derives its `_source` list and its response type from this.
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
} as const satisfies Record<keyof EnrichedRead, boolean>;

export type SearchedReadField = { [K in keyof typeof SEARCH_RETURNS]: (typeof SEARCH_RETURNS)[K] extends true ? K : never }[keyof typeof SEARCH_RETURNS];

/** What a search answers for each read. */
export type SearchedRead = Pick<EnrichedRead, SearchedReadField>;

export const SEARCHED_READ_FIELDS = (Object.keys(SEARCH_RETURNS) as Array<keyof typeof SEARCH_RETURNS>).filter(
  (field): field is SearchedReadField => SEARCH_RETURNS[field],
);

/** The searched part of a stored read, and nothing else. */
export function toSearchedRead(read: SearchedRead): SearchedRead {
  return Object.fromEntries(SEARCHED_READ_FIELDS.map((field) => [field, read[field]])) as SearchedRead;
}
