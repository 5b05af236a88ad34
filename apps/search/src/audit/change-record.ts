import type { AuthenticatedUser } from '../auth/authenticated-user';
import type { AuditEntry } from './audit-trail.service';

export type ChangeAction = 'agency.create' | 'agency.update' | 'sharing.update' | 'camera.put' | 'jurisdiction.put' | 'retention.sweep'
  | 'camera_key.issue' | 'camera_key.rotate' | 'camera_key.revoke'
  | 'hotlist.create' | 'hotlist_entry.add' | 'hotlist_entry.remove' | 'hotlist_entry.import' | 'hotlist_alert.disposition'
  | 'declaration.file' | 'declaration.revoke'
  | 'sensitive_place.register' | 'sensitive_place.remove'
  | 'anomaly.dispose'
  | 'sharing.propose' | 'sharing.approve' | 'sharing.cancel' | 'governance.put';
export type ChangeSubject = {
  type: 'agency' | 'camera' | 'jurisdiction' | 'reads' | 'camera_key' | 'hotlist' | 'hotlist_entry' | 'hotlist_alert'
    | 'declaration' | 'sensitive_place' | 'anomaly' | 'sharing_change';
  id: string;
};
/** Who made a change: a signed-in user, or the service itself for scheduled work (`SCHEDULED_ACTOR`). */
export type ChangeActor = Pick<AuthenticatedUser, 'userId' | 'agencyId'>;

/** Actor of the service's own scheduled work; not a valid agency id, so no agency reviews it as its own. */
export const SCHEDULED_ACTOR: ChangeActor = { userId: '(scheduled)', agencyId: '(system)' };

/** Who changed what, from what to what; `before` is null when the change created the subject. */
export function changeRecord(
  actor: ChangeActor,
  action: ChangeAction,
  subject: ChangeSubject,
  before: object | null,
  after: object,
): AuditEntry {
  return {
    kind: 'change',
    action,
    actorUserId: actor.userId,
    actorAgencyId: actor.agencyId,
    payload: { subject, before, after },
  };
}
