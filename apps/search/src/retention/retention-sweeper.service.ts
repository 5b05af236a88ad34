import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { Client } from '@elastic/elasticsearch';
import { DataSource } from 'typeorm';
import { PLATEKEEPER_CONFIG, PlatekeeperConfig } from '@platekeeper/config';
import { readsIndexMonth, readsIndexPattern } from '@platekeeper/elastic';
import { SharingWorld, effectiveRetentionDays, retentionCutoff } from '@platekeeper/sharing';
import { READS_ELASTIC_CLIENT } from '../searches/elastic-client.provider';
import { SharingWorldService } from '../sharing-world/sharing-world.service';

const SWEEP_LOCK = 727276;
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
    private readonly dataSource: DataSource,
  ) {}

  onApplicationBootstrap(): void {
    if (this.config.RETENTION_SWEEP_MINUTES <= 0) return;
    this.timer = setInterval(() => {
      this.sweep(new Date()).catch((error: Error) => this.logger.error(`retention sweep failed: ${error.message}`));
    }, this.config.RETENTION_SWEEP_MINUTES * 60_000);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    if (this.timer) clearInterval(this.timer);
  }

  /** One instance sweeps at a time (advisory lock); the others skip this round. */
  async sweep(now: Date): Promise<SweepOutcome | { skipped: true }> {
    const lockHolder = this.dataSource.createQueryRunner();
    await lockHolder.connect();
    try {
      const [{ locked }] = await lockHolder.query('SELECT pg_try_advisory_lock($1) AS locked', [SWEEP_LOCK]);
      if (!locked) return { skipped: true };
      try {
        const world = await this.sharingWorld.current();
        const deletedIndices = await this.deleteExpiredIndices(world, now);
        const deletedReads = await this.deleteExpiredReads(world, now);
        if (deletedIndices.length > 0 || deletedReads > 0) {
          this.logger.log(`retention: deleted ${deletedIndices.length} indices and ${deletedReads} reads`);
        }
        return { deletedIndices, deletedReads };
      } finally {
        await lockHolder.query('SELECT pg_advisory_unlock($1)', [SWEEP_LOCK]);
      }
    } finally {
      await lockHolder.release();
    }
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
