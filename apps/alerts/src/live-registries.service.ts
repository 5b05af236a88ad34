import { Injectable } from '@nestjs/common';
import { HotlistStore, RegistrySnapshots, VersionedCache } from '@platekeeper/persistence';
import { SearchPurpose, SharingWorld, VisibilityDecision, decideVisibility, sharingWorldOf } from '@platekeeper/sharing';
import { HotlistIndex } from './hotlist-index';

/** One version of the sharing world with the national decisions made under it, each computed once per agency and purpose. */
export class DecidingWorld {
  private readonly decisions = new Map<string, VisibilityDecision>();

  constructor(readonly world: SharingWorld) {}

  /** What a national search by `agencyId` with `purpose` could see now (CONTRACT §3), the rule the alerts follow. */
  nationalSearch(agencyId: string, purpose: SearchPurpose): VisibilityDecision {
    const key = `${agencyId}|${purpose}`;
    let decision = this.decisions.get(key);
    if (decision === undefined) {
      decision = decideVisibility(this.world, agencyId, purpose, 'national');
      this.decisions.set(key, decision);
    }
    return decision;
  }
}

/**
 * The live sharing world and the live hotlist index. Each `current` call asks PostgreSQL for the version (one row),
 * so a policy change or a new entry is in force for the next batch of reads; a full reload only when it moved.
 */
@Injectable()
export class LiveRegistries {
  private readonly world: VersionedCache<DecidingWorld>;
  private readonly index: VersionedCache<HotlistIndex>;

  constructor(snapshots: RegistrySnapshots, hotlists: HotlistStore) {
    this.world = new VersionedCache(snapshots, async () => {
      const { version, value } = await snapshots.sharingWorld();
      return { version, value: new DecidingWorld(sharingWorldOf(value.agencies, value.jurisdictions)) };
    });
    this.index = new VersionedCache(hotlists, async () => {
      const { version, value } = await hotlists.liveEntries();
      return { version, value: new HotlistIndex(value) };
    });
  }

  currentWorld(): Promise<DecidingWorld> {
    return this.world.current();
  }

  currentIndex(): Promise<HotlistIndex> {
    return this.index.current();
  }
}
