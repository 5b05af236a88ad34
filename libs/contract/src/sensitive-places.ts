/** Kinds of place where no read may be kept (Washington's 2026 law and its like). */
export const SENSITIVE_PLACE_KINDS = ['school', 'place_of_worship', 'health_care', 'immigration_facility', 'shelter', 'courthouse', 'other'] as const;
export type SensitivePlaceKind = (typeof SENSITIVE_PLACE_KINDS)[number];

/** What happens to a camera registered inside the place: refused, or accepted and flagged. */
export const SENSITIVE_CAMERA_RULES = ['refuse', 'flag'] as const;
export type SensitiveCameraRule = (typeof SENSITIVE_CAMERA_RULES)[number];

/**
 * A geofence, a circle on the globe. A jurisdiction's place covers every read captured inside it; an agency's place
 * covers the reads of that agency's own cameras (an agency cannot blank out another's cameras).
 */
export interface SensitivePlace {
  id: string;
  kind: SensitivePlaceKind;
  lat: number;
  lon: number;
  radiusM: number;
  cameraRule: SensitiveCameraRule;
  /** set for an agency's place: only its cameras' reads are covered */
  agencyId: string | null;
}

const EARTH_RADIUS_M = 6_371_008.8;

/** Great-circle distance in metres (haversine). */
export function distanceMetres(from: { lat: number; lon: number }, to: { lat: number; lon: number }): number {
  const radians = Math.PI / 180;
  const dLat = (to.lat - from.lat) * radians;
  const dLon = (to.lon - from.lon) * radians;
  const a = Math.sin(dLat / 2) ** 2 + Math.cos(from.lat * radians) * Math.cos(to.lat * radians) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(a)));
}

/** The first place covering a read of `ownerAgencyId` at `position` (on the boundary counts as inside), or undefined. */
export function sensitivePlaceAt(
  places: readonly SensitivePlace[],
  position: { lat: number; lon: number },
  ownerAgencyId: string,
): SensitivePlace | undefined {
  for (const place of places) {
    if (place.agencyId !== null && place.agencyId !== ownerAgencyId) continue;
    // A cheap latitude test first: most places are far from most reads.
    if (Math.abs(place.lat - position.lat) * 111_000 > place.radiusM + 1) continue;
    if (distanceMetres(place, position) <= place.radiusM) return place;
  }
  return undefined;
}

/** Every place covering a camera of `ownerAgencyId` standing at `position` (for registering cameras, not the hot path). */
export function sensitivePlacesAt(
  places: readonly SensitivePlace[],
  position: { lat: number; lon: number },
  ownerAgencyId: string,
): SensitivePlace[] {
  return places.filter((place) => sensitivePlaceAt([place], position, ownerAgencyId) !== undefined);
}
