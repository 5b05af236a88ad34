import { Module } from '@nestjs/common';
import { ConfigModule, platekeeperLoggerModule } from '@platekeeper/config';
import { MetricsModule } from '@platekeeper/metrics';
import { HealthController } from './health.controller';
import { IndexerConsumer } from './indexer-consumer.service';

@Module({
  imports: [ConfigModule, MetricsModule, platekeeperLoggerModule({ logRequests: false })],
  controllers: [HealthController],
  providers: [IndexerConsumer],
})
export class IndexerModule {}
