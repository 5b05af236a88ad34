import { CanActivate, ExecutionContext, ForbiddenException, Injectable, UnauthorizedException } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { PUBLIC_ROUTE, REQUIRED_ROLES } from './auth.decorators';
import { UserRole } from './authenticated-user';
import { InvalidTokenError, JwtVerifier } from './jwt-verifier.service';
import { SharingWorldService } from '../sharing-world/sharing-world.service';
import { DomainError } from '../errors/domain-error';

export function bearerTokenOf(headers: { authorization?: unknown } | undefined): string | undefined {
  const header = headers?.authorization;
  const match = typeof header === 'string' ? /^Bearer\s+(\S+)$/i.exec(header) : null;
  return match?.[1];
}

/** No token or a bad one: 401. A valid token without the role, or from an agency that is not active: 403. */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly jwtVerifier: JwtVerifier,
    private readonly sharingWorld: SharingWorldService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_ROUTE, targets)) return true;
    const request = context.switchToHttp().getRequest();
    const token = bearerTokenOf(request.headers);
    if (token === undefined) throw new UnauthorizedException('a bearer token is required in the Authorization header');
    try {
      request.user = await this.jwtVerifier.verify(token);
    } catch (error) {
      if (error instanceof InvalidTokenError) throw new UnauthorizedException(error.message);
      throw error;
    }
    const required = this.reflector.getAllAndOverride<UserRole[]>(REQUIRED_ROLES, targets) ?? [];
    if (required.length > 0 && !required.some((role) => request.user.roles.includes(role))) {
      throw new ForbiddenException(`this action needs the role ${required.join(' or ')}`);
    }
    // The one read of the live world for this request; the search reuses it (see @LiveWorld).
    const world = (request.sharingWorld = await this.sharingWorld.current());
    const agency = world.agencies.get(request.user.agencyId);
    if (agency?.status !== 'active' && !request.user.roles.includes('platform_admin')) {
      throw new DomainError('AUTH.AGENCY_NOT_ACTIVE', `agency ${request.user.agencyId} is not active`);
    }
    return true;
  }
}
