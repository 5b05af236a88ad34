import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { effectiveRetentionDays } from '@platekeeper/sharing';
import { CameraOwnershipInterval, CameraOwnershipSnapshot } from './camera-ownership';

/**
 * The cameras' ownership history (kept by a trigger on `cameras`, see the camera-history migration) and the owners'
 * retention. Before each batch it compares the registry's version (bumped by a trigger on every camera, agency or
 * jurisdiction change) and reloads when it moved.
 */
@Injectable()
export class CameraRegistry {
  private snapshot = new CameraOwnershipSnapshot([], new Map());
  private loadedVersion?: string;

  constructor(private readonly dataSource: DataSource) {}

  async current(): Promise<CameraOwnershipSnapshot> {
    const [{ version }]: Array<{ version: string }> = await this.dataSource.query(
      'SELECT version::text AS version FROM sharing_world_version WHERE id = 1',
    );
    if (version !== this.loadedVersion) await this.load();
    return this.snapshot;
  }

  private async load(): Promise<void> {
    await this.dataSource.transaction('REPEATABLE READ', async (manager) => {
      const [{ version }] = await manager.query('SELECT version::text AS version FROM sharing_world_version WHERE id = 1');
      // Epoch milliseconds as float8: '-infinity' and an open end (NULL) become -Infinity and Infinity below.
      const history: Array<{
        camera_id: string; agency_id: string; state: string; lat: number; lon: number; valid_from_ms: number; valid_to_ms: number | null;
      }> = await manager.query(
        `SELECT h.camera_id, h.agency_id, a.state, h.lat, h.lon,
                (extract(epoch FROM h.valid_from) * 1000)::float8 AS valid_from_ms,
                (extract(epoch FROM h.valid_to) * 1000)::float8 AS valid_to_ms
           FROM camera_history h JOIN agencies a ON a.id = h.agency_id`,
      );
      const retention: Array<{ id: string; retention_days: number; max_retention_days: number | null }> = await manager.query(
        `SELECT a.id, a.retention_days, j.max_retention_days FROM agencies a LEFT JOIN jurisdictions j ON j.state = a.state`,
      );
      const intervals: CameraOwnershipInterval[] = history.map((row) => ({
        registration: { cameraId: row.camera_id, ownerAgencyId: row.agency_id, ownerState: row.state, lat: row.lat, lon: row.lon },
        validFromMs: row.valid_from_ms,
        validToMs: row.valid_to_ms ?? Number.POSITIVE_INFINITY,
      }));
      const retentionDaysByOwner = new Map(
        retention.map((row) => [row.id, effectiveRetentionDays({ retentionDays: row.retention_days }, { maxRetentionDays: row.max_retention_days })]),
      );
      this.snapshot = new CameraOwnershipSnapshot(intervals, retentionDaysByOwner);
      this.loadedVersion = version;
    });
  }
}
