import { checkRawRead } from '@platekeeper/contract';
import { DIURNAL_WEIGHTS, generateStream } from './stream-generator';

const options = { seed: 7, count: 20_000, agencies: 12, camerasPerAgency: 4, start: new Date('2026-11-02T00:00:00Z'), days: 7 };

describe('the seeded stream generator', () => {
  const { world, lines } = generateStream(options);
  const reads = lines.flatMap((line) => {
    try {
      return [JSON.parse(line) as Record<string, unknown>];
    } catch {
      return [];
    }
  });

  it('writes the same lines for the same seed, and other lines for another seed', () => {
    expect(generateStream(options).lines).toEqual(lines);
    expect(generateStream(options).world).toEqual(world);
    const other = generateStream({ ...options, seed: 8 }).lines;
    expect(other).toHaveLength(lines.length);
    expect(other.slice(0, 100)).not.toEqual(lines.slice(0, 100));
  });

  it('spreads agencies and cameras over several states, every read on a registered camera or deliberately malformed', () => {
    expect(new Set(world.agencies.map((agency) => agency.state)).size).toBeGreaterThanOrEqual(6);
    const registered = new Set(world.agencies.flatMap((agency) => agency.cameras.map((camera) => camera.id)));
    const unknown = reads.filter((read) => !registered.has(String(read.cameraId)));
    expect(unknown.length).toBeGreaterThan(0);
    expect(unknown.every((read) => String(read.cameraId).endsWith('-unregistered'))).toBe(true);
  });

  it('keeps the requested share of malformed lines (1% by default), each refused by the read contract', () => {
    const now = Date.parse('2026-11-10T00:00:00Z');
    const registered = new Set(world.agencies.flatMap((agency) => agency.cameras.map((camera) => camera.id)));
    const refused = lines.filter((line) => {
      try {
        const candidate = JSON.parse(line) as Record<string, unknown>;
        return !checkRawRead(candidate, now).ok || !registered.has(String(candidate.cameraId));
      } catch {
        return true;
      }
    });
    expect(refused).toHaveLength(Math.round(options.count * 0.01));
  });

  it('is in capture-time order and follows the diurnal curve: the morning peak carries several times the night', () => {
    // Malformed lines may carry a capture time without an offset (parsed as local time): only well-formed ones count.
    const times = reads.filter((read) => /Z$/.test(String(read.capturedAt))).map((read) => Date.parse(String(read.capturedAt)));
    expect(times.every((time, index) => index === 0 || time >= times[index - 1] - 1)).toBe(true);
    const byHour = Array.from({ length: 24 }, (_, hour) => times.filter((time) => new Date(time).getUTCHours() === hour).length);
    expect(byHour[8] / byHour[3]).toBeGreaterThan(4);
    expect(DIURNAL_WEIGHTS[8] / DIURNAL_WEIGHTS[3]).toBeGreaterThan(4);
  });

  it('sees commuters on the same two cameras on every weekday', () => {
    const camerasByPlate = new Map<string, Set<string>>();
    const daysByPlate = new Map<string, Set<number>>();
    for (const read of reads) {
      const plate = String(read.plate);
      camerasByPlate.set(plate, (camerasByPlate.get(plate) ?? new Set()).add(String(read.cameraId)));
      daysByPlate.set(plate, (daysByPlate.get(plate) ?? new Set()).add(new Date(String(read.capturedAt)).getUTCDay()));
    }
    const commuters = [...daysByPlate].filter(([plate, days]) => [1, 2, 3, 4, 5].every((day) => days.has(day)) && camerasByPlate.get(plate)!.size <= 2);
    expect(commuters.length).toBeGreaterThan(20);
  });

  it('sends convoys: several plates past one camera within seconds, again at another camera minutes later', () => {
    const byCamera = new Map<string, Array<{ at: number; plate: string }>>();
    for (const read of reads) {
      const list = byCamera.get(String(read.cameraId)) ?? [];
      list.push({ at: Date.parse(String(read.capturedAt)), plate: String(read.plate) });
      byCamera.set(String(read.cameraId), list);
    }
    const pairCameras = new Map<string, Set<string>>();
    for (const [cameraId, list] of byCamera) {
      for (let index = 0; index + 1 < list.length; index++) {
        if (list[index + 1].at - list[index].at < 6_000 && list[index + 1].plate !== list[index].plate) {
          const key = [list[index].plate, list[index + 1].plate].sort().join('+');
          pairCameras.set(key, (pairCameras.get(key) ?? new Set()).add(cameraId));
        }
      }
    }
    expect([...pairCameras.values()].filter((seenAt) => seenAt.size >= 2).length).toBeGreaterThan(10);
  });

  it('misreads a share of plates by one look-alike, keeping the true plate among the candidates', () => {
    const misread = reads.filter((read) => Array.isArray(read.candidates));
    expect(misread.length / reads.length).toBeGreaterThan(0.02);
    expect(misread.length / reads.length).toBeLessThan(0.08);
    for (const read of misread.slice(0, 200)) {
      const truth = (read.candidates as Array<{ plate: string }>)[0].plate;
      const differing = [...String(read.plate)].filter((character, index) => character !== truth[index]);
      expect(differing).toHaveLength(1);
    }
  });
});
