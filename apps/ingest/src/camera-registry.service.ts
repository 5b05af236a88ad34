import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { CameraRegistration } from '@platekeeper/contract';

const MIN_RELOAD_INTERVAL_MS = 1_000;

/** The camera → owner map, reloaded when a read names a camera it has not seen (a camera just registered). */
@Injectable()
export class CameraRegistry {
  private cameras = new Map<string, CameraRegistration>();
  private lastLoadedAt = 0;

  constructor(private readonly dataSource: DataSource) {}

  async load(): Promise<void> {
    const rows: Array<{ id: string; agency_id: string; state: string; lat: number; lon: number }> =
      await this.dataSource.query(
        `SELECT c.id, c.agency_id, a.state, c.lat, c.lon FROM cameras c JOIN agencies a ON a.id = c.agency_id`,
      );
    this.cameras = new Map(
      rows.map((row) => [
        row.id,
        { cameraId: row.id, ownerAgencyId: row.agency_id, ownerState: row.state, lat: row.lat, lon: row.lon },
      ]),
    );
    this.lastLoadedAt = Date.now();
  }

  async lookup(cameraIds: Iterable<string>): Promise<Map<string, CameraRegistration>> {
    const wanted = [...new Set(cameraIds)];
    if (wanted.some((cameraId) => !this.cameras.has(cameraId)) && Date.now() - this.lastLoadedAt >= MIN_RELOAD_INTERVAL_MS) {
      await this.load();
    }
    const found = new Map<string, CameraRegistration>();
    for (const cameraId of wanted) {
      const camera = this.cameras.get(cameraId);
      if (camera) found.set(cameraId, camera);
    }
    return found;
  }
}
