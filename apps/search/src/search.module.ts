import { Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { platekeeperLoggerModule } from '@platekeeper/config';
import { AdministrationModule } from './administration/administration.module';
import { AuditQueriesModule } from './audit-queries/audit-queries.module';
import { AuthGuard } from './auth/auth.guard';
import { ErrorShapeFilter } from './errors/error-shape.filter';
import { HealthController } from './health/health.controller';
import { PlatformModule } from './platform.module';
import { RetentionModule } from './retention/retention.module';
import { searchRateLimitModule } from './searches/search-rate-limit';
import { SearchReadsUseCase } from './searches/search-reads.usecase';
import { SearchesController } from './searches/searches.controller';

@Module({
  imports: [
    PlatformModule, searchRateLimitModule, AdministrationModule, AuditQueriesModule, RetentionModule,
    platekeeperLoggerModule({ logRequests: true }),
  ],
  controllers: [HealthController, SearchesController],
  providers: [
    { provide: APP_GUARD, useClass: AuthGuard },
    { provide: APP_FILTER, useClass: ErrorShapeFilter },
    SearchReadsUseCase,
  ],
})
export class SearchModule {}
