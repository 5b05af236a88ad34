import { Injectable } from '@nestjs/common';
import { RegistrySnapshots, VersionedCache } from '@platekeeper/persistence';
import { SearchPurpose, SearchScope, SharingWorld, VisibilityDecision, decideVisibility, sharingWorldOf } from '@platekeeper/sharing';

const MAX_DECISIONS_PER_WORLD = 20_000;

/**
 * The live agencies and jurisdiction rules. Every call asks PostgreSQL for the registry's version (one
 * row, bumped by triggers on every change), so a change is in force for the next search on every
 * instance; the full reload happens only when the version moved.
 */
@Injectable()
export class SharingWorldService {
  private readonly world: VersionedCache<SharingWorld>;
  // Keyed by the world object itself: a new version is a new object, so no decision outlives its world.
  private readonly decisionsByWorld = new WeakMap<SharingWorld, Map<string, VisibilityDecision>>();

  constructor(snapshots: RegistrySnapshots) {
    this.world = new VersionedCache(snapshots, async () => {
      const { version, value } = await snapshots.sharingWorld();
      return { version, value: sharingWorldOf(value.agencies, value.jurisdictions) };
    });
  }

  current(): Promise<SharingWorld> {
    return this.world.current();
  }
  /** The visibility decision for a search under `world` (from `current()`), computed once per world and searcher/purpose/scope. */
  decide(world: SharingWorld, searcherAgencyId: string, purpose: SearchPurpose, scope: SearchScope): VisibilityDecision {
    let decisions = this.decisionsByWorld.get(world);
    if (decisions === undefined) this.decisionsByWorld.set(world, (decisions = new Map()));
    const key = `${searcherAgencyId}|${purpose}|${scope}`;
    let decision = decisions.get(key);
    if (decision === undefined) {
      decision = decideVisibility(world, searcherAgencyId, purpose, scope);
      if (decisions.size >= MAX_DECISIONS_PER_WORLD) decisions.clear();
      decisions.set(key, decision);
    }
    return decision;
  }
}
