import { RawRead, checkRawRead } from '@platekeeper/contract';
import { CameraOwnershipInterval, CameraOwnershipSnapshot } from './camera-ownership';
import { enrichFromRegistry, parseRawMessage } from './read-triage';

const MOVED_AT = Date.parse('2026-05-10T12:00:00Z');

const interval = (ownerAgencyId: string, lat: number, validFromMs: number, validToMs: number): CameraOwnershipInterval => ({
  registration: { cameraId: 'cam-moving', ownerAgencyId, ownerState: 'WA', lat, lon: -122.2 },
  validFromMs,
  validToMs,
});

/** A camera Auburn owned until it moved to Seattle; Auburn keeps reads 30 days, Seattle 21 (its state's cap). */
const registry = new CameraOwnershipSnapshot(
  [interval('wa-auburn-pd', 47.31, Number.NEGATIVE_INFINITY, MOVED_AT), interval('wa-seattle-pd', 47.62, MOVED_AT, Number.POSITIVE_INFINITY)],
  new Map([['wa-auburn-pd', 30], ['wa-seattle-pd', 21]]),
);

function rawRead(capturedAt: string): RawRead {
  const check = checkRawRead({ cameraId: 'cam-moving', capturedAt, plate: 'ABC123' });
  if (!check.ok) throw new Error('fixture must be a valid read');
  return check.read;
}

describe('enrichFromRegistry', () => {
  const ingestedAt = new Date('2026-05-20T00:00:00Z');
  const maxAgeDays = 3650;

  it('gives a read captured before a camera moved, and its position, to the owner of that time, whenever it arrives', () => {
    const triaged = enrichFromRegistry(rawRead('2026-05-10T11:59:59Z'), registry, ingestedAt, maxAgeDays);
    expect(triaged).toMatchObject({ ok: true, read: { agencyId: 'wa-auburn-pd', location: { lat: 47.31 } } });
  });

  it('gives a read captured from the instant of the move on to the new owner', () => {
    const triaged = enrichFromRegistry(rawRead('2026-05-10T12:00:00Z'), registry, ingestedAt, maxAgeDays);
    expect(triaged).toMatchObject({ ok: true, read: { agencyId: 'wa-seattle-pd', location: { lat: 47.62 } } });
  });

  it('gives reads a camera buffered before its registration to its first owner', () => {
    const triaged = enrichFromRegistry(rawRead('2026-04-25T00:00:00Z'), registry, ingestedAt, maxAgeDays);
    expect(triaged).toMatchObject({ ok: true, read: { agencyId: 'wa-auburn-pd' } });
  });

  it('dead-letters a read of a camera that was not registered when it was captured', () => {
    const unregistered = new CameraOwnershipSnapshot([interval('wa-auburn-pd', 47.31, Number.NEGATIVE_INFINITY, MOVED_AT)], new Map());
    expect(enrichFromRegistry(rawRead('2026-05-11T00:00:00Z'), unregistered, ingestedAt, maxAgeDays)).toMatchObject({
      ok: false, reason: { code: 'READ.UNKNOWN_CAMERA' },
    });
  });

  it('dead-letters a read older than the effective retention of the agency that owned the camera then', () => {
    const forAuburn = enrichFromRegistry(rawRead('2026-04-19T00:00:00Z'), registry, ingestedAt, maxAgeDays);
    expect(forAuburn).toMatchObject({ ok: false, reason: { code: 'READ.TOO_OLD' } });
    expect(enrichFromRegistry(rawRead('2026-04-21T00:00:00Z'), registry, ingestedAt, maxAgeDays)).toMatchObject({ ok: true });
  });

  it('dead-letters a read older than READS_MAX_AGE_DAYS whatever the owner keeps', () => {
    const generous = new CameraOwnershipSnapshot([interval('wa-auburn-pd', 47.31, Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY)], new Map([['wa-auburn-pd', 3650]]));
    expect(enrichFromRegistry(rawRead('2001-01-15T10:00:00Z'), generous, ingestedAt, maxAgeDays)).toMatchObject({
      ok: false, reason: { code: 'READ.TOO_OLD' },
    });
    expect(enrichFromRegistry(rawRead('2026-05-01T00:00:00Z'), generous, ingestedAt, 7)).toMatchObject({ ok: false, reason: { code: 'READ.TOO_OLD' } });
  });
});

describe('parseRawMessage with a gateway refusal', () => {
  it('dead-letters a payload the camera gateway refused with the gateway\'s reason, however the bytes look', () => {
    const outcome = parseRawMessage(Buffer.from('{"cameraId":"c","capturedAt":"2026-01-01T00:00:00Z","plate":"ABC"}'), {
      'gateway.refused.code': 'GATEWAY.UNKNOWN_CAMERA',
      'gateway.refused.detail': 'vendor camera id "9" is not mapped for this key',
    });
    expect(outcome).toEqual({ ok: false, reason: { code: 'READ.GATEWAY_REFUSED', detail: 'GATEWAY.UNKNOWN_CAMERA: vendor camera id "9" is not mapped for this key' } });
  });
});
