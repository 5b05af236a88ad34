import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { Admin, IHeaders, Kafka, Message, Producer } from 'kafkajs';
import { PLATEKEEPER_CONFIG, PlatekeeperConfig } from '@platekeeper/config';
import { createKafka, createProducer, readTopics, requireTopics } from '@platekeeper/kafka';
import { GatewayError } from './gateway-error';
import { KafkaAvailability } from './kafka-availability';

/**
 * Most bytes of values one coalesced produce request carries (well under the broker's default 1 MiB per record
 * batch); more waiting form the next one. A single request's reads always travel together, however large.
 */
const MAX_BYTES_PER_SEND = 512 * 1024;

/**
 * Produce requests with the broker at once. With one, a request arriving just after a produce request left waited for
 * two round trips (that one's and its own); with a few, a quiet gateway sends each request at once and a busy one
 * still coalesces (every sender busy: the arrivals wait and go together in the next free one).
 */
const MAX_PRODUCES_IN_FLIGHT = 4;

interface WaitingSend {
  messages: Message[];
  bytes: number;
  done(error?: unknown): void;
}

const valueBytes = (messages: Message[]) =>
  messages.reduce((sum, message) => sum + (message.value === null ? 0 : Buffer.byteLength(message.value)), 0);

/**
 * The gateway's one producer, as the Kafka principal `camera` (it may write only the raw topic). `send` resolves
 * only once every replica acknowledged (acks = -1); a send that fails or outlasts GATEWAY_PRODUCE_TIMEOUT_MS is a
 * 503, and more than GATEWAY_MAX_IN_FLIGHT waiting sends a 429, so a slow broker never makes the gateway buffer
 * without bound.
 *
 * Requests are coalesced: while MAX_PRODUCES_IN_FLIGHT produce requests are with the broker, the reads of the requests
 * that arrive wait and then go together in the next one — one round trip for many cameras' posts instead of one each. Every caller
 * still resolves only after the produce request carrying its reads was acknowledged.
 */
@Injectable()
export class ReadProducer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(ReadProducer.name);
  private readonly kafka: Kafka;
  private readonly topic: string;
  private producer: Producer;
  private admin?: Admin;
  private availability?: KafkaAvailability;
  private inFlight = 0;
  private readonly waiting: WaitingSend[] = [];
  private producing = 0;

  constructor(@Inject(PLATEKEEPER_CONFIG) private readonly config: PlatekeeperConfig) {
    this.kafka = createKafka(config, 'camera', 'gateway');
    this.topic = readTopics(config).raw;
  }

  async onApplicationBootstrap(): Promise<void> {
    await requireTopics(this.kafka, [this.topic]);
    this.producer = createProducer(this.kafka);
    await this.producer.connect();
    // Never retried: a probe answers within ENGINE_PROBE_TIMEOUT_MS, and the next one is the retry.
    this.admin = this.kafka.admin({ retry: { retries: 0 } });
    await this.admin.connect();
    this.availability = new KafkaAvailability(this.admin, this.topic, this.config.ENGINE_PROBE_INTERVAL_MS, this.config.ENGINE_PROBE_TIMEOUT_MS);
    await this.availability.probe();
    this.availability.start();
    this.logger.log(`producing camera reads to ${this.topic} as the Kafka user camera`);
  }

  async onApplicationShutdown(): Promise<void> {
    this.availability?.stop();
    await this.admin?.disconnect();
    await this.producer?.disconnect();
  }

  /** Kafka acknowledged the latest produce request or answered the latest probe (docs/gateway.md). */
  get healthy(): boolean {
    return this.availability?.up ?? false;
  }

  async send(messages: Message[]): Promise<void> {
    if (this.inFlight >= this.config.GATEWAY_MAX_IN_FLIGHT) {
      throw new GatewayError('GATEWAY.BUSY', ['too many requests are waiting for Kafka; retry after the Retry-After delay']);
    }
    this.inFlight++;
    let timer: NodeJS.Timeout | undefined;
    const waiting: WaitingSend = { messages, bytes: valueBytes(messages), done: () => undefined };
    try {
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => {
          // Not yet handed to the broker: it never will be, so the 503 it gets is the whole truth.
          const position = this.waiting.indexOf(waiting);
          if (position >= 0) this.waiting.splice(position, 1);
          reject(new Error('timed out'));
        }, this.config.GATEWAY_PRODUCE_TIMEOUT_MS);
      });
      await Promise.race([this.sendInNextGroup(waiting), timeout]);
      this.availability?.noteAcknowledged();
    } catch (error) {
      this.availability?.noteSendFailed(error);
      this.logger.warn(`raw topic not acknowledging: ${error instanceof Error ? error.message : String(error)}`);
      throw new GatewayError('GATEWAY.KAFKA_UNAVAILABLE', ['the read store is not acknowledging; nothing was accepted, retry after the Retry-After delay']);
    } finally {
      clearTimeout(timer);
      this.inFlight--;
    }
  }

  private sendInNextGroup(waiting: WaitingSend): Promise<void> {
    return new Promise((resolve, reject) => {
      waiting.done = (error) => (error === undefined ? resolve() : reject(error));
      this.waiting.push(waiting);
      if (this.producing < MAX_PRODUCES_IN_FLIGHT) void this.sendWaitingGroups();
    });
  }

  /** One sender: a produce request at a time, until nobody waits; a request's reads never straddle two produce requests. */
  private async sendWaitingGroups(): Promise<void> {
    this.producing++;
    try {
      while (this.waiting.length > 0) {
        const group: WaitingSend[] = [];
        let size = 0;
        while (this.waiting.length > 0 && (group.length === 0 || size + this.waiting[0].bytes <= MAX_BYTES_PER_SEND)) {
          const next = this.waiting.shift()!;
          group.push(next);
          size += next.bytes;
        }
        try {
          await this.producer.send({ topic: this.topic, acks: -1, messages: group.flatMap((waiting) => waiting.messages) });
          for (const waiting of group) waiting.done();
        } catch (error) {
          if (group.length === 1) group[0].done(error);
          // One request the broker refuses (say, too large) must not fail the others that happened to share its produce request.
          else for (const waiting of group) await this.sendAlone(waiting);
        }
      }
    } finally {
      this.producing--;
    }
  }

  private async sendAlone(waiting: WaitingSend): Promise<void> {
    try {
      await this.producer.send({ topic: this.topic, acks: -1, messages: waiting.messages });
      waiting.done();
    } catch (error) {
      waiting.done(error);
    }
  }

  /** A refused payload's original bytes travel to ingest, which dead-letters them with the gateway's reason. */
  async deadLetter(key: string, value: Buffer, headers: IHeaders): Promise<void> {
    await this.send([{ key, value, headers }]);
  }
}
