import { Client } from '@elastic/elasticsearch';
import { EnrichedRead } from '@platekeeper/contract';
import { BulkRetriesExhausted, acceptedCaptureWindow, classifyBulkItem, parseEnrichedMessage, writeReads } from './bulk-writer';

const read = (readId: string, agencyId = 'wa-auburn-pd'): EnrichedRead => ({
  readId, cameraId: 'cam-1', agencyId, agencyState: 'WA', capturedAt: '2026-05-01T12:00:00.000Z',
  plate: 'ABC123', plateFolded: 'A8C123', plateRaw: 'ABC 123', location: { lat: 47.3, lon: -122.2 }, ingestedAt: '2026-05-01T12:00:01.000Z',
});

/** An Elasticsearch stand-in that answers each bulk call with the next scripted list of item statuses. */
function scriptedElasticsearch(answers: Array<Array<number | { status: number; type: string }> | Error>) {
  const requests: Array<Array<{ create?: { _id: string; _index: string } }>> = [];
  const documents: Array<Record<string, unknown>> = [];
  const client = {
    bulk: async ({ operations }: { operations: string[] }) => {
      // Each entry is an action line and its document line, serialised.
      requests.push(operations.map((lines) => JSON.parse(lines.split('\n')[0])));
      documents.push(...operations.map((lines) => JSON.parse(lines.split('\n')[1])));
      const answer = answers.shift();
      if (answer instanceof Error) throw answer;
      const item = (entry: number | { status: number; type: string }) =>
        typeof entry === 'number'
          ? { status: entry, error: entry >= 300 ? { type: `status_${entry}` } : undefined }
          : { status: entry.status, error: { type: entry.type, reason: `${entry.type} reason` } };
      return { errors: true, items: answer!.map((entry) => ({ create: item(entry) })) };
    },
  };
  return { client: client as unknown as Client, requests, documents };
}

describe('writeReads', () => {
  const fastRetry = { maxRetries: 3, baseDelayMs: 1 };

  it('stores a whole read with its plate grams, and a document given serialised exactly as given', async () => {
    const elastic = scriptedElasticsearch([[201, 201]]);
    const given = '{"readId":"b","agencyId":"wa-auburn-pd","plate":"XYZ9","plateGrams":["^XY"]}';
    await writeReads(elastic.client, 'alpr-reads', [
      { position: 0, read: read('a') },
      { position: 1, read: { agencyId: 'wa-auburn-pd', readId: 'b', capturedAt: '2026-06-01T00:00:00.000Z' }, document: given },
    ], fastRetry);
    expect(elastic.requests[0].map((operation) => operation.create)).toEqual([
      { _index: 'alpr-reads-2026.05', _id: 'wa-auburn-pd:a' },
      { _index: 'alpr-reads-2026.06', _id: 'wa-auburn-pd:b' },
    ]);
    expect(elastic.documents).toEqual([{ ...read('a'), plateGrams: ['^AB', 'ABC', 'BC1', 'C12', '123', '23$'] }, JSON.parse(given)]);
  });

  it('retries only the documents Elasticsearch pushed back on, and reports the ones it rejected as malformed', async () => {
    const elastic = scriptedElasticsearch([[201, 429, 400, 503], [200, 201]]);
    const outcome = await writeReads(elastic.client, 'alpr-reads', ['a', 'b', 'c', 'd'].map((id, position) => ({ position, read: read(id) })), fastRetry);
    expect(outcome.rejected).toEqual([{ position: 2, status: 400, detail: JSON.stringify({ type: 'status_400' }) }]);
    expect(elastic.requests.map((request) => request.map((operation) => operation.create!._id.split(':')[1]))).toEqual([['a', 'b', 'c', 'd'], ['b', 'd']]);
  });

  it('creates each read under its owner-scoped readId in the monthly index of its capture time, never overwriting one', async () => {
    const elastic = scriptedElasticsearch([[201, 201]]);
    await writeReads(elastic.client, 'alpr-reads', [{ position: 0, read: read('r-1') }, { position: 1, read: read('r-1', 'wa-kent-pd') }], fastRetry);
    expect(elastic.requests[0].map((operation) => operation.create)).toEqual([
      { _index: 'alpr-reads-2026.05', _id: 'wa-auburn-pd:r-1' },
      { _index: 'alpr-reads-2026.05', _id: 'wa-kent-pd:r-1' },
    ]);
  });

  it('takes a version conflict for a read already indexed, neither retried nor rejected', async () => {
    const elastic = scriptedElasticsearch([[409, 201]]);
    const outcome = await writeReads(elastic.client, 'alpr-reads', [{ position: 0, read: read('r-4') }, { position: 1, read: read('r-5') }], fastRetry);
    expect(outcome).toEqual({ rejected: [], alreadyIndexed: [0] });
    expect(elastic.requests).toHaveLength(1);
  });

  it('rides out a failed request with backoff, telling the caller each time so it can pause the partition', async () => {
    const elastic = scriptedElasticsearch([new Error('connection refused'), [201]]);
    const retries: number[] = [];
    await writeReads(elastic.client, 'alpr-reads', [{ position: 0, read: read('r-2') }], { ...fastRetry, onRetry: (attempt) => void retries.push(attempt) });
    expect(retries).toEqual([1]);
    expect(elastic.requests).toHaveLength(2);
  });

  it('gives up after the configured retries without claiming the reads were written', async () => {
    const elastic = scriptedElasticsearch([[429], [429], [429], [429]]);
    await expect(writeReads(elastic.client, 'alpr-reads', [{ position: 0, read: read('r-3') }], fastRetry)).rejects.toThrow(BulkRetriesExhausted);
  });
});

