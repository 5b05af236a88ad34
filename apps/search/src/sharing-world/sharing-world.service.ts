import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { PLATEKEEPER_CONFIG, PlatekeeperConfig, scheduleEvery } from '@platekeeper/config';
import { RegistrySnapshots, VersionedCache } from '@platekeeper/persistence';
import { WorldSnapshot, sharingWorldOf } from '@platekeeper/sharing';

/**
 * The live agencies and jurisdiction rules. Every call asks PostgreSQL for the registry's version (one
 * row, bumped by triggers on every change), so a change is in force for the next search on every
 * instance; the full reload happens only when the version moved. A search takes the world last loaded instead and
 * checks the version when it is recorded (running again if it moved), so the world is also reloaded in the background
 * every SHARING_WORLD_REFRESH_MS: the first search after a change then seldom has to run twice.
 */
@Injectable()
export class SharingWorldService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(SharingWorldService.name);
  private readonly world: VersionedCache<WorldSnapshot>;
  private stopRefresh = () => {};
  private refreshing = false;

  constructor(snapshots: RegistrySnapshots, @Inject(PLATEKEEPER_CONFIG) private readonly config: PlatekeeperConfig) {
    this.world = new VersionedCache(snapshots, async () => {
      const { version, value } = await snapshots.sharingWorld();
      return { version, value: new WorldSnapshot(sharingWorldOf(value.agencies, value.jurisdictions, value.declarations), version) };
    });
  }

  onApplicationBootstrap(): void {
    this.stopRefresh = scheduleEvery(this.config.SHARING_WORLD_REFRESH_MS, () => this.refresh(), (error) => {
      this.logger.warn(`reloading the sharing world in the background failed: ${error.message}`);
    });
  }

  onApplicationShutdown(): void {
    this.stopRefresh();
  }

  /** One background reload; skipped while the last one is still out, so a slow PostgreSQL gets no pile of them. */
  private async refresh(): Promise<void> {
    if (this.refreshing) return;
    this.refreshing = true;
    try {
      await this.world.current();
    } finally {
      this.refreshing = false;
    }
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
