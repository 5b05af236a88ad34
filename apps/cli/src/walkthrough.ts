import { PlatekeeperConfig } from '@platekeeper/config';
import { SHOWCASE_PLATE } from './demo-world';
import { mintDevelopmentToken } from '@platekeeper/config';

/** Ready-to-paste curls that tell the Auburn story against the running demo. */
export async function printWalkthrough(config: PlatekeeperConfig): Promise<void> {
  const base = `http://${config.SEARCH_HOST}:${config.SEARCH_PORT}`;
  const token = (agencyId: string, role: string) => mintDevelopmentToken(config, { agencyId, roles: [role], expiresIn: '24h' });
  const auburnInvestigator = await token('wa-auburn-pd', 'investigator');
  const borderPatrol = await token('us-cbp-blaine', 'investigator');
  const auburnAdmin = await token('wa-auburn-pd', 'agency_admin');
  const mukilteoAdmin = await token('wa-mukilteo-pd', 'agency_admin');
  const search = (scope: string, purpose: string) =>
    JSON.stringify({ purpose, caseNumber: 'DEMO-1', reason: 'demo walkthrough of Platekeeper', scope, plate: SHOWCASE_PLATE });
  const month = new Date().toISOString().slice(0, 7);
  const gateway = `http://${config.SEARCH_HOST}:${config.GATEWAY_PORT}`;
  const cameraKey = JSON.stringify({ name: 'Main St Plate Recognizer Stream', format: 'platerecognizer', cameras: [{ vendorCameraId: 'main-st', cameraId: 'cam-auburn-main-st' }] });
  const streamHook = (at: string) =>
    JSON.stringify({ hook: { event: 'recognition', id: 'main-st' }, data: { camera_id: 'main-st', timestamp: at, results: [{ plate: 'gtw123', score: 0.91, region: { code: 'us-wa' }, candidates: [{ plate: 'gtw123' }, { plate: 'gtw12e' }], vehicle: { type: 'Sedan' } }] } });
  console.log(`
Platekeeper is up. Search API ${base}  (OpenAPI: ${base}/docs)

# 1. An Auburn investigator searches Auburn's own reads for ${SHOWCASE_PLATE}:
curl -s -X POST ${base}/v1/searches -H 'authorization: Bearer ${auburnInvestigator}' -H 'content-type: application/json' \\
  -d '${search('local', 'stolen_vehicle')}'

# 2. Border Patrol (national lookup on) finds Auburn's and Mukilteo's reads through national lookup:
curl -s -X POST ${base}/v1/searches -H 'authorization: Bearer ${borderPatrol}' -H 'content-type: application/json' \\
  -d '${search('national', 'criminal_investigation')}'

# 3. Auburn's administrator turns national lookup off:
curl -s -X PATCH ${base}/v1/agencies/wa-auburn-pd/sharing -H 'authorization: Bearer ${auburnAdmin}' -H 'content-type: application/json' \\
  -d '{"nationalLookup": false}'

# 4. Mukilteo denies federal immigration agencies for good:
curl -s -X PATCH ${base}/v1/agencies/wa-mukilteo-pd/sharing -H 'authorization: Bearer ${mukilteoAdmin}' -H 'content-type: application/json' \\
  -d '{"denyCategories": ["federal_immigration"]}'

# 5. Run search 2 again: nothing of Auburn's or Mukilteo's comes back.

# 6. Who can search Auburn's data now, and Auburn's monthly review (JSON, then CSV):
curl -s ${base}/v1/agencies/wa-auburn-pd/effective-access -H 'authorization: Bearer ${auburnAdmin}'
curl -s "${base}/v1/agencies/wa-auburn-pd/usage-report?month=${month}" -H 'authorization: Bearer ${auburnAdmin}'
curl -s "${base}/v1/agencies/wa-mukilteo-pd/usage-report?month=${month}&format=csv" -H 'authorization: Bearer ${mukilteoAdmin}'

# 7. A real camera feeds it: Auburn's administrator issues an API key for a Plate Recognizer Stream camera (shown once),
#    the camera posts its webhook to the gateway ${gateway} (OpenAPI: ${gateway}/docs), and the read is searchable (search 1 with plate GTW123):
KEY=$(curl -s -X POST ${base}/v1/agencies/wa-auburn-pd/camera-keys -H 'authorization: Bearer ${auburnAdmin}' -H 'content-type: application/json' \
  -d '${cameraKey}' | node -pe 'JSON.parse(require("fs").readFileSync(0)).apiKey')
curl -s -X POST ${gateway}/v1/reads -H "x-api-key: $KEY" -H 'content-type: application/json' \
  -d "$(node -pe 'JSON.stringify(${streamHook('__NOW__')}).replace("__NOW__", new Date().toISOString())')"
`);
}
