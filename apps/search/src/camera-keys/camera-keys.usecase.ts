import { Injectable } from '@nestjs/common';
import { AgencyStore, CameraKey, CameraKeyStore, Database, Transaction, newCameraApiKey } from '@platekeeper/persistence';
import { requireAgency } from '../agencies/agency-rows';
import { changeRecord } from '../audit/change-record';
import { AuditTrail } from '../audit/audit-trail.service';
import { assertAdministers } from '../auth/agency-access';
import { AuthenticatedUser } from '../auth/authenticated-user';
import { DomainError } from '../errors/domain-error';
import { IssueCameraKeyDto } from './camera-key.dto';

/**
 * Camera gateway credentials (docs/gateway.md): the owner's agency_admin (or a platform_admin) issues, rotates and
 * revokes them; each change commits with its audit record. A key may map only cameras its agency owns now, so the
 * owner of a read that enters through the gateway is the camera's registered owner, never the payload's word.
 */
@Injectable()
export class CameraKeysUseCase {
  constructor(
    private readonly database: Database,
    private readonly agencies: AgencyStore,
    private readonly store: CameraKeyStore,
    private readonly auditTrail: AuditTrail,
  ) {}

  async issue(user: AuthenticatedUser, agencyId: string, request: IssueCameraKeyDto): Promise<CameraKey & { apiKey: string }> {
    assertAdministers(user, agencyId);
    const vendorIds = request.cameras.map((camera) => camera.vendorCameraId);
    const duplicate = vendorIds.find((id, index) => vendorIds.indexOf(id) !== index);
    if (duplicate !== undefined) throw new DomainError('CAMERA_KEY.INVALID', `cameras: vendorCameraId ${duplicate} is mapped twice`);
    return this.database.transaction(async (manager) => {
      await requireAgency(this.agencies, agencyId, { tx: manager });
      await this.assertOwnsCameras(manager, agencyId, request.cameras.map((camera) => camera.cameraId));
      const apiKey = newCameraApiKey();
      const cameras = request.cameras.map(({ vendorCameraId, cameraId, timeZone }) => ({ vendorCameraId, cameraId, ...(timeZone ? { timeZone } : {}) }));
      const key = await this.store.insert(manager, { agencyId, name: request.name, format: request.format, cameras }, apiKey);
      await this.auditTrail.append(changeRecord(user, 'camera_key.issue', { type: 'camera_key', id: key.id }, null, key), manager);
      return { ...key, apiKey };
    });
  }

  async rotate(user: AuthenticatedUser, agencyId: string, keyId: string): Promise<CameraKey & { apiKey: string }> {
    assertAdministers(user, agencyId);
    return this.database.transaction(async (manager) => {
      const before = await this.liveKey(manager, agencyId, keyId);
      const apiKey = newCameraApiKey();
      const after = await this.store.replaceSecret(manager, keyId, apiKey);
      await this.auditTrail.append(changeRecord(user, 'camera_key.rotate', { type: 'camera_key', id: keyId }, before, after), manager);
      return { ...after, apiKey };
    });
  }

  async revoke(user: AuthenticatedUser, agencyId: string, keyId: string): Promise<CameraKey> {
    assertAdministers(user, agencyId);
    return this.database.transaction(async (manager) => {
      const before = await this.store.findForUpdate(manager, agencyId, keyId);
      if (before === null) throw keyNotFound(keyId);
      if (before.revokedAt !== null) return before;
      const after = await this.store.revoke(manager, keyId);
      await this.auditTrail.append(changeRecord(user, 'camera_key.revoke', { type: 'camera_key', id: keyId }, before, after), manager);
      return after;
    });
  }

  async list(user: AuthenticatedUser, agencyId: string): Promise<CameraKey[]> {
    assertAdministers(user, agencyId);
    return this.store.listOf(agencyId);
  }

  private async liveKey(manager: Transaction, agencyId: string, keyId: string): Promise<CameraKey> {
    const key = await this.store.findForUpdate(manager, agencyId, keyId);
    if (key === null) throw keyNotFound(keyId);
    if (key.revokedAt !== null) throw new DomainError('CAMERA_KEY.REVOKED', `camera key ${keyId} is revoked; issue a new one`);
    return key;
  }

  /** One answer whether a camera is another agency's or not registered, so the answer reveals no other agency's cameras. */
  private async assertOwnsCameras(manager: Transaction, agencyId: string, cameraIds: string[]): Promise<void> {
    const owners = await this.store.currentOwners(manager, cameraIds);
    const foreign = cameraIds.find((id) => owners.get(id) !== agencyId);
    if (foreign !== undefined) {
      throw new DomainError('CAMERA_KEY.CAMERA_NOT_OWNED', `cameras: ${foreign} is not a camera registered to ${agencyId}; register it first (PUT /v1/cameras/{id})`);
    }
  }
}

function keyNotFound(keyId: string): DomainError {
  return new DomainError('CAMERA_KEY.NOT_FOUND', `camera key ${keyId} does not exist for this agency`);
}
