import { ExecutionContext, createParamDecorator } from '@nestjs/common';
import type { AgencyProfile } from '@platekeeper/sharing';
import type { WorldSnapshot } from '@platekeeper/sharing';
import type { AuthenticatedUser } from './authenticated-user';

/**
 * What the AuthGuard established for one authenticated request: who asks, their agency as the live world has it
 * (undefined only for a platform_admin of an unregistered agency), and that world, read once for the request.
 */
export interface RequestContext {
  user: AuthenticatedUser;
  agency: AgencyProfile | undefined;
  world: WorldSnapshot;
}

const REQUEST_CONTEXT = Symbol('platekeeper.requestContext');

interface ContextCarrier {
  [REQUEST_CONTEXT]?: RequestContext;
}

export function attachRequestContext(request: object, context: RequestContext): void {
  (request as ContextCarrier)[REQUEST_CONTEXT] = context;
}

/** The request's context; only routes behind the AuthGuard (not @Public) have one. */
export function requestContextOf(request: object): RequestContext {
  const context = (request as ContextCarrier)[REQUEST_CONTEXT];
  if (context === undefined) throw new Error('no request context: the route is public or the AuthGuard did not run');
  return context;
}

/** The handler's RequestContext, as the AuthGuard established it. */
export const InRequest = createParamDecorator(
  (_data: unknown, context: ExecutionContext): RequestContext => requestContextOf(context.switchToHttp().getRequest()),
);
