import { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { randomBytes } from 'node:crypto';
import { Consumer, Kafka, KafkaMessage, Producer } from 'kafkajs';
import { DataSource } from 'typeorm';
import { Client } from '@elastic/elasticsearch';
import { PlatekeeperConfig, loadConfig } from '@platekeeper/config';
import { EnrichedRead } from '@platekeeper/contract';
import { createElasticClient, ensureReadsIndexTemplate, readDocumentId, readsIndexLayout, readsIndexName, toReadDocument } from '@platekeeper/elastic';
import { createKafka, createProducer, ensureReadTopics } from '@platekeeper/kafka';
import { dataSourceOptions, migrateDatabase } from '@platekeeper/persistence';
import { AgencyCategory, DEFAULT_SHARING_POLICY, SharingPolicy } from '@platekeeper/sharing';
import { IngestModule } from '../../apps/ingest/src/ingest.module';
import { IndexerModule } from '../../apps/indexer/src/indexer.module';
import { AlertsModule } from '../../apps/alerts/src/alerts.module';
import { createSearchApp } from '../../apps/search/src/search-app';
import { mintDevelopmentToken } from '@platekeeper/config';

/**
 * The real pipeline, in this process, on the real engines: topics, consumer groups and indices are
 * unique to the run so suites never see each other's reads.
 */
export class PlatekeeperTestStack {
  readonly runId = `e2e${Date.now().toString(36)}${randomBytes(2).toString('hex')}`;
  config: PlatekeeperConfig;
  dataSource: DataSource;
  kafka: Kafka;
  producer: Producer;
  private enrichedProducer: Producer;
  private readonly apps: INestApplication[] = [];
  searchUrls: string[] = [];

  /** Whether the pipeline includes the hotlist alerts service (suites about hotlists turn it on). */
  private withAlerts = false;

  /** `env` overrides the run's settings, e.g. the rate limits, which are off unless a suite turns them on. */
  async start(options: { searchInstances?: number; env?: Record<string, string>; alerts?: boolean } = {}): Promise<this> {
    this.withAlerts = options.alerts ?? false;
    // The production names as prefixes, so the run's topics and groups fall under the stack's Kafka ACLs.
    const production = loadConfig({ ...process.env, NODE_ENV: 'test' });
    Object.assign(process.env, {
      NODE_ENV: 'test',
      LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
      DATABASE_URL: process.env.TEST_DATABASE_URL ?? 'postgres://postgres:postgres@127.0.0.1:5432/platekeeper_test',
      TOPIC_RAW: `${production.TOPIC_RAW}.${this.runId}`,
      TOPIC_ENRICHED: `${production.TOPIC_ENRICHED}.${this.runId}`,
      TOPIC_DLQ: `${production.TOPIC_DLQ}.${this.runId}`,
      TOPIC_ALERTS: `${production.TOPIC_ALERTS}.${this.runId}`,
      ALERTS_GROUP_ID: `${production.ALERTS_GROUP_ID}.${this.runId}`,
      INGEST_GROUP_ID: `${production.INGEST_GROUP_ID}.${this.runId}`,
      INDEXER_GROUP_ID: `${production.INDEXER_GROUP_ID}.${this.runId}`,
      READS_INDEX_PREFIX: `${this.runId}-reads`,
      JWT_SECRET: 'e2e-secret',
      SEARCH_RATE_LIMIT_PER_MINUTE: '0',
      UNAUTHENTICATED_RATE_LIMIT_PER_MINUTE: '0',
      ...options.env,
    });
    this.config = loadConfig();
    await migrateDatabase(this.config);
    this.dataSource = await new DataSource(dataSourceOptions(this.config)).initialize();
    this.kafka = createKafka(this.config, 'admin', 'e2e-admin');
    await ensureReadTopics(this.kafka, this.config);
    // Raw reads come from a camera, enriched ones only ever from ingest: the suites use the same principals.
    this.producer = createProducer(createKafka(this.config, 'camera', 'e2e-camera'));
    this.enrichedProducer = createProducer(createKafka(this.config, 'ingest', 'e2e-ingest'));
    await this.producer.connect();
    await this.enrichedProducer.connect();
    await this.startPipeline();
    for (let instance = 0; instance < (options.searchInstances ?? 1); instance++) {
      const search = await createSearchApp(this.config);
      await search.listen(0, '127.0.0.1');
      this.apps.push(search);
      this.searchUrls.push(await search.getUrl());
    }
    return this;
  }

  /** The `instance`th search app, for suites that reach into it (e.g. to delay or interleave its engine calls). */
  searchApp(instance: number): INestApplication {
    return this.apps[instance];
  }

  async stop(): Promise<void> {
    await this.stopPipeline();
    for (const app of this.apps.reverse()) await app.close();
    await this.deleteRunIndices();
    await this.producer?.disconnect();
    await this.enrichedProducer?.disconnect();
    await this.dataSource?.destroy();
  }

  /** Stops every search instance as a deployment would (shutdown hooks run), then starts them again on the same ports. */
  async restartSearch(): Promise<void> {
    for (const app of this.apps) await app.close();
    for (const [instance, url] of this.searchUrls.entries()) {
      const search = await createSearchApp(this.config);
      await search.listen(Number(new URL(url).port), '127.0.0.1');
      this.apps[instance] = search;
    }
  }

  // ---- Pipeline restarts (test/redelivery): ingest and indexer stopped and started again in the same consumer groups ----

  private pipelineApps: INestApplication[] = [];

  /** Starts ingest and indexer (and alerts, when the suite asked); their consumer groups come from the run's configuration, so a restart rejoins them. */
  async startPipeline(): Promise<void> {
    if (this.pipelineApps.length > 0) throw new Error('the pipeline is already running');
    const modules = [IngestModule.withConfig(this.config), IndexerModule.withConfig(this.config)];
    if (this.withAlerts) modules.push(AlertsModule.withConfig(this.config));
    for (const module of modules) {
      const app = await NestFactory.create<NestFastifyApplication>(module, new FastifyAdapter(), { logger: ['error'] });
      await app.listen(0, '127.0.0.1');
      this.pipelineApps.push(app);
    }
    // The services answer /health before their consumers joined; suites start producing once both have.
    for (const app of this.pipelineApps) await waitUntilConsuming(await app.getUrl());
  }

  /** Stops indexer and ingest as a deployment would (shutdown hooks run, consumers leave their groups). */
  async stopPipeline(): Promise<void> {
    for (const app of this.pipelineApps.reverse()) await app.close();
    this.pipelineApps = [];
  }

  // ---- end of pipeline restarts ----

  /** Writes enriched reads straight into Elasticsearch (refreshed), for suites about search rather than the pipeline. */
  async indexReads(reads: Array<EnrichedRead>): Promise<void> {
    const operations = reads.flatMap((read) => [
      { index: { _index: readsIndexName(this.config.READS_INDEX_PREFIX, read.capturedAt), _id: readDocumentId(read) } },
      toReadDocument(read),
    ]);
    const elastic = this.elastic();
    try {
      await ensureReadsIndexTemplate(elastic, this.config.READS_INDEX_PREFIX, readsIndexLayout(this.config));
      const response = await elastic.bulk({ operations, refresh: true });
      if (response.errors) throw new Error(`bulk indexing failed: ${JSON.stringify(response.items.find((item) => item.index?.error))}`);
    } finally {
      await elastic.close();
    }
  }

  /** Reads stored in Elasticsearch for a plate, visible or not: what deletion really removed. */
  async countStoredReads(plate: string): Promise<number> {
    const elastic = this.elastic();
    try {
      await elastic.indices.refresh({ index: `${this.config.READS_INDEX_PREFIX}-*`, allow_no_indices: true });
      const { count } = await elastic.count({
        index: `${this.config.READS_INDEX_PREFIX}-*`, allow_no_indices: true, query: { term: { plate } },
      });
      return count;
    } finally {
      await elastic.close();
    }
  }

  /** The run's read indices, as Elasticsearch lists them. */
  async readIndexNames(): Promise<string[]> {
    const elastic = this.elastic();
    try {
      const indices = await elastic.cat.indices({ index: `${this.config.READS_INDEX_PREFIX}-*`, format: 'json', h: 'index' });
      return indices.map((entry) => entry.index).filter((name): name is string => typeof name === 'string');
    } finally {
      await elastic.close();
    }
  }

  private elastic(): Client {
    return createElasticClient(this.config);
  }

  private async deleteRunIndices(): Promise<void> {
    if (!this.config) return;
    const names = await this.readIndexNames();
    const elastic = this.elastic();
    try {
      if (names.length > 0) await elastic.indices.delete({ index: names.join(',') });
    } finally {
      await elastic.close();
    }
  }

  get searchUrl(): string {
    return this.searchUrls[0];
  }

  id(name: string): string {
    return `${this.runId}-${name}`;
  }

  /**
   * Suspends every agency this run registered, so its policies (a warrant window, say) no longer reach the national
   * searches of suites that run after it on the same database: a suspended owner is visible to no one.
   */
  async retireAgencies(): Promise<void> {
    await this.dataSource.query(`UPDATE agencies SET status = 'suspended' WHERE id LIKE $1`, [`${this.runId}-%`]);
  }

  async registerAgency(agency: {
    id: string; state: string; category?: AgencyCategory; sharing?: Partial<SharingPolicy>; cameras: string[];
  }): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO agencies (id, name, state, category, status, retention_days, sharing) VALUES ($1, $1, $2, $3, 'active', 30, $4)`,
      [agency.id, agency.state, agency.category ?? 'local_police', { ...DEFAULT_SHARING_POLICY, ...agency.sharing }],
    );
    for (const cameraId of agency.cameras) {
      await this.dataSource.query(`INSERT INTO cameras (id, agency_id, name, lat, lon) VALUES ($1, $2, $1, 47.3, -122.2)`, [cameraId, agency.id]);
    }
  }

  /** Jurisdiction rules are global to the database, so a suite can take a state code no agency or rule uses yet. */
  async unusedStateCode(): Promise<string> {
    const rows: Array<{ state: string }> = await this.dataSource.query('SELECT state FROM jurisdictions UNION SELECT state FROM agencies');
    const used = new Set(rows.map((row) => row.state));
    const letters = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
    const free = [...'QZ'].flatMap((first) => [...letters].map((second) => first + second)).filter((code) => !used.has(code));
    return free[Math.floor(Math.random() * free.length)];
  }

  /** Jurisdiction rules are per state and shared by every suite on the test database: start from none. */
  async clearJurisdictions(states: string[]): Promise<void> {
    await this.dataSource.query('DELETE FROM jurisdictions WHERE state = ANY($1)', [states]);
  }

  async produceRaw(values: Array<string | Buffer | object>): Promise<void> {
    await this.producer.send({
      topic: this.config.TOPIC_RAW,
      acks: -1,
      messages: values.map((value) => ({
        key: typeof value === 'object' && !Buffer.isBuffer(value) ? String((value as { cameraId?: unknown }).cameraId) : null,
        value: typeof value === 'string' || Buffer.isBuffer(value) ? value : JSON.stringify(value),
      })),
    });
  }

  async produceEnriched(values: Array<string | object>): Promise<void> {
    await this.enrichedProducer.send({
      topic: this.config.TOPIC_ENRICHED,
      acks: -1,
      messages: values.map((value) => ({ value: typeof value === 'string' ? value : JSON.stringify(value) })),
    });
  }

  token(agencyId: string, roles: string[] = ['investigator'], userId?: string): Promise<string> {
    return mintDevelopmentToken(this.config, { agencyId, roles, userId });
  }

  async request(
    method: string,
    path: string,
    options: { token?: string; body?: unknown; rawBody?: string; baseUrl?: string; headers?: Record<string, string> } = {},
  ): Promise<{ status: number; body: any; text: string; headers: Headers }> {
    const response = await fetch(`${options.baseUrl ?? this.searchUrl}${path}`, {
      method,
      headers: {
        ...(options.body !== undefined && { 'content-type': 'application/json' }),
        ...(options.token && { authorization: `Bearer ${options.token}` }),
        ...options.headers,
      },
      body: options.rawBody ?? (options.body === undefined ? undefined : JSON.stringify(options.body)),
    });
    const text = await response.text();
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      // non-JSON bodies (CSV) stay text
    }
    return { status: response.status, body, text, headers: response.headers };
  }

  /** Collects DLQ messages until `predicate` holds or the deadline passes. */
  async readDeadLetters(predicate: (messages: KafkaMessage[]) => boolean, timeoutMs = 60_000): Promise<KafkaMessage[]> {
    const consumer: Consumer = this.kafka.consumer({ groupId: `${this.runId}-dlq-reader-${Date.now()}` });
    const messages: KafkaMessage[] = [];
    await consumer.connect();
    await consumer.subscribe({ topic: this.config.TOPIC_DLQ, fromBeginning: true });
    await consumer.run({ eachMessage: async ({ message }) => void messages.push(message) });
    const deadline = Date.now() + timeoutMs;
    while (!predicate(messages) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 250));
    await consumer.disconnect();
    return messages;
  }
}

/** Waits until a service's /health says its consumer joined its group (it answers `starting` before). */
export async function waitUntilConsuming(serviceUrl: string, timeoutMs = 60_000): Promise<void> {
  await eventually(async () => {
    const response = await fetch(`${serviceUrl}/health`);
    const body = (await response.json()) as { engines?: { kafka?: { state?: string } } };
    return body.engines?.kafka?.state === 'running' ? true : undefined;
  }, timeoutMs, `${serviceUrl} to join its consumer group`);
}

/** Polls until `probe` returns a defined value, for things that become true asynchronously (indexing). */
export async function eventually<T>(probe: () => Promise<T | undefined>, timeoutMs = 60_000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
}