describe('bulk failures judged by error type', () => {
  const fastRetry = { maxRetries: 3, baseDelayMs: 1 };
  const writeBlocked = { status: 403, type: 'cluster_block_exception' };

  it('waits out an index blocked for writes instead of dead-lettering its reads, pausing the partition meanwhile', async () => {
    const elastic = scriptedElasticsearch([[writeBlocked, 201], [writeBlocked], [201]]);
    const retries: number[] = [];
    const outcome = await writeReads(
      elastic.client, 'alpr-reads', [{ position: 0, read: read('blocked') }, { position: 1, read: read('fine') }],
      { ...fastRetry, onRetry: (attempt) => void retries.push(attempt) },
    );
    expect(outcome).toEqual({ rejected: [], alreadyIndexed: [] });
    expect(retries).toEqual([1, 2]);
    expect(elastic.requests.map((request) => request.map((operation) => operation.create!._id.split(':')[1]))).toEqual([['blocked', 'fine'], ['blocked'], ['blocked']]);
  });

  it('dead-letters a document the strict mapping refuses, at once and without retrying it', async () => {
    const elastic = scriptedElasticsearch([[{ status: 400, type: 'strict_dynamic_mapping_exception' }, { status: 400, type: 'document_parsing_exception' }, 201]]);
    const outcome = await writeReads(elastic.client, 'alpr-reads', ['x', 'y', 'z'].map((id, position) => ({ position, read: read(id) })), fastRetry);
    expect(outcome.rejected.map((rejection) => [rejection.position, rejection.status, JSON.parse(rejection.detail).type])).toEqual([
      [0, 400, 'strict_dynamic_mapping_exception'],
      [1, 400, 'document_parsing_exception'],
    ]);
    expect(elastic.requests).toHaveLength(1);
  });

  it('gives up on an index that stays blocked, naming the block, without dead-lettering anything', async () => {
    const elastic = scriptedElasticsearch([[writeBlocked], [writeBlocked], [writeBlocked], [writeBlocked]]);
    await expect(writeReads(elastic.client, 'alpr-reads', [{ position: 0, read: read('stuck') }], fastRetry)).rejects.toThrow(
      /1 reads still unacknowledged after 3 retries; last: status 403 cluster_block_exception/,
    );
  });

  it.each([
    [{ status: 201 }, 'created'],
    [{ status: 409, error: { type: 'version_conflict_engine_exception' } }, 'already-indexed'],
    [{ status: 403, error: { type: 'cluster_block_exception' } }, 'retry'],
    [{ status: 429, error: { type: 'cluster_block_exception' } }, 'retry'],
    [{ status: 400, error: { type: 'index_closed_exception' } }, 'retry'],
    [{ status: 404, error: { type: 'index_not_found_exception' } }, 'retry'],
    [{ status: 429, error: { type: 'es_rejected_execution_exception' } }, 'retry'],
    [{ status: 503, error: { type: 'unavailable_shards_exception' } }, 'retry'],
    [{ status: 500, error: { type: 'something_new' } }, 'retry'],
    [{ status: 400, error: { type: 'mapper_parsing_exception' } }, 'reject'],
    [{ status: 400, error: { type: 'illegal_argument_exception' } }, 'reject'],
  ])('judges %j as %s', (item, verdict) => {
    expect(classifyBulkItem(item)).toBe(verdict);
  });
});

describe('parseEnrichedMessage', () => {
  const now = new Date('2026-05-15T00:00:00Z');
  const window = acceptedCaptureWindow(now, 3650);
  const message = (document: object) => Buffer.from(JSON.stringify(document));

  it('dead-letters a message without a readId, an owner or a capture date instead of failing the batch', () => {
    expect(parseEnrichedMessage(Buffer.from('{"plate":"X"}'), window)).toMatchObject({ ok: false, reason: { code: 'READ.INDEX_REJECTED' } });
    expect(parseEnrichedMessage(message({ ...read('r'), agencyId: undefined }), window)).toMatchObject({ ok: false, reason: { code: 'READ.INDEX_REJECTED' } });
    expect(parseEnrichedMessage(Buffer.from('not json'), window)).toMatchObject({ ok: false, reason: { code: 'READ.INVALID_JSON' } });
    expect(parseEnrichedMessage(message(read('ok')), window)).toMatchObject({ ok: true });
  });

  it('refuses an owner id that would make the document id ambiguous', () => {
    expect(parseEnrichedMessage(message(read('x', 'a:b')), window)).toMatchObject({ ok: false, reason: { code: 'READ.INDEX_REJECTED' } });
  });

  it('dead-letters reads captured before READS_MAX_AGE_DAYS or more than a day ahead, so they can create no index', () => {
    const capturedAt = (iso: string) => message({ ...read('t'), capturedAt: iso });
    expect(parseEnrichedMessage(capturedAt('2001-01-15T10:00:00Z'), window)).toMatchObject({ ok: false, reason: { code: 'READ.TOO_OLD' } });
    expect(parseEnrichedMessage(capturedAt('2016-05-20T00:00:00Z'), window)).toMatchObject({ ok: true });
    expect(parseEnrichedMessage(capturedAt('2026-05-15T23:00:00Z'), window)).toMatchObject({ ok: true });
    expect(parseEnrichedMessage(capturedAt('2026-05-16T01:00:00Z'), window)).toMatchObject({ ok: false, reason: { code: 'READ.INDEX_REJECTED' } });
    expect(parseEnrichedMessage(capturedAt('2026-04-01T00:00:00Z'), acceptedCaptureWindow(now, 30))).toMatchObject({
      ok: false, reason: { code: 'READ.TOO_OLD' },
    });
  });
});
