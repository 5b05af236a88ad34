import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { Client } from '@elastic/elasticsearch';
import { Consumer, EachBatchPayload, Message, Producer } from 'kafkajs';
import { PLATEKEEPER_CONFIG, PlatekeeperConfig } from '@platekeeper/config';
import { EnrichedRead } from '@platekeeper/contract';
import { createElasticClient, ensureReadsIndexTemplate, readsIndexLayout } from '@platekeeper/elastic';
import { ConsumerHealth, createKafka, createProducer, deadLetterMessage, produceAll, readTopics, requireTopics } from '@platekeeper/kafka';
import { pipelineMetrics } from '@platekeeper/metrics';
import { acceptedCaptureWindow, parseEnrichedMessage, writeReads } from './bulk-writer';

/**
 * enriched topic → Elasticsearch. A batch's offset is committed only after Elasticsearch acknowledged
 * (or permanently rejected and we dead-lettered) every document in it; while Elasticsearch pushes
 * back, the partition is paused instead of buffering more.
 */
@Injectable()
export class IndexerConsumer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(IndexerConsumer.name);
  private readonly kafka;
  private readonly topics;
  readonly elastic: Client;
  private consumer: Consumer;
  private producer: Producer;
  readonly health = new ConsumerHealth();

  constructor(@Inject(PLATEKEEPER_CONFIG) private readonly config: PlatekeeperConfig) {
    this.kafka = createKafka(config, 'indexer');
    this.topics = readTopics(config);
    this.elastic = createElasticClient(config);
  }

  async onApplicationBootstrap(): Promise<void> {
    await requireTopics(this.kafka, [this.topics.enriched, this.topics.deadLetter]);
    await ensureReadsIndexTemplate(this.elastic, this.config.READS_INDEX_PREFIX, readsIndexLayout(this.config));
    this.producer = createProducer(this.kafka);
    await this.producer.connect();
    this.consumer = this.kafka.consumer({ groupId: this.config.INDEXER_GROUP_ID, maxBytesPerPartition: 8 * 1024 * 1024 });
    this.health.watch(this.consumer);
    await this.consumer.connect();
    await this.consumer.subscribe({ topic: this.topics.enriched, fromBeginning: true });
    await this.consumer.run({ eachBatchAutoResolve: false, eachBatch: (payload) => this.indexBatch(payload) });
    this.logger.log(`indexing ${this.topics.enriched} into ${this.config.READS_INDEX_PREFIX}-*`);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.consumer?.disconnect();
    await this.producer?.disconnect();
    await this.elastic.close();
  }

  private async indexBatch({ batch, resolveOffset, heartbeat, commitOffsetsIfNecessary, pause }: EachBatchPayload) {
    if (batch.messages.length === 0) return;
    const source = (offset: string) => ({ topic: batch.topic, partition: batch.partition, offset });
    const deadLetters: Message[] = [];
    const reads: Array<{ position: number; read: EnrichedRead }> = [];
    const window = acceptedCaptureWindow(new Date(), this.config.READS_MAX_AGE_DAYS);
    batch.messages.forEach((message, position) => {
      const parsed = parseEnrichedMessage(message.value, window);
      if (parsed.ok) reads.push({ position, read: parsed.read });
      else deadLetters.push(deadLetterMessage(message, source(message.offset), parsed.reason, 'indexer'));
    });
    let resumePartition: (() => void) | undefined;
    const outcome = await writeReads(
      this.elastic,
      this.config.READS_INDEX_PREFIX,
      reads,
      {
        maxRetries: this.config.INDEXER_MAX_RETRIES,
        baseDelayMs: this.config.INDEXER_RETRY_BASE_MS,
        onRetry: async (attempt, pendingCount, delayMs) => {
          resumePartition ??= pause();
          pipelineMetrics.bulkRetries.inc();
          this.logger.warn(`Elasticsearch pushed back on ${pendingCount} reads; retry ${attempt} in ${delayMs} ms`);
          await heartbeat();
        },
      },
      this.config.READS_REFRESH_ON_WRITE,
    ).finally(() => resumePartition?.());
    for (const rejection of outcome.rejected) {
      const message = batch.messages[rejection.position];
      const reason = { code: 'READ.INDEX_REJECTED' as const, detail: `status ${rejection.status}: ${rejection.detail}` };
      deadLetters.push(deadLetterMessage(message, source(message.offset), reason, 'indexer'));
    }
    if (deadLetters.length > 0) {
      await produceAll(this.producer, [{ topic: this.topics.deadLetter, messages: deadLetters }]);
    }
    pipelineMetrics.readsIndexed.inc({ outcome: 'indexed' }, reads.length - outcome.rejected.length - outcome.alreadyIndexed);
    pipelineMetrics.readsIndexed.inc({ outcome: 'already_indexed' }, outcome.alreadyIndexed);
    pipelineMetrics.readsIndexed.inc({ outcome: 'dead_lettered' }, deadLetters.length);
    resolveOffset(batch.lastOffset());
    await heartbeat();
    await commitOffsetsIfNecessary();
  }
}
