import { Consumer } from 'kafkajs';

export type ConsumerState = 'starting' | 'running' | 'crashed' | 'stopped';

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

  report(): { state: ConsumerState; lastError?: string } {
    return { state: this.state, lastError: this.lastError };
  }

  get healthy(): boolean {
    return this.state === 'running';
  }
}
