import { Injectable } from '@nestjs/common';
import { HotlistStore, RegistrySnapshots, VersionedCache } from '@platekeeper/persistence';
import { SearchPurpose, VisibilityDecision, WorldSnapshot, sharingWorldOf } from '@platekeeper/sharing';
import { HotlistIndex } from './hotlist-index';

/** One version of the sharing world; its decisions are memoised (per agency, purpose and declaration-expiry interval). */
export class DecidingWorld {
  constructor(readonly world: WorldSnapshot) {}

  /** What a national search by `agencyId` with `purpose` could see at `now` (CONTRACT §3), the rule the alerts follow. */
  nationalSearch(agencyId: string, purpose: SearchPurpose, now: Date): VisibilityDecision {
    return this.world.decide(agencyId, purpose, 'national', { at: now });
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
      return { version, value: new DecidingWorld(new WorldSnapshot(sharingWorldOf(value.agencies, value.jurisdictions, value.declarations), version)) };
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
