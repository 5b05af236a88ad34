import { DynamicModule, Module } from '@nestjs/common';
import { ConfigModule, PlatekeeperConfig, platekeeperLoggerModule } from '@platekeeper/config';
import { PersistenceModule } from '@platekeeper/persistence';
import { AlertsConsumer } from './alerts-consumer.service';
import { HealthController } from './health.controller';
import { HotlistPurge } from './hotlist-purge.service';
import { LiveRegistries } from './live-registries.service';

/** Hotlist matching (docs/hotlists.md): enriched reads against the live entries, scoped like a national search. */
@Module({
  imports: [PersistenceModule.forRoot(), platekeeperLoggerModule({ logRequests: false })],
  controllers: [HealthController],
  providers: [LiveRegistries, AlertsConsumer, HotlistPurge],
})
export class AlertsModule {
  /** The alerts service with the configuration its entry point loaded. */
  static withConfig(config: PlatekeeperConfig): DynamicModule {
    return { module: AlertsModule, imports: [ConfigModule.forRoot(config)] };
  }
}
