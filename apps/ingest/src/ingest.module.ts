import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ConfigModule, PLATEKEEPER_CONFIG, PlatekeeperConfig, platekeeperLoggerModule } from '@platekeeper/config';
import { MetricsModule } from '@platekeeper/metrics';
import { dataSourceOptions } from '@platekeeper/persistence';
import { CameraRegistry } from './camera-registry.service';
import { HealthController } from './health.controller';
import { IngestConsumer } from './ingest-consumer.service';

@Module({
  imports: [
    ConfigModule,
    MetricsModule,
    platekeeperLoggerModule({ logRequests: false }),
    TypeOrmModule.forRootAsync({
      inject: [PLATEKEEPER_CONFIG],
      useFactory: (config: PlatekeeperConfig) => dataSourceOptions(config),
    }),
  ],
  controllers: [HealthController],
  providers: [CameraRegistry, IngestConsumer],
})
export class IngestModule {}
