import { v5 as uuidv5 } from 'uuid';
import { DemoAgency } from './demo-world';
import { seededRandom } from './read-generator';

/** Where a generated world's agencies are: a state and a rough centre to scatter its cameras around. */
const STATES: Array<{ code: string; lat: number; lon: number }> = [
  { code: 'WA', lat: 47.4, lon: -122.3 }, { code: 'OR', lat: 45.5, lon: -122.7 }, { code: 'CA', lat: 34.1, lon: -118.2 },
  { code: 'TX', lat: 29.8, lon: -95.4 }, { code: 'NY', lat: 40.7, lon: -73.9 }, { code: 'FL', lat: 25.8, lon: -80.2 },
  { code: 'IL', lat: 41.9, lon: -87.6 }, { code: 'AZ', lat: 33.4, lon: -112.1 },
];
const MAKES: Array<[string, string[]]> = [
  ['Toyota', ['Camry', 'Corolla', 'RAV4', 'Tacoma']], ['Honda', ['Civic', 'Accord', 'CR-V']], ['Ford', ['F-150', 'Escape', 'Explorer']],
  ['Subaru', ['Outback', 'Forester']], ['Tesla', ['Model 3', 'Model Y']], ['Chevrolet', ['Silverado', 'Malibu']],
];
const COLORS = ['black', 'white', 'silver', 'blue', 'red', 'gray', 'green'];
const TYPES = ['sedan', 'suv', 'pickup', 'hatchback'];
// No I, O or Q on generated plates (as on many US series): Q stays free for freshness probes.
const LETTERS = 'ABCDEFGHJKLMNPRSTUVWXYZ';
/** What OCR confuses: the generator's misreads swap one of these for its twin. */
const LOOK_ALIKES: Record<string, string> = { '0': 'D', D: '0', '1': 'L', L: '1', '8': 'B', B: '8', '5': 'S', S: '5', '2': 'Z', Z: '2', '6': 'G', G: '6' };
const STREAM_NAMESPACE = '0d5c7e0a-3f7b-4c61-9a4e-6b1f2f8d9c33';

/**
 * Relative traffic by hour of day (local = UTC here): a night trough, a morning and an evening peak. The shape of
 * US traffic-count profiles, not a measurement of any place.
 */
export const DIURNAL_WEIGHTS = [0.15, 0.1, 0.08, 0.08, 0.12, 0.3, 0.7, 1.0, 0.95, 0.7, 0.6, 0.65, 0.7, 0.65, 0.65, 0.75, 0.9, 1.0, 0.85, 0.6, 0.45, 0.35, 0.28, 0.2];

export interface StreamOptions {
  seed: number;
  /** Reads to write (malformed ones included). */
  count: number;
  agencies: number;
  camerasPerAgency: number;
  /** The stream covers [start, start + days). */
  start: Date;
  days: number;
  /** Share of reads by commuters (same plate, same cameras, twice each weekday). */
  commuterShare?: number;
  /** Share of reads in convoys (2–4 vehicles past the same cameras seconds apart). */
  convoyShare?: number;
  /** Share of good reads the OCR misread (one look-alike swapped), with the true plate among the candidates. */
  misreadShare?: number;
  /** Share of lines that are malformed (bad JSON, missing or broken fields, an unknown camera). */
  malformedShare?: number;
  /** Prefix of agency and camera ids, so several worlds can live in one installation. */
  idPrefix?: string;
}

export interface GeneratedWorld {
  agencies: DemoAgency[];
}

/** Agencies spread over the states, each with its cameras around its state's centre. Deterministic per seed. */
export function generateWorld(options: Pick<StreamOptions, 'seed' | 'agencies' | 'camerasPerAgency' | 'idPrefix'>): GeneratedWorld {
  const random = seededRandom(options.seed * 7919 + 1);
  const prefix = options.idPrefix ?? 'gen';
  const agencies = Array.from({ length: options.agencies }, (_, index): DemoAgency => {
    const state = STATES[index % STATES.length];
    const id = `${state.code.toLowerCase()}-${prefix}-agency-${index + 1}`;
    const centre = { lat: state.lat + (random() - 0.5) * 2, lon: state.lon + (random() - 0.5) * 2 };
    return {
      id, name: `${state.code} generated agency ${index + 1}`, state: state.code, category: index % 9 === 8 ? 'sheriff' : 'local_police',
      sharing: { statewide: random() < 0.6, nationalLookup: random() < 0.4 },
      cameras: Array.from({ length: options.camerasPerAgency }, (_, camera) => ({
        id: `${id}-cam-${camera + 1}`, name: `camera ${camera + 1}`,
        lat: Math.round((centre.lat + (random() - 0.5) * 0.2) * 1e5) / 1e5, lon: Math.round((centre.lon + (random() - 0.5) * 0.2) * 1e5) / 1e5,
      })),
    };
  });
  return { agencies };
}

