import { DataSource } from 'typeorm';
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

/** Registers the demo agencies and cameras directly; harmless to run twice. */
export async function seedDemoRegistry(dataSource: DataSource, agencies = DEMO_AGENCIES): Promise<void> {
  await dataSource.transaction(async (manager) => {
    for (const agency of agencies) {
      await manager.query(
        `INSERT INTO agencies (id, name, state, category, status, retention_days, sharing)
         VALUES ($1, $2, $3, $4, 'active', 30, $5)
         ON CONFLICT (id) DO NOTHING`,
        [agency.id, agency.name, agency.state, agency.category, { ...DEFAULT_SHARING_POLICY, ...agency.sharing }],
      );
      for (const camera of agency.cameras) {
        await manager.query(
          `INSERT INTO cameras (id, agency_id, name, lat, lon) VALUES ($1, $2, $3, $4, $5)
           ON CONFLICT (id) DO UPDATE SET agency_id = $2, name = $3, lat = $4, lon = $5, updated_at = now()`,
          [camera.id, agency.id, camera.name, camera.lat, camera.lon],
        );
      }
    }
  });
}
