import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { Kafka, KafkaMessage, logLevel } from 'kafkajs';
import { KafkaPrincipal, PlatekeeperConfig, kafkaBrokers, loadConfig } from '@platekeeper/config';
import { createKafka, createProducer, ensureReadTopics } from '@platekeeper/kafka';

/**
 * Finding 8 on the real broker: who may write and read which topic. The run's topics carry the production
 * names as prefixes, so they fall under the same ACLs the local stack gives the production topics.
 */
const runId = `acl${Date.now().toString(36)}${randomBytes(2).toString('hex')}`;
const production = loadConfig({ ...process.env, NODE_ENV: 'test' });
const config: PlatekeeperConfig = loadConfig({
  ...process.env,
  NODE_ENV: 'test',
  TOPIC_RAW: `${production.TOPIC_RAW}.${runId}`,
  TOPIC_ENRICHED: `${production.TOPIC_ENRICHED}.${runId}`,
  TOPIC_DLQ: `${production.TOPIC_DLQ}.${runId}`,
  TOPIC_ALERTS: `${production.TOPIC_ALERTS}.${runId}`,
  INGEST_GROUP_ID: `${production.INGEST_GROUP_ID}.${runId}`,
  INDEXER_GROUP_ID: `${production.INDEXER_GROUP_ID}.${runId}`,
  ALERTS_GROUP_ID: `${production.ALERTS_GROUP_ID}.${runId}`,
});
const stackScript = resolve(__dirname, '../deploy/local/stack');

jest.setTimeout(180_000);

/** The Kafka error code behind a kafkajs failure, however deeply its retries wrapped it. */
function kafkaErrorType(error: unknown): string {
  let current = error as { type?: string; name?: string; cause?: unknown; originalError?: unknown } | undefined;
  while (current) {
    if (current.type && current.type !== 'UNKNOWN') return current.type;
    if (current.name === 'KafkaJSSASLAuthenticationError') return 'SASL_AUTHENTICATION_FAILED';
    // A SASL listener drops a client that sends requests without authenticating first.
    if (current.name === 'KafkaJSConnectionClosedError') return 'CONNECTION_CLOSED';
    current = (current.originalError ?? current.cause) as typeof current;
  }
  return `unexpected: ${String(error)}`;
}

async function deniedWith(attempt: Promise<unknown>): Promise<string> {
  try {
    await attempt;
  } catch (error) {
    return kafkaErrorType(error);
  }
  return 'ALLOWED';
}

async function produceAs(principal: KafkaPrincipal, topic: string, value: string, configuration = config): Promise<void> {
  const producer = createProducer(createKafka(configuration, principal, `acl-e2e-${principal}`));
  await producer.connect();
  try {
    await producer.send({ topic, acks: -1, messages: [{ key: runId, value }] });
  } finally {
    await producer.disconnect();
  }
}

/** Consumes `topic` in a group of this principal until a message arrives or the attempt is refused. */
async function consumeOneAs(principal: KafkaPrincipal, topic: string, groupId: string): Promise<KafkaMessage> {
  const consumer = createKafka(config, principal, `acl-e2e-${principal}`).consumer({ groupId });
  let timer: NodeJS.Timeout | undefined;
  try {
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    return await new Promise<KafkaMessage>((resolveMessage, reject) => {
      consumer.on(consumer.events.CRASH, (event) => reject(event.payload.error));
      consumer.run({ eachMessage: async ({ message }) => resolveMessage(message) }).catch(reject);
      timer = setTimeout(() => reject(new Error(`no message on ${topic} within 60 s`)), 60_000);
    });
  } finally {
    clearTimeout(timer);
    await consumer.disconnect();
  }
}

