import { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { randomUUID } from 'node:crypto';
import { Client } from '@elastic/elasticsearch';
import { EnrichedRead } from '@platekeeper/contract';
import { createElasticClient, readsIndexName } from '@platekeeper/elastic';
import { IndexerModule } from '../apps/indexer/src/indexer.module';
import { PlatekeeperTestStack, eventually } from './support/platekeeper-stack';

jest.setTimeout(180_000);

/** Longer than the test waits after lifting the block: the read must be indexed because the block was lifted, not because the rest ran out. */
const GIVE_UP_PAUSE_MS = 120_000;

/**
 * An index that cannot take writes (here blocked for writes, as Elasticsearch does on a full disk) is not a malformed
 * document: the indexer retries, gives up for a while and says so on /health, and indexes the read within seconds of
 * the block being lifted (it checks for the block while it rests). Nothing is dead-lettered, and the indexer never crashes.
 */
describe('indexer facing an index blocked for writes, on the real engines', () => {
  const stack = new PlatekeeperTestStack();
  let indexer: INestApplication;
  let indexerUrl: string;
  let elastic: Client;

  beforeAll(async () => {
    await stack.start({ env: { INDEXER_MAX_RETRIES: '2', INDEXER_RETRY_BASE_MS: '50', INDEXER_GIVE_UP_PAUSE_MS: String(GIVE_UP_PAUSE_MS) } });
    // This suite watches its own indexer's /health.
    await stack.stopPipeline();
    indexer = await NestFactory.create(IndexerModule.withConfig(stack.config), new FastifyAdapter(), { logger: false });
    await indexer.listen(0, '127.0.0.1');
    indexerUrl = await indexer.getUrl();
    elastic = createElasticClient(stack.config);
  });

  afterAll(async () => {
    await indexer?.close();
    await elastic?.close();
    await stack.stop();
  });

  async function health(): Promise<{ status: number; body: { status: string; engines: { kafka: { state: string; lastError?: string } } } }> {
    const response = await fetch(`${indexerUrl}/health`);
    return { status: response.status, body: (await response.json()) as Awaited<ReturnType<typeof health>>['body'] };
  }

  it('reports gave-up on /health while the index is blocked, dead-letters nothing, and indexes the read within seconds of the block being lifted', async () => {
    const capturedAt = new Date(Date.now() - 60_000).toISOString();
    const index = readsIndexName(stack.config.READS_INDEX_PREFIX, capturedAt);
    await elastic.indices.create({ index });
    await elastic.indices.putSettings({ index, settings: { 'index.blocks.write': true } });
    const read: EnrichedRead = {
      readId: randomUUID(), cameraId: stack.id('cam-blocked'), agencyId: stack.id('wa-blocked-pd'), agencyState: 'WA', capturedAt,
      plate: 'BLK0001', plateFolded: '8LK0001', plateRaw: 'BLK 0001', location: { lat: 47.3, lon: -122.2 }, ingestedAt: new Date().toISOString(),
    };
    await stack.produceEnriched([read]);

    const gaveUp = await eventually(async () => {
      const answer = await health();
      return answer.body.engines.kafka.state === 'gave-up' ? answer : undefined;
    }, 60_000, 'the indexer to report gave-up');
    expect(gaveUp.status).toBe(503);
    expect(gaveUp.body.status).toBe('unavailable');
    expect(gaveUp.body.engines.kafka.lastError).toMatch(/cluster_block_exception/);

    // Resting now (a gave-up batch is retried after GIVE_UP_PAUSE_MS): lifting the block must end the rest.
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    await elastic.indices.putSettings({ index, settings: { 'index.blocks.write': false } });
    const liftedAt = Date.now();
    const stored = await eventually(async () => {
      await elastic.indices.refresh({ index });
      const { count } = await elastic.count({ index, query: { term: { readId: read.readId } } });
      return count === 1 ? count : undefined;
    }, 20_000, 'the read to be indexed within 20 s of the block being lifted');
    expect(stored).toBe(1);
    expect(Date.now() - liftedAt).toBeLessThan(20_000);
    const recovered = await eventually(async () => {
      const answer = await health();
      return answer.status === 200 ? answer : undefined;
    }, 30_000, 'the indexer to report healthy again');
    expect(recovered.body.engines.kafka.state).toBe('running');
    expect(await stack.readDeadLetters(() => false, 3_000)).toEqual([]);
  });
});
