import { randomUUID } from 'node:crypto';
import { EnrichedRead, foldPlateLookAlikes } from '@platekeeper/contract';
import { PlatekeeperTestStack } from './support/platekeeper-stack';

jest.setTimeout(180_000);

describe('search criteria: plate matching, vehicle, time, area and cameras', () => {
  const stack = new PlatekeeperTestStack();
  const agency = stack.id('wa-criteria-pd');
  const tag = stack.runId.slice(-4).toUpperCase().replace(/[^A-Z]/g, 'Q');
  let token: string;

  const read = (plate: string, overrides: Partial<EnrichedRead> = {}): EnrichedRead => ({
    readId: randomUUID(), cameraId: `${agency}-cam-1`, agencyId: agency, agencyState: 'WA',
    capturedAt: new Date(Date.now() - 3_600_000).toISOString(), plate, plateFolded: foldPlateLookAlikes(plate), plateRaw: plate,
    location: { lat: 47.30, lon: -122.22 }, ingestedAt: new Date().toISOString(), ...overrides,
  });

  const plates = (body: { items: Array<{ plate: string }> }) => body.items.map((item) => item.plate);
  const searchFor = async (criteria: Record<string, unknown>) => {
    const response = await stack.request('POST', '/v1/searches', {
      token, body: { purpose: 'criminal_investigation', caseNumber: 'CRIT-1', reason: 'criteria coverage', ...criteria },
    });
    expect(response.status).toBe(200);
    return response.body;
  };

  beforeAll(async () => {
    await stack.start();
    await stack.registerAgency({ id: agency, state: 'WA', cameras: [] });
    token = await stack.token(agency);
    await stack.indexReads([
      read(`${tag}8B01`, { capturedAt: new Date(Date.now() - 3 * 3_600_000).toISOString(), plateRegion: 'WA' }),
      read(`${tag}8801`, { plateRegion: 'OR' }),
      read(`${tag}8B0`),
      read(`${tag}8B011`),
      read(`${tag}7C99`, {
        vehicle: { make: 'Subaru', model: 'Outback', color: 'Green', type: 'suv' },
        cameraId: `${agency}-cam-2`, location: { lat: 47.95, lon: -122.30 },
        capturedAt: new Date(Date.now() - 2 * 86_400_000).toISOString(),
      }),
    ]);
  });

  afterAll(() => stack.stop());

  it('matches exact plates after normalising what the investigator typed', async () => {
    expect(plates(await searchFor({ plate: `${tag.toLowerCase()}-8b 01` }))).toEqual([`${tag}8B01`]);
  });

  it('matches partial plates with * and ? wildcards, and as a substring without one', async () => {
    expect(plates(await searchFor({ plate: `${tag}8?01`, plateMatch: 'partial' })).sort()).toEqual([`${tag}8801`, `${tag}8B01`].sort());
    expect(plates(await searchFor({ plate: `${tag}*1`, plateMatch: 'partial' })).sort()).toEqual(
      [`${tag}8801`, `${tag}8B01`, `${tag}8B011`].sort(),
    );
    expect(plates(await searchFor({ plate: `${tag.slice(1)}7C`, plateMatch: 'partial' }))).toEqual([`${tag}7C99`]);
  });

  it('matches fuzzy plates across OCR look-alikes and one edit, exact match first', async () => {
    const fuzzy = plates(await searchFor({ plate: `${tag}8B01`, plateMatch: 'fuzzy' }));
    expect(fuzzy[0]).toBe(`${tag}8B01`);
    expect(fuzzy.sort()).toEqual([`${tag}8801`, `${tag}8B0`, `${tag}8B01`, `${tag}8B011`].sort());
  });

  it('finds a vehicle by description, case-insensitively, without a plate', async () => {
    expect(plates(await searchFor({ vehicle: { make: 'subaru', color: 'GREEN' } }))).toEqual([`${tag}7C99`]);
    expect((await searchFor({ vehicle: { make: 'subaru', color: 'red' } })).total).toBe(0);
  });

  it('narrows by a from/to window, with a window around the read as the positive control', async () => {
    const hoursAgo = (hours: number) => new Date(Date.now() - hours * 3_600_000).toISOString();
    expect((await searchFor({ plate: `${tag}7C99`, from: hoursAgo(24), to: hoursAgo(0) })).total).toBe(0);
    expect(plates(await searchFor({ plate: `${tag}7C99`, from: hoursAgo(72), to: hoursAgo(0) }))).toEqual([`${tag}7C99`]);
    expect(plates(await searchFor({ plate: `${tag}7C99`, from: hoursAgo(72), to: hoursAgo(24) }))).toEqual([`${tag}7C99`]);
  });

  it('narrows by to alone and by from alone, newest first', async () => {
    const hoursAgo = (hours: number) => new Date(Date.now() - hours * 3_600_000).toISOString();
    expect(plates(await searchFor({ plate: `${tag}*`, plateMatch: 'partial', to: hoursAgo(24) }))).toEqual([`${tag}7C99`]);
    expect(plates(await searchFor({ plate: `${tag}*`, plateMatch: 'partial', to: hoursAgo(2) }))).toEqual([`${tag}8B01`, `${tag}7C99`]);
    expect(plates(await searchFor({ plate: `${tag}*`, plateMatch: 'partial', from: hoursAgo(2) })).sort()).toEqual(
      [`${tag}8801`, `${tag}8B0`, `${tag}8B011`].sort(),
    );
  });

  it('narrows by plateRegion, case-insensitively', async () => {
    expect(plates(await searchFor({ plate: `${tag}*`, plateMatch: 'partial', plateRegion: 'wa' }))).toEqual([`${tag}8B01`]);
    expect(plates(await searchFor({ plate: `${tag}*`, plateMatch: 'partial', plateRegion: 'OR' }))).toEqual([`${tag}8801`]);
    expect((await searchFor({ plate: `${tag}*`, plateMatch: 'partial', plateRegion: 'CA' })).total).toBe(0);
  });

  it('narrows by area and camera', async () => {
    expect(plates(await searchFor({ plate: `${tag}*`, plateMatch: 'partial', area: { near: { lat: 47.95, lon: -122.30, radiusKm: 2 } } }))).toEqual([`${tag}7C99`]);
    expect(plates(await searchFor({ plate: `${tag}*`, plateMatch: 'partial', area: { bbox: [-122.3, 47.2, -122.1, 47.4] } })).sort()).toEqual(
      [`${tag}8801`, `${tag}8B0`, `${tag}8B01`, `${tag}8B011`].sort(),
    );
    expect(plates(await searchFor({ plate: `${tag}*`, plateMatch: 'partial', cameraIds: [`${agency}-cam-2`] }))).toEqual([`${tag}7C99`]);
  });
});
