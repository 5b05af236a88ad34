import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';

/** The vendor formats the gateway translates (docs/gateway.md). */
export const CAMERA_FORMATS = ['platekeeper', 'openalpr', 'platerecognizer', 'frigate', 'verkada', 'blueiris'] as const;
export type CameraFormat = (typeof CAMERA_FORMATS)[number];

/** One vendor camera id ↔ one registered Platekeeper camera, with the time zone of vendors that send local times. */
export interface CameraMapping {
  vendorCameraId: string;
  cameraId: string;
  timeZone?: string;
}

export interface CameraKey {
  id: string;
  agencyId: string;
  name: string;
  format: CameraFormat;
  cameras: CameraMapping[];
  createdAt: string;
  rotatedAt: string | null;
  revokedAt: string | null;
}

/** A key as the gateway needs it: its owner, format and mappings, each camera with its current registered owner. */
export interface VerifiedCameraKey {
  id: string;
  agencyId: string;
  format: CameraFormat;
  cameras: Array<CameraMapping & { registeredOwner: string | null }>;
}

const KEY_PREFIX = 'pkc_';

/** A new secret, shown once; the database keeps only its hash. */
export function newCameraApiKey(): string {
  return KEY_PREFIX + randomBytes(32).toString('base64url');
}

export function cameraApiKeyHash(apiKey: string): string {
  return createHash('sha256').update(apiKey, 'utf8').digest('hex');
}

interface CameraKeyRow {
  id: string;
  agency_id: string;
  name: string;
  format: CameraFormat;
  cameras: CameraMapping[];
  created_at: Date;
  rotated_at: Date | null;
  revoked_at: Date | null;
}

function cameraKeyOf(row: CameraKeyRow): CameraKey {
  return {
    id: row.id,
    agencyId: row.agency_id,
    name: row.name,
    format: row.format,
    cameras: row.cameras,
    createdAt: row.created_at.toISOString(),
    rotatedAt: row.rotated_at?.toISOString() ?? null,
    revokedAt: row.revoked_at?.toISOString() ?? null,
  };
}

const COLUMNS = 'id, agency_id, name, format, cameras, created_at, rotated_at, revoked_at';

/** All SQL about camera keys: issuing, rotating, revoking (inside the caller's transaction) and verifying. */
export class CameraKeyStore {
  constructor(private readonly dataSource: DataSource) {}

  /** The current owner of each camera id (absent: not registered), locked against a concurrent move. */
  async currentOwners(manager: EntityManager, cameraIds: string[]): Promise<Map<string, string>> {
    const rows: Array<{ id: string; agency_id: string }> = await manager.query(
      'SELECT id, agency_id FROM cameras WHERE id = ANY($1) FOR SHARE', [cameraIds],
    );
    return new Map(rows.map((row) => [row.id, row.agency_id]));
  }

  async insert(
    manager: EntityManager,
    key: { agencyId: string; name: string; format: CameraFormat; cameras: CameraMapping[] },
    apiKey: string,
  ): Promise<CameraKey> {
    const [row] = await manager.query(
      `INSERT INTO camera_keys (id, agency_id, name, format, cameras, key_hash) VALUES ($1, $2, $3, $4, $5, $6) RETURNING ${COLUMNS}`,
      [randomUUID(), key.agencyId, key.name, key.format, JSON.stringify(key.cameras), cameraApiKeyHash(apiKey)],
    );
    return cameraKeyOf(row);
  }

  async findForUpdate(manager: EntityManager, agencyId: string, keyId: string): Promise<CameraKey | null> {
    const [row] = await manager.query(`SELECT ${COLUMNS} FROM camera_keys WHERE id = $1 AND agency_id = $2 FOR UPDATE`, [keyId, agencyId]);
    return row ? cameraKeyOf(row) : null;
  }

  async replaceSecret(manager: EntityManager, keyId: string, apiKey: string): Promise<CameraKey> {
    const [[row]] = await manager.query(
      `UPDATE camera_keys SET key_hash = $2, rotated_at = now() WHERE id = $1 RETURNING ${COLUMNS}`, [keyId, cameraApiKeyHash(apiKey)],
    );
    return cameraKeyOf(row);
  }

  async revoke(manager: EntityManager, keyId: string): Promise<CameraKey> {
    const [[row]] = await manager.query(
      `UPDATE camera_keys SET revoked_at = COALESCE(revoked_at, now()) WHERE id = $1 RETURNING ${COLUMNS}`, [keyId],
    );
    return cameraKeyOf(row);
  }

  async listOf(agencyId: string): Promise<CameraKey[]> {
    const rows: CameraKeyRow[] = await this.dataSource.query(
      `SELECT ${COLUMNS} FROM camera_keys WHERE agency_id = $1 ORDER BY created_at, id`, [agencyId],
    );
    return rows.map(cameraKeyOf);
  }

  /**
   * The live key with this secret, with each mapped camera's owner now; null for an unknown, rotated-away or revoked
   * key, or one whose agency is no longer active. Read on every request, so a revocation holds from the next one.
   */
  async verify(apiKey: string): Promise<VerifiedCameraKey | null> {
    return (await this.verifyMany([apiKey])).get(apiKey) ?? null;
  }

  /** Each of the keys that is current (not rotated away, not revoked, its agency active), in one round trip. */
  async verifyMany(apiKeys: string[]): Promise<Map<string, VerifiedCameraKey>> {
    const apiKeyByHash = new Map(apiKeys.filter((apiKey) => apiKey.startsWith(KEY_PREFIX)).map((apiKey) => [cameraApiKeyHash(apiKey), apiKey]));
    const verified = new Map<string, VerifiedCameraKey>();
    if (apiKeyByHash.size === 0) return verified;
    const rows: Array<{ key_hash: string; id: string; agency_id: string; format: CameraFormat; cameras: VerifiedCameraKey['cameras'] }> =
      await this.dataSource.query(
        `SELECT k.key_hash, k.id, k.agency_id, k.format,
                (SELECT coalesce(jsonb_agg(m || jsonb_build_object('registeredOwner', c.agency_id)), '[]'::jsonb)
                   FROM jsonb_array_elements(k.cameras) m LEFT JOIN cameras c ON c.id = m->>'cameraId') AS cameras
           FROM camera_keys k JOIN agencies a ON a.id = k.agency_id
          WHERE k.key_hash = ANY($1) AND k.revoked_at IS NULL AND a.status = 'active'`,
        [[...apiKeyByHash.keys()]],
      );
    for (const row of rows) {
      verified.set(apiKeyByHash.get(row.key_hash)!, { id: row.id, agencyId: row.agency_id, format: row.format, cameras: row.cameras });
    }
    return verified;
  }
}
