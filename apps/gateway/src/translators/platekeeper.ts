import { Translator, UnsupportedPayload, VendorRead, objectAt, stringAt } from './vendor-read';

/**
 * Platekeeper's own raw read (CONTRACT §2), one object, an array of them, or NDJSON (one per line). `cameraId` is
 * the vendor camera id of the mapping (usually the same id); the contract's rules are checked after mapping, and
 * fields the contract does not have are not passed on.
 */
export const translatePlatekeeper: Translator = (body) => {
  const reads = Array.isArray(body) ? body : [body];
  if (reads.length === 0) throw new UnsupportedPayload(['$: must hold at least one read']);
  return reads.map((entry, index) => {
    const field = Array.isArray(body) ? `[${index}]` : '$';
    const read = objectAt(entry, field);
    // The contract's fields, as sent: their rules are checked once mapped (checkRawRead); anything else is dropped.
    return {
      vendorCameraId: stringAt(read.cameraId, Array.isArray(body) ? `${field}.cameraId` : 'cameraId'),
      capturedAt: { instant: read.capturedAt as string },
      readId: read.readId,
      plate: read.plate,
      plateRegion: read.plateRegion,
      confidence: read.confidence,
      vehicle: read.vehicle,
      location: read.location,
      imageRef: read.imageRef,
      candidates: read.candidates,
      direction: read.direction,
    } as VendorRead;
  });
};
