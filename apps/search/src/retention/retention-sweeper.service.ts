import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { Client } from '@elastic/elasticsearch';
import { PLATEKEEPER_CONFIG, PlatekeeperConfig } from '@platekeeper/config';
import { readsIndexMonth, readsIndexPattern } from '@platekeeper/elastic';
import { ADVISORY_LOCKS, Database } from '@platekeeper/persistence';
import { SharingWorld, effectiveRetentionDays, retentionCutoff } from '@platekeeper/sharing';
import { AuditTrail } from '../audit/audit-trail.service';
import { ChangeActor, SCHEDULED_ACTOR, changeRecord } from '../audit/change-record';
import { READS_ELASTIC_CLIENT } from '../elastic-client.provider';
import { SharingWorldService } from '../sharing-world/sharing-world.service';

const DELETE_PAGE = 5_000;

export interface SweepOutcome {
  deletedIndices: string[];
  deletedReads: number;
}

/**
 * Removes reads past their owner's effective retention from Elasticsearch. Searches already hide them
 * (the retention cut-off is part of every query); this makes the deletion real. Whole monthly indices
 * go when every owner's retention has passed them; otherwise the expired reads are deleted by id.
 */
@Injectable()
export class RetentionSweeper implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(RetentionSweeper.name);
  private timer?: NodeJS.Timeout;

  constructor(
    @Inject(PLATEKEEPER_CONFIG) private readonly config: PlatekeeperConfig,
    @Inject(READS_ELASTIC_CLIENT) private readonly elastic: Client,
    private readonly sharingWorld: SharingWorldService,
    private readonly database: Database,
    private readonly auditTrail: AuditTrail,
  ) {}

  onApplicationBootstrap(): void {
    if (this.config.RETENTION_SWEEP_MINUTES <= 0) return;
    this.timer = setInterval(() => {
      this.sweep(new Date(), SCHEDULED_ACTOR, { recordSkipped: false }).catch((error: Error) => this.logger.error(`retention sweep failed: ${error.message}`));
    }, this.config.RETENTION_SWEEP_MINUTES * 60_000);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    if (this.timer) clearInterval(this.timer);
  }

  /**
   * One sweep, recorded with its outcome as a `retention.sweep` change by `actor` (the user who asked, or
   * SCHEDULED_ACTOR). A skipped scheduled round is not recorded: the instance that swept records its round.
   */
  async sweep(now: Date, actor: ChangeActor, options: { recordSkipped: boolean } = { recordSkipped: true }): Promise<SweepOutcome | { skipped: true }> {
    const outcome = await this.sweepOnce(now);
    if ('skipped' in outcome && !options.recordSkipped) return outcome;
    await this.auditTrail.append(changeRecord(actor, 'retention.sweep', { type: 'reads', id: 'expired' }, null, outcome));
    return outcome;
  }

  /** One instance sweeps at a time (advisory lock); the others skip this round. */
  private async sweepOnce(now: Date): Promise<SweepOutcome | { skipped: true }> {
    const swept = await this.database.ifLockFree(ADVISORY_LOCKS.retentionSweep, async () => {
      const world = await this.sharingWorld.current();
      const deletedIndices = await this.deleteExpiredIndices(world, now);
      const deletedReads = await this.deleteExpiredReads(world, now);
      if (deletedIndices.length > 0 || deletedReads > 0) {
        this.logger.log(`retention: deleted ${deletedIndices.length} indices and ${deletedReads} reads`);
      }
      return { deletedIndices, deletedReads };
    });
    return swept.locked ? swept.value : { skipped: true };
  }

  private retentionByOwner(world: SharingWorld): Map<string, number> {
    return new Map(
      [...world.agencies.values()].map((agency) => [agency.id, effectiveRetentionDays(agency, world.jurisdictions.get(agency.state))]),
    );
  }

  private async deleteExpiredIndices(world: SharingWorld, now: Date): Promise<string[]> {
    const longestRetention = Math.max(0, ...this.retentionByOwner(world).values());
    const prefix = this.config.READS_INDEX_PREFIX;
    const indices = await this.elastic.cat.indices({ index: readsIndexPattern(prefix), format: 'json', h: 'index' });
    const expired = indices
      .map((entry) => entry.index)
      .filter((name): name is string => {
        const month = name ? readsIndexMonth(prefix, name) : undefined;
        return month !== undefined && month.end.getTime() <= retentionCutoff(now, longestRetention).getTime();
      });
    if (expired.length > 0) await this.elastic.indices.delete({ index: expired.join(',') });
    return expired;
  }

  private async deleteExpiredReads(world: SharingWorld, now: Date): Promise<number> {
    const ownersByRetention = new Map<number, string[]>();
    for (const [ownerId, days] of this.retentionByOwner(world)) {
      ownersByRetention.set(days, [...(ownersByRetention.get(days) ?? []), ownerId]);
    }
    const expiredQuery = {
      bool: {
        should: [...ownersByRetention].map(([days, ownerIds]) => ({
          bool: {
            filter: [
              { terms: { agencyId: ownerIds } },
              { range: { capturedAt: { lte: retentionCutoff(now, days).toISOString() } } },
            ],
          },
        })),
        minimum_should_match: 1,
      },
    };
    let deleted = 0;
    for (;;) {
      const page = await this.elastic.search({
        index: readsIndexPattern(this.config.READS_INDEX_PREFIX),
        ignore_unavailable: true,
        allow_no_indices: true,
        size: DELETE_PAGE,
        _source: false,
        query: expiredQuery,
      });
      if (page.hits.hits.length === 0) return deleted;
      const operations = page.hits.hits.map((hit) => ({ delete: { _index: hit._index, _id: hit._id! } }));
      await this.elastic.bulk({ operations, refresh: true });
      deleted += operations.length;
    }
  }
}
