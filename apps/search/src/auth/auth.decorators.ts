import { ExecutionContext, SetMetadata, createParamDecorator } from '@nestjs/common';
import { AuthenticatedUser, UserRole } from './authenticated-user';

export const PUBLIC_ROUTE = 'platekeeper:public';
export const REQUIRED_ROLES = 'platekeeper:roles';
export const SPECULATIVE_WORLD = 'platekeeper:speculativeWorld';

/** Reachable without a token (health, docs). */
export const Public = () => SetMetadata(PUBLIC_ROUTE, true);
/** The caller needs at least one of these roles. */
export const Roles = (...roles: UserRole[]) => SetMetadata(REQUIRED_ROLES, roles);

/**
 * The handler checks the sharing world's version itself before its outcome takes effect (a search: its record is
 * written only if the world did not move, else it runs again), so the guard may hand it the world this instance last
 * loaded instead of reading the version first (docs/performance.md).
 */
export const SpeculativeWorld = () => SetMetadata(SPECULATIVE_WORLD, true);

export const CurrentUser = createParamDecorator(
  (_data: unknown, context: ExecutionContext): AuthenticatedUser => context.switchToHttp().getRequest().user,
);
