import { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { randomUUID } from 'node:crypto';
import type { Admin, Producer } from 'kafkajs';
import { Client } from '@elastic/elasticsearch';
import { EnrichedRead } from '@platekeeper/contract';
import { createElasticClient, readsIndexName } from '@platekeeper/elastic';
import { createKafka, createProducer } from '@platekeeper/kafka';
import { IndexerModule } from '../apps/indexer/src/indexer.module';
import { PlatekeeperTestStack, eventually, waitUntilConsuming } from './support/platekeeper-stack';

jest.setTimeout(240_000);

const PER_PARTITION = 10;

/**
 * The indexer gathers the reads of all its partitions into shared bulk requests (issue 10). Whatever the gathering,
 * a partition's committed offset must never pass a read Elasticsearch has not acknowledged: an indexer stopped while
 * its reads wait loses none of them, and its replacement in the same group indexes each exactly once.
 */
describe('indexer offsets with reads of every partition gathered into shared bulk requests', () => {
  const stack = new PlatekeeperTestStack();
  let indexer: INestApplication | undefined;
  let elastic: Client;
  let admin: Admin;
  let producer: Producer;
  let partitions: number[];

  beforeAll(async () => {
    // Short retries: the indexer gives up and tries again every 1.5 s while the index is blocked.
    await stack.start({ env: { INDEXER_MAX_RETRIES: '2', INDEXER_RETRY_BASE_MS: '50', INDEXER_GIVE_UP_PAUSE_MS: '1500', INDEXER_BULK_LINGER_MS: '50' } });
    await stack.stopPipeline();
    elastic = createElasticClient(stack.config);
    admin = stack.kafka.admin();
    await admin.connect();
    producer = createProducer(createKafka(stack.config, 'ingest', 'e2e-offsets'));
    await producer.connect();
    partitions = (await admin.fetchTopicOffsets(stack.config.TOPIC_ENRICHED)).map((entry) => entry.partition).sort();
  });

  afterAll(async () => {
    await indexer?.close();
    await producer?.disconnect();
    await admin?.disconnect();
    await elastic?.close();
    await stack.stop();
  });

  async function startIndexer(): Promise<string> {
    indexer = await NestFactory.create(IndexerModule.withConfig(stack.config), new FastifyAdapter(), { logger: false });
    await indexer.listen(0, '127.0.0.1');
    const url = await indexer.getUrl();
    await waitUntilConsuming(url);
    return url;
  }

  const enrichedRead = (plate: string): EnrichedRead => ({
    readId: randomUUID(), cameraId: stack.id('cam-offsets'), agencyId: stack.id('wa-offsets-pd'), agencyState: 'WA',
    capturedAt: new Date(Date.now() - 60_000).toISOString(), plate, plateFolded: plate, plateRaw: plate,
    location: { lat: 47.3, lon: -122.2 }, ingestedAt: new Date().toISOString(),
  });

  /** PER_PARTITION reads on every partition of the enriched topic. */
  async function produceOnEveryPartition(platePrefix: string): Promise<EnrichedRead[]> {
    const reads: EnrichedRead[] = [];
    for (const partition of partitions) {
      const batch = Array.from({ length: PER_PARTITION }, (_, index) => enrichedRead(`${platePrefix}${partition}${String(index).padStart(2, '0')}`));
      await producer.send({ topic: stack.config.TOPIC_ENRICHED, acks: -1, messages: batch.map((read) => ({ partition, value: JSON.stringify(read) })) });
      reads.push(...batch);
    }
    return reads;
  }

  async function endOffsets(): Promise<Map<number, number>> {
    const offsets = await admin.fetchTopicOffsets(stack.config.TOPIC_ENRICHED);
    return new Map(offsets.map((entry) => [entry.partition, Number(entry.high)]));
  }

  async function committedOffsets(): Promise<Map<number, number>> {
    const [topic] = await admin.fetchOffsets({ groupId: stack.config.INDEXER_GROUP_ID, topics: [stack.config.TOPIC_ENRICHED] });
    return new Map(topic.partitions.map((entry) => [entry.partition, Number(entry.offset)]));
  }

  async function storedCopies(reads: EnrichedRead[]): Promise<number[]> {
    await elastic.indices.refresh({ index: `${stack.config.READS_INDEX_PREFIX}-*` });
    const { aggregations } = await elastic.search({
      index: `${stack.config.READS_INDEX_PREFIX}-*`, size: 0,
      query: { terms: { readId: reads.map((read) => read.readId) } },
      aggs: { copies: { terms: { field: 'readId', size: reads.length + 10 } } },
    });
    const buckets = (aggregations?.copies as { buckets: Array<{ key: string; doc_count: number }> }).buckets;
    const copies = new Map(buckets.map((bucket) => [bucket.key, bucket.doc_count]));
    return reads.map((read) => copies.get(read.readId) ?? 0);
  }

  it('commits no partition past a read Elasticsearch has not acknowledged, and an indexer stopped meanwhile loses none', async () => {
    const healthUrl = await startIndexer();
    const first = await produceOnEveryPartition('OFA');
    const afterFirst = await endOffsets();
    await eventually(async () => ((await storedCopies(first)).every((copies) => copies === 1) ? true : undefined), 60_000, 'the first reads to be indexed');
    await eventually(async () => {
      const committed = await committedOffsets();
      return partitions.every((partition) => committed.get(partition) === afterFirst.get(partition)) ? true : undefined;
    }, 30_000, 'the first reads\' offsets to be committed');

    // Elasticsearch refuses writes to the month's index (as on a full disk): the next reads cannot be acknowledged.
    const index = readsIndexName(stack.config.READS_INDEX_PREFIX, first[0].capturedAt);
    await elastic.indices.putSettings({ index, settings: { 'index.blocks.write': true } });
    const second = await produceOnEveryPartition('OFB');
    // Until the indexer gave up on the blocked index, or moved an offset (the failure this test is for).
    await eventually(async () => {
      const response = await fetch(`${healthUrl}/health`);
      const body = (await response.json()) as { engines: { kafka: { state: string } } };
      const committed = await committedOffsets();
      const moved = partitions.some((partition) => committed.get(partition) !== afterFirst.get(partition));
      return body.engines.kafka.state === 'gave-up' || moved ? true : undefined;
    }, 60_000, 'the indexer to give up on the blocked index');
    // Several lingers, retries and rests later, no partition's offset has moved past its first unindexed read.
    for (let check = 0; check < 4; check++) {
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      const committed = await committedOffsets();
      for (const partition of partitions) expect(committed.get(partition)).toBe(afterFirst.get(partition));
    }
    expect(await storedCopies(second)).toEqual(second.map(() => 0));

    // Stopped while its reads wait; the block lifted; a replacement in the same group picks the reads up.
    await indexer!.close();
    indexer = undefined;
    await elastic.indices.putSettings({ index, settings: { 'index.blocks.write': false } });
    await startIndexer();
    const afterSecond = await endOffsets();
    await eventually(async () => ((await storedCopies(second)).every((copies) => copies === 1) ? true : undefined), 90_000, 'every read to be indexed after the restart');
    await eventually(async () => {
      const committed = await committedOffsets();
      return partitions.every((partition) => committed.get(partition) === afterSecond.get(partition)) ? true : undefined;
    }, 30_000, 'every offset to be committed after the restart');
    expect(await storedCopies([...first, ...second])).toEqual([...first, ...second].map(() => 1));
    expect(await stack.readDeadLetters(() => false, 2_000)).toEqual([]);
  });
});
