import { Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ConfigModule, PLATEKEEPER_CONFIG, PlatekeeperConfig, platekeeperLoggerModule } from '@platekeeper/config';
import { MetricsModule } from '@platekeeper/metrics';
import { dataSourceOptions } from '@platekeeper/persistence';
import { AcceptCameraPostUseCase } from './accept-camera-post.usecase';
import { GatewayErrorFilter } from './gateway-error.filter';
import { HealthController } from './health.controller';
import { ReadProducer } from './read-producer.service';
import { ReadsController } from './reads.controller';

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
  controllers: [HealthController, ReadsController],
  providers: [ReadProducer, AcceptCameraPostUseCase, { provide: APP_FILTER, useClass: GatewayErrorFilter }],
})
export class GatewayModule {}
