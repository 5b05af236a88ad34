import { EnrichedRead } from '@platekeeper/contract';
import { BulkAccumulator, BulkSizing } from './bulk-accumulator';
import { IndexOutcome, ReadToIndex } from './bulk-writer';

const read = (readId: string): EnrichedRead => ({
  readId, cameraId: 'cam-1', agencyId: 'wa-auburn-pd', agencyState: 'WA', capturedAt: '2026-05-01T12:00:00.000Z',
  plate: 'ABC123', plateFolded: 'A8C123', plateRaw: 'ABC 123', location: { lat: 47.3, lon: -122.2 }, ingestedAt: '2026-05-01T12:00:01.000Z',
});

/** `count` reads of one partition's batch, at positions 0..count-1, each 80 bytes (200 with the action line). */
const batch = (partition: string, count: number): ReadToIndex[] =>
  Array.from({ length: count }, (_, position) => ({ position, read: read(`${partition}-${position}`), bytes: 80 }));

interface PendingRequest {
  readIds: string[];
  retry(attempt: number): Promise<void>;
  answer(outcome?: Partial<IndexOutcome>): void;
  fail(error: Error): void;
}

/** A stand-in for the bulk writer whose requests stay unanswered until the test answers them. */
function heldRequests() {
  const requests: PendingRequest[] = [];
  const write = (entries: ReadToIndex[], onRetry: (attempt: number, pending: number, delayMs: number) => Promise<void>) =>
    new Promise<IndexOutcome>((resolve, reject) => {
      requests.push({
        readIds: entries.map((entry) => entry.read.readId),
        retry: (attempt) => onRetry(attempt, entries.length, 1),
        answer: (outcome = {}) => resolve({ rejected: [], alreadyIndexed: [], ...outcome }),
        fail: reject,
      });
    });
  return { requests, write };
}

const settled = () => new Promise((resolve) => setImmediate(resolve));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Tracks whether a submission was answered yet, and how. */
function watch(answer: Promise<IndexOutcome>) {
  const state: { outcome?: IndexOutcome; error?: unknown } = {};
  answer.then((outcome) => (state.outcome = outcome), (error: unknown) => (state.error = error));
  return state;
}

