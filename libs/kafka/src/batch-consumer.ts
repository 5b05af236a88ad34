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
  /** Aborted when the consumer is stopping: a handler stops retrying (throws) instead of holding up the shutdown. */
  stopping: AbortSignal;
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
  /** Group session: a killed member is replaced after this long (default 10 s). */
  sessionTimeoutMs?: number;
  /** Heartbeats, also while a handler runs, so a slow downstream never costs the group membership (default 1 s). */
  heartbeatIntervalMs?: number;
  /** No fetch, heartbeat or commit for this long: health `stalled` (default 15 s). */
  stallMs?: number;
  /** On stop, how long the batch in flight may take to finish and commit (default 10 s). */
  drainMs?: number;
  /** What must hold before joining (topics exist, registry loaded); retried with the join until it does. */
  prerequisites?(): Promise<void>;
  /** Handles one non-empty batch; resolves only once every message is acknowledged downstream (or dead-lettered). */
  handleBatch(batch: Batch, context: BatchContext): Promise<void>;
  onGaveUp?(error: DownstreamGaveUp, batch: Batch): void;
  /**
   * Subscribes to the downstream being able to take the batch again (answering after being away, a block lifted) given
   * why the handler gave up; returns the unsubscribe. A rest after giving up ends early when it fires.
   */
  downstreamBack?(listener: () => void, cause: DownstreamGaveUp): () => void;
  /** A start attempt failed and will be tried again. */
  onStartFailed?(error: unknown, retryInMs: number): void;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T | 'timed-out'> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timed-out'>((resolve) => (timer = setTimeout(() => resolve('timed-out'), ms)));
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/**
 * The consumer lifecycle ingest and indexer share: a producer and a consumer in one group, offsets resolved and
 * committed only after the handler returned (so nothing accepted is lost), health following the consumer's real
 * progress, and a handler that gives up reported as a health state instead of crashing the consumer.
 *
 * `begin()` joins in the background, so a service answers /health (`starting`) from its first second, and keeps
 * trying while Kafka is unreachable. A handler keeps heartbeating while it waits on its downstream, so its retries
 * never outlive the group session. `stop()` stops fetching, lets the batch in flight finish and commit (bounded by
 * `drainMs`) and leaves the group, so a replacement is assigned the partitions at once.
 */
export class BatchConsumer {
  readonly health: ConsumerHealth;
  private consumer?: Consumer;
  private producer?: Producer;
  private readonly resumeTimers = new Set<NodeJS.Timeout>();
  private readonly stopping = new AbortController();
  private starting?: Promise<void>;

  constructor(private readonly kafka: Kafka, private readonly options: BatchConsumerOptions) {
    this.health = new ConsumerHealth(options.stallMs ?? 15_000);
  }

  /** Joins the group; resolves once joined (tests, tools). Services use `begin()`. */
  async start(): Promise<void> {
    await this.options.prerequisites?.();
    this.producer = createProducer(this.kafka);
    await this.producer.connect();
    const sessionTimeout = this.options.sessionTimeoutMs ?? 10_000;
    this.consumer = this.kafka.consumer({
      groupId: this.options.groupId,
      maxBytesPerPartition: this.options.maxBytesPerPartition,
      sessionTimeout,
      // A member that does not rejoin a rebalance within a session is as good as gone.
      rebalanceTimeout: sessionTimeout,
      heartbeatInterval: this.options.heartbeatIntervalMs ?? 1_000,
      ...this.options.fetch,
    });
    this.health.watch(this.consumer);
    await this.consumer.connect();
    await this.consumer.subscribe({ topic: this.options.topic, fromBeginning: true });
    await this.consumer.run({
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: this.options.partitionsConsumedConcurrently ?? 1,
      eachBatch: (payload) => this.consume(payload),
    });
  }

  /** Starts in the background and keeps trying (backing off to 5 s) until it has joined or is stopped. */
  begin(): void {
    this.starting = (async () => {
      for (let attempt = 0; !this.stopping.signal.aborted; attempt++) {
        try {
          await this.start();
          return;
        } catch (error) {
          await this.disconnectQuietly();
          if (this.stopping.signal.aborted) return;
          const retryInMs = Math.min(5_000, 250 * 2 ** attempt);
          this.health.startFailed(error instanceof Error ? error.message : String(error));
          this.options.onStartFailed?.(error, retryInMs);
          await sleep(retryInMs);
        }
      }
    })();
  }

  async stop(): Promise<void> {
    this.stopping.abort();
    for (const timer of this.resumeTimers) clearTimeout(timer);
    this.resumeTimers.clear();
    const drainMs = this.options.drainMs ?? 10_000;
    if (this.starting) await withTimeout(this.starting, drainMs);
    // kafkajs waits for the batch in flight, commits what was resolved and leaves the group.
    await withTimeout(this.consumer?.disconnect() ?? Promise.resolve(), drainMs);
    await withTimeout(this.producer?.disconnect() ?? Promise.resolve(), 2_000);
  }

  private async disconnectQuietly(): Promise<void> {
    await this.consumer?.disconnect().catch(() => undefined);
    await this.producer?.disconnect().catch(() => undefined);
    this.consumer = undefined;
    this.producer = undefined;
  }

  private async consume({ batch, resolveOffset, heartbeat, commitOffsetsIfNecessary, pause }: EachBatchPayload): Promise<void> {
    if (batch.messages.length === 0) return;
    // Heartbeats on a timer while the handler waits (bulk retries, produce retries): the member stays in its group.
    const keepAlive = setInterval(() => void heartbeat().catch(() => undefined), this.options.heartbeatIntervalMs ?? 1_000);
    const finished = this.health.batchStarted();
    try {
      await this.options.handleBatch(batch, { producer: this.producer!, heartbeat, pause, stopping: this.stopping.signal });
    } catch (error) {
      if (!(error instanceof DownstreamGaveUp)) throw error;
      if (!this.stopping.signal.aborted) this.restAfterGivingUp(error, batch, pause);
      return;
    } finally {
      clearInterval(keepAlive);
      finished();
    }
    resolveOffset(batch.lastOffset());
    await commitOffsetsIfNecessary();
    this.health.recovered();
  }

  /** Leaves the batch unresolved, so the partition fetches it again once resumed. */
  private restAfterGivingUp(error: DownstreamGaveUp, batch: Batch, pause: () => () => void): void {
    this.health.gaveUp(error.message);
    this.options.onGaveUp?.(error, batch);
    const resume = pause();
    let resumed = false;
    const resumeOnce = () => {
      if (resumed) return;
      resumed = true;
      clearTimeout(timer);
      this.resumeTimers.delete(timer);
      unsubscribe?.();
      if (!this.stopping.signal.aborted) resume();
    };
    const timer = setTimeout(resumeOnce, this.options.giveUpPauseMs ?? 30_000);
    this.resumeTimers.add(timer);
    const unsubscribe = this.options.downstreamBack?.(resumeOnce, error);
  }
}
