import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { DLQ_HEADERS } from '@platekeeper/contract';
import { replayReads } from '../apps/cli/src/replay';
import { generateStream } from '../apps/cli/src/stream-generator';
import { PlatekeeperTestStack, eventually } from './support/platekeeper-stack';

jest.setTimeout(180_000);

describe('the replay command for load testers', () => {
  const stack = new PlatekeeperTestStack();
  const agency = stack.id('wa-replay-pd');
  const camera = stack.id('cam-replay');
  const folder = mkdtempSync(join(tmpdir(), 'platekeeper-replay-'));
  const plate = (index: number) => `RPL${String(index).padStart(4, '0')}`;

  beforeAll(async () => {
    await stack.start();
    await stack.registerAgency({ id: agency, state: 'WA', cameras: [camera] });
  });

  afterAll(() => stack.stop());

  function ndjson(count: number, firstIndex: number): string {
    const capturedAt = new Date(Date.now() - 60_000).toISOString();
    const lines = Array.from({ length: count }, (_, offset) => JSON.stringify({ cameraId: camera, capturedAt, plate: plate(firstIndex + offset) }));
    return `${lines.join('\n')}\n{"this line": is not json\n\n`;
  }

  it('produces every line of a gzipped NDJSON file, malformed ones to the dead-letter topic, and they become searchable', async () => {
    const file = join(folder, 'reads.ndjson.gz');
    writeFileSync(file, gzipSync(ndjson(200, 0)));
    const result = await replayReads(stack.config, { file, progress: false });
    expect(result.produced).toBe(201);
    expect(result.ratePerSecond).toBeGreaterThan(0);

    const token = await stack.token(agency);
    const found = await eventually(async () => {
      const response = await stack.request('POST', '/v1/searches', {
        token, body: { purpose: 'other', caseNumber: 'LOAD-1', reason: 'replay verification', plate: 'RPL*', plateMatch: 'partial', limit: 500 },
      });
      return response.body.total === 200 ? response : undefined;
    }, 90_000, 'the replayed reads');
    expect(found.body.items).toHaveLength(200);
    const deadLetters = await stack.readDeadLetters((messages) => messages.length >= 1);
    expect(deadLetters.map((message) => message.headers?.[DLQ_HEADERS.reasonCode]?.toString())).toEqual(['READ.INVALID_JSON']);
  });

  it('holds a requested rate instead of producing flat out, neither faster nor much slower', async () => {
    const file = join(folder, 'paced.ndjson');
    writeFileSync(file, ndjson(150, 1000));
    const result = await replayReads(stack.config, { file, ratePerSecond: 100, progress: false });
    expect(result.produced).toBe(151);
    // 151 lines at 100/s take about 1.5 s; the bounds leave room for a loaded machine (69.7/s was measured in a full
    // suite at load average ~10), not for a pacing bug (waiting twice per line gives 50/s).
    expect(result.seconds).toBeGreaterThanOrEqual(1.3);
    expect(result.ratePerSecond).toBeLessThan(115);
    expect(result.ratePerSecond).toBeGreaterThan(60);
  });

  async function rawTopicEnd(): Promise<number> {
    const admin = stack.kafka.admin();
    await admin.connect();
    try {
      return (await admin.fetchTopicOffsets(stack.config.TOPIC_RAW)).reduce((sum, partition) => sum + Number(partition.high), 0);
    } finally {
      await admin.disconnect();
    }
  }

  function spacedFile(name: string, count: number, spacingMs: number, firstIndex: number): string {
    const first = Date.now() - 120_000;
    const lines = Array.from({ length: count }, (_, offset) =>
      JSON.stringify({ cameraId: camera, capturedAt: new Date(first + offset * spacingMs).toISOString(), plate: plate(firstIndex + offset) }));
    const file = join(folder, name);
    writeFileSync(file, `${lines.join('\n')}\n`);
    return file;
  }

  it('honours the file\'s recorded timing divided by the speed, within a tolerance', async () => {
    // 41 reads 100 ms apart = 4 s recorded; at speed 2 the replay takes 2 s, not flat out and not real time.
    const file = spacedFile('recorded.ndjson', 41, 100, 2000);
    const result = await replayReads(stack.config, { file, mode: { kind: 'recorded', speed: 2 }, progress: false });
    expect(result.produced).toBe(41);
    expect(result.seconds).toBeGreaterThanOrEqual(1.9);
    expect(result.seconds).toBeLessThan(2.8);
  });

  it('ramps: the second second produces clearly more than the first, the whole ramp taking its planned time', async () => {
    // 20/s rising to 200/s over 2 s: 20·2 + 180·2/2 = 220 reads, about 65 in the first second and 155 in the second.
    const file = spacedFile('ramp.ndjson', 220, 10, 3000);
    const result = await replayReads(stack.config, { file, mode: { kind: 'ramp', fromPerSecond: 20, toPerSecond: 200, seconds: 2 }, progress: false });
    expect(result.produced).toBe(220);
    expect(result.seconds).toBeGreaterThanOrEqual(1.8);
    expect(result.seconds).toBeLessThan(2.8);
    const [first, second] = result.perSecond.map(([, count]) => count);
    expect(second).toBeGreaterThan(first * 1.5);
  });

  it('loops the file the requested number of times: the topic grows by every copy, and every read is searchable once', async () => {
    const file = spacedFile('loop.ndjson', 20, 1000, 4000);
    const before = await rawTopicEnd();
    const result = await replayReads(stack.config, { file, loops: 3, progress: false });
    expect(result.produced).toBe(60);
    expect((await rawTopicEnd()) - before).toBe(60);
    const token = await stack.token(agency);
    const found = await eventually(async () => {
      const response = await stack.request('POST', '/v1/searches', {
        token, body: { purpose: 'other', caseNumber: 'LOAD-2', reason: 'loop verification', plate: 'RPL4*', plateMatch: 'partial', limit: 500 },
      });
      return response.body.total === 20 ? response : undefined;
    }, 90_000, 'the looped reads');
    expect(found.body.items).toHaveLength(20);
  });

  it('shares one file between producer processes: each produces its share, together every line once', async () => {
    const file = spacedFile('shards.ndjson', 30, 1000, 5000);
    const before = await rawTopicEnd();
    const shares = await Promise.all([0, 1, 2].map((index) => replayReads(stack.config, { file, shard: { index, count: 3 }, progress: false })));
    expect(shares.map((share) => share.produced)).toEqual([10, 10, 10]);
    expect((await rawTopicEnd()) - before).toBe(30);
  });

  it('writes an HTML and a JSON report with throughput, lag and freshness, measured while replaying a generated stream', async () => {
    const { lines } = generateStream({ seed: 3, count: 400, agencies: 2, camerasPerAgency: 2, start: new Date(Date.now() - 86_400_000), days: 1, malformedShare: 0 });
    // The generated world is not registered here: its reads are dead-lettered, which is load all the same.
    const file = join(folder, 'generated.ndjson');
    writeFileSync(file, `${lines.join('\n')}\n`);
    const reportDirectory = join(folder, 'reports');
    const result = await replayReads(stack.config, {
      file, ratePerSecond: 200, progress: false, reportDirectory,
      watch: {
        lagGroups: [{ groupId: stack.config.INGEST_GROUP_ID, topic: stack.config.TOPIC_RAW }],
        freshness: { cameraId: camera, agencyId: agency, searchUrl: stack.searchUrls[0] },
      },
    });
    expect(result.produced).toBe(400);
    expect(result.lag.length).toBeGreaterThan(0);
    expect(result.freshness.length).toBeGreaterThan(0);
    expect(result.freshness.every((sample) => sample.freshnessMs > 0 && sample.freshnessMs < 60_000)).toBe(true);
    expect(existsSync(result.report!.html)).toBe(true);
    const report = JSON.parse(readFileSync(result.report!.json, 'utf8'));
    expect(report.charts.map((chart: { title: string }) => chart.title)).toEqual([
      'throughput: reads produced per second', 'consumer lag', 'freshness: production → returned by POST /v1/searches',
    ]);
    expect(readFileSync(result.report!.html, 'utf8')).toContain('new Chart(');
  });
});
