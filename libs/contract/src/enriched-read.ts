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

/** The document the indexer writes and the search service reads back. */
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
  vehicle?: { make?: string; model?: string; color?: string; type?: string };
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
  return {
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
}
