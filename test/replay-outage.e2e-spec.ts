import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { Kafka } from 'kafkajs';
import { PlatekeeperConfig, loadConfig } from '@platekeeper/config';
import { createElasticClient } from '@platekeeper/elastic';
import { createKafka, ensureReadTopics } from '@platekeeper/kafka';
import { migrateDatabase } from '@platekeeper/persistence';
import { IngestModule } from '../apps/ingest/src/ingest.module';
import { IndexerModule } from '../apps/indexer/src/indexer.module';
import { replayReads } from '../apps/cli/src/replay';
import { ReplayInterrupted } from '../apps/cli/src/replay-resilience';
import { IsolatedKafka } from './support/isolated-kafka';
import { eventually, waitUntilConsuming } from './support/platekeeper-stack';

jest.setTimeout(240_000);

const LINES = 1_500;
/** A replay that fell behind its rate sends what is due at once, up to this many lines in one batch. */
const BATCH = 50;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const STALL_MS = 3_000;

/**
 * One Kafka outage on a broker of the suite's own (port 41080; the shared broker is never touched), first frozen
 * (SIGSTOP: a send in flight is never answered, as kafkajs leaves one for ~100 s after a SIGKILL), then killed with
 * SIGKILL and started again. Through it: a replay bounded shorter than the outage stops within its bound saying how
 * many lines were acknowledged, and `resume` sends exactly the rest; one bounded longer waits it out; ingest's and the
 * indexer's /health say 503 while Kafka is away and 200 once it is back.
 */