interface Sighting {
  atMs: number;
  cameraId: string;
  plate: string;
  vehicle: { make: string; model: string; color: string; type: string };
  region: string;
}

/**
 * A realistic raw-read stream as NDJSON lines, in capture-time order: background traffic following the diurnal
 * curve, commuters seen on the same cameras every weekday, convoys, OCR misreads carrying the true plate among
 * their candidates, and a share of malformed lines. The same options always give the same lines (readIds are
 * derived from the seed and position, not random).
 */
export function generateStream(options: StreamOptions): { world: GeneratedWorld; lines: string[] } {
  const world = generateWorld(options);
  const random = seededRandom(options.seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];
  const startMs = options.start.getTime();
  const spanMs = options.days * 86_400_000;
  const cameras = world.agencies.flatMap((agency) => agency.cameras.map((camera) => ({ cameraId: camera.id, state: agency.state, agencyId: agency.id })));
  const camerasOf = (agencyId: string) => cameras.filter((camera) => camera.agencyId === agencyId);
  const newVehicle = (state: string) => {
    const [make, models] = pick(MAKES);
    return {
      plate: `${pick([...LETTERS])}${pick([...LETTERS])}${pick([...LETTERS])}${Math.floor(1000 + random() * 9000)}`,
      vehicle: { make, model: pick(models), color: pick(COLORS), type: pick(TYPES) },
      region: random() < 0.9 ? state : pick(STATES).code,
    };
  };
  const malformedCount = Math.round(options.count * (options.malformedShare ?? 0.01));
  const goodCount = options.count - malformedCount;
  const sightings: Sighting[] = [];

  // Commuters: a home camera and a work camera of one agency, morning and evening, each weekday of the span.
  const commuterTarget = Math.round(goodCount * (options.commuterShare ?? 0.2));
  const weekdays = Array.from({ length: Math.max(1, options.days) }, (_, day) => startMs + day * 86_400_000).filter((dayMs) => ![0, 6].includes(new Date(dayMs).getUTCDay()));
  const readsPerCommuter = Math.max(1, weekdays.length * 4);
  for (let commuter = 0; commuter < Math.ceil(commuterTarget / readsPerCommuter) && sightings.length < commuterTarget; commuter++) {
    const agency = pick(world.agencies);
    const route = camerasOf(agency.id);
    const [home, work] = [pick(route), pick(route)];
    const car = newVehicle(agency.state);
    const leaveMinute = 6.5 * 60 + random() * 150;
    const returnMinute = 16 * 60 + random() * 180;
    const driveMs = (8 + random() * 25) * 60_000;
    for (const dayMs of weekdays) {
      const jitter = () => (random() - 0.5) * 20 * 60_000;
      const morning = dayMs + leaveMinute * 60_000 + jitter();
      const evening = dayMs + returnMinute * 60_000 + jitter();
      for (const [atMs, cameraId] of [[morning, home.cameraId], [morning + driveMs, work.cameraId], [evening, work.cameraId], [evening + driveMs, home.cameraId]] as Array<[number, string]>) {
        if (sightings.length < commuterTarget && atMs < startMs + spanMs) sightings.push({ atMs, cameraId, ...car });
      }
    }
  }

  // Convoys: 2–4 vehicles past 2–3 cameras of one agency, a few seconds apart, a few minutes between cameras.
  const convoyTarget = sightings.length + Math.round(goodCount * (options.convoyShare ?? 0.02));
  while (sightings.length < convoyTarget) {
    const agency = pick(world.agencies);
    const route = camerasOf(agency.id);
    const vehicles = Array.from({ length: 2 + Math.floor(random() * 3) }, () => newVehicle(agency.state));
    let atMs = diurnalInstant(random, startMs, spanMs);
    for (let stop = 0; stop < 2 + Math.floor(random() * 2) && sightings.length < convoyTarget; stop++) {
      const cameraId = pick(route).cameraId;
      vehicles.forEach((car, position) => {
        if (sightings.length < convoyTarget) sightings.push({ atMs: atMs + position * (1_000 + random() * 4_000), cameraId, ...car });
      });
      atMs += (2 + random() * 6) * 60_000;
    }
  }

  // Background traffic: a pool of local vehicles, some seen often (Zipf-like), on any camera, at diurnal times.
  const pool = Array.from({ length: Math.max(10, Math.ceil(goodCount / 4)) }, () => newVehicle(pick(STATES).code));
  while (sightings.length < goodCount) {
    const car = pool[Math.floor(pool.length * random() ** 2)];
    sightings.push({ atMs: diurnalInstant(random, startMs, spanMs), cameraId: pick(cameras).cameraId, ...car });
  }

  const misreadShare = options.misreadShare ?? 0.05;
  const entries: Array<{ atMs: number; line: string }> = sightings.map((sighting, index) => {
    const capturedAt = new Date(Math.floor(sighting.atMs)).toISOString();
    const read: Record<string, unknown> = {
      readId: uuidv5(`${options.seed}|${index}`, STREAM_NAMESPACE),
      cameraId: sighting.cameraId, capturedAt, plate: sighting.plate, plateRegion: sighting.region,
      confidence: Math.round((0.75 + random() * 0.24) * 100) / 100, vehicle: sighting.vehicle,
    };
    if (random() < misreadShare) {
      const misread = misreadOf(sighting.plate, random);
      if (misread !== sighting.plate) {
        const confidence = Math.round((0.45 + random() * 0.3) * 100) / 100;
        Object.assign(read, { plate: misread, confidence, candidates: [{ plate: sighting.plate, confidence: Math.round((confidence - 0.05) * 100) / 100 }] });
      }
    }
    return { atMs: sighting.atMs, line: JSON.stringify(read) };
  });
  for (let index = 0; index < malformedCount; index++) {
    const atMs = diurnalInstant(random, startMs, spanMs);
    entries.push({ atMs, line: malformedLine(random, pick(cameras).cameraId, new Date(Math.floor(atMs)).toISOString()) });
  }
  entries.sort((left, right) => left.atMs - right.atMs);
  return { world, lines: entries.map((entry) => entry.line) };
}

