import { AgencyCategory, DEFAULT_SHARING_POLICY, SharingPolicy } from '@platekeeper/sharing';

export interface DemoAgency {
  id: string;
  name: string;
  state: string;
  category: AgencyCategory;
  sharing: Partial<SharingPolicy>;
  cameras: Array<{ id: string; name: string; lat: number; lon: number }>;
}

/** The Auburn story's cast: two Washington cities and Border Patrol with national lookup on, plus Oregon. */
export const DEMO_AGENCIES: DemoAgency[] = [
  {
    id: 'wa-auburn-pd', name: 'Auburn Police Department', state: 'WA', category: 'local_police',
    sharing: { nationalLookup: true, statewide: true },
    cameras: [
      { id: 'cam-auburn-main-st', name: 'Main St & Auburn Way', lat: 47.3073, lon: -122.2285 },
      { id: 'cam-auburn-sr18', name: 'SR 18 on-ramp', lat: 47.2956, lon: -122.2419 },
      { id: 'cam-auburn-15th', name: '15th St NW', lat: 47.3215, lon: -122.2301 },
    ],
  },
  {
    id: 'wa-mukilteo-pd', name: 'Mukilteo Police Department', state: 'WA', category: 'local_police',
    sharing: { nationalLookup: true, statewide: true },
    cameras: [
      { id: 'cam-mukilteo-speedway', name: 'Mukilteo Speedway', lat: 47.9129, lon: -122.2951 },
      { id: 'cam-mukilteo-ferry', name: 'Ferry terminal', lat: 47.9490, lon: -122.3046 },
    ],
  },
  {
    id: 'wa-seattle-pd', name: 'Seattle Police Department', state: 'WA', category: 'local_police',
    sharing: { statewide: true },
    cameras: [
      { id: 'cam-seattle-i5-mercer', name: 'I-5 at Mercer', lat: 47.6243, lon: -122.3267 },
      { id: 'cam-seattle-aurora', name: 'Aurora Ave N', lat: 47.6790, lon: -122.3447 },
    ],
  },
  {
    id: 'us-cbp-blaine', name: 'U.S. Border Patrol, Blaine Sector', state: 'WA', category: 'federal_immigration',
    sharing: { nationalLookup: true },
    cameras: [{ id: 'cam-cbp-peace-arch', name: 'Peace Arch crossing', lat: 49.0021, lon: -122.7566 }],
  },
  {
    id: 'or-portland-pb', name: 'Portland Police Bureau', state: 'OR', category: 'local_police',
    sharing: { nationalLookup: true },
    cameras: [{ id: 'cam-portland-i84', name: 'I-84 at Lloyd', lat: 45.5311, lon: -122.6588 }],
  },
];

export const SHOWCASE_PLATE = 'BXT4821';

/**
 * Registers the demo agencies and cameras through the REST API as a platform administrator, so the
 * set-up is in the audit record like any other change; re-running resets the story's starting point.
 */
export async function seedDemoRegistry(searchBaseUrl: string, platformAdminToken: string, agencies = DEMO_AGENCIES): Promise<void> {
  const call = async (method: string, path: string, body: unknown, acceptable: number[] = [200, 201]) => {
    const response = await fetch(`${searchBaseUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${platformAdminToken}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (!acceptable.includes(response.status)) {
      throw new Error(`${method} ${path} answered ${response.status}: ${await response.text()}`);
    }
    return response.status;
  };
  for (const agency of agencies) {
    const sharing = { ...DEFAULT_SHARING_POLICY, ...agency.sharing };
    const created = await call('POST', '/v1/agencies', {
      id: agency.id, name: agency.name, state: agency.state, category: agency.category, sharing,
    }, [201, 409]);
    if (created === 409) {
      await call('PATCH', `/v1/agencies/${agency.id}`, { status: 'active' });
      await call('PATCH', `/v1/agencies/${agency.id}/sharing`, sharing);
    }
    for (const camera of agency.cameras) {
      await call('PUT', `/v1/cameras/${camera.id}`, { agencyId: agency.id, name: camera.name, lat: camera.lat, lon: camera.lon });
    }
  }
}
