import type { AgencyProfile, WorldSnapshot } from '@platekeeper/sharing';
import { AuthenticatedUser } from '../auth/authenticated-user';
import { DomainError } from '../errors/domain-error';

export function isPlatformAdmin(user: AuthenticatedUser): boolean {
  return user.roles.includes('platform_admin');
}

/**
 * Who may review (read, never change) an agency's records, reports, policy and effective access: a platform_admin, or
 * that agency's agency_admin or auditor (docs/oversight.md).
 */
export function assertReviews(user: AuthenticatedUser, agencyId: string): void {
  if (isPlatformAdmin(user)) return;
  if ((user.roles.includes('agency_admin') || user.roles.includes('auditor')) && user.agencyId === agencyId) return;
  throw new DomainError('AUTH.FORBIDDEN', `only an agency_admin or auditor of ${agencyId}, or a platform_admin, may review this`);
}

/** A platform_admin administers every agency; an agency_admin only their own. */
export function assertAdministers(user: AuthenticatedUser, agencyId: string): void {
  if (isPlatformAdmin(user)) return;
  if (user.roles.includes('agency_admin') && user.agencyId === agencyId) return;
  throw new DomainError('AUTH.FORBIDDEN', `only an agency_admin of ${agencyId} or a platform_admin may do this`);
}

/** Whether `user` may act in `world`: their agency is active there, or they are a platform_admin. */
export function mayActIn(user: AuthenticatedUser, world: WorldSnapshot): boolean {
  return world.agencies.get(user.agencyId)?.status === 'active' || isPlatformAdmin(user);
}

/** The user's agency in `world` (undefined only for a platform_admin of an unregistered agency); 403 when it is not active. */
export function actingAgencyIn(user: AuthenticatedUser, world: WorldSnapshot): AgencyProfile | undefined {
  if (!mayActIn(user, world)) throw new DomainError('AUTH.AGENCY_NOT_ACTIVE', `agency ${user.agencyId} is not active`);
  return world.agencies.get(user.agencyId);
}
