import { Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { platekeeperLoggerModule } from '@platekeeper/config';
import { AdministrationModule } from './administration/administration.module';
import { CameraKeysModule } from './camera-keys/camera-keys.module';
import { AuditQueriesModule } from './audit-queries/audit-queries.module';
import { AuthGuard } from './auth/auth.guard';
import { HealthController } from './health/health.controller';
import { PlatformModule } from './platform.module';
import { RetentionModule } from './retention/retention.module';
import { RefusedSearchFilter } from './searches/refused-search.filter';
import { searchRateLimitModule } from './searches/search-rate-limit';
import { SearchReadsUseCase } from './searches/search-reads.usecase';
import { SearchesController } from './searches/searches.controller';
import { WithheldMatchingReads } from './searches/withheld-matching-reads';

@Module({
  imports: [
    PlatformModule, searchRateLimitModule, AdministrationModule, CameraKeysModule, AuditQueriesModule, RetentionModule,
    platekeeperLoggerModule({ logRequests: true }),
  ],
  controllers: [HealthController, SearchesController],
  providers: [
    { provide: APP_GUARD, useClass: AuthGuard },
    // Records refusals on search routes, then gives every error the one shape.
    { provide: APP_FILTER, useClass: RefusedSearchFilter },
    SearchReadsUseCase,
    WithheldMatchingReads,
  ],
})
export class SearchModule {}
