import { Injectable } from '@nestjs/common';
import { RegistrySnapshots, VersionedCache } from '@platekeeper/persistence';
import { WorldSnapshot, sharingWorldOf } from '@platekeeper/sharing';

/**
 * The live agencies and jurisdiction rules. Every call asks PostgreSQL for the registry's version (one
 * row, bumped by triggers on every change), so a change is in force for the next search on every
 * instance; the full reload happens only when the version moved.
 */
@Injectable()
export class SharingWorldService {
  private readonly world: VersionedCache<WorldSnapshot>;

  constructor(snapshots: RegistrySnapshots) {
    this.world = new VersionedCache(snapshots, async () => {
      const { version, value } = await snapshots.sharingWorld();
      return { version, value: new WorldSnapshot(sharingWorldOf(value.agencies, value.jurisdictions, value.declarations), version) };
    });
  }

  /** The live world; its `decide` memoises the visibility decisions made under it. */
  current(): Promise<WorldSnapshot> {
    return this.world.current();
  }

  /**
   * The world this instance last loaded, without the version round trip: possibly stale. Only a search uses it, and
   * its record is written only if the world is still at `world.version` (AuditTrail.appendDecidedIn); otherwise the
   * search runs again in `current()`.
   */
  latestKnown(): Promise<WorldSnapshot> {
    return this.world.latestKnown();
  }
}
