import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { Client } from '@elastic/elasticsearch';
import type { Batch, Message } from 'kafkajs';
import { PLATEKEEPER_CONFIG, PlatekeeperConfig } from '@platekeeper/config';
import { ElasticAvailability, createElasticClient, ensureReadsIndexTemplate, onceWritesUnblocked, readDocumentJson, readsIndexLayout } from '@platekeeper/elastic';
import {
  BatchConsumer, BatchContext, DownstreamGaveUp, consumerFetchOptions, consumerTimings, createKafka, deadLetterMessage, produceAll, readTopics, requireTopics,
} from '@platekeeper/kafka';
import { pipelineMetrics } from '@platekeeper/metrics';
import { BulkAccumulator } from './bulk-accumulator';
import { BulkRetriesExhausted, ReadToIndex, acceptedCaptureWindow, parseEnrichedMessage, writeReads } from './bulk-writer';

/**
 * enriched topic → Elasticsearch. The reads of every partition this instance consumes share one queue of bulk
 * requests (`BulkAccumulator`: sent by size or after a short linger), and a batch's offset is committed only after
 * Elasticsearch acknowledged (or permanently rejected and we dead-lettered) every document in it; while
 * Elasticsearch pushes back, the partitions waiting on it are paused instead of buffering more. When it keeps pushing
 * back past the retries, the indexer gives up on those batches for a while (health `gave-up`) and tries them again,
 * instead of crashing.
 */