describe('Kafka authentication and ACLs', () => {
  beforeAll(async () => {
    await ensureReadTopics(createKafka(config, 'admin', 'acl-e2e-admin'), config);
  });

  afterAll(async () => {
    const admin = createKafka(config, 'admin', 'acl-e2e-admin').admin();
    await admin.connect();
    await admin.deleteTopics({ topics: [config.TOPIC_RAW, config.TOPIC_ENRICHED, config.TOPIC_DLQ, config.TOPIC_ALERTS] }).catch(() => undefined);
    await admin.disconnect();
  });

  it('refuses a client that does not authenticate, and one with a wrong password', async () => {
    const anonymous = new Kafka({ clientId: 'acl-e2e-anonymous', brokers: kafkaBrokers(config), logLevel: logLevel.NOTHING, retry: { retries: 0 } });
    const anonymousProducer = anonymous.producer();
    const anonymousAttempt = anonymousProducer.connect().then(() => anonymousProducer.send({ topic: config.TOPIC_RAW, messages: [{ value: 'x' }] }));
    expect(await deniedWith(anonymousAttempt)).toBe('CONNECTION_CLOSED');
    await anonymousProducer.disconnect().catch(() => undefined);

    const impostor = loadConfig({ ...process.env, NODE_ENV: 'test', KAFKA_CAMERA_PASSWORD: 'not-the-camera-password' });
    expect(await deniedWith(produceAs('camera', config.TOPIC_RAW, 'x', impostor))).toBe('SASL_AUTHENTICATION_FAILED');
  });

  it('lets the camera write raw reads and nothing else', async () => {
    await expect(produceAs('camera', config.TOPIC_RAW, '{"from":"camera"}')).resolves.toBeUndefined();
    expect(await deniedWith(produceAs('camera', config.TOPIC_ENRICHED, '{"forged":"enriched"}'))).toBe('TOPIC_AUTHORIZATION_FAILED');
    expect(await deniedWith(produceAs('camera', config.TOPIC_DLQ, '{"forged":"dead letter"}'))).toBe('TOPIC_AUTHORIZATION_FAILED');
  });

  it('does not let the camera read enriched reads, not even their topic\'s metadata', async () => {
    const admin = createKafka(config, 'camera', 'acl-e2e-camera').admin();
    await admin.connect();
    try {
      expect(await deniedWith(admin.fetchTopicMetadata({ topics: [config.TOPIC_ENRICHED] }))).toBe('TOPIC_AUTHORIZATION_FAILED');
    } finally {
      await admin.disconnect();
    }
    expect(await deniedWith(consumeOneAs('camera', config.TOPIC_ENRICHED, config.INDEXER_GROUP_ID))).toMatch(/^(GROUP|TOPIC)_AUTHORIZATION_FAILED$/);
  });

  it('lets only ingest write enriched reads, and the indexer read them', async () => {
    await expect(produceAs('ingest', config.TOPIC_ENRICHED, '{"from":"ingest"}')).resolves.toBeUndefined();
    await expect(produceAs('ingest', config.TOPIC_DLQ, '{"from":"ingest"}')).resolves.toBeUndefined();
    expect(await deniedWith(produceAs('indexer', config.TOPIC_ENRICHED, '{"forged":"by the indexer"}'))).toBe('TOPIC_AUTHORIZATION_FAILED');
    const read = await consumeOneAs('indexer', config.TOPIC_ENRICHED, config.INDEXER_GROUP_ID);
    expect(read.value?.toString()).toBe('{"from":"ingest"}');
  });

  it('does not let the indexer write raw reads, nor ingest impersonate a camera', async () => {
    expect(await deniedWith(produceAs('indexer', config.TOPIC_RAW, '{"forged":"raw"}'))).toBe('TOPIC_AUTHORIZATION_FAILED');
    expect(await deniedWith(produceAs('ingest', config.TOPIC_RAW, '{"forged":"raw"}'))).toBe('TOPIC_AUTHORIZATION_FAILED');
    await expect(produceAs('indexer', config.TOPIC_DLQ, '{"from":"indexer"}')).resolves.toBeUndefined();
  });

  it('lets the alerts service read enriched reads in its own group and write alerts, and nothing else', async () => {
    await expect(produceAs('ingest', config.TOPIC_ENRICHED, '{"for":"the alerts service"}')).resolves.toBeUndefined();
    const read = await consumeOneAs('alerts', config.TOPIC_ENRICHED, config.ALERTS_GROUP_ID);
    expect(read.value).not.toBeNull();
    await expect(produceAs('alerts', config.TOPIC_ALERTS, '{"alert":"raised"}')).resolves.toBeUndefined();
    expect(await deniedWith(produceAs('alerts', config.TOPIC_ENRICHED, '{"forged":"by alerts"}'))).toBe('TOPIC_AUTHORIZATION_FAILED');
    expect(await deniedWith(produceAs('alerts', config.TOPIC_RAW, '{"forged":"raw"}'))).toBe('TOPIC_AUTHORIZATION_FAILED');
    expect(await deniedWith(produceAs('camera', config.TOPIC_ALERTS, '{"forged":"alert"}'))).toBe('TOPIC_AUTHORIZATION_FAILED');
  });

  it('issues credentials to a new camera with the stack command, which write raw reads only, until revoked', async () => {
    const name = `cam-${runId}`;
    // The stack provisions the production names; the run's topics are covered by the same prefix.
    const stackEnv = { ...process.env, TOPIC_RAW: production.TOPIC_RAW, TOPIC_ENRICHED: production.TOPIC_ENRICHED, TOPIC_DLQ: production.TOPIC_DLQ };
    const { stdout } = await promisify(execFile)('bash', [stackScript, 'issue-camera', name], { env: stackEnv });
    const issued = Object.fromEntries(stdout.trim().split('\n').map((line) => line.split('=', 2)));
    expect(issued.KAFKA_CAMERA_USERNAME).toBe(name);
    const newCamera = loadConfig({ ...process.env, NODE_ENV: 'test', ...issued });
    await expect(produceAs('camera', config.TOPIC_RAW, '{"from":"the new camera"}', newCamera)).resolves.toBeUndefined();
    expect(await deniedWith(produceAs('camera', config.TOPIC_ENRICHED, '{"forged":"enriched"}', newCamera))).toBe('TOPIC_AUTHORIZATION_FAILED');

    await promisify(execFile)('bash', [stackScript, 'revoke-camera', name], { env: stackEnv });
    expect(await deniedWith(produceAs('camera', config.TOPIC_RAW, '{"from":"a revoked camera"}', newCamera))).toBe('SASL_AUTHENTICATION_FAILED');
  });
});
