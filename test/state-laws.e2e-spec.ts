import { randomUUID } from 'node:crypto';
import { AgencyCategory, SearchPurpose } from '@platekeeper/sharing';
import { enrichRead } from '@platekeeper/contract';
import { PlatekeeperTestStack } from './support/platekeeper-stack';

jest.setTimeout(180_000);

const DAY_MS = 86_400_000;

/**
 * The two state laws CONTRACT §4 names, set through PUT /v1/jurisdictions and observed through POST /v1/searches:
 * California's SB 34 (no sharing out of state, none with federal agencies) and Washington's 2026 law (21 days,
 * no immigration enforcement). Every denial has a positive control: the same search that the rule must refuse
 * finds the reads without the rule, or a neighbour the rule does not name finds them with it.
 */
describe('state laws through the search API: California SB 34 and Washington 2026', () => {
  const stack = new PlatekeeperTestStack();
  let platformAdmin: string;
  const sharesEverywhere = { statewide: true, nationalLookup: true };

  async function agency(name: string, state: string, category: AgencyCategory = 'local_police'): Promise<string> {
    const id = stack.id(name);
    await stack.registerAgency({ id, state, category, sharing: sharesEverywhere, cameras: [`${id}-cam`] });
    return id;
  }

  async function indexReads(ownerId: string, state: string, plate: string, agesInDays: number[]): Promise<string[]> {
    const documents = agesInDays.map((days) =>
      enrichRead(
        { readId: randomUUID(), cameraId: `${ownerId}-cam`, capturedAt: new Date(Date.now() - days * DAY_MS).toISOString(), plate },
        { cameraId: `${ownerId}-cam`, ownerAgencyId: ownerId, ownerState: state, lat: 37.8, lon: -122.3 },
        new Date(),
      ),
    );
    await stack.indexReads(documents);
    return documents.map((document) => document.readId);
  }

  async function found(searcherId: string, plate: string, purpose: SearchPurpose = 'criminal_investigation', scope = 'national') {
    const response = await stack.request('POST', '/v1/searches', {
      token: await stack.token(searcherId),
      body: { purpose, scope, caseNumber: 'LAW-1', reason: 'state law example check', plate, limit: 500 },
    });
    expect(response.status).toBe(200);
    expect(response.body.total).toBe(response.body.items.length);
    return (response.body.items as Array<{ readId: string }>).map((item) => item.readId).sort();
  }

  async function putLaw(state: string, rule: Record<string, unknown>): Promise<void> {
    const response = await stack.request('PUT', `/v1/jurisdictions/${state}`, { token: platformAdmin, body: rule });
    expect(response.status).toBe(200);
  }

  beforeAll(async () => {
    await stack.start();
    await stack.clearJurisdictions(['CA', 'WA']);
    platformAdmin = await stack.token(stack.id('platform'), ['platform_admin']);
  });

  afterAll(async () => {
    await stack.clearJurisdictions(['CA', 'WA']);
    await stack.stop();
  });

  describe('California SB 34: denyOutOfState plus the federal categories', () => {
    const plate = 'CAL5034';
    let oakland: string;
    let berkeley: string;
    let portland: string;
    let fbiSf: string;
    let iceSf: string;
    let oaklandReads: string[];

    beforeAll(async () => {
      oakland = await agency('ca-oakland-pd', 'CA');
      berkeley = await agency('ca-berkeley-pd', 'CA');
      portland = await agency('or-portland-pb', 'OR');
      fbiSf = await agency('ca-fbi-sf', 'CA', 'federal');
      iceSf = await agency('ca-ice-sf', 'CA', 'federal_immigration');
      oaklandReads = (await indexReads(oakland, 'CA', plate, [1, 2])).sort();
    });

    it('lets every sharing agency find Oakland\'s reads before the law (the control)', async () => {
      for (const searcher of [berkeley, portland, fbiSf, iceSf]) expect(await found(searcher, plate)).toEqual(oaklandReads);
    });

    it('withholds Oakland\'s reads from Portland (out of state) and from federal agencies in California, once the law is in force', async () => {
      await putLaw('CA', { denyOutOfState: true, denyCategories: ['federal', 'federal_immigration'] });
      expect(await found(portland, plate)).toEqual([]);
      expect(await found(fbiSf, plate)).toEqual([]);
      expect(await found(iceSf, plate)).toEqual([]);
    });

    it('still lets Berkeley (in state, local police) and Oakland itself find them under the law', async () => {
      expect(await found(berkeley, plate)).toEqual(oaklandReads);
      expect(await found(berkeley, plate, 'criminal_investigation', 'statewide')).toEqual(oaklandReads);
      expect(await found(oakland, plate, 'criminal_investigation', 'local')).toEqual(oaklandReads);
    });

    it('binds only owners in California: Portland\'s reads still reach the FBI office in California', async () => {
      const portlandReads = await indexReads(portland, 'OR', 'ORE5034', [1]);
      expect(await found(fbiSf, 'ORE5034')).toEqual(portlandReads);
    });
  });

  describe('Washington 2026: maxRetentionDays 21 plus immigration_enforcement denied', () => {
    const plate = 'WAS2026';
    let auburn: string;
    let kent: string;
    let blaine: string;
    let recent: string[];
    let old: string[];

    beforeAll(async () => {
      auburn = await agency('wa-auburn-pd', 'WA');
      kent = await agency('wa-kent-pd', 'WA');
      blaine = await agency('us-cbp-blaine', 'WA', 'federal_immigration');
      recent = await indexReads(auburn, 'WA', plate, [3]);
      old = await indexReads(auburn, 'WA', plate, [25]);
    });

    it('finds reads 3 and 25 days old, for any purpose, before the law (the control)', async () => {
      const both = [...recent, ...old].sort();
      expect(await found(auburn, plate, 'criminal_investigation', 'local')).toEqual(both);
      expect(await found(kent, plate)).toEqual(both);
      expect(await found(kent, plate, 'immigration_enforcement')).toEqual(both);
      expect(await found(blaine, plate, 'immigration_enforcement')).toEqual(both);
    });

    it('keeps reads older than 21 days from everyone, the owner included, once the law is in force', async () => {
      await putLaw('WA', { maxRetentionDays: 21, deniedPurposes: ['immigration_enforcement'] });
      expect(await found(auburn, plate, 'criminal_investigation', 'local')).toEqual(recent);
      expect(await found(kent, plate)).toEqual(recent);
      expect(await found(blaine, plate, 'criminal_investigation')).toEqual(recent);
    });

    it('withholds every read from a search for immigration enforcement, by any agency, and the same searchers still find them for another purpose', async () => {
      expect(await found(kent, plate, 'immigration_enforcement')).toEqual([]);
      expect(await found(blaine, plate, 'immigration_enforcement')).toEqual([]);
      expect(await found(kent, plate, 'stolen_vehicle')).toEqual(recent);
      expect(await found(blaine, plate, 'stolen_vehicle')).toEqual(recent);
      // The owner's own reads are outside conditions 1–6, purpose included.
      expect(await found(auburn, plate, 'immigration_enforcement', 'local')).toEqual(recent);
    });

    it('reports the 21 days and the denied purpose in Auburn\'s effective access', async () => {
      const response = await stack.request('GET', `/v1/agencies/${auburn}/effective-access`, { token: platformAdmin });
      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({ effectiveRetentionDays: 21, deniedPurposesForAll: ['immigration_enforcement'] });
      const kentGrant = response.body.grants.find((grant: { agencyId: string }) => grant.agencyId === kent);
      expect(kentGrant).toMatchObject({ rules: ['statewide', 'national'], deniedPurposes: ['immigration_enforcement'] });
    });
  });
});
