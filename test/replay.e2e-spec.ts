import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { DLQ_HEADERS } from '@platekeeper/contract';
import { replayReads } from '../apps/cli/src/replay';
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
    // 151 lines at 100/s take about 1.5 s; the bounds leave room for a loaded machine, not for a pacing bug.
    expect(result.seconds).toBeGreaterThanOrEqual(1.3);
    expect(result.ratePerSecond).toBeLessThan(115);
    expect(result.ratePerSecond).toBeGreaterThan(70);
  });
});
