import { Kafka, Partitioners, Producer, logLevel } from 'kafkajs';
import { PlatekeeperConfig, kafkaBrokers } from '@platekeeper/config';

/** The one Kafka client factory: every app and tool builds its client here. */
export function createKafka(config: PlatekeeperConfig, role: string): Kafka {
  return new Kafka({
    clientId: `${config.KAFKA_CLIENT_ID}-${role}`,
    brokers: kafkaBrokers(config),
    logLevel: logLevel.WARN,
    // A crashed consumer restarts (from its last committed offset) instead of leaving the stream stopped.
    retry: { initialRetryTime: 200, retries: 10, restartOnFailure: async () => true },
  });
}

export function readTopics(config: PlatekeeperConfig) {
  return { raw: config.TOPIC_RAW, enriched: config.TOPIC_ENRICHED, deadLetter: config.TOPIC_DLQ };
}

/** Creates the pipeline's topics if they are missing; harmless when they exist. */
export async function ensureReadTopics(kafka: Kafka, config: PlatekeeperConfig): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const missing = Object.values(readTopics(config)).filter((topic) => !existing.has(topic));
    if (missing.length > 0) {
      await admin.createTopics({
        waitForLeaders: true,
        topics: missing.map((topic) => ({ topic, numPartitions: config.TOPIC_PARTITIONS, replicationFactor: 1 })),
      });
    }
  } finally {
    await admin.disconnect();
  }
}

/** Every producer of the project: the current partitioner, acks awaited by callers, no surprise topics. */
export function createProducer(kafka: Kafka): Producer {
  return kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner, allowAutoTopicCreation: false });
}
