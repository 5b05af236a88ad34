import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { AuditTrail } from '../audit/audit-trail.service';
import { AuthenticatedUser } from '../auth/authenticated-user';
import { DomainError } from '../errors/domain-error';
import { assertAdministers, isPlatformAdmin } from '../auth/agency-access';
import { requireAgency } from './agency-rows';
import { PutCameraDto, RegisteredCamera } from './camera.dto';
import { changeRecord } from './change-record';

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
    private readonly dataSource: DataSource,
    private readonly auditTrail: AuditTrail,
  ) {}

  async execute(user: AuthenticatedUser, cameraId: string, request: PutCameraDto): Promise<RegisteredCamera> {
    assertAdministers(user, request.agencyId);
    const after: RegisteredCamera = { id: cameraId, agencyId: request.agencyId, name: request.name, lat: request.lat, lon: request.lon };
    return this.dataSource.transaction(async (manager) => {
      await requireAgency(manager, request.agencyId);
      const before = await this.write(manager, user, after);
      await this.auditTrail.append(changeRecord(user, 'camera.put', { type: 'camera', id: cameraId }, before, after), manager);
      return after;
    });
  }

  /** Writes the camera and answers what it was before (null if new). */
  private async write(manager: EntityManager, user: AuthenticatedUser, after: RegisteredCamera): Promise<RegisteredCamera | null> {
    // Two rounds at most: an insert can only lose to a concurrent insert of the same id, which the second round then updates.
    for (let round = 0; round < 2; round++) {
      const [current] = await manager.query('SELECT id, agency_id, name, lat, lon FROM cameras WHERE id = $1 FOR UPDATE', [after.id]);
      if (current !== undefined) {
        const before: RegisteredCamera = { id: current.id, agencyId: current.agency_id, name: current.name, lat: current.lat, lon: current.lon };
        if (!isPlatformAdmin(user) && before.agencyId !== user.agencyId) throw cameraNotAdministered(user);
        await manager.query('UPDATE cameras SET agency_id = $2, name = $3, lat = $4, lon = $5, updated_at = now() WHERE id = $1', [
          after.id, after.agencyId, after.name, after.lat, after.lon,
        ]);
        return before;
      }
      if (!isPlatformAdmin(user) && !after.id.startsWith(cameraNamespaceOf(user.agencyId))) throw cameraNotAdministered(user);
      const inserted = await manager.query(
        'INSERT INTO cameras (id, agency_id, name, lat, lon) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (id) DO NOTHING RETURNING id',
        [after.id, after.agencyId, after.name, after.lat, after.lon],
      );
      if (inserted.length > 0) return null;
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
