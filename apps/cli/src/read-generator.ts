import { randomUUID } from 'node:crypto';

const MAKES = [
  ['Toyota', ['Camry', 'Corolla', 'RAV4', 'Tacoma']],
  ['Honda', ['Civic', 'Accord', 'CR-V']],
  ['Ford', ['F-150', 'Escape', 'Explorer']],
  ['Subaru', ['Outback', 'Forester']],
  ['Tesla', ['Model 3', 'Model Y']],
] as const;
const COLORS = ['black', 'white', 'silver', 'blue', 'red', 'gray', 'green'];
const TYPES = ['sedan', 'suv', 'pickup', 'hatchback'];
const LETTERS = 'ABCDEFGHJKLMNPRSTUVWXYZ';

/** Small deterministic PRNG (mulberry32) so the same seed always yields the same demo stream. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let mixed = Math.imul(state ^ (state >>> 15), 1 | state);
    mixed ^= mixed + Math.imul(mixed ^ (mixed >>> 7), 61 | mixed);
    return ((mixed ^ (mixed >>> 14)) >>> 0) / 4294967296;
  };
}

export interface ReadStreamOptions {
  cameraIds: string[];
  count: number;
  seed?: number;
  /** reads are spread over this many days back from `now` */
  spreadDays?: number;
  now?: Date;
  distinctPlates?: number;
  /** plates that must appear, e.g. the demo's showcase plate; each is seen on every camera */
  featuredPlates?: string[];
  withReadIds?: boolean;
}

/** Raw reads as a camera would publish them (CONTRACT §2), with repeat sightings of a plate pool. */
export function* generateRawReads(options: ReadStreamOptions): Generator<Record<string, unknown>> {
  const random = seededRandom(options.seed ?? 42);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];
  const now = (options.now ?? new Date()).getTime();
  const spreadMs = (options.spreadDays ?? 14) * 86_400_000;
  const plates = Array.from({ length: options.distinctPlates ?? Math.max(10, Math.ceil(options.count / 5)) }, () => {
    const [make, models] = pick(MAKES);
    return {
      plate: `${pick([...LETTERS])}${pick([...LETTERS])}${pick([...LETTERS])}${Math.floor(1000 + random() * 9000)}`,
      vehicle: { make, model: pick(models), color: pick(COLORS), type: pick(TYPES) },
    };
  });
  let emitted = 0;
  for (const plate of options.featuredPlates ?? []) {
    for (const cameraId of options.cameraIds) {
      if (emitted++ >= options.count) return;
      yield read(cameraId, new Date(now - 3_600_000 * (1 + emitted)), plate, { make: 'Subaru', model: 'Outback', color: 'green', type: 'suv' });
    }
  }
  while (emitted++ < options.count) {
    const sighting = pick(plates);
    yield read(pick(options.cameraIds), new Date(now - Math.floor(random() * spreadMs)), sighting.plate, sighting.vehicle);
  }

  function read(cameraId: string, capturedAt: Date, plate: string, vehicle: Record<string, string>) {
    const plateAsRead = random() < 0.2 ? `${plate.slice(0, 3)} ${plate.slice(3)}` : plate;
    return {
      ...(options.withReadIds && { readId: randomUUID() }),
      cameraId,
      capturedAt: capturedAt.toISOString(),
      plate: plateAsRead,
      plateRegion: 'WA',
      confidence: Math.round((0.7 + random() * 0.3) * 100) / 100,
      vehicle,
    };
  }
}
