import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { Client } from '@elastic/elasticsearch';
import { PLATEKEEPER_CONFIG, PlatekeeperConfig, scheduleEvery } from '@platekeeper/config';
import { readsIndexMonth, readsIndexPattern } from '@platekeeper/elastic';
import { ADVISORY_LOCKS, Database, RetentionAttestation } from '@platekeeper/persistence';
import { SharingWorld, effectiveRetentionDays, retentionCutoff } from '@platekeeper/sharing';
import { AuditTrail } from '../audit/audit-trail.service';
import { ChangeActor, SCHEDULED_ACTOR, changeRecord } from '../audit/change-record';
import { READS_ELASTIC_CLIENT } from '../elastic-client.provider';
import { SharingWorldService } from '../sharing-world/sharing-world.service';

const DELETE_PAGE = 5_000;

export interface SweepOutcome {
  deletedIndices: string[];
  deletedReads: number;
  /** per owner that held or lost reads: the sweep's attestation, recorded in the chain (docs/audit-checkpoints.md) */
  attestations?: Record<string, RetentionAttestation>;
}

/**
 * Removes reads past their owner's effective retention from Elasticsearch. Searches already hide them
 * (the retention cut-off is part of every query); this makes the deletion real. Whole monthly indices
 * go when every owner's retention has passed them; otherwise the expired reads are deleted by id.
 */
@Injectable()
export class RetentionSweeper implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(RetentionSweeper.name);
  private stopSchedule = () => {};

  constructor(
    @Inject(PLATEKEEPER_CONFIG) private readonly config: PlatekeeperConfig,
    @Inject(READS_ELASTIC_CLIENT) private readonly elastic: Client,
    private readonly sharingWorld: SharingWorldService,
    private readonly database: Database,
    private readonly auditTrail: AuditTrail,
  ) {}

  onApplicationBootstrap(): void {
    this.stopSchedule = scheduleEvery(
      this.config.RETENTION_SWEEP_MINUTES * 60_000,
      () => this.sweep(new Date(), SCHEDULED_ACTOR, { recordSkipped: false }),
      (error) => this.logger.error(`retention sweep failed: ${error.message}`),
    );
  }

  onApplicationShutdown(): void {
    this.stopSchedule();
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
      const deletedByOwner = new Map<string, number>();
      const deletedIndices = await this.deleteExpiredIndices(world, now, deletedByOwner);
      const deletedReads = await this.deleteExpiredReads(world, now, deletedByOwner);
      if (deletedIndices.length > 0 || deletedReads > 0) {
        this.logger.log(`retention: deleted ${deletedIndices.length} indices and ${deletedReads} reads`);
      }
      return { deletedIndices, deletedReads, attestations: await this.attest(world, now, deletedByOwner) };
    });
    return swept.locked ? swept.value : { skipped: true };
  }

  private retentionByOwner(world: SharingWorld): Map<string, number> {
    return new Map(
      [...world.agencies.values()].map((agency) => [agency.id, effectiveRetentionDays(agency, world.jurisdictions.get(agency.state))]),
    );
  }

  /** Per owner that lost or holds reads: what this sweep deleted and the oldest read it still holds, after the deletion. */
  private async attest(world: SharingWorld, now: Date, deletedByOwner: Map<string, number>): Promise<Record<string, RetentionAttestation>> {
    const oldest = await this.elastic.search({
      index: readsIndexPattern(this.config.READS_INDEX_PREFIX),
      ignore_unavailable: true,
      allow_no_indices: true,
      size: 0,
      aggs: { owners: { terms: { field: 'agencyId', size: Math.max(1, world.agencies.size) }, aggs: { oldest: { min: { field: 'capturedAt' } } } } },
    });
    const oldestByOwner = new Map<string, number>();
    const buckets = (oldest.aggregations?.owners as { buckets?: Array<{ key: string; oldest: { value: number | null } }> } | undefined)?.buckets ?? [];
    for (const bucket of buckets) if (bucket.oldest.value !== null) oldestByOwner.set(bucket.key, bucket.oldest.value);
    const retention = this.retentionByOwner(world);
    const attestations: Record<string, RetentionAttestation> = {};
    for (const ownerId of [...new Set([...deletedByOwner.keys(), ...oldestByOwner.keys()])].sort()) {
      const retentionDays = retention.get(ownerId);
      if (retentionDays === undefined) continue;
      const oldestMs = oldestByOwner.get(ownerId);
      attestations[ownerId] = {
        retentionDays,
        deletedReads: deletedByOwner.get(ownerId) ?? 0,
        oldestHeldCapturedAt: oldestMs === undefined ? null : new Date(oldestMs).toISOString(),
        oldestHeldAgeDays: oldestMs === undefined ? null : Math.round(((now.getTime() - oldestMs) / 86_400_000) * 100) / 100,
        withinRetention: oldestMs === undefined || oldestMs > retentionCutoff(now, retentionDays).getTime(),
      };
    }
    return attestations;
  }

  private async deleteExpiredIndices(world: SharingWorld, now: Date, deletedByOwner: Map<string, number>): Promise<string[]> {
    const longestRetention = Math.max(0, ...this.retentionByOwner(world).values());
    const prefix = this.config.READS_INDEX_PREFIX;
    const indices = await this.elastic.cat.indices({ index: readsIndexPattern(prefix), format: 'json', h: 'index' });
    const expired = indices
      .map((entry) => entry.index)
      .filter((name): name is string => {
        const month = name ? readsIndexMonth(prefix, name) : undefined;
        return month !== undefined && month.end.getTime() <= retentionCutoff(now, longestRetention).getTime();
      });
    if (expired.length > 0) {
      // Counted per owner before the indices go, for the attestation.
      const counts = await this.elastic.search({
        index: expired.join(','), size: 0, aggs: { owners: { terms: { field: 'agencyId', size: Math.max(1, world.agencies.size) } } },
      });
      const buckets = (counts.aggregations?.owners as { buckets?: Array<{ key: string; doc_count: number }> } | undefined)?.buckets ?? [];
      for (const bucket of buckets) deletedByOwner.set(bucket.key, (deletedByOwner.get(bucket.key) ?? 0) + bucket.doc_count);
      await this.elastic.indices.delete({ index: expired.join(',') });
    }
    return expired;
  }

  private async deleteExpiredReads(world: SharingWorld, now: Date, deletedByOwner: Map<string, number>): Promise<number> {
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
        _source: ['agencyId'],
        query: expiredQuery,
      });
      if (page.hits.hits.length === 0) return deleted;
      for (const hit of page.hits.hits) {
        const ownerId = (hit._source as { agencyId?: string } | undefined)?.agencyId ?? '(unknown)';
        deletedByOwner.set(ownerId, (deletedByOwner.get(ownerId) ?? 0) + 1);
      }
      const operations = page.hits.hits.map((hit) => ({ delete: { _index: hit._index, _id: hit._id! } }));
      await this.elastic.bulk({ operations, refresh: true });
      deleted += operations.length;
    }
  }
}
