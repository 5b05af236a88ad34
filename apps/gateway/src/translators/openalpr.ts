import {
  Translator, UnsupportedPayload, VendorRead, alternatives, compact, confidenceFromPercent, directionDegrees, instantFromEpochMs,
  objectAt, optionalObject, optionalString, regionCode, stringAt,
} from './vendor-read';

/**
 * OpenALPR agent / Rekor Scout webhooks (docs: OpenALPR alprd "Group Results", "Heartbeat"; Rekor Scout agent
 * webhook data): `alpr_group` (one per vehicle), `alpr_results` (one per frame, one read per plate) and `heartbeat`
 * (no reads). Confidences are 0–100 there; here 0–1.
 */
export const translateOpenAlpr: Translator = (body) => {
  const message = objectAt(body, '$');
  switch (message.data_type) {
    case 'alpr_group':
      return [groupRead(message)];
    case 'alpr_results':
      return resultsReads(message);
    case 'heartbeat':
    case 'vehicle':
      return [];
    default:
      throw new UnsupportedPayload(['data_type: must be alpr_group, alpr_results or heartbeat']);
  }
};

function groupRead(group: Record<string, unknown>): VendorRead {
  const best = optionalObject(group.best_plate) ?? {};
  const plate = stringAt(group.best_plate_number ?? best.plate, 'best_plate_number');
  const candidates = Array.isArray(group.candidates) ? group.candidates : Array.isArray(best.candidates) ? best.candidates : [];
  return compact({
    vendorCameraId: stringAt(group.camera_id, 'camera_id'),
    capturedAt: instantFromEpochMs(group.epoch_start, 'epoch_start'),
    plate,
    plateRegion: regionCode(group.best_region ?? best.region),
    confidence: confidenceFromPercent(group.best_confidence ?? best.confidence),
    candidates: alternatives(plate, candidates.flatMap(candidateOf)),
    vehicle: vehicleOf(optionalObject(group.vehicle)),
    direction: directionDegrees(group.travel_direction),
    imageRef: optionalString(group.best_uuid) ?? optionalString(best.uuid),
  });
}

function resultsReads(frame: Record<string, unknown>): VendorRead[] {
  if (!Array.isArray(frame.results)) throw new UnsupportedPayload(['results: must be an array']);
  const vendorCameraId = stringAt(frame.camera_id, 'camera_id');
  const capturedAt = instantFromEpochMs(frame.epoch_time, 'epoch_time');
  return frame.results.map((entry, index) => {
    const result = objectAt(entry, `results[${index}]`);
    const plate = stringAt(result.plate, `results[${index}].plate`);
    return compact({
      vendorCameraId,
      capturedAt,
      plate,
      plateRegion: regionCode(result.region),
      confidence: confidenceFromPercent(result.confidence),
      candidates: alternatives(plate, (Array.isArray(result.candidates) ? result.candidates : []).flatMap(candidateOf)),
      imageRef: optionalString(frame.uuid),
    });
  });
}

function candidateOf(entry: unknown): Array<{ plate: string; confidence?: number }> {
  const candidate = optionalObject(entry);
  const plate = optionalString(candidate?.plate);
  return plate ? [{ plate, confidence: confidenceFromPercent(candidate?.confidence) }] : [];
}

/** `vehicle.color` etc. are lists of {name, confidence}, best first; the best name is kept. */
function vehicleOf(vehicle: Record<string, unknown> | undefined): VendorRead['vehicle'] {
  if (!vehicle) return undefined;
  const top = (field: string) => {
    const list = vehicle[field];
    return Array.isArray(list) ? optionalString(optionalObject(list[0])?.name) : undefined;
  };
  const makeModel = top('make_model');
  return {
    make: top('make') ?? makeModel?.split('_')[0],
    model: makeModel?.includes('_') ? makeModel.split('_').slice(1).join(' ') : undefined,
    color: top('color'),
    type: top('body_type'),
  };
}
