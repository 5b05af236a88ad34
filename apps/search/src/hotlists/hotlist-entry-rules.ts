import { foldPlateLookAlikes, normalisePlate } from '@platekeeper/contract';
import type { HotlistEntrySource, NewHotlistEntry } from '@platekeeper/persistence';
import type { AgencyProfile, SearchPurpose, SharingWorld } from '@platekeeper/sharing';
import type { HotlistEntryFields } from './hotlist.dto';

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * The longest an entry may live, per purpose (docs/hotlists.md): an AMBER alert is hours-to-days business, a stolen
 * car can stay listed for a year. An entry is a standing search, so the state's retention cap (`maxRetentionDays` of
 * the agency's jurisdiction) caps it too: a state that lets reads live 21 days does not get 365-day dragnets.
 */
export const MAX_ENTRY_DAYS_BY_PURPOSE: Readonly<Record<SearchPurpose, number>> = {
  amber_alert: 7,
  missing_person: 90,
  stolen_vehicle: 365,
  wanted_person: 180,
  criminal_investigation: 90,
  traffic_enforcement: 30,
  immigration_enforcement: 30,
  reproductive_health: 30,
  other: 30,
};

export function maxEntryDays(purpose: SearchPurpose, agency: AgencyProfile, world: SharingWorld): number {
  const stateCap = world.jurisdictions.get(agency.state)?.maxRetentionDays ?? null;
  return stateCap === null ? MAX_ENTRY_DAYS_BY_PURPOSE[purpose] : Math.min(MAX_ENTRY_DAYS_BY_PURPOSE[purpose], stateCap);
}

/** What is wrong with an entry's expiry (the DTO already checked its shape); empty when it may be stored. */
export function expiryProblems(fields: Pick<HotlistEntryFields, 'purpose' | 'expiresAt'>, agency: AgencyProfile, world: SharingWorld, now: Date): string[] {
  const expiresAt = new Date(fields.expiresAt);
  if (expiresAt.getTime() <= now.getTime()) return ['expiresAt must be in the future'];
  const maxDays = maxEntryDays(fields.purpose, agency, world);
  if (expiresAt.getTime() > now.getTime() + maxDays * DAY_MS) {
    return [`expiresAt must be within ${maxDays} days for purpose ${fields.purpose} in ${agency.state} (docs/hotlists.md)`];
  }
  return [];
}

export function newHotlistEntry(
  fields: HotlistEntryFields,
  context: { hotlistId: string; agencyId: string; addedBy: string; source: HotlistEntrySource },
): NewHotlistEntry {
  const plate = normalisePlate(fields.plate);
  return {
    hotlistId: context.hotlistId,
    agencyId: context.agencyId,
    plate,
    plateFolded: foldPlateLookAlikes(plate),
    plateRegion: fields.plateRegion === undefined ? null : fields.plateRegion.toUpperCase(),
    vehicle: fields.vehicle === undefined ? null : { ...fields.vehicle },
    purpose: fields.purpose,
    caseNumber: fields.caseNumber,
    reason: fields.reason,
    source: context.source,
    addedBy: context.addedBy,
    expiresAt: new Date(fields.expiresAt),
  };
}
