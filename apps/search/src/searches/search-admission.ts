import { CanActivate, ExecutionContext, Inject, Injectable } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { PLATEKEEPER_CONFIG, PlatekeeperConfig } from '@platekeeper/config';
import { DomainError } from '../errors/domain-error';

/**
 * Sheds load instead of queueing it: at most SEARCH_MAX_IN_FLIGHT searches are worked on at once per instance, and
 * one more is refused at once with 503 SEARCH.OVERLOADED and Retry-After (set on every 503 by the error filter),
 * before it costs Elasticsearch or the audit chain anything. Nothing is answered, so nothing needs a record, and like
 * a rate limit's 429 the refusal is not recorded: under overload that would put the flood back on the chain.
 */
@Injectable()
export class SearchAdmissionGuard implements CanActivate {
  private inFlight = 0;

  constructor(@Inject(PLATEKEEPER_CONFIG) private readonly config: PlatekeeperConfig) {}

  canActivate(context: ExecutionContext): boolean {
    if (this.inFlight >= this.config.SEARCH_MAX_IN_FLIGHT) {
      throw new DomainError('SEARCH.OVERLOADED', `this search instance is working on ${this.config.SEARCH_MAX_IN_FLIGHT} searches; retry shortly`);
    }
    this.inFlight++;
    // 'close' follows every response, sent or abandoned, so a slot is never kept by a search that is over.
    context.switchToHttp().getResponse<FastifyReply>().raw.once('close', () => this.inFlight--);
    return true;
  }
}
