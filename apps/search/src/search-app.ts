import { BadRequestException, ValidationError, ValidationPipe } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { Logger } from 'nestjs-pino';
import { PlatekeeperConfig } from '@platekeeper/config';
import { configureHttpEdge, searchHttpAdapter } from './http/http-edge';
import { SearchModule } from './search.module';
import { SafeInputPipe } from './validation/safe-input.pipe';
import { serveConsole } from './console-session/console-static';

/** Builds a ready-to-listen search instance; main.ts and the end-to-end tests share it. */
export async function createSearchApp(config: PlatekeeperConfig): Promise<NestFastifyApplication> {
  const adapter = searchHttpAdapter(config);
  // bodyParser off: Nest would otherwise add a form (urlencoded) parser; bodies are JSON only.
  const app = await NestFactory.create<NestFastifyApplication>(SearchModule.withConfig(config), adapter, { bufferLogs: true, bodyParser: false });
  app.useLogger(app.get(Logger));
  await configureHttpEdge(app, config);
  await serveConsole(app, config);
  app.useGlobalPipes(
    new SafeInputPipe(),
    new ValidationPipe({
      whitelist: true,
      forbidNonWhitelisted: true,
      transform: true,
      exceptionFactory: (errors) => new BadRequestException(validationMessages(errors)),
    }),
  );
  app.enableShutdownHooks();
  const openApi = new DocumentBuilder()
    .setTitle('Platekeeper search API')
    .setDescription('Plate read searches with per-agency sharing scopes, administration and audit (see CONTRACT §4).')
    .setVersion('1')
    .addBearerAuth()
    .build();
  SwaggerModule.setup('docs', app, () => SwaggerModule.createDocument(app, openApi));
  return app;
}

/** One message per broken rule; a nested field is named by its full path (`vehicle.make: …`). */
export function validationMessages(errors: ValidationError[], parentPath = ''): string[] {
  return errors.flatMap((error) => {
    const path = parentPath ? `${parentPath}.${error.property}` : error.property;
    const own = Object.values(error.constraints ?? {}).map((message) => (parentPath ? `${path}: ${message}` : message));
    return [...own, ...validationMessages(error.children ?? [], path)];
  });
}