/** An instant in [start, start + span) whose hour of day follows DIURNAL_WEIGHTS (rejection sampling). */
function diurnalInstant(random: () => number, startMs: number, spanMs: number): number {
  for (;;) {
    const atMs = startMs + random() * spanMs;
    if (random() < DIURNAL_WEIGHTS[new Date(atMs).getUTCHours()]) return atMs;
  }
}

function misreadOf(plate: string, random: () => number): string {
  const swappable = [...plate].map((character, index) => [character, index] as const).filter(([character]) => LOOK_ALIKES[character]);
  if (swappable.length === 0) return plate;
  const [character, index] = swappable[Math.floor(random() * swappable.length)];
  return `${plate.slice(0, index)}${LOOK_ALIKES[character]}${plate.slice(index + 1)}`;
}

/** One of the ways a real feed goes wrong; each must be dead-lettered with its reason. */
function malformedLine(random: () => number, cameraId: string, capturedAt: string): string {
  switch (Math.floor(random() * 6)) {
    case 0: return `{"cameraId": "${cameraId}", "capturedAt": "${capturedAt}", "plate": "ABC`;
    case 1: return JSON.stringify({ cameraId, capturedAt });
    case 2: return JSON.stringify({ cameraId, capturedAt: capturedAt.slice(0, 19), plate: 'BAD1234' });
    case 3: return JSON.stringify({ cameraId, capturedAt, plate: 'BAD5678', confidence: 1.5 });
    case 4: return JSON.stringify({ cameraId: `${cameraId}-unregistered`, capturedAt, plate: 'GHOST12' });
    default: return JSON.stringify({ cameraId, capturedAt, plate: '-- --' });
  }
}
