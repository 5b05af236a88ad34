import { DataSource, DataSourceOptions } from 'typeorm';
import { PlatekeeperConfig } from '@platekeeper/config';
import { ADVISORY_LOCKS } from './advisory-locks';
import { InitialSchema1764200000000 } from './migrations/1764200000000-initial-schema';
import { AuditReturnedOwnerIndex1764300000000 } from './migrations/1764300000000-audit-returned-owner-index';
import { CameraHistory1764400000000 } from './migrations/1764400000000-camera-history';
import { AuditWithheldOwnerIndex1764500000000 } from './migrations/1764500000000-audit-withheld-owner-index';
import { CameraKeys1764600000000 } from './migrations/1764600000000-camera-keys';
import { Hotlists1795801823654 } from './migrations/1795801823654-hotlists';
import { LegalBasis1795801819910 } from './migrations/1795801819910-legal-basis';
import { SensitivePlaces1795803000000 } from './migrations/1795803000000-sensitive-places';
import { AgencyTimeZone1795804000000 } from './migrations/1795804000000-agency-time-zone';
import { AuditCheckpointSlots1795804000001 } from './migrations/1795804000001-audit-checkpoint-slots';
import { GovernedSharing1795801924174 } from './migrations/1795801924174-governed-sharing';
import { AuditAppendGroup1795802271811 } from './migrations/1795802271811-audit-append-group';
import { SharingNoticeOutbox1795803640000 } from './migrations/1795803640000-sharing-notice-outbox';
import { AuditAppendInWorld1795804100000 } from './migrations/1795804100000-audit-append-in-world';
import { DropAuditPayloadIndex1795804200000 } from './migrations/1795804200000-drop-audit-payload-index';

export const MIGRATIONS = [
  InitialSchema1764200000000,
  AuditReturnedOwnerIndex1764300000000,
  CameraHistory1764400000000,
  AuditWithheldOwnerIndex1764500000000,
  CameraKeys1764600000000,
  LegalBasis1795801819910,
  Hotlists1795801823654,
  GovernedSharing1795801924174,
  AuditAppendGroup1795802271811,
  SensitivePlaces1795803000000,
  SharingNoticeOutbox1795803640000,
  AgencyTimeZone1795804000000,
  AuditCheckpointSlots1795804000001,
  AuditAppendInWorld1795804100000,
  DropAuditPayloadIndex1795804200000,
];

export function dataSourceOptions(config: PlatekeeperConfig): DataSourceOptions {
  return {
    type: 'postgres',
    url: config.DATABASE_URL,
    // No entities: the schema is the migrations', and every query is SQL in this library's stores.
    entities: [],
    migrations: MIGRATIONS,
    synchronize: false,
    migrationsRun: false,
    // A PostgreSQL that stopped answering fails a new connection in 5 s instead of never; keepAlive finds dead ones.
    extra: { max: 20, connectionTimeoutMillis: 5_000, keepAlive: true },
  };
}

/** Applies pending migrations; safe to run from several processes at once thanks to the advisory lock. */
export async function migrateDatabase(config: PlatekeeperConfig): Promise<string[]> {
  const dataSource = await new DataSource(dataSourceOptions(config)).initialize();
  try {
    const lockHolder = dataSource.createQueryRunner();
    await lockHolder.connect();
    await lockHolder.query('SELECT pg_advisory_lock($1)', [ADVISORY_LOCKS.migrations]);
    try {
      const applied = await dataSource.runMigrations({ transaction: 'each' });
      return applied.map((migration) => migration.name);
    } finally {
      await lockHolder.query('SELECT pg_advisory_unlock($1)', [ADVISORY_LOCKS.migrations]);
      await lockHolder.release();
    }
  } finally {
    await dataSource.destroy();
  }
}
