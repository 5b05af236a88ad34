import { Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ConfigModule, PLATEKEEPER_CONFIG, PlatekeeperConfig, platekeeperLoggerModule } from '@platekeeper/config';
import { dataSourceOptions } from '@platekeeper/persistence';
import { AuditTrail } from './audit/audit-trail.service';
import { AuthGuard } from './auth/auth.guard';
import { JwtVerifier } from './auth/jwt-verifier.service';
import { ErrorShapeFilter } from './errors/error-shape.filter';
import { HealthController } from './health/health.controller';
import { readsElasticClientProvider } from './searches/elastic-client.provider';
import { SearchReadsUseCase } from './searches/search-reads.usecase';
import { SearchesController } from './searches/searches.controller';
import { SharingWorldService } from './sharing-world/sharing-world.service';

@Module({
  imports: [
    ConfigModule,
    platekeeperLoggerModule({ logRequests: true }),
    TypeOrmModule.forRootAsync({
      inject: [PLATEKEEPER_CONFIG],
      useFactory: (config: PlatekeeperConfig) => dataSourceOptions(config),
    }),
  ],
  controllers: [HealthController, SearchesController],
  providers: [
    { provide: APP_GUARD, useClass: AuthGuard },
    { provide: APP_FILTER, useClass: ErrorShapeFilter },
    JwtVerifier,
    SharingWorldService,
    AuditTrail,
    readsElasticClientProvider,
    SearchReadsUseCase,
  ],
})
export class SearchModule {}
