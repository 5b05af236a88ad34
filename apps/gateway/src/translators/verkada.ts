import {
  Translator, UnsupportedPayload, compact, confidenceFromUnit, instantFromEpochMs, instantFromEpochSeconds, objectAt, optionalObject,
  optionalString, regionCode, stringAt,
} from './vendor-read';

/**
 * Verkada LPR webhooks (apidocs.verkada.com/v1/reference/lpr): `{ webhook_type: "lpr", data: { camera_id, detected
 * (ms), created (s), license_plate_number, license_plate_state ("us-ca"), confidence (0–1), image_url } }`. The
 * fields are also accepted at the top level, as some integrations flatten them.
 */
export const translateVerkada: Translator = (body) => {
  const message = objectAt(body, '$');
  if (message.webhook_type !== 'lpr') throw new UnsupportedPayload(['webhook_type: must be "lpr"']);
  const data = optionalObject(message.data) ?? message;
  const prefix = data === message ? '' : 'data.';
  return [
    compact({
      vendorCameraId: stringAt(data.camera_id, `${prefix}camera_id`),
      capturedAt: data.detected !== undefined
        ? instantFromEpochMs(data.detected, `${prefix}detected`)
        : instantFromEpochSeconds(data.created, `${prefix}created`),
      plate: stringAt(data.license_plate_number, `${prefix}license_plate_number`),
      plateRegion: regionCode(data.license_plate_state),
      confidence: confidenceFromUnit(data.confidence),
      imageRef: optionalString(data.image_url),
    }),
  ];
};
