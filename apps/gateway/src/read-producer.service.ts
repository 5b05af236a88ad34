import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { IHeaders, Kafka, Message, Producer } from 'kafkajs';
import { PLATEKEEPER_CONFIG, PlatekeeperConfig } from '@platekeeper/config';
import { createKafka, createProducer, readTopics, requireTopics } from '@platekeeper/kafka';
import { GatewayError } from './gateway-error';

/**
 * The gateway's one producer, as the Kafka principal `camera` (it may write only the raw topic). `send` resolves
 * only once every replica acknowledged (acks = -1); a send that fails or outlasts GATEWAY_PRODUCE_TIMEOUT_MS is a
 * 503, and more than GATEWAY_MAX_IN_FLIGHT waiting sends a 429, so a slow broker never makes the gateway buffer
 * without bound.
 */
@Injectable()
export class ReadProducer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(ReadProducer.name);
  private readonly kafka: Kafka;
  private readonly topic: string;
  private producer: Producer;
  private inFlight = 0;
  private connected = false;

  constructor(@Inject(PLATEKEEPER_CONFIG) private readonly config: PlatekeeperConfig) {
    this.kafka = createKafka(config, 'camera', 'gateway');
    this.topic = readTopics(config).raw;
  }

  async onApplicationBootstrap(): Promise<void> {
    await requireTopics(this.kafka, [this.topic]);
    this.producer = createProducer(this.kafka);
    this.producer.on(this.producer.events.CONNECT, () => (this.connected = true));
    this.producer.on(this.producer.events.DISCONNECT, () => (this.connected = false));
    await this.producer.connect();
    this.logger.log(`producing camera reads to ${this.topic} as the Kafka user camera`);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.producer?.disconnect();
  }

  get healthy(): boolean {
    return this.connected;
  }

  async send(messages: Message[]): Promise<void> {
    if (this.inFlight >= this.config.GATEWAY_MAX_IN_FLIGHT) {
      throw new GatewayError('GATEWAY.BUSY', ['too many requests are waiting for Kafka; retry after the Retry-After delay']);
    }
    this.inFlight++;
    let timer: NodeJS.Timeout | undefined;
    try {
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error('timed out')), this.config.GATEWAY_PRODUCE_TIMEOUT_MS);
      });
      await Promise.race([this.producer.send({ topic: this.topic, acks: -1, messages }), timeout]);
    } catch (error) {
      this.logger.warn(`raw topic not acknowledging: ${error instanceof Error ? error.message : String(error)}`);
      throw new GatewayError('GATEWAY.KAFKA_UNAVAILABLE', ['the read store is not acknowledging; nothing was accepted, retry after the Retry-After delay']);
    } finally {
      clearTimeout(timer);
      this.inFlight--;
    }
  }

  /** A refused payload's original bytes travel to ingest, which dead-letters them with the gateway's reason. */
  async deadLetter(key: string, value: Buffer, headers: IHeaders): Promise<void> {
    await this.send([{ key, value, headers }]);
  }
}
