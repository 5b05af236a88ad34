import { Injectable } from '@nestjs/common';
import { AgencyStore, Database, RegisteredSensitivePlace, SensitivePlaceStore } from '@platekeeper/persistence';
import { requireAgency } from '../agencies/agency-rows';
import { AuditTrail } from '../audit/audit-trail.service';
import { changeRecord } from '../audit/change-record';
import { assertAdministers, isPlatformAdmin } from '../auth/agency-access';
import { AuthenticatedUser } from '../auth/authenticated-user';
import { DomainError } from '../errors/domain-error';
import { DropCountsDto, PlaceDropCountDto, RegisterSensitivePlaceDto } from './sensitive-place.dto';

const DAY_MS = 86_400_000;

/**
 * Sensitive places (docs/sensitive-places.md): a platform_admin registers a jurisdiction's places, an agency_admin its
 * agency's; each registration and removal is recorded. Ingest drops reads captured inside one and counts them; the
 * counts are public, the places' names and positions are not.
 */
@Injectable()
export class SensitivePlacesUseCase {
  constructor(
    private readonly database: Database,
    private readonly agencies: AgencyStore,
    private readonly places: SensitivePlaceStore,
    private readonly auditTrail: AuditTrail,
  ) {}

  async register(user: AuthenticatedUser, request: RegisterSensitivePlaceDto): Promise<RegisteredSensitivePlace> {
    if ((request.state === undefined) === (request.agencyId === undefined)) {
      throw new DomainError('PLACE.INVALID', 'give exactly one of state (a jurisdiction\'s place) or agencyId (an agency\'s place)');
    }
    if (request.state !== undefined && !isPlatformAdmin(user)) {
      throw new DomainError('AUTH.FORBIDDEN', 'only a platform_admin registers a jurisdiction\'s places');
    }
    if (request.agencyId !== undefined) assertAdministers(user, request.agencyId);
    return this.database.transaction(async (tx) => {
      if (request.agencyId !== undefined) await requireAgency(this.agencies, request.agencyId, { tx });
      const place = await this.places.insert(tx, {
        name: request.name.trim(), kind: request.kind, lat: request.lat, lon: request.lon, radiusM: request.radiusM,
        cameraRule: request.cameraRule ?? 'refuse', state: request.state ?? null, agencyId: request.agencyId ?? null, registeredBy: user.userId,
      });
      await this.auditTrail.append(changeRecord(user, 'sensitive_place.register', { type: 'sensitive_place', id: place.id }, null, place), tx);
      return place;
    });
  }

  async list(user: AuthenticatedUser): Promise<RegisteredSensitivePlace[]> {
    if (isPlatformAdmin(user)) return this.places.listInForce();
    const agency = await requireAgency(this.agencies, user.agencyId);
    return this.places.listInForce({ state: agency.state, agencyId: agency.id });
  }

  async remove(user: AuthenticatedUser, id: string): Promise<RegisteredSensitivePlace> {
    return this.database.transaction(async (tx) => {
      const before = await this.places.findForUpdate(tx, id);
      const mayRemove = before !== undefined
        && (isPlatformAdmin(user) || (before.agencyId !== null && user.roles.includes('agency_admin') && user.agencyId === before.agencyId));
      if (!mayRemove) throw new DomainError('PLACE.NOT_FOUND', `no sensitive place ${id} this caller administers`);
      if (before.removedAt !== null) return before;
      const after = await this.places.remove(tx, id);
      await this.auditTrail.append(changeRecord(user, 'sensitive_place.remove', { type: 'sensitive_place', id }, before, after), tx);
      return after;
    });
  }

  async dropCounts(since: string | undefined, now = new Date()): Promise<DropCountsDto> {
    const day = (since ? new Date(since) : new Date(now.getTime() - 365 * DAY_MS)).toISOString().slice(0, 10);
    const byPlace = new Map<string, PlaceDropCountDto>();
    for (const count of await this.places.dropCounts(day)) {
      let place = byPlace.get(count.placeId);
      if (place === undefined) {
        place = { placeId: count.placeId, kind: count.kind, state: count.state, agencyId: count.agencyId, dropped: 0, byCamera: [] };
        byPlace.set(count.placeId, place);
      }
      place.dropped += count.dropped;
      place.byCamera.push({ cameraId: count.cameraId, dropped: count.dropped });
    }
    return { since: day, places: [...byPlace.values()] };
  }
}
