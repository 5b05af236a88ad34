import { AuditEntry } from '../audit/audit-trail.service';
import { AuthenticatedUser } from '../auth/authenticated-user';

export type ChangeAction = 'agency.create' | 'agency.update' | 'sharing.update' | 'camera.put' | 'jurisdiction.put'
  | 'camera_key.issue' | 'camera_key.rotate' | 'camera_key.revoke';
export type ChangeSubject = { type: 'agency' | 'camera' | 'jurisdiction' | 'camera_key'; id: string };

/** Who changed what, from what to what; `before` is null when the change created the subject. */
export function changeRecord(
  user: AuthenticatedUser,
  action: ChangeAction,
  subject: ChangeSubject,
  before: object | null,
  after: object,
): AuditEntry {
  return {
    kind: 'change',
    action,
    actorUserId: user.userId,
    actorAgencyId: user.agencyId,
    payload: { subject, before, after },
  };
}
