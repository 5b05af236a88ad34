import { readFileSync } from 'node:fs';
import { Kafka, KafkaConfig, Producer, RetryOptions, SASLOptions, logLevel } from 'kafkajs';
import { everyPartitionProducer } from './every-partition-producer';
import { ConfigError, KafkaPrincipal, PlatekeeperConfig, kafkaBrokers, kafkaCredentialVariables } from '@platekeeper/config';

/**
 * The one Kafka client factory: every app and tool builds its client here, authenticated as the
 * principal whose ACLs fit what it does (docs/kafka-security.md); `clientName` only labels the connection.
 */
export function createKafka(config: PlatekeeperConfig, principal: KafkaPrincipal, clientName: string = principal): Kafka {
  return new Kafka({
    clientId: `${config.KAFKA_CLIENT_ID}-${clientName}`,
    brokers: kafkaBrokers(config),
    logLevel: logLevel.WARN,
    ssl: kafkaTls(config),
    sasl: kafkaSasl(config, principal),
    retry: { ...KAFKA_CLIENT_RETRY, restartOnFailure: async () => true },
  });
}

/**
 * Every client's retries (kafkajs `retry`): 200 ms doubling to at most 1 s between two attempts (as Java clients'
 * reconnect backoff), 10 retries (about 8 s); whatever must outlast an outage loops around them (the consumer restarts,
 * `BatchConsumer.begin`, a batch delivered again, the replay's outage wait, the gateway's 503 + Retry-After).
 * kafkajs' own production cap is 30 s between attempts, so a consumer whose broker (or group coordinator) was away kept
 * waiting up to 30 s after it was back: on the loopback cluster ingest stayed 503 for 25 s after its broker returned
 * (docs/faults.md). Under jest kafkajs silently takes test defaults (1 s cap, ×1.5), which is why the suite never saw
 * it: every field is set here, so production retries as the tests do. (32 retries capped at 2 s, about a minute, kept
 * the gateway's probe waiting on one metadata request for longer than test/gateway-outage allows after a return.)
 */
export const KAFKA_CLIENT_RETRY = { initialRetryTime: 200, maxRetryTime: 1_000, retries: 10, factor: 0.2, multiplier: 2 } as const;

function kafkaTls(config: PlatekeeperConfig): KafkaConfig['ssl'] {
  if (!config.KAFKA_SSL) return undefined;
  return config.KAFKA_SSL_CA_FILE ? { ca: [readFileSync(config.KAFKA_SSL_CA_FILE, 'utf8')] } : true;
}

function kafkaSasl(config: PlatekeeperConfig, principal: KafkaPrincipal): SASLOptions | undefined {
  const mechanism = config.KAFKA_SASL_MECHANISM;
  if (mechanism === 'none') return undefined;
  const variables = kafkaCredentialVariables(principal);
  const username = config[variables.username];
  const password = config[variables.password];
  if (!username || !password) throw new ConfigError(`Invalid configuration: ${variables.password}: required for the Kafka user ${principal}`);
  return mechanism === 'plain'
    ? { mechanism, username, password }
    : { mechanism: mechanism as 'scram-sha-256' | 'scram-sha-512', username, password };
}

export function readTopics(config: PlatekeeperConfig) {
  return { raw: config.TOPIC_RAW, enriched: config.TOPIC_ENRICHED, deadLetter: config.TOPIC_DLQ };
}

/** Every topic the system provisions: the pipeline's and the hotlist alerts' (docs/hotlists.md). */
export function provisionedTopics(config: PlatekeeperConfig): string[] {
  return [...Object.values(readTopics(config)), config.TOPIC_ALERTS];
}

/** Creates the pipeline's topics (and the alerts topic) if they are missing; harmless when they exist. Needs the admin principal. */
export async function ensureReadTopics(kafka: Kafka, config: PlatekeeperConfig): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const missing = provisionedTopics(config).filter((topic) => !existing.has(topic));
    if (missing.length > 0) {
      await admin.createTopics({
        waitForLeaders: true,
        topics: missing.map((topic) => ({
          topic,
          numPartitions: config.TOPIC_PARTITIONS,
          replicationFactor: config.TOPIC_REPLICATION_FACTOR,
          configEntries: [{ name: 'min.insync.replicas', value: String(config.TOPIC_MIN_INSYNC_REPLICAS) }],
        })),
      });
    }
  } finally {
    await admin.disconnect();
  }
}

export class MissingTopicsError extends Error {}

/**
 * Services and cameras may not create topics (only the admin provisions them): they check at start that
 * theirs exist, so a missing one is one clear line instead of endless produce retries.
 */
export async function requireTopics(kafka: Kafka, topics: string[]): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    // Lists only the topics this principal may describe, so a topic it has no ACL for counts as missing.
    const visible = new Set(await admin.listTopics());
    const missing = topics.filter((topic) => !visible.has(topic));
    if (missing.length > 0) {
      throw new MissingTopicsError(
        `Kafka topic(s) ${missing.join(', ')} missing or not permitted for this principal: provision them as admin (deploy/local/stack up, docs/kafka-security.md)`,
      );
    }
  } finally {
    await admin.disconnect();
  }
}

/**
 * Every producer of the project: the current partitioner, acks awaited by callers, no surprise topics, and a send
 * that resolves only once every partition it wrote to acknowledged (everyPartitionProducer: kafkajs alone can lose a
 * partition's messages when its leader moves mid-send). `retry` replaces the client's retries for this producer (the
 * replay keeps its own, bounded wait around short ones).
 */
export function createProducer(kafka: Kafka, options: { retry?: RetryOptions } = {}): Producer {
  return everyPartitionProducer((partitioner) => kafka.producer({ createPartitioner: partitioner, allowAutoTopicCreation: false, ...options }));
}

/** The consumer fetch settings ingest and the indexer share (KAFKA_FETCH_*). */
export function consumerFetchOptions(config: PlatekeeperConfig) {
  return { maxBytes: config.KAFKA_FETCH_MAX_BYTES, maxWaitTimeInMs: config.KAFKA_FETCH_MAX_WAIT_MS, minBytes: config.KAFKA_FETCH_MIN_BYTES };
}

/** The group and shutdown timings every BatchConsumer takes from config (session, heartbeat, stall, drain). */
export function consumerTimings(config: PlatekeeperConfig) {
  return {
    sessionTimeoutMs: config.KAFKA_SESSION_TIMEOUT_MS,
    heartbeatIntervalMs: config.KAFKA_HEARTBEAT_INTERVAL_MS,
    stallMs: config.CONSUMER_STALL_MS,
    drainMs: config.SHUTDOWN_DRAIN_MS,
  };
}
