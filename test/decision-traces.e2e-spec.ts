import { randomUUID } from 'node:crypto';
import { AgencyCategory, SharingPolicy } from '@platekeeper/sharing';
import { enrichRead } from '@platekeeper/contract';
import { PlatekeeperTestStack } from './support/platekeeper-stack';

jest.setTimeout(120_000);

/**
 * Decision traces: "why could Border Patrol see Auburn's read?" answered from the search's record by
 * GET /v1/audit/searches/{id}/explain, under the audit's privacy rule, and unchanged by later policy changes.
 */
describe('decision traces: GET /v1/audit/searches/{id}/explain', () => {
  const stack = new PlatekeeperTestStack();
  const plate = 'EXP1003';
  let platformAdmin: string;
  let state: string;
  let auburn: string;
  let seattle: string;
  let tacoma: string;
  let borderPatrol: string;
  let answer: { searchId: string; items: Array<{ agencyId: string }> };

  async function agency(name: string, home: string, category: AgencyCategory, sharing: Partial<SharingPolicy>): Promise<string> {
    const id = stack.id(name);
    await stack.registerAgency({ id, state: home, category, sharing, cameras: [`${id}-cam`] });
    return id;
  }

  async function indexRead(ownerId: string): Promise<void> {
    await stack.indexReads([
      enrichRead(
        { readId: randomUUID(), cameraId: `${ownerId}-cam`, capturedAt: new Date(Date.now() - 3_600_000).toISOString(), plate },
        { cameraId: `${ownerId}-cam`, ownerAgencyId: ownerId, ownerState: state, lat: 47.3, lon: -122.2 },
        new Date(),
      ),
    ]);
  }

  async function explain(agencyId: string, roles = ['agency_admin'], searchId = answer.searchId) {
    return stack.request('GET', `/v1/audit/searches/${searchId}/explain`, { token: roles.includes('platform_admin') ? platformAdmin : await stack.token(agencyId, roles) });
  }

  beforeAll(async () => {
    await stack.start();
    platformAdmin = await stack.token(stack.id('platform'), ['platform_admin']);
    state = await stack.unusedStateCode();
    auburn = await agency('tr-auburn-pd', state, 'local_police', { nationalLookup: true });
    seattle = await agency('tr-seattle-pd', state, 'local_police', { nationalLookup: true, denyCategories: ['federal_immigration'] });
    tacoma = await agency('tr-tacoma-pd', state, 'local_police', { nationalLookup: true });
    borderPatrol = await agency('tr-cbp-blaine', 'QQ', 'federal_immigration', { nationalLookup: true });
    await indexRead(auburn);
    await indexRead(seattle);
    const response = await stack.request('POST', '/v1/searches', {
      token: await stack.token(borderPatrol),
      body: { purpose: 'criminal_investigation', scope: 'national', caseNumber: 'CBP-1003', reason: 'trace example for explain', plate },
    });
    expect(response.status).toBe(200);
    answer = response.body;
    expect(answer.items.map((item) => item.agencyId)).toEqual([auburn]);
  });

  afterAll(async () => {
    await stack.stop();
  });

  it("answers Auburn with its own line: the rule that granted Border Patrol its read, and the world version it was decided under", async () => {
    const response = await explain(auburn);
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({
      searchId: answer.searchId, view: 'touched_owner', agencyId: borderPatrol, purpose: 'criminal_investigation', caseNumber: 'CBP-1003',
      scope: null, narrowedToHours: [],
      owners: [{ agencyId: auburn, decision: 'returned', readsReturned: 1, grantedBy: 'national', reasons: [] }],
    });
    expect(response.body.worldVersion).toMatch(/^\d+$/);
  });

  it("answers Seattle with why its matching read was withheld, and nothing of Auburn's", async () => {
    const response = await explain(seattle);
    expect(response.status).toBe(200);
    expect(response.body.owners).toEqual([
      expect.objectContaining({ agencyId: seattle, decision: 'withheld', readsWithheld: 1, reasons: ['SHARING.DENIED_CATEGORY'] }),
    ]);
  });

  it('answers the searching agency with the owners it was given, never with who withheld theirs', async () => {
    const response = await explain(borderPatrol);
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ view: 'searching_agency', scope: 'national' });
    expect(response.body.owners).toEqual([expect.objectContaining({ agencyId: auburn, decision: 'returned', grantedBy: 'national' })]);
  });

  it('matches what the search returned, owner by owner, in the full view', async () => {
    const response = await explain('', ['platform_admin']);
    expect(response.status).toBe(200);
    const returnedByOwner: Record<string, number> = {};
    for (const item of answer.items) returnedByOwner[item.agencyId] = (returnedByOwner[item.agencyId] ?? 0) + 1;
    const explainedReturned = Object.fromEntries(
      response.body.owners.filter((owner: { decision: string }) => owner.decision === 'returned').map((owner: { agencyId: string; readsReturned: number }) => [owner.agencyId, owner.readsReturned]),
    );
    expect(explainedReturned).toEqual(returnedByOwner);
    expect(response.body.owners.map((owner: { agencyId: string }) => owner.agencyId)).toEqual([auburn, seattle].sort());
  });

  it('is a 404 for an agency the search never touched, exactly as for a search that does not exist', async () => {
    const untouched = await explain(tacoma);
    const missing = await explain(tacoma, ['agency_admin'], randomUUID());
    expect(untouched.status).toBe(404);
    expect(missing.status).toBe(404);
    expect(untouched.body.message).toEqual(missing.body.message.map((line: string) => line.replace(/[0-9a-f-]{36}/, answer.searchId)));
    expect((await explain(auburn, ['investigator'])).status).toBe(403);
  });

  it('still answers from the record after the policy changed: Auburn turning national lookup off does not rewrite history', async () => {
    const patch = await stack.request('PATCH', `/v1/agencies/${auburn}/sharing`, { token: await stack.token(auburn, ['agency_admin']), body: { nationalLookup: false } });
    expect(patch.status).toBe(200);
    const before = (await explain(auburn)).body;
    expect(before.owners[0]).toMatchObject({ grantedBy: 'national' });
    const again = await stack.request('POST', '/v1/searches', {
      token: await stack.token(borderPatrol),
      body: { purpose: 'criminal_investigation', scope: 'national', caseNumber: 'CBP-1003', reason: 'trace example for explain', plate },
    });
    expect(again.body.items).toEqual([]);
    const later = await explain('', ['platform_admin'], again.body.searchId);
    expect(BigInt(later.body.worldVersion)).toBeGreaterThan(BigInt(before.worldVersion));
  });
});
