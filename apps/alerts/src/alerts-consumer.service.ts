import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import type { Batch } from 'kafkajs';
import { PLATEKEEPER_CONFIG, PlatekeeperConfig } from '@platekeeper/config';
import { EnrichedRead } from '@platekeeper/contract';
import { BatchConsumer, BatchContext, DownstreamGaveUp, createKafka, produceAll, requireTopics } from '@platekeeper/kafka';
import { Database, HotlistAlert, HotlistEntry, HotlistStore, appendAuditRecords } from '@platekeeper/persistence';
import { alertAuditRecord, alertMessage, newAlert } from './alert-record';
import { LiveRegistries } from './live-registries.service';
import { mayMatch } from './hotlist-index';
import { ScopedMatch, scopedMatches } from './scoped-alerts';

/**
 * enriched topic → hotlist alerts, in a consumer group of its own, so matching never slows the indexer. Per batch:
 * the live world and index (versions checked, so a policy toggle holds from the next batch), the scoped matches,
 * then in one transaction the alerts, their audit records and their announcement to the investigators' streams;
 * then `alpr.alerts`; the offset is committed last, so a crash redelivers and the stored alerts deduplicate it.
 */
@Injectable()
export class AlertsConsumer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(AlertsConsumer.name);
  private readonly kafka;
  private readonly consumer: BatchConsumer;

  constructor(
    @Inject(PLATEKEEPER_CONFIG) private readonly config: PlatekeeperConfig,
    private readonly registries: LiveRegistries,
    private readonly database: Database,
    private readonly hotlists: HotlistStore,
  ) {
    this.kafka = createKafka(config, 'alerts');
    this.consumer = new BatchConsumer(this.kafka, {
      groupId: config.ALERTS_GROUP_ID,
      topic: config.TOPIC_ENRICHED,
      maxBytesPerPartition: config.ALERTS_FETCH_MAX_BYTES_PER_PARTITION,
      // The live world and entries are loaded before joining (100,000 entries take seconds), not on the first batch,
      // so a (re)started service is `starting` while it loads and matches at full speed once it consumes.
      prerequisites: async () => {
        await requireTopics(this.kafka, [this.config.TOPIC_ENRICHED, this.config.TOPIC_ALERTS]);
        await Promise.all([this.registries.currentWorld(), this.registries.currentIndex()]);
      },
      onStartFailed: (error, retryInMs) => this.logger.warn(`not matching yet, trying again in ${retryInMs} ms: ${error instanceof Error ? error.message : String(error)}`),
      handleBatch: (batch, context) => this.matchBatch(batch, context),
      onGaveUp: (error) => this.logger.error(`gave up on a batch, trying it again shortly: ${error.message}`),
    });
  }

  get health() {
    return this.consumer.health;
  }

  /** Loads and joins in the background: /health answers `starting` from the first second. */
  onApplicationBootstrap(): void {
    this.consumer.begin();
    this.logger.log(`matching ${this.config.TOPIC_ENRICHED} against the live hotlists into ${this.config.TOPIC_ALERTS}`);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.consumer.stop();
  }

  private async matchBatch(batch: Batch, { producer }: BatchContext): Promise<void> {
    const [world, index] = await Promise.all([this.registries.currentWorld(), this.registries.currentIndex()]);
    if (index.size === 0) return;
    const reads: EnrichedRead[] = [];
    for (const message of batch.messages) {
      // Most reads match nothing: their folded plates are looked up without parsing the document.
      if (message.value === null || !mayMatch(message.value, index)) continue;
      const read = parseRead(message.value);
      // A message that is not an enriched read is the indexer's to dead-letter; it cannot match anything.
      if (read !== undefined) reads.push(read);
    }
    const matches = scopedMatches(reads, index, world, new Date());
    if (matches.length === 0) return;
    try {
      const alerts = await this.raise(matches);
      await produceAll(producer, [{
        topic: this.config.TOPIC_ALERTS,
        messages: alerts.map(({ alert, entry }) => ({ key: alert.agencyId, value: JSON.stringify(alertMessage(alert, entry)) })),
      }]);
    } catch (error) {
      // PostgreSQL or Kafka refused: the batch stays uncommitted and comes back after a pause (health `gave-up`).
      throw new DownstreamGaveUp(`raising ${matches.length} hotlist alert(s): ${(error as Error).message}`);
    }
  }

  /** Stores the alerts; the ones new to this call get their audit record and are announced, all in one transaction. */
  private raise(matches: ScopedMatch[]): Promise<Array<{ alert: HotlistAlert; entry: HotlistEntry }>> {
    return this.database.transaction(async (tx) => {
      // A read delivered twice in one batch (a replay) is one alert: one row may not be upserted twice in a statement.
      const unique = new Map(matches.map((match) => [`${match.entry.id}|${match.read.agencyId}|${match.read.readId}`, match]));
      const stored = await this.hotlists.upsertAlerts(tx, [...unique.values()].map(newAlert));
      const entries = new Map(matches.map((match) => [match.entry.id, match.entry]));
      const raised = stored.map(({ alert, created }) => ({ alert, created, entry: entries.get(alert.entryId)! }));
      const fresh = raised.filter(({ created }) => created);
      const records = await appendAuditRecords(tx, fresh.map(({ alert, entry }) => alertAuditRecord(alert, entry)));
      fresh.forEach(({ alert }, position) => (alert.auditSeq = records[position].seq));
      await this.hotlists.recordAndAnnounce(tx, fresh.map(({ alert, entry }) => ({
        alertId: alert.id, auditSeq: alert.auditSeq!, message: alertMessage(alert, entry),
      })));
      if (fresh.length > 0) this.logger.log(`raised ${fresh.length} hotlist alert(s)`);
      return raised.map(({ alert, entry }) => ({ alert, entry }));
    });
  }
}

function parseRead(value: Buffer): EnrichedRead | undefined {
  try {
    const read = JSON.parse(value.toString('utf8')) as EnrichedRead;
    return typeof read?.plateFolded === 'string' && typeof read.agencyId === 'string' && typeof read.capturedAt === 'string' ? read : undefined;
  } catch {
    return undefined;
  }
}
