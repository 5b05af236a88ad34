import type { FastifyInstance } from 'fastify';
import { STATUS_CODES } from 'node:http';
import { PlatekeeperConfig } from '@platekeeper/config';
import { HTTP_STATUS_BY_CODE } from '../errors/domain-error';

const SEARCH_ROUTE = '/v1/searches';

/**
 * Sheds load instead of queueing it: at most SEARCH_MAX_IN_FLIGHT searches are in an instance at once, counted from
 * the moment Fastify routes them (before the token, the world version or anything else waits on a pool), and one more
 * is refused at once with 503 SEARCH.OVERLOADED and Retry-After. Counting later (in a guard) let searches queue
 * unseen behind the PostgreSQL pool: a 256-client run then shed nothing and waited seconds instead. Nothing is
 * answered, so nothing needs a record, and like a rate limit's 429 the refusal is not recorded: under overload that
 * would put the flood back on the chain.
 */
export function registerSearchAdmission(fastify: FastifyInstance, config: Pick<PlatekeeperConfig, 'SEARCH_MAX_IN_FLIGHT' | 'SEARCH_RETRY_AFTER_SECONDS'>): void {
  let inFlight = 0;
  fastify.addHook('onRequest', (request, reply, done) => {
    if (request.method !== 'POST' || request.routeOptions.url !== SEARCH_ROUTE) return done();
    if (inFlight >= config.SEARCH_MAX_IN_FLIGHT) {
      const statusCode = HTTP_STATUS_BY_CODE['SEARCH.OVERLOADED'];
      void reply.code(statusCode).header('Retry-After', String(config.SEARCH_RETRY_AFTER_SECONDS)).send({
        statusCode,
        error: STATUS_CODES[statusCode],
        message: [`this search instance is working on ${config.SEARCH_MAX_IN_FLIGHT} searches; retry shortly`],
        code: 'SEARCH.OVERLOADED',
      });
      return;
    }
    inFlight++;
    // 'close' follows every response, sent or abandoned, so a slot is never kept by a search that is over.
    reply.raw.once('close', () => inFlight--);
    done();
  });
}
