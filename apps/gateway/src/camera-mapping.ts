import { RawRead, checkRawRead } from '@platekeeper/contract';
import { VerifiedCameraKey } from '@platekeeper/persistence';
import { GatewayError } from './gateway-error';
import { VendorRead } from './translators';

/**
 * Vendor reads → raw reads of the key's registered cameras. The owner is never taken from the payload: a vendor
 * camera id the key does not map is refused (not guessed), and a mapped camera its agency no longer owns is refused.
 */
export function toRawReads(reads: VendorRead[], key: VerifiedCameraKey, now: number = Date.now()): RawRead[] {
  const mappings = new Map(key.cameras.map((camera) => [camera.vendorCameraId, camera]));
  return reads.map((vendorRead, index) => {
    const mapping = mappings.get(vendorRead.vendorCameraId);
    if (mapping === undefined) {
      throw new GatewayError('GATEWAY.UNKNOWN_CAMERA', [
        `vendor camera id ${JSON.stringify(vendorRead.vendorCameraId)} is not mapped for this key; its agency admin maps it (POST /v1/agencies/{id}/camera-keys)`,
      ]);
    }
    if (mapping.registeredOwner !== key.agencyId) {
      throw new GatewayError('GATEWAY.CAMERA_NOT_OWNED', [
        `camera ${mapping.cameraId} is not registered to ${key.agencyId}; reads of it cannot enter through this key`,
      ]);
    }
    // Field by field rather than by spreading: one shape for every read, and a contract field cannot be forgotten.
    const candidate: EveryField<RawRead> = {
      readId: vendorRead.readId,
      cameraId: mapping.cameraId,
      capturedAt: instantOf(vendorRead.capturedAt, mapping.timeZone, mapping.vendorCameraId),
      plate: vendorRead.plate,
      plateRegion: vendorRead.plateRegion,
      confidence: vendorRead.confidence,
      vehicle: vendorRead.vehicle,
      location: vendorRead.location,
      imageRef: vendorRead.imageRef,
      candidates: vendorRead.candidates,
      direction: vendorRead.direction,
    };
    const check = checkRawRead(candidate, now);
    if (!check.ok) {
      const where = reads.length > 1 ? `read ${index}: ` : '';
      throw new GatewayError('GATEWAY.INVALID_READ', check.violations.map((violation) => `${where}${violation.field}: ${violation.message}`));
    }
    return candidate as RawRead;
  });
}

/** Every key of T present (optional ones possibly undefined, which JSON leaves out). */
type EveryField<T> = { [K in keyof Required<T>]: T[K] };

function instantOf(capturedAt: VendorRead['capturedAt'], timeZone: string | undefined, vendorCameraId: string): string {
  if ('instant' in capturedAt) return capturedAt.instant;
  if (!timeZone) {
    throw new GatewayError('GATEWAY.INVALID_READ', [
      `timestamp: ${capturedAt.localTime} has no offset and camera ${vendorCameraId} has no timeZone in its mapping`,
    ]);
  }
  return localTimeToInstant(capturedAt.localTime, timeZone).toISOString();
}

/** A wall-clock time in an IANA zone → the instant (the later one in a DST fold; a time skipped in spring moves forward). */
export function localTimeToInstant(localTime: string, timeZone: string): Date {
  const asUtc = Date.parse(`${localTime}Z`);
  let guess = asUtc;
  for (let round = 0; round < 3; round++) guess = asUtc - offsetMs(new Date(guess), timeZone);
  return new Date(guess);
}

function offsetMs(instant: Date, timeZone: string): number {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', {
      timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit',
    }).formatToParts(instant).map((part) => [part.type, part.value]),
  );
  const wall = Date.UTC(+parts.year, +parts.month - 1, +parts.day, +parts.hour, +parts.minute, +parts.second);
  return wall - Math.floor(instant.getTime() / 1000) * 1000;
}
