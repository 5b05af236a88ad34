import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { Consumer, EachBatchPayload, Message, Producer } from 'kafkajs';
import { PLATEKEEPER_CONFIG, PlatekeeperConfig } from '@platekeeper/config';
import { ConsumerHealth, createKafka, createProducer, deadLetterMessage, produceAll, readTopics, requireTopics } from '@platekeeper/kafka';
import { pipelineMetrics } from '@platekeeper/metrics';
import { CameraRegistry } from './camera-registry.service';
import { enrichFromRegistry, parseRawMessage } from './read-triage';

/** raw topic → validate → enrich → enriched topic or DLQ; offsets move only after both writes are acknowledged. */
@Injectable()
export class IngestConsumer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(IngestConsumer.name);
  private readonly kafka;
  private readonly topics;
  private consumer: Consumer;
  private producer: Producer;
  readonly health = new ConsumerHealth();

  constructor(
    @Inject(PLATEKEEPER_CONFIG) private readonly config: PlatekeeperConfig,
    private readonly cameraRegistry: CameraRegistry,
  ) {
    this.kafka = createKafka(config, 'ingest');
    this.topics = readTopics(config);
  }

  async onApplicationBootstrap(): Promise<void> {
    await requireTopics(this.kafka, [this.topics.raw, this.topics.enriched, this.topics.deadLetter]);
    await this.cameraRegistry.current();
    this.producer = createProducer(this.kafka);
    await this.producer.connect();
    this.consumer = this.kafka.consumer({ groupId: this.config.INGEST_GROUP_ID, maxBytesPerPartition: 4 * 1024 * 1024 });
    this.health.watch(this.consumer);
    await this.consumer.connect();
    await this.consumer.subscribe({ topic: this.topics.raw, fromBeginning: true });
    await this.consumer.run({ eachBatchAutoResolve: false, eachBatch: (payload) => this.ingestBatch(payload) });
    this.logger.log(`consuming ${this.topics.raw} → ${this.topics.enriched} (DLQ ${this.topics.deadLetter})`);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.consumer?.disconnect();
    await this.producer?.disconnect();
  }

  private async ingestBatch({ batch, resolveOffset, heartbeat, commitOffsetsIfNecessary }: EachBatchPayload) {
    if (batch.messages.length === 0) return;
    const parsed = batch.messages.map((message) => ({ message, parsed: parseRawMessage(message.value, message.headers) }));
    const cameras = await this.cameraRegistry.current();
    const ingestedAt = new Date();
    const enriched: Message[] = [];
    const deadLetters: Message[] = [];
    const deadLetterReasons: string[] = [];
    for (const { message, parsed: outcome } of parsed) {
      const triaged = outcome.ok ? enrichFromRegistry(outcome.read, cameras, ingestedAt, this.config.READS_MAX_AGE_DAYS) : outcome;
      if (triaged.ok) {
        enriched.push({ key: triaged.read.cameraId, value: JSON.stringify(triaged.read) });
      } else {
        const source = { topic: batch.topic, partition: batch.partition, offset: message.offset };
        deadLetters.push(deadLetterMessage(message, source, triaged.reason, 'ingest'));
        deadLetterReasons.push(triaged.reason.code);
      }
    }
    const topicMessages = [
      { topic: this.topics.enriched, messages: enriched },
      { topic: this.topics.deadLetter, messages: deadLetters },
    ].filter((entry) => entry.messages.length > 0);
    await produceAll(this.producer, topicMessages);
    pipelineMetrics.readsIngested.inc({ outcome: 'enriched', reason: '' }, enriched.length);
    for (const reason of deadLetterReasons) pipelineMetrics.readsIngested.inc({ outcome: 'dead_lettered', reason });
    resolveOffset(batch.lastOffset());
    await heartbeat();
    await commitOffsetsIfNecessary();
  }
}
