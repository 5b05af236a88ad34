import { DynamicModule } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import { PlatekeeperConfig } from './config';
import { PLATEKEEPER_CONFIG } from './config.module';

/**
 * Structured JSON logs (pino) for every app; request logs only where requests are the product. Without them no
 * request gets a logger of its own either (a child logger per request was 5% of the gateway's CPU per read).
 */
export function platekeeperLoggerModule(options: { logRequests: boolean }): DynamicModule {
  return LoggerModule.forRootAsync({
    inject: [PLATEKEEPER_CONFIG],
    useFactory: (config: PlatekeeperConfig) => ({
      pinoHttp: {
        level: config.LOG_LEVEL,
        autoLogging: options.logRequests,
        redact: ['req.headers.authorization'],
      },
      ...(!options.logRequests && { forRoutes: [] }),
    }),
  });
}
