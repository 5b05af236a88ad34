import { DynamicModule, Module, Provider } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { PLATEKEEPER_CONFIG, PlatekeeperConfig } from '@platekeeper/config';
import { AgencyStore } from './agency-store';
import { AuditCheckpointSlots } from './audit-checkpoint-slots';
import { AuditRecordStore } from './audit-record-store';
import { CameraKeyStore } from './camera-key-store';
import { CameraStore } from './camera-store';
import { dataSourceOptions } from './data-source';
import { Database } from './database';
import { HotlistStore } from './hotlist-store';
import { DeclarationStore } from './declaration-store';
import { SensitivePlaceStore } from './sensitive-place-store';
import { GovernanceStore } from './governance-store';
import { SharingNoticeStore } from './sharing-notice-store';
import { JurisdictionStore } from './jurisdiction-store';
import { RegistrySnapshots } from './registry-snapshots';

/** Everything an app may ask PostgreSQL for; each is a plain class over the one data source. */
const PERSISTENCE = [
  Database, AgencyStore, CameraStore, CameraKeyStore, JurisdictionStore, AuditRecordStore, RegistrySnapshots, HotlistStore, DeclarationStore,
  SensitivePlaceStore, GovernanceStore, SharingNoticeStore, AuditCheckpointSlots,
];

/**
 * The data source (from the validated configuration) and the stores, for every module of an app. Apps take
 * these instead of the ORM: `npm run lint:layers` keeps `typeorm`, `pg` and `@nestjs/typeorm` out of apps/.
 */
@Module({})
export class PersistenceModule {
  static forRoot(): DynamicModule {
    const providers: Provider[] = PERSISTENCE.map((store) => ({
      provide: store,
      inject: [DataSource],
      useFactory: (dataSource: DataSource) => new store(dataSource),
    }));
    return {
      module: PersistenceModule,
      global: true,
      imports: [
        TypeOrmModule.forRootAsync({
          inject: [PLATEKEEPER_CONFIG],
          useFactory: (config: PlatekeeperConfig) => dataSourceOptions(config),
        }),
      ],
      providers,
      exports: PERSISTENCE,
    };
  }
}
