import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { SensitiveCameraRule, SensitivePlace, SensitivePlaceKind } from '@platekeeper/contract';
import { Transaction } from './sql';

/** A place as registered: the geofence ingest applies, plus who registered it for whom. */
export interface RegisteredSensitivePlace extends SensitivePlace {
  name: string;
  /** set for a jurisdiction's place */
  state: string | null;
  registeredBy: string;
  registeredAt: string;
  removedAt: string | null;
}

export type NewSensitivePlace = Omit<RegisteredSensitivePlace, 'id' | 'registeredAt' | 'removedAt'>;

/** Reads dropped inside a place, counted per camera (all days summed). */
export interface SensitivePlaceDropCount {
  placeId: string;
  kind: SensitivePlaceKind;
  state: string | null;
  agencyId: string | null;
  cameraId: string;
  dropped: number;
}

const COLUMNS = 'id, name, kind, state, agency_id, lat, lon, radius_m, camera_rule, registered_by, registered_at, removed_at';

/** The `sensitive_places` and `sensitive_place_drops` tables (docs/sensitive-places.md). */
export class SensitivePlaceStore {
  constructor(private readonly dataSource: DataSource) {}

  async insert(tx: Transaction, place: NewSensitivePlace): Promise<RegisteredSensitivePlace> {
    const [row] = await tx.query(
      `INSERT INTO sensitive_places (id, name, kind, state, agency_id, lat, lon, radius_m, camera_rule, registered_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING ${COLUMNS}`,
      [randomUUID(), place.name, place.kind, place.state, place.agencyId, place.lat, place.lon, place.radiusM, place.cameraRule, place.registeredBy],
    );
    return placeFromRow(row);
  }

  /** Places in force (not removed); those of one state or agency when `filter` says so. */
  async listInForce(filter: { state?: string; agencyId?: string } = {}, sql: Transaction | DataSource = this.dataSource): Promise<RegisteredSensitivePlace[]> {
    const rows = await sql.query(
      `SELECT ${COLUMNS} FROM sensitive_places WHERE removed_at IS NULL
          AND ($1::text IS NULL AND $2::text IS NULL OR state = $1::text OR agency_id = $2::text)
        ORDER BY registered_at, id`,
      [filter.state ?? null, filter.agencyId ?? null],
    );
    return rows.map(placeFromRow);
  }

  async findForUpdate(tx: Transaction, id: string): Promise<RegisteredSensitivePlace | undefined> {
    const [row] = await tx.query(`SELECT ${COLUMNS} FROM sensitive_places WHERE id = $1 FOR UPDATE`, [id]);
    return row === undefined ? undefined : placeFromRow(row);
  }

  async remove(tx: Transaction, id: string): Promise<RegisteredSensitivePlace> {
    // An UPDATE answers [rows, count] through TypeORM.
    const [[row]] = await tx.query(`UPDATE sensitive_places SET removed_at = now() WHERE id = $1 RETURNING ${COLUMNS}`, [id]);
    return placeFromRow(row);
  }

  /** Adds ingest's counts of one batch: `{ placeId, cameraId, day (YYYY-MM-DD), dropped }` each. */
  async addDrops(counts: Array<{ placeId: string; cameraId: string; day: string; dropped: number }>): Promise<void> {
    if (counts.length === 0) return;
    await this.dataSource.query(
      `INSERT INTO sensitive_place_drops (place_id, camera_id, day, dropped)
       SELECT * FROM unnest($1::uuid[], $2::text[], $3::date[], $4::bigint[])
       ON CONFLICT (place_id, camera_id, day) DO UPDATE SET dropped = sensitive_place_drops.dropped + EXCLUDED.dropped`,
      [counts.map((count) => count.placeId), counts.map((count) => count.cameraId), counts.map((count) => count.day), counts.map((count) => count.dropped)],
    );
  }

  /** Reads dropped in [start, end) at places of `state` (the jurisdiction's, or of agencies in the state), per place kind. */
  async droppedInState(state: string, start: Date, end: Date): Promise<Array<{ kind: SensitivePlaceKind; places: number; dropped: number }>> {
    const rows = await this.dataSource.query(
      `SELECT p.kind, count(DISTINCT p.id)::int AS places, sum(d.dropped)::text AS dropped
         FROM sensitive_place_drops d JOIN sensitive_places p ON p.id = d.place_id LEFT JOIN agencies a ON a.id = p.agency_id
        WHERE (p.state = $1 OR a.state = $1) AND d.day >= $2::date AND d.day < $3::date
        GROUP BY p.kind ORDER BY p.kind`,
      [state, start.toISOString().slice(0, 10), end.toISOString().slice(0, 10)],
    );
    return rows.map((row: Record<string, any>) => ({ kind: row.kind, places: row.places, dropped: Number(row.dropped) }));
  }

  /** Reads dropped per place and camera since `since` (a day, inclusive). */
  async dropCounts(since: string): Promise<SensitivePlaceDropCount[]> {
    const rows = await this.dataSource.query(
      `SELECT p.id, p.kind, p.state, p.agency_id, d.camera_id, sum(d.dropped)::text AS dropped
         FROM sensitive_place_drops d JOIN sensitive_places p ON p.id = d.place_id
        WHERE d.day >= $1::date
        GROUP BY p.id, p.kind, p.state, p.agency_id, d.camera_id
        ORDER BY p.id, d.camera_id`,
      [since],
    );
    return rows.map((row: Record<string, any>) => ({
      placeId: row.id, kind: row.kind, state: row.state, agencyId: row.agency_id, cameraId: row.camera_id, dropped: Number(row.dropped),
    }));
  }
}

export function placeFromRow(row: Record<string, any>): RegisteredSensitivePlace {
  const instant = (value: unknown) => (value === null || value === undefined ? null : new Date(value as string).toISOString());
  return {
    id: row.id, name: row.name, kind: row.kind, state: row.state, agencyId: row.agency_id,
    lat: row.lat, lon: row.lon, radiusM: row.radius_m, cameraRule: row.camera_rule as SensitiveCameraRule,
    registeredBy: row.registered_by, registeredAt: instant(row.registered_at)!, removedAt: instant(row.removed_at),
  };
}
