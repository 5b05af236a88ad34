import { DynamicModule, Module } from '@nestjs/common';
import { ConfigModule, PlatekeeperConfig, platekeeperLoggerModule } from '@platekeeper/config';
import { MetricsModule } from '@platekeeper/metrics';
import { HealthController } from './health.controller';
import { IndexerConsumer } from './indexer-consumer.service';

@Module({
  imports: [MetricsModule, platekeeperLoggerModule({ logRequests: false })],
  controllers: [HealthController],
  providers: [IndexerConsumer],
})
export class IndexerModule {
  /** The indexer with the configuration its entry point loaded. */
  static withConfig(config: PlatekeeperConfig): DynamicModule {
    return { module: IndexerModule, imports: [ConfigModule.forRoot(config)] };
  }
}
