import { ArgumentsHost, Catch, HttpException } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { AuditTrail } from '../audit/audit-trail.service';
import { AuthenticatedUser } from '../auth/authenticated-user';
import { ErrorShapeFilter } from '../errors/error-shape.filter';
import { DomainError } from '../errors/domain-error';

/** A refused search is still a search: it is recorded (who, what they asked, why it was refused) before the error leaves. */
@Catch()
export class RefusedSearchFilter extends ErrorShapeFilter {
  constructor(private readonly auditTrail: AuditTrail) {
    super();
  }

  override async catch(exception: unknown, host: ArgumentsHost): Promise<void> {
    const request = host.switchToHttp().getRequest<FastifyRequest & { user?: AuthenticatedUser }>();
    const isAuditFailure = exception instanceof DomainError && exception.code === 'AUDIT.UNAVAILABLE';
    if (!isAuditFailure) {
      const body = (request.body ?? {}) as Record<string, unknown>;
      const status = exception instanceof HttpException ? exception.getStatus() : undefined;
      try {
        await this.auditTrail.append({
          kind: 'search',
          action: request.url.includes('preview') ? 'search.preview' : 'search.reads',
          actorUserId: request.user?.userId ?? 'unauthenticated',
          actorAgencyId: request.user?.agencyId ?? 'unknown',
          payload: {
            purpose: body.purpose ?? null,
            caseNumber: body.caseNumber ?? null,
            reason: body.reason ?? null,
            scope: body.scope ?? 'local',
            outcome: 'refused',
            refusal: exception instanceof DomainError ? exception.code : (status ?? 'error'),
            refusalMessage: exception instanceof Error ? exception.message : String(exception),
            total: 0,
            returnedByOwner: {},
            withheldOwners: [],
          },
        });
      } catch (auditError) {
        return super.catch(auditError, host);
      }
    }
    return super.catch(exception, host);
  }
}
