import { randomUUID } from 'node:crypto';
import { enrichRead } from '@platekeeper/contract';
import { PlatekeeperTestStack } from './support/platekeeper-stack';

jest.setTimeout(120_000);

/** A state's annual statutory report, built only from the records, in JSON and CSV. */
describe('annual statutory report per jurisdiction', () => {
  const stack = new PlatekeeperTestStack();
  const plate = 'ANN2026';
  const year = new Date().getUTCFullYear();
  let state: string;
  /** The outside agencies' state: any state but the report's (unusedStateCode may itself answer QZ). */
  let outsideState: string;
  let home: string;
  let outsider: string;
  let federal: string;
  let platformAdmin: string;

  const search = async (agencyId: string, body: Record<string, unknown>) => {
    const response = await stack.request('POST', '/v1/searches', {
      token: await stack.token(agencyId),
      body: { purpose: 'criminal_investigation', caseNumber: 'ANN-1', reason: 'annual report example search', plate, scope: 'national', ...body },
    });
    expect(response.status).toBe(200);
    return response.body;
  };

  beforeAll(async () => {
    await stack.start();
    platformAdmin = await stack.token(stack.id('platform'), ['platform_admin']);
    state = await stack.unusedStateCode();
    outsideState = state === 'QZ' ? 'QY' : 'QZ';
    home = stack.id('ann-home-pd');
    outsider = stack.id('ann-outside-pd');
    federal = stack.id('ann-federal');
    await stack.registerAgency({ id: home, state, sharing: { nationalLookup: true, denyCategories: ['federal'] }, cameras: [`${home}-cam`] });
    await stack.registerAgency({ id: outsider, state: outsideState, sharing: { nationalLookup: true }, cameras: [] });
    await stack.registerAgency({ id: federal, state: outsideState, category: 'federal', sharing: { nationalLookup: true }, cameras: [] });
    await stack.indexReads([enrichRead(
      { readId: randomUUID(), cameraId: `${home}-cam`, capturedAt: new Date(Date.now() - 3_600_000).toISOString(), plate },
      { cameraId: `${home}-cam`, ownerAgencyId: home, ownerState: state, lat: 47.3, lon: -122.2 },
      new Date(),
    )]);
    expect((await search(home, { scope: 'local', offenseLevel: 'felony' })).total).toBe(1);
    await search(home, { scope: 'local', purpose: 'missing_person' });
    expect((await search(outsider, {})).total).toBe(1);
    expect((await search(federal, {})).total).toBe(0);
  });

  afterAll(() => stack.stop());

  it('counts searches by purpose and stated offense level, outside agencies, and withheld attempts, from the records', async () => {
    const response = await stack.request('GET', `/v1/jurisdictions/${state}/annual-report?year=${year}`, { token: platformAdmin });
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({
      state, year,
      searchesByPurpose: [
        { purpose: 'criminal_investigation', offenseLevel: 'felony', searches: 1 },
        { purpose: 'missing_person', offenseLevel: '(not stated)', searches: 1 },
      ],
      outsideAgencies: [{ searcherAgencyId: outsider, searcherState: outsideState, searchesReturningReads: 1, readsReturned: 1 }],
      withheldAttempts: [{ reason: 'SHARING.DENIED_CATEGORY', attempts: 1 }],
      droppedAtSensitivePlaces: [],
      alerts: null,
    });
  });

  it('answers the same figures as CSV, and only to a platform_admin', async () => {
    const csv = await stack.request('GET', `/v1/jurisdictions/${state}/annual-report?year=${year}&format=csv`, { token: platformAdmin });
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toContain('text/csv');
    const lines = csv.text.trim().split('\n');
    expect(lines[0]).toBe('section,key,detail,value');
    expect(lines).toContain('searches_by_purpose,criminal_investigation,felony,1');
    expect(lines).toContain(`outside_agency_reads,${outsider},${outsideState},1`);
    expect(lines).toContain('withheld_attempts,SHARING.DENIED_CATEGORY,,1');
    const admin = await stack.request('GET', `/v1/jurisdictions/${state}/annual-report?year=${year}`, { token: await stack.token(home, ['agency_admin']) });
    expect(admin.status).toBe(403);
    const bad = await stack.request('GET', `/v1/jurisdictions/${state}/annual-report?year=banana`, { token: platformAdmin });
    expect(bad.status).toBe(400);
  });
});
