import { ArgumentsHost, Catch, HttpException, HttpStatus, Inject, Injectable } from '@nestjs/common';
import { PLATEKEEPER_CONFIG, PlatekeeperConfig } from '@platekeeper/config';
import { RouteConfig } from '@nestjs/platform-fastify';
import type { FastifyRequest } from 'fastify';
import { AuditTrail } from '../audit/audit-trail.service';
import { SEARCH_ACTIONS, SearchAction, refusedSearchRecord } from '../audit/search-record';
import { authenticateRequest } from '../auth/request-authentication';
import { AuthenticatedUser } from '../auth/authenticated-user';
import { JwtVerifier } from '../auth/jwt-verifier.service';
import { DomainError } from '../errors/domain-error';
import { ErrorShapeFilter } from '../errors/error-shape.filter';

const SEARCH_ACTION_CONFIG = 'recordedSearchAction';

/** Marks a route as a search: a refusal on it, however early (body parsing included), is recorded under `action`. */
export const RecordedSearch = (action: SearchAction) => RouteConfig({ [SEARCH_ACTION_CONFIG]: action });

type SearchRouteRequest = FastifyRequest & { user?: AuthenticatedUser };

/**
 * The app's one exception filter. A refused search is still a search: on a route marked @RecordedSearch it is
 * recorded (who, what they asked, bounded, and why it was refused) before the error leaves; every error then
 * leaves in the one shape. Global, because 413/415/invalid JSON fail in Fastify's body parsing, before any
 * controller-scoped filter could see them.
 */
@Catch()
@Injectable()
export class RefusedSearchFilter extends ErrorShapeFilter {
  constructor(
    private readonly auditTrail: AuditTrail,
    private readonly jwtVerifier: JwtVerifier,
    @Inject(PLATEKEEPER_CONFIG) config: PlatekeeperConfig,
  ) {
    super();
    this.retryAfterSeconds = config.SEARCH_RETRY_AFTER_SECONDS;
  }

  override async catch(exception: unknown, host: ArgumentsHost): Promise<void> {
    const request = host.switchToHttp().getRequest<SearchRouteRequest>();
    const action = searchActionOf(request);
    const isAuditFailure = exception instanceof DomainError && exception.code === 'AUDIT.UNAVAILABLE';
    if (action !== undefined && !isAuditFailure && !isRateLimited(exception)) {
      const { statusCode, message } = this.toBody(exception);
      const refusal = exception instanceof DomainError ? exception.code : statusCode;
      try {
        await this.auditTrail.append(refusedSearchRecord(action, await this.callerOf(request), request.body, { code: refusal, messages: message }));
      } catch (auditError) {
        return super.catch(auditError, host);
      }
    }
    return super.catch(exception, host);
  }

  /** The guard's verdict when it ran; before it (a body Fastify could not parse), the bearer token if it verifies. */
  private async callerOf(request: SearchRouteRequest): Promise<AuthenticatedUser | undefined> {
    if (request.user !== undefined) return request.user;
    return authenticateRequest(request, this.jwtVerifier).catch(() => undefined);
  }
}

function searchActionOf(request: FastifyRequest): SearchAction | undefined {
  const action = (request.routeOptions?.config as unknown as Record<string, unknown> | undefined)?.[SEARCH_ACTION_CONFIG];
  return SEARCH_ACTIONS.find((known) => known === action);
}

/** A rate limit keeps floods off the chain lock; recording each turned-away request would defeat it. */
function isRateLimited(exception: unknown): boolean {
  const status = exception instanceof HttpException ? exception.getStatus() : (exception as { statusCode?: unknown })?.statusCode;
  return status === HttpStatus.TOO_MANY_REQUESTS;
}
