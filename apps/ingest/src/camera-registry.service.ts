import { Injectable } from '@nestjs/common';
import { RegistrySnapshots, VersionedCache } from '@platekeeper/persistence';
import { effectiveRetentionDays } from '@platekeeper/sharing';
import { CameraOwnershipInterval, CameraOwnershipSnapshot } from './camera-ownership';

/**
 * The cameras' ownership history (kept by a trigger on `cameras`, see the camera-history migration) and the owners'
 * retention. Before each batch it compares the registry's version (bumped by a trigger on every camera, agency or
 * jurisdiction change) and reloads when it moved.
 */
@Injectable()
export class CameraRegistry {
  private readonly registry: VersionedCache<CameraOwnershipSnapshot>;

  constructor(snapshots: RegistrySnapshots) {
    this.registry = new VersionedCache(snapshots, async () => {
      const { version, value } = await snapshots.cameraRegistry();
      const intervals: CameraOwnershipInterval[] = value.history.map((row) => ({
        registration: { cameraId: row.cameraId, ownerAgencyId: row.agencyId, ownerState: row.agencyState, lat: row.lat, lon: row.lon },
        validFromMs: row.validFromMs,
        validToMs: row.validToMs ?? Number.POSITIVE_INFINITY,
      }));
      const retentionDaysByOwner = new Map(
        value.retention.map((row) => [row.agencyId, effectiveRetentionDays({ retentionDays: row.retentionDays }, { maxRetentionDays: row.maxRetentionDays })]),
      );
      return { version, value: new CameraOwnershipSnapshot(intervals, retentionDaysByOwner, value.places) };
    });
  }

  current(): Promise<CameraOwnershipSnapshot> {
    return this.registry.current();
  }
}
