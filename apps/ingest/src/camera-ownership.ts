import { CameraRegistration, SensitivePlace, sensitivePlaceAt } from '@platekeeper/contract';

/** One stretch of a camera's life: its owner and position from `validFromMs` (inclusive) to `validToMs` (exclusive). */
export interface CameraOwnershipInterval {
  registration: CameraRegistration;
  /** -Infinity for a camera's first interval: reads it buffered before registration belong to its first owner. */
  validFromMs: number;
  /** Infinity while the interval is current. */
  validToMs: number;
}

/**
 * The camera registry as ingest needs it: who owned each camera, and where it stood, at any instant, and how long
 * each owner keeps its reads. A read is attributed by its capture time, never by when it happens to arrive.
 */
export class CameraOwnershipSnapshot {
  private readonly intervalsByCamera = new Map<string, CameraOwnershipInterval[]>();

  constructor(
    intervals: Iterable<CameraOwnershipInterval>,
    private readonly retentionDaysByOwner: ReadonlyMap<string, number>,
    private readonly sensitivePlaces: readonly SensitivePlace[] = [],
  ) {
    for (const interval of intervals) {
      const cameraId = interval.registration.cameraId;
      this.intervalsByCamera.set(cameraId, [...(this.intervalsByCamera.get(cameraId) ?? []), interval]);
    }
  }

  /** The camera's owner and position when `capturedAt` happened, or undefined if it was not registered then. */
  registrationAt(cameraId: string, capturedAt: Date): CameraRegistration | undefined {
    const instant = capturedAt.getTime();
    return this.intervalsByCamera.get(cameraId)?.find((interval) => interval.validFromMs <= instant && instant < interval.validToMs)
      ?.registration;
  }

  /** The sensitive place a read of `ownerAgencyId` captured at `position` lies in (docs/sensitive-places.md), or undefined. */
  sensitivePlaceAt(position: { lat: number; lon: number }, ownerAgencyId: string): SensitivePlace | undefined {
    return this.sensitivePlaces.length === 0 ? undefined : sensitivePlaceAt(this.sensitivePlaces, position, ownerAgencyId);
  }

  /** The owner's effective retention (its own, capped by its state's jurisdiction), in days. */
  retentionDaysOf(ownerAgencyId: string): number | undefined {
    return this.retentionDaysByOwner.get(ownerAgencyId);
  }
}
