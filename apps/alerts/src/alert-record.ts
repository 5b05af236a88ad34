import { SEARCHED_READ_FIELDS, SearchedRead, toSearchedRead } from '@platekeeper/contract';
import type { AuditEntry, HotlistAlert, HotlistEntry, NewHotlistAlert } from '@platekeeper/persistence';
import type { ScopedMatch } from './scoped-alerts';

export const HOTLIST_ALERT_ACTION = 'hotlist.alert';

/** The read as an alert carries it: exactly what a search returns of it (SEARCH_RETURNS), nothing more. */
export function alertedRead(match: ScopedMatch): SearchedRead {
  return toSearchedRead(match.read as SearchedRead);
}

export function newAlert(match: ScopedMatch): NewHotlistAlert {
  return {
    entryId: match.entry.id,
    hotlistId: match.entry.hotlistId,
    agencyId: match.entry.agencyId,
    ownerAgencyId: match.read.agencyId,
    readId: match.read.readId,
    matchKind: match.matchKind,
    matchedPlate: match.matchedPlate,
    read: alertedRead(match) as unknown as Record<string, unknown>,
  };
}

/**
 * An alert in the audit chain is a search that returned one read of its owner: the entry's user, agency, purpose,
 * case number and reason, national scope, `returnedByOwner: { owner: 1 }`. So the owner finds it in its audit
 * listing (`returned_our_data`) and usage report like any search that returned its read, and the entry's agency
 * finds it as its own user's.
 */
export function alertAuditRecord(alert: HotlistAlert, entry: HotlistEntry): AuditEntry {
  return {
    kind: 'search',
    action: HOTLIST_ALERT_ACTION,
    actorUserId: entry.addedBy,
    actorAgencyId: entry.agencyId,
    payload: {
      searchId: alert.id,
      purpose: entry.purpose,
      caseNumber: entry.caseNumber,
      reason: entry.reason,
      scope: 'national',
      criteria: {
        plate: entry.plate,
        ...(entry.plateRegion !== null && { plateRegion: entry.plateRegion }),
        hotlistId: entry.hotlistId,
        hotlistEntryId: entry.id,
        matchKind: alert.matchKind,
        matchedPlate: alert.matchedPlate,
        readId: alert.readId,
      },
      outcome: 'answered',
      total: 1,
      returnedByOwner: { [alert.ownerAgencyId]: 1 },
      withheldOwners: [],
      withheldByOwner: {},
    },
  };
}

/** What `alpr.alerts` and the investigators' stream carry: the read, the entry, and why it matched. */
export function alertMessage(alert: HotlistAlert, entry: HotlistEntry) {
  return {
    alertId: alert.id,
    raisedAt: alert.raisedAt,
    agencyId: alert.agencyId,
    matchKind: alert.matchKind,
    matchedPlate: alert.matchedPlate,
    read: alert.read,
    entry: {
      id: entry.id, hotlistId: entry.hotlistId, plate: entry.plate, plateRegion: entry.plateRegion, vehicle: entry.vehicle,
      purpose: entry.purpose, caseNumber: entry.caseNumber, reason: entry.reason, source: entry.source, expiresAt: entry.expiresAt,
    },
    auditSeq: alert.auditSeq,
  };
}

export const ALERT_READ_FIELDS = SEARCHED_READ_FIELDS;
