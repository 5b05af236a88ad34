import { Global, Module } from '@nestjs/common';
import { loadConfig } from './config';

export const PLATEKEEPER_CONFIG = Symbol('PLATEKEEPER_CONFIG');

@Global()
@Module({
  providers: [{ provide: PLATEKEEPER_CONFIG, useFactory: () => loadConfig() }],
  exports: [PLATEKEEPER_CONFIG],
})
export class ConfigModule {}
