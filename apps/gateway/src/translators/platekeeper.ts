import { Translator, UnsupportedPayload, VendorRead, objectAt, stringAt } from './vendor-read';

/**
 * Platekeeper's own raw read (CONTRACT §2), one object, an array of them, or NDJSON (one per line). `cameraId` is
 * the vendor camera id of the mapping (usually the same id); the contract's rules are checked after mapping.
 */
export const translatePlatekeeper: Translator = (body) => {
  const reads = Array.isArray(body) ? body : [body];
  if (reads.length === 0) throw new UnsupportedPayload(['$: must hold at least one read']);
  return reads.map((entry, index) => {
    const field = Array.isArray(body) ? `[${index}]` : '$';
    const read = objectAt(entry, field);
    const { cameraId, capturedAt, ...rest } = read;
    return {
      ...(rest as Omit<VendorRead, 'vendorCameraId' | 'capturedAt'>),
      vendorCameraId: stringAt(cameraId, Array.isArray(body) ? `${field}.cameraId` : 'cameraId'),
      capturedAt: { instant: capturedAt as string },
    } as VendorRead;
  });
};
