import rateLimit from '@fastify/rate-limit';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyReply } from 'fastify';
import { STATUS_CODES } from 'node:http';
import { PlatekeeperConfig } from '@platekeeper/config';
import { JwtVerifier } from '../auth/jwt-verifier.service';
import { authenticateRequest } from '../auth/request-authentication';
import { registerSearchAdmission } from '../searches/search-admission';

const ONE_MINUTE_MS = 60_000;

/** Camera ids may be 200 characters (Fastify's default cut-off is 100); beyond this a path parameter is a 414. */
const MAX_PATH_PARAMETER_LENGTH = 256;

/** Health probes and metrics scrapes: never rate-limited. */
const UNLIMITED_PATHS = new Set(['/health', '/metrics']);

const SECURITY_HEADERS = { 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' };

/**
 * Fastify for the search API: bodies up to API_BODY_LIMIT_BYTES (413 beyond), the client address from
 * X-Forwarded-For only when SEARCH_TRUST_PROXY says a proxy sets it, and a path Fastify cannot even
 * decode (`%FF`, a lone surrogate) answered in the one error shape, as it never reaches Nest.
 */
export function searchHttpAdapter(config: PlatekeeperConfig): FastifyAdapter {
  return new FastifyAdapter({
    bodyLimit: config.API_BODY_LIMIT_BYTES,
    routerOptions: { maxParamLength: MAX_PATH_PARAMETER_LENGTH },
    trustProxy: config.SEARCH_TRUST_PROXY,
    frameworkErrors: (error: Error & { statusCode?: number }, _request: unknown, reply: FastifyReply) => {
      const statusCode = error.statusCode ?? 400;
      void reply.code(statusCode).headers(SECURITY_HEADERS).send({
        statusCode,
        error: STATUS_CODES[statusCode] ?? 'Bad Request',
        message: ['the request path is not valid percent-encoded UTF-8, or a path segment is too long'],
      });
    },
  });
}

/**
 * What the search API does before any controller runs, all in Fastify hooks so it stays cheap:
 * JSON bodies only (anything else 415), security headers on every answer, and a per-client limit
 * on requests that carry no valid bearer token (429 before guards, filters or audit appends run).
 */
export async function configureHttpEdge(app: NestFastifyApplication, config: PlatekeeperConfig): Promise<void> {
  const fastify = app.getHttpAdapter().getInstance();
  // First of all hooks: a search past the instance's bound is refused before it costs anything (search-admission.ts).
  registerSearchAdmission(fastify, config);
  // Fastify's built-in JSON parser is the only one left: text/plain (and, with bodyParser off, form bodies) get 415.
  fastify.removeContentTypeParser('text/plain');
  // Answers carry plates and audit records: never cached, never sniffed into another type.
  fastify.addHook('onSend', async (_request, reply, payload) => {
    reply.headers(SECURITY_HEADERS);
    return payload;
  });
  if (config.UNAUTHENTICATED_RATE_LIMIT_PER_MINUTE > 0) {
    const verifier = app.get(JwtVerifier);
    await app.register(rateLimit, {
      global: true,
      max: config.UNAUTHENTICATED_RATE_LIMIT_PER_MINUTE,
      timeWindow: ONE_MINUTE_MS,
      // Authenticated callers are limited per user where it matters (searches); this limit is for everyone else.
      // The console's own files are static and cheap; a page load fetches several. Probes and scrapes are cheap too
      // (one coalesced database ping, in-memory metrics) and must not read 429 when a flood shares their address.
      allowList: (request) => request.url.startsWith('/console/') || UNLIMITED_PATHS.has(request.url.split('?')[0])
        || authenticateRequest(request, verifier).then(() => true, () => false),
      addHeadersOnExceeding: { 'x-ratelimit-limit': false, 'x-ratelimit-remaining': false, 'x-ratelimit-reset': false },
      errorResponseBuilder: (_request, context) =>
        Object.assign(
          new Error(`too many requests without a valid bearer token from this client; retry in ${context.after}`),
          { statusCode: context.statusCode },
        ),
    });
  }
}
