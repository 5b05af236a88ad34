import {
  Translator, UnsupportedPayload, VendorRead, alternatives, compact, confidenceFromUnit, directionDegrees, objectAt, optionalObject,
  optionalString, regionCode, stringAt, timeFromText,
} from './vendor-read';

/**
 * Plate Recognizer Stream and Snapshot webhooks (guides.platerecognizer.com "Webhooks and Outputs"): `{ hook, data:
 * { camera_id, timestamp, results[] } }`, one read per result. Scores are 0–1 already. Send JSON webhooks (Stream:
 * `webhook_image = no`, or a Snapshot webhook "without image"); images stay with the vendor (imageRef = its filename).
 */
export const translatePlateRecognizer: Translator = (body) => {
  const message = objectAt(body, '$');
  const data = objectAt(message.data, 'data');
  if (!Array.isArray(data.results)) throw new UnsupportedPayload(['data.results: must be an array']);
  const hook = optionalObject(message.hook);
  const vendorCameraId = stringAt(data.camera_id, 'data.camera_id');
  const capturedAt = timeFromText(data.timestamp, 'data.timestamp');
  const imageRef = optionalString(data.filename) ?? optionalString(hook?.filename);
  return data.results.map((entry, index) => {
    const result = objectAt(entry, `data.results[${index}]`);
    const plate = stringAt(result.plate, `data.results[${index}].plate`);
    const candidates = (Array.isArray(result.candidates) ? result.candidates : []).flatMap((candidate) => {
      const value = optionalObject(candidate);
      const text = optionalString(value?.plate);
      return text ? [{ plate: text.toUpperCase(), confidence: confidenceFromUnit(value?.score) }] : [];
    });
    const makeModel = Array.isArray(result.model_make) ? optionalObject(result.model_make[0]) : undefined;
    const color = Array.isArray(result.color) ? optionalObject(result.color[0]) : undefined;
    const read: VendorRead = {
      vendorCameraId,
      capturedAt,
      plate: plate.toUpperCase(),
      plateRegion: regionCode(optionalObject(result.region)?.code),
      confidence: confidenceFromUnit(result.score),
      candidates: alternatives(plate, candidates),
      vehicle: {
        type: optionalString(optionalObject(result.vehicle)?.type),
        make: optionalString(makeModel?.make),
        model: optionalString(makeModel?.model),
        color: optionalString(color?.color),
      },
      direction: directionDegrees(result.direction),
      imageRef,
    };
    return compact(read);
  });
};
