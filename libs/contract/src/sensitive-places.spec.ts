import { SensitivePlace, distanceMetres, sensitivePlaceAt } from './sensitive-places';

describe('sensitive places', () => {
  const school: SensitivePlace = { id: 'school', kind: 'school', lat: 47.3, lon: -122.2, radiusM: 200, cameraRule: 'refuse', agencyId: null };
  const clinic: SensitivePlace = { id: 'clinic', kind: 'health_care', lat: 47.31, lon: -122.2, radiusM: 100, cameraRule: 'flag', agencyId: 'wa-kent-pd' };

  it('measures one degree of latitude as about 111 km', () => {
    expect(distanceMetres({ lat: 47, lon: -122 }, { lat: 48, lon: -122 })).toBeGreaterThan(110_000);
    expect(distanceMetres({ lat: 47, lon: -122 }, { lat: 48, lon: -122 })).toBeLessThan(112_000);
  });

  it('finds a read inside a jurisdiction place, whoever owns it, and none 250 m away', () => {
    expect(sensitivePlaceAt([school], { lat: 47.301, lon: -122.2 }, 'wa-auburn-pd')?.id).toBe('school');
    expect(sensitivePlaceAt([school], { lat: 47.30225, lon: -122.2 }, 'wa-auburn-pd')).toBeUndefined();
  });

  it("covers only the registering agency's own reads with an agency place", () => {
    expect(sensitivePlaceAt([clinic], { lat: 47.31, lon: -122.2 }, 'wa-kent-pd')?.id).toBe('clinic');
    expect(sensitivePlaceAt([clinic], { lat: 47.31, lon: -122.2 }, 'wa-auburn-pd')).toBeUndefined();
  });
});