@Injectable()
export class IndexerConsumer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(IndexerConsumer.name);
  private readonly kafka;
  private readonly topics;
  readonly elastic: Client;
  /** Whether Elasticsearch answers, probed in the background for /health. */
  readonly elasticAvailability: ElasticAvailability;
  private readonly consumer: BatchConsumer;
  private readonly stopping = new AbortController();
  private readonly bulkRequests: BulkAccumulator;

  constructor(@Inject(PLATEKEEPER_CONFIG) private readonly config: PlatekeeperConfig) {
    this.kafka = createKafka(config, 'indexer');
    this.topics = readTopics(config);
    this.elastic = createElasticClient(config);
    this.elasticAvailability = new ElasticAvailability(this.elastic, config.ENGINE_PROBE_INTERVAL_MS, config.ENGINE_PROBE_TIMEOUT_MS);
    this.consumer = new BatchConsumer(this.kafka, {
      groupId: config.INDEXER_GROUP_ID,
      topic: this.topics.enriched,
      maxBytesPerPartition: config.INDEXER_FETCH_MAX_BYTES_PER_PARTITION,
      partitionsConsumedConcurrently: config.INDEXER_PARTITIONS_CONCURRENTLY,
      fetch: consumerFetchOptions(config),
      giveUpPauseMs: config.INDEXER_GIVE_UP_PAUSE_MS,
      downstreamBack: (listener, cause) => {
        const unsubscribe = this.elasticAvailability.onceBackUp(listener);
        if (!cause.message.includes('cluster_block_exception')) return unsubscribe;
        // Gave up on a blocked index: Elasticsearch stays up, so only the block being lifted can end the rest early.
        const stopWatching = onceWritesUnblocked(this.elastic, `${config.READS_INDEX_PREFIX}-*`, config.ENGINE_PROBE_INTERVAL_MS, listener);
        return () => {
          unsubscribe();
          stopWatching();
        };
      },
      ...consumerTimings(config),
      prerequisites: async () => {
        await requireTopics(this.kafka, [this.topics.enriched, this.topics.deadLetter]);
        await ensureReadsIndexTemplate(this.elastic, this.config.READS_INDEX_PREFIX, readsIndexLayout(this.config));
      },
      onStartFailed: (error, retryInMs) => this.logger.warn(`not consuming yet, trying again in ${retryInMs} ms: ${error instanceof Error ? error.message : String(error)}`),
      handleBatch: (batch, context) => this.indexBatch(batch, context),
      onGaveUp: (error) => this.logger.error(`gave up on a batch, trying it again in ${config.INDEXER_GIVE_UP_PAUSE_MS} ms: ${error.message}`),
    });
    this.bulkRequests = new BulkAccumulator(
      {
        maxBytes: config.INDEXER_BULK_MAX_BYTES, maxReads: config.INDEXER_BULK_MAX_READS,
        lingerMs: config.INDEXER_BULK_LINGER_MS, concurrency: config.INDEXER_BULK_CONCURRENCY,
      },
      (entries, onRetry) => {
        pipelineMetrics.bulkRequestReads.observe(entries.length);
        return writeReads(this.elastic, config.READS_INDEX_PREFIX, entries, {
          maxRetries: config.INDEXER_MAX_RETRIES,
          baseDelayMs: config.INDEXER_RETRY_BASE_MS,
          stopping: this.stopping.signal,
          wake: (listener) => this.elasticAvailability.onceBackUp(listener),
          onRetry: async (attempt, pendingCount, delayMs) => {
            pipelineMetrics.bulkRetries.inc();
            this.logger.warn(`Elasticsearch pushed back on ${pendingCount} reads; retry ${attempt} in ${delayMs} ms`);
            await onRetry(attempt, pendingCount, delayMs);
          },
        }, config.READS_REFRESH_ON_WRITE);
      },
    );
  }

  get health() {
    return this.consumer.health;
  }

  /** Joins in the background: /health answers `starting` from the first second, whether or not the engines are there yet. */
  onApplicationBootstrap(): void {
    this.elasticAvailability.start();
    this.consumer.begin();
    this.logger.log(`indexing ${this.topics.enriched} into ${this.config.READS_INDEX_PREFIX}-*`);
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopping.abort();
    this.elasticAvailability.stop();
    await this.consumer.stop();
    await this.elastic.close();
  }

  private async indexBatch(batch: Batch, { producer, heartbeat, pause }: BatchContext): Promise<void> {
    const source = (offset: string) => ({ topic: batch.topic, partition: batch.partition, offset });
    const deadLetters: Message[] = [];
    const reads: ReadToIndex[] = [];
    const window = acceptedCaptureWindow(new Date(), this.config.READS_MAX_AGE_DAYS);
    batch.messages.forEach((message, position) => {
      const text = message.value?.toString('utf8') ?? '';
      const parsed = parseEnrichedMessage(text, window);
      if (!parsed.ok) {
        deadLetters.push(deadLetterMessage(message, source(message.offset), parsed.reason, 'indexer'));
        return;
      }
      // The document is serialised now, from the message's own text: the parsed read is not kept while it waits.
      const { agencyId, readId, capturedAt } = parsed.read;
      reads.push({ position, read: { agencyId, readId, capturedAt }, document: readDocumentJson(parsed.read, text), bytes: message.value?.length });
    });
    let resumePartition: (() => void) | undefined;
    const outcome = await this.bulkRequests
      .submit(reads, {
        onRetry: async () => {
          resumePartition ??= pause();
          await heartbeat();
        },
      })
      .catch((error: unknown) => {
        throw error instanceof BulkRetriesExhausted ? new DownstreamGaveUp(`Elasticsearch: ${error.message}`) : error;
      })
      .finally(() => resumePartition?.());
    for (const rejection of outcome.rejected) {
      const message = batch.messages[rejection.position];
      const reason = { code: 'READ.INDEX_REJECTED' as const, detail: `status ${rejection.status}: ${rejection.detail}` };
      deadLetters.push(deadLetterMessage(message, source(message.offset), reason, 'indexer'));
    }
    if (deadLetters.length > 0) {
      await produceAll(producer, [{ topic: this.topics.deadLetter, messages: deadLetters }]);
    }
    pipelineMetrics.readsIndexed.inc({ outcome: 'indexed' }, reads.length - outcome.rejected.length - outcome.alreadyIndexed.length);
    pipelineMetrics.readsIndexed.inc({ outcome: 'already_indexed' }, outcome.alreadyIndexed.length);
    pipelineMetrics.readsIndexed.inc({ outcome: 'dead_lettered' }, deadLetters.length);
  }
}
