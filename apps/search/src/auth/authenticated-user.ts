/** `auditor`: read-only oversight of one agency (its records, reports, effective access); never a search, never a read. */
export const USER_ROLES = ['investigator', 'agency_admin', 'platform_admin', 'auditor'] as const;
export type UserRole = (typeof USER_ROLES)[number];

export interface AuthenticatedUser {
  userId: string;
  agencyId: string;
  roles: UserRole[];
}
