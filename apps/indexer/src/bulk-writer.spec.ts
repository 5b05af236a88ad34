import { Client } from '@elastic/elasticsearch';
import { EnrichedRead } from '@platekeeper/contract';
import { BulkRetriesExhausted, acceptedCaptureWindow, parseEnrichedMessage, writeReads } from './bulk-writer';

const read = (readId: string, agencyId = 'wa-auburn-pd'): EnrichedRead => ({
  readId, cameraId: 'cam-1', agencyId, agencyState: 'WA', capturedAt: '2026-05-01T12:00:00.000Z',
  plate: 'ABC123', plateFolded: 'A8C123', plateRaw: 'ABC 123', location: { lat: 47.3, lon: -122.2 }, ingestedAt: '2026-05-01T12:00:01.000Z',
});

/** An Elasticsearch stand-in that answers each bulk call with the next scripted list of item statuses. */
function scriptedElasticsearch(answers: Array<number[] | Error>) {
  const requests: Array<Array<{ create?: { _id: string; _index: string } }>> = [];
  const client = {
    bulk: async ({ operations }: { operations: Array<{ create?: { _id: string; _index: string } }> }) => {
      requests.push(operations.filter((operation) => operation.create));
      const answer = answers.shift();
      if (answer instanceof Error) throw answer;
      return { errors: true, items: answer!.map((status) => ({ create: { status, error: status >= 300 ? { type: `status_${status}` } : undefined } })) };
    },
  };
  return { client: client as unknown as Client, requests };
}

describe('writeReads', () => {
  const fastRetry = { maxRetries: 3, baseDelayMs: 1 };

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
    expect(outcome).toEqual({ rejected: [], alreadyIndexed: 1 });
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
