import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import type { Batch, Message } from 'kafkajs';
import { PLATEKEEPER_CONFIG, PlatekeeperConfig } from '@platekeeper/config';
import { BatchConsumer, BatchContext, consumerFetchOptions, consumerTimings, createKafka, deadLetterMessage, produceAll, readTopics, requireTopics } from '@platekeeper/kafka';
import { pipelineMetrics } from '@platekeeper/metrics';
import { SensitivePlaceStore } from '@platekeeper/persistence';
import { CameraRegistry } from './camera-registry.service';
import { enrichFromRegistry, parseRawMessage } from './read-triage';

/** raw topic → validate → enrich → enriched topic or DLQ; offsets move only after both writes are acknowledged. */
@Injectable()
export class IngestConsumer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(IngestConsumer.name);
  private readonly kafka;
  private readonly topics;
  private readonly consumer: BatchConsumer;

  constructor(
    @Inject(PLATEKEEPER_CONFIG) private readonly config: PlatekeeperConfig,
    private readonly cameraRegistry: CameraRegistry,
    private readonly sensitivePlaces: SensitivePlaceStore,
  ) {
    this.kafka = createKafka(config, 'ingest');
    this.topics = readTopics(config);
    this.consumer = new BatchConsumer(this.kafka, {
      groupId: config.INGEST_GROUP_ID,
      topic: this.topics.raw,
      maxBytesPerPartition: config.INGEST_FETCH_MAX_BYTES_PER_PARTITION,
      partitionsConsumedConcurrently: config.INGEST_PARTITIONS_CONCURRENTLY,
      fetch: consumerFetchOptions(config),
      ...consumerTimings(config),
      prerequisites: async () => {
        await requireTopics(this.kafka, [this.topics.raw, this.topics.enriched, this.topics.deadLetter]);
        await this.cameraRegistry.current();
      },
      handleBatch: (batch, context) => this.ingestBatch(batch, context),
      onStartFailed: (error, retryInMs) => this.logger.warn(`not consuming yet, trying again in ${retryInMs} ms: ${error instanceof Error ? error.message : String(error)}`),
    });
  }

  get health() {
    return this.consumer.health;
  }

  /** Joins in the background: /health answers `starting` from the first second, whether or not Kafka is there yet. */
  onApplicationBootstrap(): void {
    this.consumer.begin();
    this.logger.log(`consuming ${this.topics.raw} → ${this.topics.enriched} (DLQ ${this.topics.deadLetter})`);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.consumer.stop();
  }

  private async ingestBatch(batch: Batch, { producer }: BatchContext): Promise<void> {
    const cameras = await this.cameraRegistry.current();
    const ingestedAt = new Date();
    const enriched: Message[] = [];
    const deadLetters: Message[] = [];
    const deadLetterReasons: string[] = [];
    const droppedAtPlaces = new Map<string, { placeId: string; cameraId: string; day: string; dropped: number }>();
    // One pass, one read at a time: only the enriched text outlives its iteration, not the parsed and enriched objects.
    for (const message of batch.messages) {
      const outcome = parseRawMessage(message.value, message.headers);
      const triaged = outcome.ok ? enrichFromRegistry(outcome.read, cameras, ingestedAt, this.config.READS_MAX_AGE_DAYS) : outcome;
      // A read captured inside a sensitive place is never stored: not enriched, not dead-lettered, only counted.
      const place = triaged.ok ? cameras.sensitivePlaceAt(triaged.read.location, triaged.read.agencyId) : undefined;
      if (triaged.ok && place !== undefined) {
        const day = new Date(triaged.read.capturedAt).toISOString().slice(0, 10);
        const key = `${place.id}|${triaged.read.cameraId}|${day}`;
        const count = droppedAtPlaces.get(key) ?? { placeId: place.id, cameraId: triaged.read.cameraId, day, dropped: 0 };
        count.dropped++;
        droppedAtPlaces.set(key, count);
      } else if (triaged.ok) {
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
    await produceAll(producer, topicMessages);
    // Counted before the offsets move; a redelivered batch counts its drops again (the count is at-least-once, like delivery).
    await this.sensitivePlaces.addDrops([...droppedAtPlaces.values()]);
    pipelineMetrics.readsIngested.inc({ outcome: 'enriched', reason: '' }, enriched.length);
    for (const reason of deadLetterReasons) pipelineMetrics.readsIngested.inc({ outcome: 'dead_lettered', reason });
  }
}
