export const USER_ROLES = ['investigator', 'agency_admin', 'platform_admin'] as const;
export type UserRole = (typeof USER_ROLES)[number];

export interface AuthenticatedUser {
  userId: string;
  agencyId: string;
  roles: UserRole[];
}
