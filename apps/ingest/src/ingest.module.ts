import { DynamicModule, Module } from '@nestjs/common';
import { ConfigModule, PlatekeeperConfig, platekeeperLoggerModule } from '@platekeeper/config';
import { MetricsModule } from '@platekeeper/metrics';
import { PersistenceModule } from '@platekeeper/persistence';
import { CameraRegistry } from './camera-registry.service';
import { HealthController } from './health.controller';
import { IngestConsumer } from './ingest-consumer.service';

@Module({
  imports: [
    MetricsModule,
    platekeeperLoggerModule({ logRequests: false }),
    PersistenceModule.forRoot(),
  ],
  controllers: [HealthController],
  providers: [CameraRegistry, IngestConsumer],
})
export class IngestModule {
  /** Ingest with the configuration its entry point loaded. */
  static withConfig(config: PlatekeeperConfig): DynamicModule {
    return { module: IngestModule, imports: [ConfigModule.forRoot(config)] };
  }
}
