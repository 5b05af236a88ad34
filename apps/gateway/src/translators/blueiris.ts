import {
  Translator, UnsupportedPayload, VendorRead, compact, confidenceFromUnit, objectAt, optionalObject, optionalString, stringAt, timeFromText,
} from './vendor-read';

/**
 * Blue Iris alerts with CodeProject.AI ALPR output, as the ALPR-Database project (github.com/algertc/ALPR-Database)
 * accepts them on `api/plate-reads`: `{ plate_number: "&PLATE", Image: "&ALERT_JPEG", camera: "&CAM", ALERT_PATH,
 * ALERT_CLIP, timestamp: "&ALERT_TIME", ai_dump: "&JSON" }`. With `ai_dump`, every CodeProject.AI prediction carrying a
 * `plate` is a read (Blue Iris' &PLATE names only one); without, `plate_number` is. The base64 image is dropped
 * (never into Kafka); the alert path is the image reference. `&ALERT_TIME` without an offset is the camera's local time.
 */
export const translateBlueIris: Translator = (body) => {
  const alert = objectAt(body, '$');
  const vendorCameraId = stringAt(alert.camera, 'camera');
  const capturedAt = timeFromText(alert.timestamp, 'timestamp');
  const imageRef = optionalString(alert.ALERT_PATH) ?? optionalString(alert.ALERT_CLIP);
  const predictions = aiDumpPlates(alert.ai_dump);
  const base = { vendorCameraId, capturedAt, imageRef };
  if (predictions.length > 0) return predictions.map((prediction) => compact({ ...base, ...prediction }));
  const plate = optionalString(alert.plate_number);
  if (plate === undefined) throw new UnsupportedPayload(['plate_number: must be a plate (or ai_dump must hold ALPR predictions)']);
  return [compact({ ...base, plate })];
};

function aiDumpPlates(dump: unknown): Array<Pick<VendorRead, 'plate' | 'confidence'>> {
  let parsed = dump;
  if (typeof dump === 'string') {
    if (dump.trim() === '' || dump.startsWith('&')) return [];
    try {
      parsed = JSON.parse(dump);
    } catch {
      throw new UnsupportedPayload(['ai_dump: must be the CodeProject.AI JSON (&JSON)']);
    }
  }
  const entries = Array.isArray(parsed) ? parsed : parsed === undefined || parsed === null ? [] : [parsed];
  return entries.flatMap((entry) => {
    const found = optionalObject(optionalObject(entry)?.found) ?? optionalObject(entry);
    const predictions = Array.isArray(found?.predictions) ? found.predictions : [];
    return predictions.flatMap((candidate) => {
      const prediction = optionalObject(candidate);
      const plate = optionalString(prediction?.plate) ?? optionalString(prediction?.label)?.replace(/^Plate:\s*/i, '');
      return plate && (prediction?.plate !== undefined || /^Plate:/i.test(String(prediction?.label)))
        ? [{ plate, confidence: confidenceFromUnit(prediction?.confidence) }]
        : [];
    });
  });
}
