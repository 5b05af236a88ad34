import { Client } from '@elastic/elasticsearch';
import { EnrichedRead } from '@platekeeper/contract';
import { BulkRetriesExhausted, parseEnrichedMessage, writeReads } from './bulk-writer';

const read = (readId: string): EnrichedRead => ({
  readId, cameraId: 'cam-1', agencyId: 'wa-auburn-pd', agencyState: 'WA', capturedAt: '2026-05-01T12:00:00.000Z',
  plate: 'ABC123', plateFolded: 'A8C123', plateRaw: 'ABC 123', location: { lat: 47.3, lon: -122.2 }, ingestedAt: '2026-05-01T12:00:01.000Z',
});

/** An Elasticsearch stand-in that answers each bulk call with the next scripted list of item statuses. */
function scriptedElasticsearch(answers: Array<number[] | Error>) {
  const requests: Array<Array<{ index?: { _id: string; _index: string } }>> = [];
  const client = {
    bulk: async ({ operations }: { operations: Array<{ index?: { _id: string; _index: string } }> }) => {
      requests.push(operations.filter((operation) => operation.index));
      const answer = answers.shift();
      if (answer instanceof Error) throw answer;
      return { errors: true, items: answer!.map((status) => ({ index: { status, error: status >= 300 ? { type: `status_${status}` } : undefined } })) };
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
    expect(elastic.requests.map((request) => request.map((operation) => operation.index!._id))).toEqual([['a', 'b', 'c', 'd'], ['b', 'd']]);
  });

  it('writes each read under its readId into the monthly index of its capture time', async () => {
    const elastic = scriptedElasticsearch([[201]]);
    await writeReads(elastic.client, 'alpr-reads', [{ position: 0, read: read('r-1') }], fastRetry);
    expect(elastic.requests[0][0].index).toEqual({ _index: 'alpr-reads-2026.05', _id: 'r-1' });
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
  it('dead-letters a message without a readId or a capture date instead of failing the batch', () => {
    expect(parseEnrichedMessage(Buffer.from('{"plate":"X"}'))).toMatchObject({ ok: false, reason: { code: 'READ.INDEX_REJECTED' } });
    expect(parseEnrichedMessage(Buffer.from('not json'))).toMatchObject({ ok: false, reason: { code: 'READ.INVALID_JSON' } });
    expect(parseEnrichedMessage(Buffer.from(JSON.stringify(read('ok'))))).toMatchObject({ ok: true });
  });
});
