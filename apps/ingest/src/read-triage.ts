import {
  CameraRegistration, DeadLetterReason, EnrichedRead, RawRead, checkRawRead, enrichRead,
} from '@platekeeper/contract';

export type ParsedMessage = { ok: true; read: RawRead } | { ok: false; reason: DeadLetterReason };
export type TriagedRead = { ok: true; read: EnrichedRead } | { ok: false; reason: DeadLetterReason };

/** Bytes → validated read, or the machine-readable reason it cannot be one. */
export function parseRawMessage(value: Buffer | null): ParsedMessage {
  let candidate: unknown;
  try {
    candidate = JSON.parse(value?.toString('utf8') ?? '');
  } catch (error) {
    return { ok: false, reason: { code: 'READ.INVALID_JSON', detail: (error as Error).message } };
  }
  const check = checkRawRead(candidate);
  return check.ok
    ? { ok: true, read: check.read }
    : { ok: false, reason: { code: 'READ.RULE_VIOLATION', violations: check.violations } };
}

export function enrichFromRegistry(
  read: RawRead,
  cameras: ReadonlyMap<string, CameraRegistration>,
  ingestedAt: Date,
): TriagedRead {
  const camera = cameras.get(read.cameraId);
  if (!camera) {
    return { ok: false, reason: { code: 'READ.UNKNOWN_CAMERA', detail: `camera ${read.cameraId} is not registered` } };
  }
  return { ok: true, read: enrichRead(read, camera, ingestedAt) };
}
