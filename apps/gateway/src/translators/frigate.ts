import {
  Translator, UnsupportedPayload, VendorRead, compact, confidenceFromUnit, finiteNumber, instantFromEpochSeconds, objectAt, optionalObject,
  optionalString, stringAt,
} from './vendor-read';

/**
 * Frigate license plate recognition (docs.frigate.video "License Plate Recognition", "MQTT"), posted by an MQTT bridge
 * or taken from its HTTP event API:
 * - `frigate/tracked_object_update` `{ type: "lpr", camera, timestamp (s), plate, score, name }`;
 * - `frigate/events` `{ type, before, after: { camera, frame_time, recognized_license_plate, recognized_license_plate_score } }`
 *   (`recognized_license_plate` may also be `[plate, score]`);
 * - an event of the HTTP API `{ camera, start_time, data: { recognized_license_plate, ... } }`, or an array of them.
 * A message without a plate (a person, a car not yet read) carries no read.
 */
export const translateFrigate: Translator = (body) => {
  if (Array.isArray(body)) return body.flatMap((event, index) => eventReads(objectAt(event, `[${index}]`), `[${index}].`));
  const message = objectAt(body, '$');
  if (message.type === 'lpr') {
    return [
      compact({
        vendorCameraId: stringAt(message.camera, 'camera'),
        capturedAt: instantFromEpochSeconds(message.timestamp, 'timestamp'),
        plate: stringAt(message.plate, 'plate'),
        confidence: confidenceFromUnit(message.score),
        imageRef: optionalString(message.id),
      }),
    ];
  }
  if (optionalObject(message.after)) return eventReads(message.after as Record<string, unknown>, 'after.');
  return eventReads(message, '');
};

function eventReads(event: Record<string, unknown>, prefix: string): VendorRead[] {
  const camera = stringAt(event.camera, `${prefix}camera`);
  const data = optionalObject(event.data) ?? {};
  const recognized = event.recognized_license_plate ?? data.recognized_license_plate;
  const [plate, pairedScore] = Array.isArray(recognized) ? [recognized[0], recognized[1]] : [recognized, undefined];
  if (plate === undefined || plate === null) return [];
  if (optionalString(plate) === undefined) throw new UnsupportedPayload([`${prefix}recognized_license_plate: must be a plate or [plate, score]`]);
  const time = finiteNumber(event.frame_time) ?? finiteNumber(event.start_time);
  if (time === undefined) throw new UnsupportedPayload([`${prefix}frame_time: must be a time in epoch seconds`]);
  return [
    compact({
      vendorCameraId: camera,
      capturedAt: instantFromEpochSeconds(time, `${prefix}frame_time`),
      plate: plate as string,
      confidence: confidenceFromUnit(pairedScore ?? event.recognized_license_plate_score ?? data.recognized_license_plate_score),
      vehicle: { type: optionalString(event.label) },
      imageRef: optionalString(event.id),
    }),
  ];
}
