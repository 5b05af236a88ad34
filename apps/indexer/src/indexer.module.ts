import { Module } from '@nestjs/common';
import { ConfigModule, platekeeperLoggerModule } from '@platekeeper/config';
import { HealthController } from './health.controller';
import { IndexerConsumer } from './indexer-consumer.service';

@Module({
  imports: [ConfigModule, platekeeperLoggerModule({ logRequests: false })],
  controllers: [HealthController],
  providers: [IndexerConsumer],
})
export class IndexerModule {}
