import { DynamicModule } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import { loadConfig } from './config';

/** Structured JSON logs (pino) for every app; request logs only where requests are the product. */
export function platekeeperLoggerModule(options: { logRequests: boolean }): DynamicModule {
  return LoggerModule.forRootAsync({
    useFactory: () => ({
      pinoHttp: {
        level: loadConfig().LOG_LEVEL,
        autoLogging: options.logRequests,
        redact: ['req.headers.authorization'],
      },
    }),
  });
}
