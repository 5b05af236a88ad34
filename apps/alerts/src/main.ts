import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { Logger } from 'nestjs-pino';
import { bootOrExit, loadConfig } from '@platekeeper/config';
import { AlertsModule } from './alerts.module';

async function bootstrap() {
  const config = loadConfig();
  const app = await NestFactory.create<NestFastifyApplication>(AlertsModule.withConfig(config), new FastifyAdapter(), { bufferLogs: true });
  app.useLogger(app.get(Logger));
  app.enableShutdownHooks();
  await app.listen(config.ALERTS_HEALTH_PORT, config.HEALTH_HOST);
}

bootOrExit(bootstrap);
