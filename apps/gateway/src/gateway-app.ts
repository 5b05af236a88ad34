import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { Logger } from 'nestjs-pino';
import { PlatekeeperConfig } from '@platekeeper/config';
import { GatewayModule } from './gateway.module';

/** Builds a ready-to-listen gateway; main.ts and the end-to-end tests share it. */
export async function createGatewayApp(config: PlatekeeperConfig): Promise<NestFastifyApplication> {
  const adapter = new FastifyAdapter({ bodyLimit: config.GATEWAY_BODY_LIMIT_BYTES });
  // Every body arrives as bytes: the translators parse it, and a refused payload is dead-lettered untouched.
  const fastify = adapter.getInstance();
  fastify.removeAllContentTypeParsers();
  fastify.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));
  const app = await NestFactory.create<NestFastifyApplication>(GatewayModule.withConfig(config), adapter, { bufferLogs: true, bodyParser: false });
  app.useLogger(app.get(Logger));
  app.enableShutdownHooks();
  const openApi = new DocumentBuilder()
    .setTitle('Platekeeper camera gateway')
    .setDescription('Cameras and recognition agents post reads in their vendor format; see docs/gateway.md.')
    .setVersion('1')
    .addApiKey({ type: 'apiKey', in: 'header', name: 'X-Api-Key' }, 'cameraKey')
    .build();
  SwaggerModule.setup('docs', app, () => SwaggerModule.createDocument(app, openApi));
  return app;
}
