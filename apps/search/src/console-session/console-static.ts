import fastifyStatic from '@fastify/static';
import { Logger } from '@nestjs/common';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { PlatekeeperConfig } from '@platekeeper/config';

export const CONSOLE_PREFIX = '/console/';

/** Everything the console loads comes from this server; an OpenID provider is the one other origin it talks to. */
function contentSecurityPolicy(config: PlatekeeperConfig): string {
  const provider = config.OIDC_ISSUER_URL ? ` ${new URL(config.OIDC_ISSUER_URL).origin}` : '';
  return [
    "default-src 'self'", `connect-src 'self'${provider}`, "img-src 'self' data:", "style-src 'self' 'unsafe-inline'",
    "object-src 'none'", "base-uri 'self'", "frame-ancestors 'none'", `form-action 'self'${provider}`,
  ].join('; ');
}

/**
 * Serves the built console (CONSOLE_DIR, `npm run build:console`) at /console/ and the public transparency page at
 * /transparency/{agencyId}; without a build, both answer 503 naming the command that makes one.
 */
export async function serveConsole(app: NestFastifyApplication, config: PlatekeeperConfig): Promise<void> {
  const fastify = app.getHttpAdapter().getInstance();
  const root = resolve(config.CONSOLE_DIR);
  const built = existsSync(resolve(root, 'index.html'));
  const csp = contentSecurityPolicy(config);
  if (built) {
    await app.register(fastifyStatic, {
      root,
      prefix: CONSOLE_PREFIX,
      decorateReply: false,
      index: ['index.html'],
      setHeaders: (reply) => reply.header('content-security-policy', csp),
    });
  } else {
    new Logger('Console').warn(`no console build in ${root}: run npm run build:console`);
    fastify.get(`${CONSOLE_PREFIX}*`, async (_request, reply) =>
      reply.code(503).send({ statusCode: 503, error: 'Service Unavailable', message: ['the console is not built: run npm run build:console'] }));
  }
  fastify.get('/', async (_request, reply) => reply.redirect(CONSOLE_PREFIX));
  fastify.get('/console', async (_request, reply) => reply.redirect(CONSOLE_PREFIX));
  fastify.get<{ Params: { agencyId: string } }>('/transparency/:agencyId', async (request, reply) =>
    reply.redirect(`${CONSOLE_PREFIX}transparency.html?agency=${encodeURIComponent(request.params.agencyId)}`));
}
