import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ConfigModule, PLATEKEEPER_CONFIG, PlatekeeperConfig } from '@platekeeper/config';
import { dataSourceOptions } from '@platekeeper/persistence';
import { AuditTrail } from './audit/audit-trail.service';
import { JwtVerifier } from './auth/jwt-verifier.service';
import { readsElasticClientProvider } from './searches/elastic-client.provider';
import { SharingWorldService } from './sharing-world/sharing-world.service';

/** What every feature module of the search service stands on: config, PostgreSQL, Elasticsearch, the live sharing world, the audit trail. */
@Global()
@Module({
  imports: [
    ConfigModule,
    TypeOrmModule.forRootAsync({
      inject: [PLATEKEEPER_CONFIG],
      useFactory: (config: PlatekeeperConfig) => dataSourceOptions(config),
    }),
  ],
  providers: [JwtVerifier, SharingWorldService, AuditTrail, readsElasticClientProvider],
  exports: [JwtVerifier, SharingWorldService, AuditTrail, readsElasticClientProvider],
})
export class PlatformModule {}
