import { DeadLetterReason, EnrichedRead, GATEWAY_REFUSAL_HEADERS, RawRead, checkRawRead, enrichRead } from '@platekeeper/contract';
import type { IHeaders } from 'kafkajs';
import { retentionCutoff } from '@platekeeper/sharing';
import { CameraOwnershipSnapshot } from './camera-ownership';

export type ParsedMessage = { ok: true; read: RawRead } | { ok: false; reason: DeadLetterReason };
export type TriagedRead = { ok: true; read: EnrichedRead } | { ok: false; reason: DeadLetterReason };

/** Bytes → validated read, or the machine-readable reason it cannot be one. */
export function parseRawMessage(value: Buffer | null, headers?: IHeaders): ParsedMessage {
  const refusal = headers?.[GATEWAY_REFUSAL_HEADERS.code];
  if (refusal !== undefined) {
    const detail = headers?.[GATEWAY_REFUSAL_HEADERS.detail];
    return { ok: false, reason: { code: 'READ.GATEWAY_REFUSED', detail: `${String(refusal)}: ${detail === undefined ? '' : String(detail)}` } };
  }
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

/**
 * Attributes a read to whoever owned its camera when it was captured, with the camera's position then; a read the
 * owner could no longer keep (older than its effective retention, or than READS_MAX_AGE_DAYS) is refused here.
 */
export function enrichFromRegistry(
  read: RawRead,
  registry: CameraOwnershipSnapshot,
  ingestedAt: Date,
  maxAgeDays: number,
): TriagedRead {
  const capturedAt = new Date(read.capturedAt);
  const camera = registry.registrationAt(read.cameraId, capturedAt);
  if (!camera) {
    return {
      ok: false,
      reason: { code: 'READ.UNKNOWN_CAMERA', detail: `camera ${read.cameraId} was not registered at ${capturedAt.toISOString()}` },
    };
  }
  const keptDays = Math.min(maxAgeDays, registry.retentionDaysOf(camera.ownerAgencyId) ?? maxAgeDays);
  if (capturedAt.getTime() <= retentionCutoff(ingestedAt, keptDays).getTime()) {
    return {
      ok: false,
      reason: {
        code: 'READ.TOO_OLD',
        detail: `captured at ${capturedAt.toISOString()}, more than ${keptDays} days ago (the owner's retention, at most READS_MAX_AGE_DAYS)`,
      },
    };
  }
  return { ok: true, read: enrichRead(read, camera, ingestedAt) };
}
