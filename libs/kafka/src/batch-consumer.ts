import { Batch, Consumer, EachBatchPayload, Kafka, Producer } from 'kafkajs';
import { ConsumerHealth } from './consumer-health';
import { createProducer } from './kafka';

/**
 * Thrown by a batch handler when its downstream did not acknowledge within the handler's own retries. The batch is
 * not committed, its partition pauses for a while and then delivers it again; health reports `gave-up` meanwhile.
 */
export class DownstreamGaveUp extends Error {}

export interface BatchContext {
  /** The consumer's own producer, connected before the first batch (results and dead letters go through it). */
  producer: Producer;
  heartbeat(): Promise<void>;
  /** Stops fetching this partition until the returned function is called (back-pressure while a handler waits). */
  pause(): () => void;
}

export interface BatchConsumerOptions {
  groupId: string;
  topic: string;
  maxBytesPerPartition: number;
  /** Partitions whose batches are handled at once (default 1); each batch is still resolved only after its own handler. */
  partitionsConsumedConcurrently?: number;
  /** Fetch tuning passed to the consumer (kafkajs `maxBytes`, `maxWaitTimeInMs`, `minBytes`). */
  fetch?: { maxBytes?: number; maxWaitTimeInMs?: number; minBytes?: number };
  /** How long a partition rests after its handler gave up before the batch is delivered again (default 30 s). */
  giveUpPauseMs?: number;
  /** Handles one non-empty batch; resolves only once every message is acknowledged downstream (or dead-lettered). */
  handleBatch(batch: Batch, context: BatchContext): Promise<void>;
  onGaveUp?(error: DownstreamGaveUp, batch: Batch): void;
}

/**
 * The consumer lifecycle ingest and indexer share: a producer and a consumer in one group, offsets resolved and
 * committed only after the handler returned (so nothing accepted is lost), health following the consumer, and a
 * handler that gives up reported as a health state instead of crashing the consumer.
 */
export class BatchConsumer {
  readonly health = new ConsumerHealth();
  private consumer?: Consumer;
  private producer?: Producer;
  private readonly resumeTimers = new Set<NodeJS.Timeout>();

  constructor(private readonly kafka: Kafka, private readonly options: BatchConsumerOptions) {}

  async start(): Promise<void> {
    this.producer = createProducer(this.kafka);
    await this.producer.connect();
    this.consumer = this.kafka.consumer({ groupId: this.options.groupId, maxBytesPerPartition: this.options.maxBytesPerPartition, ...this.options.fetch });
    this.health.watch(this.consumer);
    await this.consumer.connect();
    await this.consumer.subscribe({ topic: this.options.topic, fromBeginning: true });
    await this.consumer.run({
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: this.options.partitionsConsumedConcurrently ?? 1,
      eachBatch: (payload) => this.consume(payload),
    });
  }

  async stop(): Promise<void> {
    for (const timer of this.resumeTimers) clearTimeout(timer);
    this.resumeTimers.clear();
    await this.consumer?.disconnect();
    await this.producer?.disconnect();
  }

  private async consume({ batch, resolveOffset, heartbeat, commitOffsetsIfNecessary, pause }: EachBatchPayload): Promise<void> {
    if (batch.messages.length === 0) return;
    try {
      await this.options.handleBatch(batch, { producer: this.producer!, heartbeat, pause });
    } catch (error) {
      if (!(error instanceof DownstreamGaveUp)) throw error;
      this.restAfterGivingUp(error, batch, pause);
      return;
    }
    resolveOffset(batch.lastOffset());
    await heartbeat();
    await commitOffsetsIfNecessary();
    this.health.recovered();
  }

  /** Leaves the batch unresolved, so the partition fetches it again once resumed. */
  private restAfterGivingUp(error: DownstreamGaveUp, batch: Batch, pause: () => () => void): void {
    this.health.gaveUp(error.message);
    this.options.onGaveUp?.(error, batch);
    const resume = pause();
    const timer = setTimeout(() => {
      this.resumeTimers.delete(timer);
      resume();
    }, this.options.giveUpPauseMs ?? 30_000);
    this.resumeTimers.add(timer);
  }
}
