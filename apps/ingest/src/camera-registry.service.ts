import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { CameraRegistration } from '@platekeeper/contract';

/**
 * The camera → owner map. Before each batch it compares the registry's version (bumped by a trigger on
 * every camera or agency change) and reloads when it moved, so a camera registered or moved before a
 * read was produced is always attributed to its owner at that time.
 */
@Injectable()
export class CameraRegistry {
  private cameras = new Map<string, CameraRegistration>();
  private loadedVersion?: string;

  constructor(private readonly dataSource: DataSource) {}

  async current(): Promise<ReadonlyMap<string, CameraRegistration>> {
    const [{ version }]: Array<{ version: string }> = await this.dataSource.query(
      'SELECT version::text AS version FROM sharing_world_version WHERE id = 1',
    );
    if (version !== this.loadedVersion) await this.load();
    return this.cameras;
  }

  private async load(): Promise<void> {
    await this.dataSource.transaction('REPEATABLE READ', async (manager) => {
      const [{ version }] = await manager.query('SELECT version::text AS version FROM sharing_world_version WHERE id = 1');
      const rows: Array<{ id: string; agency_id: string; state: string; lat: number; lon: number }> = await manager.query(
        `SELECT c.id, c.agency_id, a.state, c.lat, c.lon FROM cameras c JOIN agencies a ON a.id = c.agency_id`,
      );
      this.cameras = new Map(
        rows.map((row) => [
          row.id,
          { cameraId: row.id, ownerAgencyId: row.agency_id, ownerState: row.state, lat: row.lat, lon: row.lon },
        ]),
      );
      this.loadedVersion = version;
    });
  }
}