describe('BulkAccumulator', () => {
  const sizing: BulkSizing = { maxBytes: 1_000_000, maxReads: 1_000, lingerMs: 30, concurrency: 2 };

  it('gathers the batches of several partitions arriving within the linger into one request', async () => {
    const { requests, write } = heldRequests();
    const accumulator = new BulkAccumulator(sizing, write);
    const answers = ['p0', 'p1', 'p2'].map((partition) => watch(accumulator.submit(batch(partition, 3))));
    await settled();
    expect(requests).toHaveLength(0);
    await sleep(60);
    expect(requests.map((request) => request.readIds)).toEqual([['p0-0', 'p0-1', 'p0-2', 'p1-0', 'p1-1', 'p1-2', 'p2-0', 'p2-1', 'p2-2']]);
    requests[0].answer();
    await settled();
    expect(answers.map((answer) => answer.outcome)).toEqual([0, 1, 2].map(() => ({ rejected: [], alreadyIndexed: [] })));
  });

  it('sends a request as soon as it is full, without lingering, and keeps the rest for the next', async () => {
    const { requests, write } = heldRequests();
    const accumulator = new BulkAccumulator({ ...sizing, maxReads: 4, lingerMs: 300 }, write);
    void accumulator.submit(batch('p0', 3));
    void accumulator.submit(batch('p1', 3));
    await settled();
    expect(requests.map((request) => request.readIds)).toEqual([['p0-0', 'p0-1', 'p0-2', 'p1-0']]);
    expect(accumulator.queuedReads).toBe(2);
    const bytes = new BulkAccumulator({ ...sizing, maxBytes: 3 * 200, lingerMs: 300 }, write);
    void bytes.submit(batch('p2', 7));
    await settled();
    expect(requests.slice(1).map((request) => request.readIds.length)).toEqual([3, 3]);
    expect(bytes.queuedReads).toBe(1);
  });

  it('answers a batch only once every request carrying one of its reads was acknowledged', async () => {
    const { requests, write } = heldRequests();
    const accumulator = new BulkAccumulator({ ...sizing, maxReads: 4, lingerMs: 5 }, write);
    const first = watch(accumulator.submit(batch('p0', 2)));
    const spanning = watch(accumulator.submit(batch('p1', 4)));
    await sleep(20);
    expect(requests.map((request) => request.readIds)).toEqual([['p0-0', 'p0-1', 'p1-0', 'p1-1'], ['p1-2', 'p1-3']]);
    requests[0].answer();
    await settled();
    expect(first.outcome).toBeDefined();
    // Half of p1's reads are in Elasticsearch, the other half not yet: its offsets must not move.
    expect(spanning.outcome).toBeUndefined();
    requests[1].answer();
    await settled();
    expect(spanning.outcome).toEqual({ rejected: [], alreadyIndexed: [] });
  });

  it('maps rejections and reads already indexed back to each batch\'s own positions', async () => {
    const { requests, write } = heldRequests();
    const accumulator = new BulkAccumulator(sizing, write);
    const p0 = watch(accumulator.submit(batch('p0', 2)));
    const p1 = watch(accumulator.submit(batch('p1', 3)));
    await sleep(50);
    // Request positions: p0-0 p0-1 p1-0 p1-1 p1-2.
    requests[0].answer({ rejected: [{ position: 3, status: 400, detail: 'mapping' }], alreadyIndexed: [1, 4] });
    await settled();
    expect(p0.outcome).toEqual({ rejected: [], alreadyIndexed: [1] });
    expect(p1.outcome).toEqual({ rejected: [{ position: 1, status: 400, detail: 'mapping' }], alreadyIndexed: [2] });
  });

  it('fails every batch with a read in a failed request, drops their reads still queued, and leaves the other batches alone', async () => {
    const { requests, write } = heldRequests();
    const accumulator = new BulkAccumulator({ ...sizing, maxReads: 3, concurrency: 1, lingerMs: 5 }, write);
    const p0 = watch(accumulator.submit(batch('p0', 2)));
    const p1 = watch(accumulator.submit(batch('p1', 3)));
    const p2 = watch(accumulator.submit(batch('p2', 2)));
    await settled();
    expect(requests.map((request) => request.readIds)).toEqual([['p0-0', 'p0-1', 'p1-0']]);
    requests[0].fail(new Error('Elasticsearch gave up'));
    await sleep(20);
    expect(p0.error).toEqual(new Error('Elasticsearch gave up'));
    expect(p1.error).toEqual(new Error('Elasticsearch gave up'));
    expect(requests.slice(1).map((request) => request.readIds)).toEqual([['p2-0', 'p2-1']]);
    requests[1].answer();
    await settled();
    expect(p2.outcome).toBeDefined();
  });

  it('keeps at most `concurrency` requests in flight and sends the next when one is answered', async () => {
    const { requests, write } = heldRequests();
    const accumulator = new BulkAccumulator({ ...sizing, maxReads: 2, concurrency: 2, lingerMs: 5 }, write);
    void accumulator.submit(batch('p0', 8));
    await sleep(20);
    expect(requests).toHaveLength(2);
    requests[0].answer();
    await settled();
    expect(requests).toHaveLength(3);
  });

  it('tells every batch riding on a pushed-back request, so each pauses its partition', async () => {
    const { requests, write } = heldRequests();
    const accumulator = new BulkAccumulator(sizing, write);
    const retried: string[] = [];
    void accumulator.submit(batch('p0', 1), { onRetry: () => void retried.push('p0') });
    void accumulator.submit(batch('p1', 1), { onRetry: () => void retried.push('p1') });
    await sleep(50);
    await requests[0].retry(1);
    expect(retried.sort()).toEqual(['p0', 'p1']);
  });

  it('answers an empty batch at once', async () => {
    const { requests, write } = heldRequests();
    await expect(new BulkAccumulator(sizing, write).submit([])).resolves.toEqual({ rejected: [], alreadyIndexed: [] });
    expect(requests).toHaveLength(0);
  });
});
