import { Consumer } from 'kafkajs';

/** `gave-up`: the consumer runs, but its downstream did not acknowledge a batch within its retries; it will try again. */
export type ConsumerState = 'starting' | 'running' | 'gave-up' | 'crashed' | 'stopped';

/** Follows a consumer's lifecycle events so a health endpoint can report it without asking Kafka. */
export class ConsumerHealth {
  private state: ConsumerState = 'starting';
  private lastError?: string;

  watch(consumer: Consumer): void {
    consumer.on(consumer.events.GROUP_JOIN, () => (this.state = 'running'));
    consumer.on(consumer.events.CRASH, (event) => {
      this.state = 'crashed';
      this.lastError = String(event.payload.error?.message ?? event.payload.error);
    });
    consumer.on(consumer.events.STOP, () => (this.state = 'stopped'));
  }

  /** A batch's downstream gave up: unhealthy until a batch goes through again. */
  gaveUp(reason: string): void {
    this.state = 'gave-up';
    this.lastError = reason;
  }

  /** A batch went through: a consumer that had given up is running again. */
  recovered(): void {
    if (this.state === 'gave-up') this.state = 'running';
  }

  report(): { state: ConsumerState; lastError?: string } {
    return { state: this.state, lastError: this.lastError };
  }

  get healthy(): boolean {
    return this.state === 'running';
  }
}
