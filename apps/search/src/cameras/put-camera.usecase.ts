import { Injectable } from '@nestjs/common';
import { AgencyStore, CameraStore, Database, SensitivePlaceStore, Transaction } from '@platekeeper/persistence';
import { sensitivePlacesAt } from '@platekeeper/contract';
import { AuditTrail } from '../audit/audit-trail.service';
import { AuthenticatedUser } from '../auth/authenticated-user';
import { DomainError } from '../errors/domain-error';
import { assertAdministers, isPlatformAdmin } from '../auth/agency-access';
import { requireAgency } from '../agencies/agency-rows';
import { PutCameraDto, RegisteredCamera } from './camera.dto';
import { changeRecord } from '../audit/change-record';

/** The ids an agency_admin may register: its own namespace, `<agencyId>.<anything>` (agency ids never contain a dot). */
export function cameraNamespaceOf(agencyId: string): string {
  return `${agencyId}.`;
}

/**
 * Registers a camera or moves it (owner, name, position). A platform_admin may write any camera id; an agency_admin
 * only its own cameras and new ids in its agency's namespace, and any other id gets one answer, registered or not,
 * so the answer reveals no other agency's cameras (docs/read-identity.md).
 */
@Injectable()
export class PutCameraUseCase {
  constructor(
    private readonly database: Database,
    private readonly agencies: AgencyStore,
    private readonly cameras: CameraStore,
    private readonly auditTrail: AuditTrail,
    private readonly sensitivePlaces: SensitivePlaceStore,
  ) {}

  async execute(user: AuthenticatedUser, cameraId: string, request: PutCameraDto): Promise<RegisteredCamera> {
    assertAdministers(user, request.agencyId);
    const position: RegisteredCamera = { id: cameraId, agencyId: request.agencyId, name: request.name, lat: request.lat, lon: request.lon };
    return this.database.transaction(async (tx) => {
      await requireAgency(this.agencies, request.agencyId, { tx });
      const after = await this.sensitivePlaceCheck(tx, position);
      const before = await this.write(tx, user, position);
      await this.auditTrail.append(changeRecord(user, 'camera.put', { type: 'camera', id: cameraId }, before, after), tx);
      return after;
    });
  }

  /** A camera inside a refusing sensitive place is refused; inside a flagging one it is registered with the places named. */
  private async sensitivePlaceCheck(tx: Transaction, camera: RegisteredCamera): Promise<RegisteredCamera> {
    const places = sensitivePlacesAt(await this.sensitivePlaces.listInForce({}, tx), camera, camera.agencyId);
    const refusing = places.find((place) => place.cameraRule === 'refuse');
    if (refusing !== undefined) {
      throw new DomainError('CAMERA.IN_SENSITIVE_PLACE', `the camera would stand inside sensitive place ${refusing.id} (${refusing.kind}), where cameras are refused`);
    }
    if (places.length === 0) return camera;
    return { ...camera, sensitivePlaces: places.map(({ id, kind, cameraRule }) => ({ id, kind, cameraRule })) };
  }

  /** Writes the camera and answers what it was before (null if new). */
  private async write(tx: Transaction, user: AuthenticatedUser, after: RegisteredCamera): Promise<RegisteredCamera | null> {
    // Two rounds at most: an insert can only lose to a concurrent insert of the same id, which the second round then updates.
    for (let round = 0; round < 2; round++) {
      const before = await this.cameras.findForUpdate(tx, after.id);
      if (before !== undefined) {
        if (!isPlatformAdmin(user) && before.agencyId !== user.agencyId) throw cameraNotAdministered(user);
        await this.cameras.update(tx, after);
        return before;
      }
      if (!isPlatformAdmin(user) && !after.id.startsWith(cameraNamespaceOf(user.agencyId))) throw cameraNotAdministered(user);
      if (await this.cameras.insert(tx, after)) return null;
    }
    throw new Error(`camera ${after.id} could not be written`);
  }
}

/** The same answer whether the id is another agency's camera or no camera at all. */
function cameraNotAdministered(user: AuthenticatedUser): DomainError {
  return new DomainError(
    'CAMERA.NOT_ADMINISTERED',
    `an agency_admin may register only camera ids starting with "${cameraNamespaceOf(user.agencyId)}" and change only its agency's cameras; ` +
      'a platform_admin registers any other id',
  );
}
