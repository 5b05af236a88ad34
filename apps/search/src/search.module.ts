import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { ConfigModule, PlatekeeperConfig, platekeeperLoggerModule } from '@platekeeper/config';
import { AgenciesModule } from './agencies/agencies.module';
import { CameraKeysModule } from './camera-keys/camera-keys.module';
import { DeclarationsModule } from './declarations/declarations.module';
import { SensitivePlacesModule } from './sensitive-places/sensitive-places.module';
import { OversightModule } from './oversight/oversight.module';
import { AuditQueriesModule } from './audit-queries/audit-queries.module';
import { AuthGuard } from './auth/auth.guard';
import { CamerasModule } from './cameras/cameras.module';
import { HealthController } from './health/health.controller';
import { HotlistsModule } from './hotlists/hotlists.module';
import { JurisdictionsModule } from './jurisdictions/jurisdictions.module';
import { PlatformModule } from './platform.module';
import { RetentionModule } from './retention/retention.module';
import { PreviewSearchUseCase } from './searches/preview-search.usecase';
import { RefusedSearchFilter } from './searches/refused-search.filter';
import { searchRateLimitModule } from './searches/search-rate-limit';
import { SearchReadsUseCase } from './searches/search-reads.usecase';
import { SearchPreviewController } from './searches/search-preview.controller';
import { SearchesController } from './searches/searches.controller';
import { WithheldMatchingReads } from './searches/withheld-matching-reads';
import { ConsoleSessionModule } from './console-session/console-session.module';
import { TransparencyModule } from './transparency/transparency.module';

@Module({
  imports: [
    PlatformModule, searchRateLimitModule, AgenciesModule, CamerasModule, CameraKeysModule, JurisdictionsModule, AuditQueriesModule, RetentionModule, HotlistsModule,
    DeclarationsModule, SensitivePlacesModule, OversightModule, TransparencyModule, ConsoleSessionModule,
    platekeeperLoggerModule({ logRequests: true }),
  ],
  controllers: [HealthController, SearchesController, SearchPreviewController],
  providers: [
    { provide: APP_GUARD, useClass: AuthGuard },
    // Records refusals on search routes, then gives every error the one shape.
    { provide: APP_FILTER, useClass: RefusedSearchFilter },
    SearchReadsUseCase,
    PreviewSearchUseCase,
    WithheldMatchingReads,
  ],
})
export class SearchModule {
  /** The search service with the configuration its entry point loaded. */
  static withConfig(config: PlatekeeperConfig): DynamicModule {
    return { module: SearchModule, imports: [ConfigModule.forRoot(config)] };
  }
}
