import { DynamicModule, Module } from '@nestjs/common';
import { PlatekeeperConfig } from './config';

export const PLATEKEEPER_CONFIG = Symbol('PLATEKEEPER_CONFIG');

/**
 * Provides the configuration an app's entry point loaded (once, `loadConfig()` in main.ts or the test stack) to
 * every module of the app: nothing inside an app reads the environment again.
 */
@Module({})
export class ConfigModule {
  static forRoot(config: PlatekeeperConfig): DynamicModule {
    return {
      module: ConfigModule,
      global: true,
      providers: [{ provide: PLATEKEEPER_CONFIG, useValue: config }],
      exports: [PLATEKEEPER_CONFIG],
    };
  }
}
