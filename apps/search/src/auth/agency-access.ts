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
