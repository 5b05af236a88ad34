import { checkRawRead } from './raw-read';
import { deriveReadId, enrichRead } from './enriched-read';
import { foldPlateLookAlikes, normalisePlate } from './plate';

const validRead = {
  cameraId: 'cam-auburn-1',
  capturedAt: '2026-05-01T12:00:00-07:00',
  plate: 'abc-123',
  confidence: 0.93,
  vehicle: { make: 'Toyota', color: 'Blue' },
};

function violatedFields(candidate: unknown): string[] {
  const check = checkRawRead(candidate);
  return check.ok ? [] : check.violations.map((violation) => violation.field);
}

describe('checkRawRead', () => {
  it('accepts a read that follows every rule', () => {
    expect(checkRawRead(validRead).ok).toBe(true);
  });

  it.each([
    ['cameraId', { ...validRead, cameraId: undefined }],
    ['capturedAt', { ...validRead, capturedAt: '2026-05-01 12:00' }],
    ['capturedAt', { ...validRead, capturedAt: '2026-05-01T12:00:00' }],
    ['capturedAt', { ...validRead, capturedAt: new Date(Date.now() + 10 * 60_000).toISOString() }],
    ['plate', { ...validRead, plate: '' }],
    ['plate', { ...validRead, plate: 'ABCDEFGHIJKLMNOPQ' }],
    ['plate', { ...validRead, plate: '-- --' }],
    ['readId', { ...validRead, readId: 'not-a-uuid' }],
    ['confidence', { ...validRead, confidence: 1.5 }],
    ['vehicle.make', { ...validRead, vehicle: { make: 42 } }],
    ['location.lat', { ...validRead, location: { lat: 123, lon: 10 } }],
  ])('names %s when it breaks its rule', (field, candidate) => {
    expect(violatedFields(candidate)).toContain(field);
  });

  it('rejects a JSON value that is not an object', () => {
    expect(violatedFields([1, 2])).toEqual(['$']);
  });

  it('accepts a capture time within the five minutes of allowed clock skew', () => {
    expect(checkRawRead({ ...validRead, capturedAt: new Date(Date.now() + 60_000).toISOString() }).ok).toBe(true);
  });
});

describe('plates', () => {
  it('normalises to upper-case letters and digits only', () => {
    expect(normalisePlate(' ab-c 12·3 ')).toBe('ABC123');
  });

  it('folds OCR look-alikes onto one representative', () => {
    expect(foldPlateLookAlikes('OQD1IL2Z5S6G8B')).toBe(foldPlateLookAlikes('00011122556688'));
  });
});

describe('enrichRead', () => {
  const camera = { cameraId: 'cam-auburn-1', ownerAgencyId: 'wa-auburn-pd', ownerState: 'WA', lat: 47.3, lon: -122.2 };

  it('derives the same readId for the same instant whatever offset it was written in', () => {
    expect(deriveReadId('cam-1', '2026-05-01T12:00:00-07:00', 'abc 123')).toBe(
      deriveReadId('cam-1', '2026-05-01T19:00:00Z', 'ABC123'),
    );
  });

  it('takes the owner and position from the camera registry', () => {
    const check = checkRawRead(validRead);
    if (!check.ok) throw new Error('fixture must be valid');
    const enriched = enrichRead(check.read, camera, new Date('2026-05-01T20:00:00Z'));
    expect(enriched).toMatchObject({
      agencyId: 'wa-auburn-pd',
      agencyState: 'WA',
      plate: 'ABC123',
      capturedAt: '2026-05-01T19:00:00.000Z',
      location: { lat: 47.3, lon: -122.2 },
    });
  });
});

describe('plate candidates and direction (camera gateway)', () => {
  it('keeps alternative readings normalised and folded for fuzzy matching, and the direction of travel', () => {
    const check = checkRawRead({ ...validRead, candidates: [{ plate: 'abc-l23', confidence: 0.8 }, { plate: 'ABC 128' }], direction: 270 });
    expect(check.ok).toBe(true);
    if (!check.ok) return;
    const enriched = enrichRead(check.read, { cameraId: 'cam-auburn-1', ownerAgencyId: 'wa-auburn-pd', ownerState: 'WA', lat: 47, lon: -122 }, new Date());
    expect(enriched.candidates).toEqual([
      { plate: 'ABCL23', plateFolded: foldPlateLookAlikes('ABCL23'), confidence: 0.8 },
      { plate: 'ABC128', plateFolded: foldPlateLookAlikes('ABC128'), confidence: undefined },
    ]);
    expect(enriched.direction).toBe(270);
  });

  it.each([
    ['candidates.0.plate', { ...validRead, candidates: [{ plate: '--' }] }],
    ['candidates.0.confidence', { ...validRead, candidates: [{ plate: 'ABC', confidence: 80 }] }],
    ['candidates', { ...validRead, candidates: Array.from({ length: 11 }, () => ({ plate: 'ABC' })) }],
    ['direction', { ...validRead, direction: 400 }],
  ])('refuses a broken %s', (field, candidate) => {
    expect(violatedFields(candidate)).toContain(field);
  });
});
