import { compareAgencyIds } from './sharing-conditions';
import { SharingWorld, effectiveRetentionDays } from './sharing-policy';
import { VisibilityDecision, VisibleOwner } from './visibility';

const HOUR_MS = 60 * 60 * 1000;
const DAY_MS = 24 * HOUR_MS;

export interface OwnerFilterGroup {
  retentionDays: number;
  /** without a legal reference, only reads younger than this many hours (VisibleOwner.maxAgeHours) */
  maxAgeHours?: number;
  agencyIds: string[];
}

/** Owners that share a retention window, so the Elasticsearch filter needs one clause per window, not per owner. */
export function groupVisibleOwnersByRetention(decision: VisibilityDecision): OwnerFilterGroup[] {
  return groupOwnersByRetention(decision.visibleOwners);
}

function groupOwnersByRetention(owners: Array<{ agencyId: string; retentionDays: number; maxAgeHours?: number }>): OwnerFilterGroup[] {
  const groups = new Map<string, OwnerFilterGroup>();
  for (const owner of owners) {
    const key = `${owner.retentionDays}|${owner.maxAgeHours ?? ''}`;
    const group = groups.get(key);
    if (group === undefined) {
      groups.set(key, {
        retentionDays: owner.retentionDays,
        ...(owner.maxAgeHours !== undefined && { maxAgeHours: owner.maxAgeHours }),
        agencyIds: [owner.agencyId],
      });
    } else {
      group.agencyIds.push(owner.agencyId);
    }
  }
  return [...groups.values()]
    .sort((left, right) => left.retentionDays - right.retentionDays || (left.maxAgeHours ?? Infinity) - (right.maxAgeHours ?? Infinity))
    .map((group) => ({ ...group, agencyIds: group.agencyIds.sort(compareAgencyIds) }));
}

/** The oldest instant a read of the group may have been captured after: the later of its retention and legal-reference cutoffs. */
function groupCutoff(now: Date, group: { retentionDays: number; maxAgeHours?: number }): Date {
  const retention = retentionCutoff(now, group.retentionDays);
  if (group.maxAgeHours === undefined) return retention;
  return new Date(Math.max(retention.getTime(), now.getTime() - group.maxAgeHours * HOUR_MS));
}

/** Oldest instant a read may have been captured after and still be visible: "younger than" is strict. */
export function retentionCutoff(now: Date, retentionDays: number): Date {
  return new Date(now.getTime() - retentionDays * DAY_MS);
}

/**
 * Elasticsearch query matching only the reads `decision` allows. Fields: `agencyId` (keyword, owner
 * from the camera registry) and `capturedAt` (date).
 */
export function buildVisibilityFilter(decision: VisibilityDecision, now: Date): Record<string, unknown> {
  return ownersWithinRetentionFilter(groupVisibleOwnersByRetention(decision), now);
}

/**
 * Elasticsearch query matching the reads a deny rule withheld from the search: the withheld owners' reads
 * still within each owner's retention window. Only for the record of the search (which owners held matching
 * reads), never for its answer.
 */
export function buildWithheldReadsFilter(decision: VisibilityDecision, world: SharingWorld, now: Date): Record<string, unknown> {
  const owners = decision.withheldOwners.flatMap(({ agencyId }) => {
    const owner = world.agencies.get(agencyId);
    return owner === undefined ? [] : [{ agencyId, retentionDays: effectiveRetentionDays(owner, world.jurisdictions.get(owner.state)) }];
  });
  return ownersWithinRetentionFilter(groupOwnersByRetention(owners), now);
}

function ownersWithinRetentionFilter(groups: OwnerFilterGroup[], now: Date): Record<string, unknown> {
  if (groups.length === 0) return { bool: { must_not: { match_all: {} } } };
  return {
    bool: {
      should: groups.map((group) => ({
        bool: {
          filter: [
            { terms: { agencyId: group.agencyIds } },
            { range: { capturedAt: { gt: groupCutoff(now, group).toISOString() } } },
          ],
        },
      })),
      minimum_should_match: 1,
    },
  };
}

// Decisions are values built once per search; indexing them lazily keeps report loops linear.
const visibleOwnersByDecision = new WeakMap<VisibilityDecision, Map<string, VisibleOwner>>();

function visibleOwnerIndex(decision: VisibilityDecision): Map<string, VisibleOwner> {
  let index = visibleOwnersByDecision.get(decision);
  if (index === undefined) {
    index = new Map(decision.visibleOwners.map((owner) => [owner.agencyId, owner]));
    visibleOwnersByDecision.set(decision, index);
  }
  return index;
}

/**
 * The decision restricted to `ownerIds`: the visible owners that are also in the set, nothing else. Only ever
 * removes owners, so the narrowed filter can never show a read the decision withholds (fail-closed whatever the set
 * holds); it shows every visible read whose owner is in the set. A search that first asks Elasticsearch which
 * owners have matching reads can then filter on a handful of owners instead of thousands.
 */
export function narrowDecisionToOwners(decision: VisibilityDecision, ownerIds: Iterable<string>): VisibilityDecision {
  // Looked up per named owner (a handful), not scanned per visible owner (thousands): decisions are cached per world.
  const index = visibleOwnerIndex(decision);
  const visibleOwners = new Map<string, VisibleOwner>();
  for (const ownerId of ownerIds) {
    const owner = index.get(ownerId);
    if (owner !== undefined) visibleOwners.set(ownerId, owner);
  }
  return { ...decision, visibleOwners: [...visibleOwners.values()].sort((left, right) => compareAgencyIds(left.agencyId, right.agencyId)) };
}

/** The in-memory twin of buildVisibilityFilter. */
export function isReadVisible(
  decision: VisibilityDecision,
  read: { agencyId: string; capturedAt: Date },
  now: Date,
): boolean {
  const owner = visibleOwnerIndex(decision).get(read.agencyId);
  return owner !== undefined && read.capturedAt.getTime() > groupCutoff(now, owner).getTime();
}
