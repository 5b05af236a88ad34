import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { ConfigModule, PlatekeeperConfig, platekeeperLoggerModule } from '@platekeeper/config';
import { MetricsModule } from '@platekeeper/metrics';
import { PersistenceModule } from '@platekeeper/persistence';
import { AcceptCameraPostUseCase } from './accept-camera-post.usecase';
import { CameraKeyLookups } from './camera-key-lookups';
import { GatewayErrorFilter } from './gateway-error.filter';
import { HealthController } from './health.controller';
import { ReadProducer } from './read-producer.service';
import { ReadsController } from './reads.controller';

@Module({
  imports: [
    MetricsModule,
    platekeeperLoggerModule({ logRequests: false }),
    PersistenceModule.forRoot(),
  ],
  controllers: [HealthController, ReadsController],
  providers: [ReadProducer, CameraKeyLookups, AcceptCameraPostUseCase, { provide: APP_FILTER, useClass: GatewayErrorFilter }],
})
export class GatewayModule {
  /** The gateway with the configuration its entry point loaded. */
  static withConfig(config: PlatekeeperConfig): DynamicModule {
    return { module: GatewayModule, imports: [ConfigModule.forRoot(config)] };
  }
}