describe('a Kafka outage: the replay and the services reading Kafka', () => {
  const kafka = new IsolatedKafka(41080);
  const folder = mkdtempSync(join(tmpdir(), 'platekeeper-replay-outage-'));
  const runId = `outage${Date.now().toString(36)}`;
  const services: INestApplication[] = [];
  let serviceUrls: string[];
  let config: PlatekeeperConfig;
  let admin: ReturnType<Kafka['admin']>;

  const file = (name: string) => {
    const path = join(folder, `${name}.ndjson`);
    const lines = Array.from({ length: LINES }, (_, index) => JSON.stringify({ source: name, line: index, cameraId: `cam-${index % 7}`, plate: `OUT${index}` }));
    writeFileSync(path, `${lines.join('\n')}\n`);
    return path;
  };

  const health = (url: string) => fetch(`${url}/health`).then(async (response) => ({ status: response.status, body: (await response.json()) as any }));

  /** Every message of the topic: the file and line number each carries. */
  async function linesIn(topic: string): Promise<Array<{ source: string; line: number }>> {
    const offsets = await admin.fetchTopicOffsets(topic);
    const total = offsets.reduce((sum, partition) => sum + Number(partition.high), 0);
    const consumer = createKafka(config, 'admin', 'outage-reader').consumer({ groupId: `reader-${topic}-${Date.now()}` });
    const lines: Array<{ source: string; line: number }> = [];
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({ eachMessage: async ({ message }) => void lines.push(JSON.parse(message.value!.toString())) });
    const deadline = Date.now() + 60_000;
    while (lines.length < total && Date.now() < deadline) await sleep(200);
    await consumer.disconnect();
    return lines;
  }

  beforeAll(async () => {
    await kafka.start();
    config = loadConfig({
      ...process.env, NODE_ENV: 'test', LOG_LEVEL: 'error', KAFKA_BROKERS: kafka.brokers, KAFKA_SASL_MECHANISM: 'none', JWT_SECRET: 'e2e-secret',
      DATABASE_URL: process.env.TEST_DATABASE_URL ?? 'postgres://postgres:postgres@127.0.0.1:5432/platekeeper_test',
      READS_INDEX_PREFIX: `${runId}-reads`, CONSUMER_STALL_MS: String(STALL_MS), KAFKA_SESSION_TIMEOUT_MS: '6000',
    });
    admin = createKafka(config, 'admin', 'outage-admin').admin();
    await admin.connect();
    await migrateDatabase(config);
    await ensureReadTopics(createKafka(config, 'admin', 'outage-provisioning'), config);
    for (const module of [IngestModule.withConfig(config), IndexerModule.withConfig(config)]) {
      const app = await NestFactory.create<NestFastifyApplication>(module, new FastifyAdapter(), { logger: ['error'] });
      await app.listen(0, '127.0.0.1');
      services.push(app);
    }
    serviceUrls = await Promise.all(services.map((app) => app.getUrl()));
    for (const url of serviceUrls) await waitUntilConsuming(url);
  });

  afterAll(async () => {
    for (const app of services.reverse()) await app.close().catch(() => undefined);
    await admin?.disconnect().catch(() => undefined);
    await kafka.stop();
    const elastic = createElasticClient(config);
    await elastic.indices.deleteIndexTemplate({ name: `${runId}-reads-template` }).catch(() => undefined);
    await elastic.close();
  });

  it('a replay bounded shorter than the outage stops with its acknowledged count and resumes exactly the rest, one bounded longer waits it out, and ingest and indexer are unhealthy while it lasts', async () => {
    const topic = 'replay-outage';
    await admin.createTopics({ waitForLeaders: true, topics: [{ topic, numPartitions: 3, replicationFactor: 1 }] });
    await admin.disconnect();
    const bounded = file('bounded');
    const patient = file('patient');
    const stopping = replayReads(config, { file: bounded, topic, ratePerSecond: 300, batchSize: BATCH, progress: false, outageTimeoutMs: 3_000 });
    const waiting = replayReads(config, { file: patient, topic, ratePerSecond: 300, batchSize: BATCH, progress: false, outageTimeoutMs: 120_000, sendTimeoutMs: 2_000 });
    await sleep(1_500);
    kafka.freeze();
    const frozenAt = Date.now();
    const outcome = await Promise.race([
      stopping.then(() => 'resolved although Kafka was away longer than its bound', (error: unknown) => error),
      sleep(8_000).then(() => 'still waiting 8 s into an outage it was told to wait out for 3 s'),
    ]);
    await kafka.kill();
    expect(outcome).toBeInstanceOf(ReplayInterrupted);
    const acknowledged = (outcome as ReplayInterrupted).acknowledgedLines;
    expect(acknowledged).toBeGreaterThan(0);
    expect(acknowledged).toBeLessThan(LINES);
    expect(JSON.parse(readFileSync(`${bounded}.replay-checkpoint.json`, 'utf8'))).toMatchObject({ file: bounded, acknowledgedLines: acknowledged });

    // Before, ingest and the indexer said ok through a Kafka outage.
    for (const url of serviceUrls) {
      const away = await eventually(async () => {
        const answer = await health(url);
        return answer.status === 503 ? answer : undefined;
      }, STALL_MS + 10_000, `${url} to say Kafka is away`);
      expect(['stalled', 'crashed', 'starting']).toContain(away.body.engines.kafka.state);
    }
    expect(Date.now() - frozenAt).toBeLessThan(STALL_MS + 10_000);

    await kafka.start();
    const restartedAt = Date.now();
    expect((await waiting).acknowledgedLines).toBe(LINES);
    // Its next attempt (at most 10 s apart) goes through a fresh client, not one still in its own reconnect backoff.
    expect(Date.now() - restartedAt).toBeLessThan(20_000);
    for (const url of serviceUrls) await waitUntilConsuming(url, 60_000);
    for (const url of serviceUrls) expect((await health(url)).status).toBe(200);
    const resumed = await replayReads(config, { file: bounded, topic, progress: false, resume: true });
    expect(resumed).toMatchObject({ resumedAfter: acknowledged, produced: LINES - acknowledged, acknowledgedLines: LINES });

    await admin.connect();
    const lines = await linesIn(topic);
    for (const source of ['bounded', 'patient']) {
      const sent = lines.filter((line) => line.source === source);
      expect(new Set(sent.map((line) => line.line)).size).toBe(LINES);
      // Only the batch in flight when Kafka froze can be there more than once (written by the broker, never acknowledged
      // to the replay, so sent again): harmless downstream, as a read keeps its id.
      const seen = new Set<number>();
      const repeated = new Set(sent.filter(({ line }) => seen.has(line) || !seen.add(line)).map(({ line }) => line));
      expect(repeated.size).toBeLessThanOrEqual(BATCH);
    }
  });
});
