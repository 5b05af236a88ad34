import { DataSource } from 'typeorm';
import { SensitivePlace } from '@platekeeper/contract';
import { AgencyProfile, JurisdictionRule, SearcherDeclaration } from '@platekeeper/sharing';
import {
  AGENCY_COLUMNS, DECLARATION_COLUMNS, JURISDICTION_COLUMNS, agencyProfileFromRow, jurisdictionRuleFromRow, searcherDeclarationFromRow,
} from './rows';
import { SqlRunner } from './sql';

/** A value read from one consistent snapshot, with the registry version it was read at. */
export interface Versioned<T> {
  version: string;
  value: T;
}

/** What the visibility rule reads: every agency and every jurisdiction rule. */
export interface SharingWorldRows {
  agencies: AgencyProfile[];
  jurisdictions: JurisdictionRule[];
  /** declarations not revoked, expired ones included: whether one counts depends on when a search starts */
  declarations: SearcherDeclaration[];
}

/** One interval of a camera's ownership; `validFromMs` may be -Infinity, `validToMs` null while it lasts. */
export interface CameraHistoryRow {
  cameraId: string;
  agencyId: string;
  agencyState: string;
  lat: number;
  lon: number;
  validFromMs: number;
  validToMs: number | null;
}

/** What ingest reads: the cameras' ownership history, each owner's retention with its state's cap, and the sensitive places in force. */
export interface CameraRegistryRows {
  history: CameraHistoryRow[];
  retention: Array<{ agencyId: string; retentionDays: number; maxRetentionDays: number | null }>;
  places: SensitivePlace[];
}

const VERSION_SQL = 'SELECT version::text AS version FROM sharing_world_version WHERE id = 1';

/**
 * The one loader of the registry both apps cache: agencies, jurisdiction rules and camera history. Triggers
 * bump `sharing_world_version` on every change to any of them, so `currentVersion()` (one row) says whether a
 * cached copy is stale, and each snapshot is read in one REPEATABLE READ transaction with the version it matches.
 */
export class RegistrySnapshots {
  constructor(private readonly dataSource: DataSource) {}

  async currentVersion(): Promise<string> {
    const [{ version }]: Array<{ version: string }> = await this.dataSource.query(VERSION_SQL);
    return version;
  }

  sharingWorld(): Promise<Versioned<SharingWorldRows>> {
    return this.snapshot(async (sql) => ({
      agencies: (await sql.query(`SELECT ${AGENCY_COLUMNS} FROM agencies`)).map(agencyProfileFromRow),
      jurisdictions: (await sql.query(`SELECT ${JURISDICTION_COLUMNS} FROM jurisdictions`)).map(jurisdictionRuleFromRow),
      declarations: (await sql.query(`SELECT ${DECLARATION_COLUMNS} FROM searcher_declarations WHERE revoked_at IS NULL`)).map(
        searcherDeclarationFromRow,
      ),
    }));
  }

  cameraRegistry(): Promise<Versioned<CameraRegistryRows>> {
    return this.snapshot(async (sql) => {
      // Epoch milliseconds as float8: '-infinity' becomes -Infinity, an open end stays NULL.
      const history: Array<{
        camera_id: string; agency_id: string; state: string; lat: number; lon: number; valid_from_ms: number; valid_to_ms: number | null;
      }> = await sql.query(
        `SELECT h.camera_id, h.agency_id, a.state, h.lat, h.lon,
                (extract(epoch FROM h.valid_from) * 1000)::float8 AS valid_from_ms,
                (extract(epoch FROM h.valid_to) * 1000)::float8 AS valid_to_ms
           FROM camera_history h JOIN agencies a ON a.id = h.agency_id`,
      );
      const retention: Array<{ id: string; retention_days: number; max_retention_days: number | null }> = await sql.query(
        `SELECT a.id, a.retention_days, j.max_retention_days FROM agencies a LEFT JOIN jurisdictions j ON j.state = a.state`,
      );
      return {
        history: history.map((row) => ({
          cameraId: row.camera_id, agencyId: row.agency_id, agencyState: row.state, lat: row.lat, lon: row.lon,
          validFromMs: row.valid_from_ms, validToMs: row.valid_to_ms,
        })),
        retention: retention.map((row) => ({ agencyId: row.id, retentionDays: row.retention_days, maxRetentionDays: row.max_retention_days })),
        places: (await sql.query(`SELECT id, kind, lat, lon, radius_m, camera_rule, agency_id FROM sensitive_places WHERE removed_at IS NULL`))
          .map((row: Record<string, any>): SensitivePlace => ({
            id: row.id, kind: row.kind, lat: row.lat, lon: row.lon, radiusM: row.radius_m, cameraRule: row.camera_rule, agencyId: row.agency_id,
          })),
      };
    });
  }

  private snapshot<T>(read: (sql: SqlRunner) => Promise<T>): Promise<Versioned<T>> {
    return this.dataSource.transaction('REPEATABLE READ', async (manager) => {
      const [{ version }] = await manager.query(VERSION_SQL);
      return { version, value: await read(manager) };
    });
  }
}

/**
 * A value built from a registry snapshot, rebuilt only when the registry's version moved. Every `current()` asks
 * PostgreSQL for the version, so a change is in force on the next call on every instance; concurrent callers
 * share one reload.
 */
export class VersionedCache<T> {
  private cached?: Versioned<T>;
  private loading?: Promise<Versioned<T>>;

  constructor(
    /** Whatever answers the version the value was built at: the registry's, or another trigger-bumped counter. */
    private readonly snapshots: Pick<RegistrySnapshots, 'currentVersion'>,
    private readonly build: () => Promise<Versioned<T>>,
  ) {}

  async current(): Promise<T> {
    const version = await this.snapshots.currentVersion();
    const cached = this.cached;
    if (cached?.version === version) return cached.value;
    const loaded = await (this.loading ??= this.load().finally(() => (this.loading = undefined)));
    // A load that began before this version existed is too old for this caller: load again.
    if (BigInt(loaded.version) < BigInt(version)) return (await this.load()).value;
    return loaded.value;
  }

  /**
   * The value as this instance last built it, without asking PostgreSQL (built now if none was). Possibly stale: only
   * for a caller that checks the version itself before anything it did with the value takes effect (a search's
   * record is written only if the world is still at the version its answer was decided in).
   */
  async latestKnown(): Promise<T> {
    return this.cached?.value ?? this.current();
  }

  private async load(): Promise<Versioned<T>> {
    const loaded = await this.build();
    if (!this.cached || BigInt(this.cached.version) <= BigInt(loaded.version)) this.cached = loaded;
    return loaded;
  }
}
