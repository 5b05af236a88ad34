import { Consumer } from 'kafkajs';

/**
 * `starting`: the process answers, the consumer has not joined its group yet (or is still trying to reach Kafka);
 * `stalled`: it joined once but nothing (fetch, heartbeat, commit) succeeded for `stallMs`: Kafka is unreachable;
 * `held-up`: a batch has waited on its downstream (retrying) for longer than `stallMs`;
 * `gave-up`: the consumer runs, but its downstream did not acknowledge a batch within its retries; it will try again;
 * `restarting`: kafkajs restarts the consumer after a crash (a broker of several died, its group's coordinator moved):
 * healthy, as in a rebalance, while the consumer made progress within `stallMs` and this is its first restart since a
 * batch went through; `stalled` after that, `crashed` if it crashes again first (a crash loop) or will not restart.
 */
export type ConsumerState = 'starting' | 'running' | 'stalled' | 'held-up' | 'gave-up' | 'restarting' | 'crashed' | 'stopped';

export interface ConsumerHealthReport {
  state: ConsumerState;
  lastError?: string;
  /** Milliseconds since the last successful fetch, heartbeat or commit (absent before the first). */
  sinceProgressMs?: number;
  /** Milliseconds since offsets were last committed (absent before the first commit). */
  sinceCommitMs?: number;
  /** Messages behind the partitions' high watermarks, as of the last batch each partition delivered. */
  lag: number;
  /** Milliseconds the batch in flight has been waiting on its downstream (absent when none is). */
  batchWaitingMs?: number;
}

/**
 * Follows a consumer's lifecycle and progress events so a health endpoint can report it without asking Kafka: a
 * consumer is healthy only while it is in its group *and* talking to Kafka, not merely because it joined once.
 */
export class ConsumerHealth {
  private state: ConsumerState = 'starting';
  private lastError?: string;
  private lastProgressAt?: number;
  private lastCommitAt?: number;
  private readonly lagByPartition = new Map<string, number>();
  private readonly batchesInFlight = new Set<number>();
  /** Crashes since a batch last went through (or since the start): only the first is a restart worth riding out. */
  private crashesSinceBatch = 0;
  private joinedAt?: number;

  constructor(private readonly stallMs = 15_000, private readonly now: () => number = Date.now) {}

  watch(consumer: Consumer): void {
    const progress = () => (this.lastProgressAt = this.now());
    consumer.on(consumer.events.GROUP_JOIN, () => {
      progress();
      this.joinedAt = this.now();
      if (this.state !== 'gave-up') this.state = 'running';
    });
    consumer.on(consumer.events.FETCH, progress);
    consumer.on(consumer.events.HEARTBEAT, progress);
    consumer.on(consumer.events.COMMIT_OFFSETS, () => {
      progress();
      this.lastCommitAt = this.now();
    });
    consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) => {
      this.lagByPartition.set(`${payload.topic}:${payload.partition}`, Math.max(0, Number(payload.offsetLag)));
    });
    consumer.on(consumer.events.CRASH, (event) => {
      // A member that stayed in its group for a stall time without crashing is no crash loop, batches or not.
      if (this.joinedAt !== undefined && this.now() - this.joinedAt > this.stallMs) this.crashesSinceBatch = 0;
      this.crashesSinceBatch++;
      // Before: `crashed` (503) at once, so one broker of three dying made ingest flap for the seconds kafkajs took to
      // restart the consumer on the surviving brokers (docs/faults.md).
      const ridingOut = event.payload.restart === true && this.crashesSinceBatch === 1 && this.state !== 'starting' && this.state !== 'gave-up';
      this.state = ridingOut ? 'restarting' : 'crashed';
      this.lastError = String(event.payload.error?.message ?? event.payload.error);
    });
    consumer.on(consumer.events.STOP, () => (this.state = 'stopped'));
  }

  /** A start attempt failed (Kafka unreachable, topics missing): still starting, with the reason. */
  startFailed(reason: string): void {
    this.state = 'starting';
    this.lastError = reason;
  }

  /** A batch went to its handler; returns the function to call when the handler returned (however it ended). */
  batchStarted(): () => void {
    const startedAt = this.now();
    this.batchesInFlight.add(startedAt);
    return () => this.batchesInFlight.delete(startedAt);
  }

  private get batchWaitingMs(): number | undefined {
    return this.batchesInFlight.size === 0 ? undefined : this.now() - Math.min(...this.batchesInFlight);
  }

  /** A batch's downstream gave up: unhealthy until a batch goes through again. */
  gaveUp(reason: string): void {
    this.state = 'gave-up';
    this.lastError = reason;
  }

  /** A batch went through: a consumer that had given up is running again. */
  recovered(): void {
    this.crashesSinceBatch = 0;
    if (this.state === 'gave-up') this.state = 'running';
  }

  private get currentState(): ConsumerState {
    if (this.state === 'restarting') return this.lastProgressAt !== undefined && this.now() - this.lastProgressAt <= this.stallMs ? 'restarting' : 'stalled';
    if (this.state !== 'running') return this.state;
    if (this.lastProgressAt !== undefined && this.now() - this.lastProgressAt > this.stallMs) return 'stalled';
    return (this.batchWaitingMs ?? 0) > this.stallMs ? 'held-up' : 'running';
  }

  report(): ConsumerHealthReport {
    const now = this.now();
    return {
      state: this.currentState,
      lastError: this.lastError,
      sinceProgressMs: this.lastProgressAt === undefined ? undefined : now - this.lastProgressAt,
      sinceCommitMs: this.lastCommitAt === undefined ? undefined : now - this.lastCommitAt,
      lag: [...this.lagByPartition.values()].reduce((sum, lag) => sum + lag, 0),
      batchWaitingMs: this.batchWaitingMs,
    };
  }

  get healthy(): boolean {
    const state = this.currentState;
    return state === 'running' || state === 'restarting';
  }
}
