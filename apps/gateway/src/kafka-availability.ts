import { Admin, KafkaJSProtocolError } from 'kafkajs';

/**
 * Whether Kafka takes the gateway's reads, from what it saw last: the outcome of the latest produce request, or of a
 * background probe (a metadata request for the raw topic every `intervalMs`, given `timeoutMs` to answer, never
 * retried), whichever is newer. /health answers from it at once. The producer's connect/disconnect events alone said
 * `up` through a whole outage: kafkajs emits DISCONNECT only when the producer is closed, never when the broker dies.
 */
export class KafkaAvailability {
  private latest: { up: boolean; error?: string; at: number } = { up: false, error: 'not probed yet', at: 0 };
  private timer?: NodeJS.Timeout;
  private probing?: Promise<void>;
  /** A metadata request still unanswered (a frozen broker): the next probes wait for it rather than pile up more. */
  private asking?: Promise<unknown>;

  constructor(private readonly admin: Admin, private readonly topic: string, private readonly intervalMs: number, private readonly timeoutMs: number) {}

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.probe(), this.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** One probe (shared by concurrent callers); resolves within `timeoutMs`. */
  probe(): Promise<void> {
    this.probing ??= this.askKafka().finally(() => (this.probing = undefined));
    return this.probing;
  }

  get up(): boolean {
    return this.latest.up && Date.now() - this.latest.at <= 2 * this.intervalMs + this.timeoutMs;
  }

  get error(): string | undefined {
    return this.up ? undefined : (this.latest.error ?? 'no answer from Kafka lately');
  }

  /** A produce request was acknowledged: Kafka takes reads. */
  noteAcknowledged(): void {
    this.latest = { up: true, at: Date.now() };
  }

  /**
   * A produce request failed. The broker refusing the reads themselves (too large, say: a protocol error it will
   * not take on a retry) is an answer, not an outage; anything else (no answer in time, no connection) is down.
   */
  noteSendFailed(error: unknown): void {
    if (error instanceof KafkaJSProtocolError && !error.retriable) return;
    this.latest = { up: false, error: errorText(error), at: Date.now() };
  }

  private async askKafka(): Promise<void> {
    const startedAt = Date.now();
    if (!this.asking) {
      const asking = this.admin.fetchTopicMetadata({ topics: [this.topic] }).then(
        () => this.note(startedAt, { up: true }),
        (error: unknown) => this.note(startedAt, { up: false, error: errorText(error) }),
      );
      this.asking = asking.finally(() => (this.asking = undefined));
    }
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timed out'>((resolve) => (timer = setTimeout(() => resolve('timed out'), this.timeoutMs)));
    const outcome = await Promise.race([this.asking, timedOut]);
    clearTimeout(timer);
    if (outcome === 'timed out') this.note(startedAt, { up: false, error: `no metadata answer within ${this.timeoutMs} ms` });
  }

  /** Only news newer than what is known counts: a produce request acknowledged meanwhile outranks an older probe. */
  private note(startedAt: number, outcome: { up: boolean; error?: string }): void {
    if (startedAt >= this.latest.at || !outcome.up) this.latest = { ...outcome, at: Date.now() };
  }
}

function errorText(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
