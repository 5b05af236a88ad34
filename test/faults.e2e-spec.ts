import { ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { PlatekeeperConfig, kafkaBrokers } from '@platekeeper/config';
import { EnrichedRead } from '@platekeeper/contract';
import { IngestModule } from '../apps/ingest/src/ingest.module';
import { IndexerModule } from '../apps/indexer/src/indexer.module';
import { createSearchApp } from '../apps/search/src/search-app';
import { PlatekeeperTestStack, eventually, waitUntilConsuming } from './support/platekeeper-stack';
import { TcpProxy } from './support/tcp-proxy';

jest.setTimeout(120_000);

const SESSION_MS = 6_000;

/**
 * The short subset of `npm run faults` (test/faults), on the shared engines: an engine is taken away from one
 * service through a local TCP proxy, never stopped. Kafka outages and kill -9 of the engines run in the fault suite,
 * on its own isolated engines.
 */
describe('faults: crash, engine loss and shutdown on one node', () => {
  const stack = new PlatekeeperTestStack();
  const apps: INestApplication[] = [];
  let elastic: TcpProxy;
  let config: PlatekeeperConfig;

  async function startService(module: 'ingest' | 'indexer', overrides: Partial<PlatekeeperConfig> = {}): Promise<{ app: INestApplication; url: string }> {
    const serviceConfig = { ...config, ...overrides } as PlatekeeperConfig;
    const root = module === 'ingest' ? IngestModule.withConfig(serviceConfig) : IndexerModule.withConfig(serviceConfig);
    const app = await NestFactory.create<NestFastifyApplication>(root, new FastifyAdapter(), { logger: ['error'] });
    await app.listen(0, '127.0.0.1');
    apps.push(app);
    return { app, url: await app.getUrl() };
  }

  async function closeService(app: INestApplication): Promise<void> {
    apps.splice(apps.indexOf(app), 1);
    await app.close();
  }

  async function timed<T>(work: () => Promise<T>): Promise<{ value: T; ms: number }> {
    const startedAt = Date.now();
    const value = await work();
    return { value, ms: Date.now() - startedAt };
  }

  async function health(url: string): Promise<{ status: number; body: any }> {
    const response = await fetch(`${url}/health`);
    return { status: response.status, body: await response.json() };
  }

  beforeAll(async () => {
    await stack.start({ env: { KAFKA_SESSION_TIMEOUT_MS: String(SESSION_MS), SHUTDOWN_DRAIN_MS: '4000', CONSUMER_STALL_MS: '8000' } });
    // This suite starts its own services, with Elasticsearch behind a proxy it can cut.
    await stack.stopPipeline();
    const target = new URL(stack.config.ELASTICSEARCH_URL);
    elastic = await new TcpProxy(target.hostname, Number(target.port)).start();
    config = { ...stack.config, ELASTICSEARCH_URL: elastic.url };
  });

  afterAll(async () => {
    for (const app of apps.reverse()) await app.close();
    await elastic?.stop();
    await stack.stop();
  });

  it('answers /health (starting) at once after a kill -9, while the dead member still holds the group, and rejoins within its session', async () => {
    const dead = await joinThenKill(stack.config, stack.config.INGEST_GROUP_ID, stack.config.TOPIC_RAW);
    const killedAt = Date.now();
    const { value: ingest, ms: readyMs } = await timed(() => startService('ingest'));
    const first = await health(ingest.url);
    // Before, /health was not even listening until the consumer had joined: the dead member's whole session.
    expect(readyMs).toBeLessThan(3_000);
    expect(first.status).toBe(503);
    expect(first.body).toMatchObject({ status: 'starting', engines: { kafka: { state: 'starting' } } });
    await waitUntilConsuming(ingest.url, SESSION_MS + 10_000);
    expect(Date.now() - killedAt).toBeLessThan(SESSION_MS + 10_000);
    expect(dead.exitCode ?? dead.signalCode).toBe('SIGKILL');
    await closeService(ingest.app);
  });

  it('refuses searches and answers /health in under a second while Elasticsearch is hung or dead, and heals when it is back', async () => {
    const search = await createSearchApp(config);
    await search.listen(0, '127.0.0.1');
    apps.push(search);
    const searchUrl = await search.getUrl();
    const agency = stack.id('fast-fail-pd');
    await stack.registerAgency({ id: agency, state: await stack.unusedStateCode(), cameras: [] });
    const token = await stack.token(agency);
    const searchOnce = () =>
      timed(() => stack.request('POST', '/v1/searches', {
        baseUrl: searchUrl, token, body: { purpose: 'criminal_investigation', caseNumber: 'F-1', reason: 'fault drill', plate: 'FLT0001' },
      }));
    expect((await searchOnce()).value.status).toBe(200);

    for (const fault of ['blackhole', 'refuse'] as const) {
      await elastic[fault]();
      // Notice (ENGINE_PROBE_*): a refused probe at once, a hung engine after two probes in a row went unanswered (one
      // alone is a loaded machine's hiccup), so two intervals and a timeout; then every caller is answered at once.
      await new Promise((resolve) => setTimeout(resolve, 2 * config.ENGINE_PROBE_INTERVAL_MS + config.ENGINE_PROBE_TIMEOUT_MS + 500));
      const refused = await searchOnce();
      expect({ fault, status: refused.value.status, code: refused.value.body.code }).toEqual({ fault, status: 503, code: 'ENGINE.UNAVAILABLE' });
      expect(refused.ms).toBeLessThan(1_000);
      const { value: searchHealth, ms: healthMs } = await timed(() => health(searchUrl));
      expect(searchHealth).toMatchObject({ status: 503, body: { engines: { elasticsearch: 'down' } } });
      expect(healthMs).toBeLessThan(1_000);
      await elastic.restore();
      await eventually(async () => ((await searchOnce()).value.status === 200 ? true : undefined), 15_000, 'searches to answer again');
    }
  });

  it('keeps its group membership through bulk retries longer than the session, stops within the drain time on SIGTERM without committing unindexed reads, and a new instance indexes them exactly once', async () => {
    const indexer = await startService('indexer', { INDEXER_MAX_RETRIES: 1_000, INDEXER_RETRY_BASE_MS: 200 });
    await waitUntilConsuming(indexer.url);
    const admin = stack.kafka.admin();
    await admin.connect();
    try {
      const membersBefore = await groupMembers(admin, config.INDEXER_GROUP_ID);
      expect(membersBefore).toHaveLength(1);
      await elastic.blackhole();
      const plate = `HB${randomUUID().slice(0, 6).toUpperCase()}`;
      const reads = Array.from({ length: 20 }, () => enrichedRead(stack.id('hb-pd'), plate));
      await stack.produceEnriched(reads);
      // Three sessions of Elasticsearch not answering: the indexer retries and keeps heartbeating, so it is never evicted.
      await new Promise((resolve) => setTimeout(resolve, 3 * SESSION_MS));
      expect(await groupMembers(admin, config.INDEXER_GROUP_ID)).toEqual(membersBefore);
      const during = await health(indexer.url);
      // Still in its group (heartbeats), but honest: its batch has waited on Elasticsearch longer than CONSUMER_STALL_MS.
      expect(during).toMatchObject({ status: 503, body: { engines: { elasticsearch: 'down', kafka: { state: 'held-up' } } } });

      // SIGTERM (Nest's shutdown hook closes the app): retries stop, the batch stays uncommitted, the member leaves.
      const { ms: stopMs } = await timed(() => closeService(indexer.app));
      expect(stopMs).toBeLessThan(config.SHUTDOWN_DRAIN_MS + 3_000);
      expect(await groupMembers(admin, config.INDEXER_GROUP_ID)).toEqual([]);
      const [committed] = await admin.fetchOffsets({ groupId: config.INDEXER_GROUP_ID, topics: [config.TOPIC_ENRICHED] });
      const ends = await admin.fetchTopicOffsets(config.TOPIC_ENRICHED);
      const uncommitted = committed.partitions.reduce((sum, partition) => {
        const end = Number(ends.find((entry) => entry.partition === partition.partition)!.high);
        return sum + end - Math.max(0, Number(partition.offset));
      }, 0);
      expect(uncommitted).toBeGreaterThanOrEqual(reads.length);

      await elastic.restore();
      const replacement = await startService('indexer');
      await waitUntilConsuming(replacement.url, 15_000);
      await eventually(async () => ((await stack.countStoredReads(plate)) === reads.length ? true : undefined), 30_000, 'every read indexed');
      expect(await stack.countStoredReads(plate)).toBe(reads.length);
    } finally {
      await admin.disconnect();
    }
  });
});

function enrichedRead(agencyId: string, plate: string): EnrichedRead {
  return {
    readId: randomUUID(), cameraId: `${agencyId}-cam`, agencyId, agencyState: 'WA', capturedAt: new Date().toISOString(),
    plate, plateFolded: plate, plateRaw: plate, location: { lat: 47.3, lon: -122.2 }, ingestedAt: new Date().toISOString(),
  };
}

async function groupMembers(admin: ReturnType<PlatekeeperTestStack['kafka']['admin']>, groupId: string): Promise<string[]> {
  const { groups } = await admin.describeGroups([groupId]);
  return groups[0].members.map((member) => member.memberId).sort();
}

/** A group member in its own process, killed with SIGKILL once it joined: it never leaves, its session has to expire. */
async function joinThenKill(config: PlatekeeperConfig, groupId: string, topic: string): Promise<ChildProcess> {
  const script = `
    const { Kafka, logLevel } = require('kafkajs');
    const kafka = new Kafka({ clientId: 'dead-member', brokers: ${JSON.stringify(kafkaBrokers(config))}, logLevel: logLevel.NOTHING,
      sasl: ${config.KAFKA_SASL_MECHANISM === 'none' ? 'undefined' : JSON.stringify({ mechanism: config.KAFKA_SASL_MECHANISM, username: config.KAFKA_INGEST_USERNAME, password: config.KAFKA_INGEST_PASSWORD })} });
    const consumer = kafka.consumer({ groupId: ${JSON.stringify(groupId)}, sessionTimeout: ${SESSION_MS}, heartbeatInterval: 1000 });
    consumer.on(consumer.events.GROUP_JOIN, () => process.stdout.write('joined\\n'));
    (async () => {
      await consumer.connect();
      await consumer.subscribe({ topic: ${JSON.stringify(topic)}, fromBeginning: true });
      await consumer.run({ eachMessage: async () => new Promise(() => undefined) });
    })();`;
  const child = spawn(process.execPath, ['-e', script], { cwd: process.cwd(), stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the doomed member did not join within 30 s')), 30_000);
    child.stdout!.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('joined')) {
        clearTimeout(timer);
        resolve();
      }
    });
  });
  child.kill('SIGKILL');
  await new Promise((resolve) => child.once('exit', resolve));
  return child;
}
