import { DataSource } from 'typeorm';
import { Transaction } from './sql';

export interface StoredCamera {
  id: string;
  agencyId: string;
  name: string;
  lat: number;
  lon: number;
}

/** The `cameras` table (its history is kept by a trigger, see the camera-history migration). */
export class CameraStore {
  constructor(private readonly dataSource: DataSource) {}

  /** The camera as stored, row-locked until `tx` ends. */
  async findForUpdate(tx: Transaction, cameraId: string): Promise<StoredCamera | undefined> {
    const [row] = await tx.query('SELECT id, agency_id, name, lat, lon FROM cameras WHERE id = $1 FOR UPDATE', [cameraId]);
    return row === undefined ? undefined : { id: row.id, agencyId: row.agency_id, name: row.name, lat: row.lat, lon: row.lon };
  }

  async update(tx: Transaction, camera: StoredCamera): Promise<void> {
    await tx.query('UPDATE cameras SET agency_id = $2, name = $3, lat = $4, lon = $5, updated_at = now() WHERE id = $1', [
      camera.id, camera.agencyId, camera.name, camera.lat, camera.lon,
    ]);
  }

  /** Inserts the camera; false (and nothing written) when the id is taken. */
  async insert(tx: Transaction, camera: StoredCamera): Promise<boolean> {
    const inserted = await tx.query(
      'INSERT INTO cameras (id, agency_id, name, lat, lon) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (id) DO NOTHING RETURNING id',
      [camera.id, camera.agencyId, camera.name, camera.lat, camera.lon],
    );
    return inserted.length > 0;
  }

  /** Registered cameras per owner among `ownerIds`, only those in `cameraIds` when given; owners without any are absent. */
  async countByOwner(ownerIds: string[], cameraIds: string[] | null): Promise<Map<string, number>> {
    const counted: Array<{ agency_id: string; cameras: number }> = await this.dataSource.query(
      `SELECT agency_id, count(*)::int AS cameras FROM cameras
       WHERE agency_id = ANY($1) AND ($2::text[] IS NULL OR id = ANY($2)) GROUP BY agency_id`,
      [ownerIds, cameraIds],
    );
    return new Map(counted.map((row) => [row.agency_id, row.cameras]));
  }

  /** The cameras an agency owns now (its public page). */
  async listOf(agencyId: string): Promise<StoredCamera[]> {
    const rows: Array<Record<string, any>> = await this.dataSource.query(
      'SELECT id, agency_id, name, lat, lon FROM cameras WHERE agency_id = $1 ORDER BY id', [agencyId],
    );
    return rows.map((row) => ({ id: row.id, agencyId: row.agency_id, name: row.name, lat: Number(row.lat), lon: Number(row.lon) }));
  }
}
