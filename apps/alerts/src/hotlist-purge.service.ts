import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { PLATEKEEPER_CONFIG, PlatekeeperConfig, scheduleEvery } from '@platekeeper/config';
import { ADVISORY_LOCKS, Database, HotlistStore } from '@platekeeper/persistence';

const PURGE_EVERY_MS = 60 * 60 * 1000;
const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Ended entries (expired or removed) stop matching at once and stay for the record; HOTLIST_RECORD_RETENTION_DAYS
 * after they ended they are purged with their alerts. The audit chain keeps each alert's record regardless.
 */
@Injectable()
export class HotlistPurge implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(HotlistPurge.name);
  private stopSchedule = () => {};

  constructor(
    @Inject(PLATEKEEPER_CONFIG) private readonly config: PlatekeeperConfig,
    private readonly database: Database,
    private readonly hotlists: HotlistStore,
  ) {}

  onApplicationBootstrap(): void {
    this.stopSchedule = scheduleEvery(PURGE_EVERY_MS, () => this.purgeOnce(), (error) => this.logger.error(`hotlist purge failed: ${error.message}`));
  }

  onApplicationShutdown(): void {
    this.stopSchedule();
  }

  /** One purge round, unless another instance runs one; answers how many entries went (null when skipped). */
  async purgeOnce(now = new Date()): Promise<number | null> {
    const endedBefore = new Date(now.getTime() - this.config.HOTLIST_RECORD_RETENTION_DAYS * DAY_MS);
    const outcome = await this.database.ifLockFree(ADVISORY_LOCKS.hotlistPurge, () => this.hotlists.purgeEnded(endedBefore));
    if (!outcome.locked) return null;
    if (outcome.value > 0) this.logger.log(`purged ${outcome.value} hotlist entries that ended before ${endedBefore.toISOString()}`);
    return outcome.value;
  }
}
