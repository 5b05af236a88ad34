import { CanActivate, ExecutionContext, ForbiddenException, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { PUBLIC_ROUTE, REQUIRED_ROLES, SPECULATIVE_WORLD } from './auth.decorators';
import { actingAgencyIn, mayActIn } from './agency-access';
import { UserRole } from './authenticated-user';
import { JwtVerifier } from './jwt-verifier.service';
import { authenticateRequest } from './request-authentication';
import { SharingWorldService } from '../sharing-world/sharing-world.service';
import { attachRequestContext } from './request-context';

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
    // The verdict stays on the request for the rate limit and the refused-search filter, which also run without a context.
    const user = (request.user = await authenticateRequest(request, this.jwtVerifier));
    const required = this.reflector.getAllAndOverride<UserRole[]>(REQUIRED_ROLES, targets) ?? [];
    if (required.length > 0 && !required.some((role) => user.roles.includes(role))) {
      throw new ForbiddenException(`this action needs the role ${required.join(' or ')}`);
    }
    // The one read of the live world for this request; handlers take it from the context (@InRequest). A handler that
    // checks the version itself before its outcome takes effect (@SpeculativeWorld: searches) gets the world this
    // instance last loaded, without the round trip; a refusal is never speculative: it is confirmed in the live world.
    const speculative = this.reflector.getAllAndOverride<boolean>(SPECULATIVE_WORLD, targets) ?? false;
    let world = speculative ? await this.sharingWorld.latestKnown() : await this.sharingWorld.current();
    if (speculative && !mayActIn(user, world)) world = await this.sharingWorld.current();
    const agency = actingAgencyIn(user, world);
    attachRequestContext(request, { user, agency, world });
    return true;
  }
}
