import { randomUUID } from 'node:crypto';
import { PlatekeeperTestStack, eventually } from './support/platekeeper-stack';

jest.setTimeout(300_000);

const READS = 400;
const CHUNK = 20;

/** The same instant written with another UTC offset, e.g. 2026-11-27T14:00:00.000+02:00 for 12:00Z. */
function withOffset(instant: Date, offsetMinutes: number): string {
  const local = new Date(instant.getTime() + offsetMinutes * 60_000).toISOString().slice(0, -1);
  const sign = offsetMinutes < 0 ? '-' : '+';
  const hours = String(Math.floor(Math.abs(offsetMinutes) / 60)).padStart(2, '0');
  const minutes = String(Math.abs(offsetMinutes) % 60).padStart(2, '0');
  return `${local}${sign}${hours}:${minutes}`;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface ProducedRead {
  readId?: string;
  cameraId: string;
  capturedAt: Date;
  plate: string;
  vehicle: { make: string; color: string };
  confidence: number;
}

describe('redelivery: ingest and indexer stopped mid-stream and replaced in the same consumer groups', () => {
  const stack = new PlatekeeperTestStack();
  const agency = stack.id('wa-redelivery-pd');
  const camera = stack.id('cam-redelivery');
  let token: string;

  // Half the reads carry their own readId, half get one derived; each is sent with a Z timestamp and, later,
  // again with the same instant at another offset.
  const reads: ProducedRead[] = Array.from({ length: READS }, (_, index) => ({
    ...(index % 2 === 0 && { readId: randomUUID() }),
    cameraId: camera,
    capturedAt: new Date(Date.now() - 3_600_000 + index * 1000),
    plate: `RDV${String(index).padStart(4, '0')}`,
    vehicle: { make: index % 3 === 0 ? 'Subaru' : 'Ford', color: 'Green' },
    confidence: Math.round((0.5 + (index % 50) / 100) * 100) / 100,
  }));
  const message = (read: ProducedRead, offsetMinutes: number) => ({
    ...(read.readId && { readId: read.readId }),
    cameraId: read.cameraId,
    capturedAt: offsetMinutes === 0 ? read.capturedAt.toISOString() : withOffset(read.capturedAt, offsetMinutes),
    plate: read.plate,
    vehicle: read.vehicle,
    confidence: read.confidence,
  });

  beforeAll(async () => {
    await stack.start();
    await stack.registerAgency({ id: agency, state: 'WA', cameras: [camera] });
    token = await stack.token(agency);
  });

  afterAll(() => stack.stop());

  async function searchable(): Promise<Array<Record<string, any>>> {
    const items: Array<Record<string, any>> = [];
    let cursor: string | null = null;
    do {
      const response = await stack.request('POST', '/v1/searches', {
        token,
        body: {
          purpose: 'other', caseNumber: 'REDELIVERY-1', reason: 'redelivery verification', plate: 'RDV*', plateMatch: 'partial',
          limit: 500, ...(cursor !== null && { cursor }),
        },
      });
      expect(response.status).toBe(200);
      items.push(...response.body.items);
      cursor = response.body.nextCursor;
    } while (cursor !== null);
    return items;
  }

  it('makes every read searchable exactly once, unchanged, although messages were redelivered across the restart', async () => {
    // First pass, in small chunks so the stream is still flowing when the pipeline stops.
    const firstPass = (async () => {
      for (let start = 0; start < READS; start += CHUNK) {
        await stack.produceRaw(reads.slice(start, start + CHUNK).map((read) => message(read, 0)));
        await sleep(150);
      }
    })();
    const atStop = await eventually(async () => {
      const found = await searchable();
      return found.length > 0 ? found.length : undefined;
    }, 90_000, 'the first reads to become searchable');
    await stack.stopPipeline();
    await firstPass;
    expect(atStop).toBeLessThan(READS);

    // While nothing consumes: every read again, the same instants written at other offsets.
    await stack.produceRaw(reads.map((read, index) => message(read, index % 2 === 0 ? 120 : -420)));
    // Same key (the camera), so the same partition, produced last: once it is searchable, every copy before it was handled.
    await stack.produceRaw([{ cameraId: camera, capturedAt: new Date().toISOString(), plate: 'ENDMARK1' }]);
    await stack.startPipeline();

    await eventually(async () => {
      const response = await stack.request('POST', '/v1/searches', {
        token, body: { purpose: 'other', caseNumber: 'REDELIVERY-1', reason: 'redelivery verification', plate: 'ENDMARK1' },
      });
      return response.body.total === 1 ? true : undefined;
    }, 120_000, 'the read produced after every redelivered copy');
    const found = await searchable();

    expect(found).toHaveLength(READS);
    const byPlate = new Map(found.map((item) => [item.plate, item]));
    expect(byPlate.size).toBe(READS);
    for (const read of reads) {
      const item = byPlate.get(read.plate);
      expect(item).toMatchObject({
        capturedAt: read.capturedAt.toISOString(),
        cameraId: camera,
        agencyId: agency,
        confidence: read.confidence,
        vehicle: read.vehicle,
        ...(read.readId && { readId: read.readId }),
      });
    }
    expect(new Set(found.map((item) => item.readId)).size).toBe(READS);
    // What Elasticsearch holds, not only what a search shows: one document per read.
    expect(await stack.countStoredReads('RDV0000')).toBe(1);
    expect(await stack.countStoredReads(`RDV${String(READS - 1).padStart(4, '0')}`)).toBe(1);
  });
});
