import fc from 'fast-check';
import { checkRawRead } from './raw-read';
import { checkRawReadWithClassValidator } from './testing/raw-read-class-validator.reference';

const NOW = Date.parse('2026-06-01T12:00:00Z');
const missing = Symbol('missing');

/** Good values and every kind of bad one the rules distinguish, per field. */
const text = (good: fc.Arbitrary<string>) => fc.oneof(good, fc.constant(''), fc.constant('-- · --'), fc.string({ minLength: 17, maxLength: 30 }), fc.integer(), fc.constant(null), fc.constant(missing));
const fractionLike = fc.oneof(fc.double({ min: 0, max: 1, noNaN: true }), fc.constantFrom(-0.1, 1.5, 80), fc.constant('0.5'), fc.constant(null), fc.constant(missing));
const plate = fc.stringMatching(/^[A-Za-z0-9 -]{1,16}$/);
const readArbitrary = fc.record({
  readId: fc.oneof(fc.uuid(), fc.constant('not-a-uuid'), fc.constant('00000000-0000-0000-0000-000000000000'), fc.constant(null), fc.constant(missing)),
  cameraId: fc.oneof(fc.stringMatching(/^[a-z0-9-]{1,40}$/), fc.constant(''), fc.string({ minLength: 201, maxLength: 210 }), fc.constant(7), fc.constant(missing)),
  capturedAt: fc.oneof(
    fc.integer({ min: -30 * 86_400_000, max: 4 * 60_000 }).map((offset) => new Date(NOW + offset).toISOString()),
    fc.constant('2026-05-01T12:00:00-07:00'), fc.constant('2026-05-01T12:00:00'), fc.constant('2026-05-01 12:00'),
    fc.constant('2026-13-45T12:00:00Z'), fc.constant(new Date(NOW + 3_600_000).toISOString()), fc.constant(42), fc.constant(missing),
  ),
  plate: text(plate),
  plateRegion: text(fc.constantFrom('WA', 'or', 'CA')),
  confidence: fractionLike,
  vehicle: fc.oneof(
    fc.record({ make: fc.oneof(fc.string(), fc.integer(), fc.constant(null)), color: fc.string() }, { requiredKeys: [] }),
    fc.constant([]), fc.constant('blue'), fc.constant(null), fc.constant(missing),
  ),
  location: fc.oneof(
    // Positions as cameras write them (decimal degrees): class-validator refused exponent notation such as 5e-324.
    fc.record({ lat: fc.integer({ min: -900_000, max: 900_000 }).map((n) => n / 1e4), lon: fc.integer({ min: -1_800_000, max: 1_800_000 }).map((n) => n / 1e4) }),
    fc.record({ lat: fc.constantFrom(123, -91, null), lon: fc.constantFrom(10, 200) }),
    fc.constant({}), fc.constant({ lat: 47 }), fc.constant(null), fc.constant(missing),
  ),
  imageRef: text(fc.string({ minLength: 1, maxLength: 40 })),
  candidates: fc.oneof(
    fc.array(fc.record({ plate: text(plate), confidence: fractionLike }), { maxLength: 12 }),
    fc.constant('ABC'), fc.constant(null), fc.constant(missing),
  ),
  direction: fc.oneof(fc.double({ min: 0, max: 360, noNaN: true }), fc.constantFrom(-1, 400), fc.constant(null), fc.constant(missing)),
}).map((fields) => {
  const withoutMissing = (value: unknown): unknown =>
    Array.isArray(value) ? value.map(withoutMissing)
      : value !== null && typeof value === 'object'
        ? Object.fromEntries(Object.entries(value).filter(([, inner]) => inner !== missing).map(([key, inner]) => [key, withoutMissing(inner)]))
        : value;
  return withoutMissing(fields) as Record<string, unknown>;
});

const fieldsOf = (check: ReturnType<typeof checkRawRead>) => (check.ok ? [] : [...new Set(check.violations.map((violation) => violation.field))].sort());

describe('the compiled raw-read rules', () => {
  beforeAll(() => jest.useFakeTimers({ now: NOW }));
  afterAll(() => jest.useRealTimers());

  it('accept and refuse exactly what the class-validator rules did, naming the same fields', () => {
    fc.assert(
      fc.property(readArbitrary, (read) => {
        const reference = checkRawReadWithClassValidator(read);
        const compiled = checkRawRead(read, NOW);
        expect({ ok: compiled.ok, fields: fieldsOf(compiled) }).toEqual({ ok: reference.ok, fields: fieldsOf(reference as ReturnType<typeof checkRawRead>) });
      }),
      { numRuns: Number(process.env.PROPERTY_RUNS ?? 2000) },
    );
  });

  it('name every broken nested field by its path, with a message saying the rule', () => {
    const check = checkRawRead({ cameraId: 'cam-1', capturedAt: '2026-05-01T12:00:00Z', plate: 'ABC', vehicle: { make: 42 }, candidates: [{ plate: '--' }, { plate: 'X', confidence: 80 }] }, NOW);
    expect(check.ok).toBe(false);
    if (check.ok) return;
    expect(check.violations).toEqual(expect.arrayContaining([
      { field: 'vehicle.make', rule: 'isString', message: 'vehicle.make must be a string' },
      { field: 'candidates.0.plate', rule: 'normalisesToAPlate', message: 'candidates.0.plate must contain at least one letter or digit' },
      { field: 'candidates.1.confidence', rule: 'max', message: 'candidates.1.confidence must not be greater than 1' },
    ]));
  });
});
