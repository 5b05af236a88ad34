import { VerifiedCameraKey } from '@platekeeper/persistence';
import { localTimeToInstant, toRawReads } from './camera-mapping';
import { GatewayError } from './gateway-error';
import { VendorRead } from './translators';

const key: VerifiedCameraKey = {
  id: 'k1', agencyId: 'wa-auburn-pd', format: 'blueiris',
  cameras: [
    { vendorCameraId: 'LPR1', cameraId: 'wa-auburn-pd.lpr-1', timeZone: 'America/Los_Angeles', registeredOwner: 'wa-auburn-pd' },
    { vendorCameraId: 'LPR2', cameraId: 'wa-auburn-pd.lpr-2', registeredOwner: 'wa-seattle-pd' },
  ],
};
const read = (overrides: Partial<VendorRead> = {}): VendorRead => ({ vendorCameraId: 'LPR1', capturedAt: { instant: '2026-01-01T00:00:00.000Z' }, plate: 'ABC123', ...overrides });
const refusal = (action: () => unknown): GatewayError => {
  try {
    action();
  } catch (error) {
    return error as GatewayError;
  }
  throw new Error('not refused');
};

describe('camera mapping', () => {
  it('attributes a read to the mapped registered camera', () => {
    expect(toRawReads([read()], key)).toEqual([{ cameraId: 'wa-auburn-pd.lpr-1', capturedAt: '2026-01-01T00:00:00.000Z', plate: 'ABC123' }]);
  });

  it('places a local time in the camera\'s time zone (PST in winter, PDT in summer)', () => {
    expect(toRawReads([read({ capturedAt: { localTime: '2026-01-10T10:11:12.345' } })], key)[0].capturedAt).toBe('2026-01-10T18:11:12.345Z');
    expect(localTimeToInstant('2026-07-10T10:00:00', 'America/Los_Angeles').toISOString()).toBe('2026-07-10T17:00:00.000Z');
  });

  it('refuses an unmapped vendor camera id instead of guessing', () => {
    expect(refusal(() => toRawReads([read({ vendorCameraId: 'LPR9' })], key)).code).toBe('GATEWAY.UNKNOWN_CAMERA');
  });

  it('refuses a mapped camera its agency no longer owns', () => {
    expect(refusal(() => toRawReads([read({ vendorCameraId: 'LPR2' })], key)).code).toBe('GATEWAY.CAMERA_NOT_OWNED');
  });

  it('refuses a local time when the camera has no time zone, and a read breaking the contract, naming the field', () => {
    const local = refusal(() => toRawReads([read({ vendorCameraId: 'LPR2', capturedAt: { localTime: '2026-01-10T10:11:12' } })], { ...key, agencyId: 'wa-seattle-pd' }));
    expect(local.problems[0]).toContain('no timeZone');
    const broken = refusal(() => toRawReads([read({ plate: '---' })], key));
    expect(broken.code).toBe('GATEWAY.INVALID_READ');
    expect(broken.problems[0]).toMatch(/^plate: /);
  });
});
