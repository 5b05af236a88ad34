import { Module } from '@nestjs/common';
import { ConfigModule, platekeeperLoggerModule } from '@platekeeper/config';
import { MetricsModule } from '@platekeeper/metrics';
import { PersistenceModule } from '@platekeeper/persistence';
import { CameraRegistry } from './camera-registry.service';
import { HealthController } from './health.controller';
import { IngestConsumer } from './ingest-consumer.service';

@Module({
  imports: [
    ConfigModule,
    MetricsModule,
    platekeeperLoggerModule({ logRequests: false }),
    PersistenceModule.forRoot(),
  ],
  controllers: [HealthController],
  providers: [CameraRegistry, IngestConsumer],
})
export class IngestModule {}
