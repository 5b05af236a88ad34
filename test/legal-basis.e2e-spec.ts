import { randomUUID } from 'node:crypto';
import { AgencyCategory, SearchPurpose } from '@platekeeper/sharing';
import { enrichRead } from '@platekeeper/contract';
import { PlatekeeperTestStack } from './support/platekeeper-stack';

jest.setTimeout(180_000);

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/**
 * Legal-basis rules (docs/legal-basis.md) set through PUT /v1/jurisdictions and the owners' policies, observed through
 * POST /v1/searches: Washington's 2026 law (21 days, serious crimes only, no immigration or protected health care use),
 * an Illinois-style declaration an out-of-state agency must have on file, and a Colorado-style warrant for reads older
 * than 72 hours. Each state is a code no other suite uses; every refusal has its positive control.
 */
describe('legal-basis rules through the search API', () => {
  const stack = new PlatekeeperTestStack();
  const states: string[] = [];
  let platformAdmin: string;
  const sharesEverywhere = { statewide: true, nationalLookup: true };

  async function freshState(): Promise<string> {
    const state = await stack.unusedStateCode();
    // Claim it at once with an empty rule, so the next draw cannot hand out the same code.
    await putLaw(state, {});
    states.push(state);
    return state;
  }

  async function agency(name: string, state: string, category: AgencyCategory = 'local_police'): Promise<string> {
    const id = stack.id(name);
    await stack.registerAgency({ id, state, category, sharing: sharesEverywhere, cameras: [`${id}-cam`] });
    return id;
  }

  async function indexReads(ownerId: string, state: string, plate: string, agesInHours: number[]): Promise<string[]> {
    const documents = agesInHours.map((hours) =>
      enrichRead(
        { readId: randomUUID(), cameraId: `${ownerId}-cam`, capturedAt: new Date(Date.now() - hours * HOUR_MS).toISOString(), plate },
        { cameraId: `${ownerId}-cam`, ownerAgencyId: ownerId, ownerState: state, lat: 47.3, lon: -122.2 },
        new Date(),
      ),
    );
    await stack.indexReads(documents);
    return documents.map((document) => document.readId).sort();
  }

  async function search(
    searcherId: string, plate: string,
    options: { purpose?: SearchPurpose; scope?: string; offenseLevel?: string; legalReference?: string } = {},
  ) {
    const response = await stack.request('POST', '/v1/searches', {
      token: await stack.token(searcherId),
      body: {
        purpose: options.purpose ?? 'criminal_investigation', scope: options.scope ?? 'national', caseNumber: 'LAW-14',
        reason: 'legal basis example check', plate, limit: 500,
        ...(options.offenseLevel !== undefined && { offenseLevel: options.offenseLevel }),
        ...(options.legalReference !== undefined && { legalReference: options.legalReference }),
      },
    });
    expect(response.status).toBe(200);
    expect(response.body.total).toBe(response.body.items.length);
    return response.body as { searchId: string; items: Array<{ readId: string }>; total: number; narrowedBy?: unknown[] };
  }

  async function found(searcherId: string, plate: string, options: Parameters<typeof search>[2] = {}): Promise<string[]> {
    return (await search(searcherId, plate, options)).items.map((item) => item.readId).sort();
  }

  async function putLaw(state: string, rule: Record<string, unknown>): Promise<void> {
    const response = await stack.request('PUT', `/v1/jurisdictions/${state}`, { token: platformAdmin, body: rule });
    expect(response.status).toBe(200);
  }

  async function patchSharing(agencyId: string, patch: Record<string, unknown>) {
    const response = await stack.request('PATCH', `/v1/agencies/${agencyId}/sharing`, {
      token: await stack.token(agencyId, ['agency_admin']), body: patch,
    });
    return response;
  }

  beforeAll(async () => {
    await stack.start();
    platformAdmin = await stack.token(stack.id('platform'), ['platform_admin']);
  });

  afterAll(async () => {
    await stack.clearJurisdictions(states);
    // Owners here keep warrant windows of their own (500 h): later suites' national searches must not be narrowed by them.
    await stack.retireAgencies();
    await stack.stop();
  });

  describe("Washington 2026: 21 days, serious crimes only, no immigration or protected health care use", () => {
    const plate = 'WAL2026';
    const seriousCrimeOnly = { criminal_investigation: 'gross_misdemeanor', stolen_vehicle: 'gross_misdemeanor', wanted_person: 'gross_misdemeanor' };
    let wa: string;
    let auburn: string;
    let kent: string;
    let recent: string[];
    let old: string[];

    beforeAll(async () => {
      wa = await freshState();
      auburn = await agency('wa26-auburn-pd', wa);
      kent = await agency('wa26-kent-pd', wa);
      recent = await indexReads(auburn, wa, plate, [3 * 24]);
      old = await indexReads(auburn, wa, plate, [25 * 24]);
    });

    it('finds every read for any purpose and no stated offense before the law (the control)', async () => {
      const both = [...recent, ...old].sort();
      expect(await found(kent, plate)).toEqual(both);
      expect(await found(kent, plate, { purpose: 'reproductive_health' })).toEqual(both);
      expect(await found(auburn, plate, { scope: 'local' })).toEqual(both);
    });

    it('refuses a search below the minimum offense level, the owner\'s own included, and answers one at or above it', async () => {
      await putLaw(wa, {
        maxRetentionDays: 21, deniedPurposes: ['immigration_enforcement', 'reproductive_health'], minimumOffenseLevels: seriousCrimeOnly,
      });
      expect(await found(kent, plate)).toEqual([]);
      expect(await found(kent, plate, { offenseLevel: 'misdemeanor' })).toEqual([]);
      expect(await found(kent, plate, { offenseLevel: 'gross_misdemeanor' })).toEqual(recent);
      expect(await found(kent, plate, { offenseLevel: 'felony' })).toEqual(recent);
      expect(await found(auburn, plate, { scope: 'local', offenseLevel: 'infraction' })).toEqual([]);
      expect(await found(auburn, plate, { scope: 'local', offenseLevel: 'felony' })).toEqual(recent);
    });

    it('sets no minimum where the law names none: a missing person search needs no offense level', async () => {
      expect(await found(kent, plate, { purpose: 'missing_person' })).toEqual(recent);
    });

    it('withholds immigration and protected health care searches whatever the offense level, and keeps 21 days', async () => {
      expect(await found(kent, plate, { purpose: 'immigration_enforcement', offenseLevel: 'felony' })).toEqual([]);
      expect(await found(kent, plate, { purpose: 'reproductive_health', offenseLevel: 'felony' })).toEqual([]);
      expect(await found(kent, plate, { purpose: 'wanted_person', offenseLevel: 'felony' })).toEqual(recent);
    });

    it('lets the owner tighten the minimum and never loosen it', async () => {
      expect((await patchSharing(auburn, { minimumOffenseLevels: { criminal_investigation: 'felony' } })).status).toBe(200);
      expect(await found(kent, plate, { offenseLevel: 'gross_misdemeanor' })).toEqual([]);
      expect(await found(kent, plate, { offenseLevel: 'felony' })).toEqual(recent);
      expect((await patchSharing(auburn, { minimumOffenseLevels: { criminal_investigation: 'infraction' } })).status).toBe(200);
      expect(await found(kent, plate, { offenseLevel: 'misdemeanor' })).toEqual([]);
      expect(await found(kent, plate, { offenseLevel: 'gross_misdemeanor' })).toEqual(recent);
    });

    it("records Kent's refused attempt in Auburn's audit as withheld for its offense level", async () => {
      const before = new Date(Date.now() - 1000).toISOString();
      const attempt = await search(kent, plate, { offenseLevel: 'misdemeanor' });
      const listing = await stack.request('GET', `/v1/audit/searches?from=${before}`, { token: await stack.token(auburn, ['agency_admin']) });
      expect(listing.status).toBe(200);
      const item = listing.body.items.find((entry: { searchId: string }) => entry.searchId === attempt.searchId);
      expect(item).toMatchObject({ relation: 'denied_our_data', readsWithheldFromThisAgency: 1, withheldFromThisAgency: ['SHARING.OFFENSE_LEVEL'] });
    });

    it("reports the minimums in Auburn's effective access", async () => {
      const response = await stack.request('GET', `/v1/agencies/${auburn}/effective-access`, { token: platformAdmin });
      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({
        effectiveRetentionDays: 21,
        deniedPurposesForAll: ['immigration_enforcement', 'reproductive_health'],
        minimumOffenseLevels: seriousCrimeOnly,
      });
    });

    it('refuses an unknown offense level or a malformed minimum with a 400 naming the field', async () => {
      const bad = await stack.request('POST', '/v1/searches', {
        token: await stack.token(kent),
        body: { purpose: 'criminal_investigation', caseNumber: 'LAW-14', reason: 'legal basis example check', plate, offenseLevel: 'capital' },
      });
      expect(bad.status).toBe(400);
      expect(bad.body.message.join(' ')).toContain('offenseLevel');
      const badLaw = await stack.request('PUT', `/v1/jurisdictions/${wa}`, { token: platformAdmin, body: { minimumOffenseLevels: { shopping: 'felony' } } });
      expect(badLaw.status).toBe(400);
      expect(badLaw.body.message.join(' ')).toContain('minimumOffenseLevels');
    });
  });

  describe('Illinois-style declarations: an out-of-state agency sees reads only while its declaration is on file', () => {
    const plate = 'ILL1234';
    let il: string;
    let other: string;
    let springfield: string;
    let peoria: string;
    let gary: string;
    let reads: string[];
    let springfieldAdmin: string;

    beforeAll(async () => {
      il = await freshState();
      other = await freshState();
      springfield = await agency('il-springfield-pd', il);
      peoria = await agency('il-peoria-pd', il);
      gary = await agency('in-gary-pd', other);
      reads = await indexReads(springfield, il, plate, [24]);
      springfieldAdmin = await stack.token(springfield, ['agency_admin']);
    });

    async function fileDeclaration(body: Record<string, unknown>) {
      return stack.request('POST', `/v1/agencies/${springfield}/declarations`, {
        token: springfieldAdmin,
        body: { searcherAgencyId: gary, documentRef: 'docs://declarations/gary-2026.pdf', signer: 'Chief J. Doe', scope: ['criminal_investigation'], ...body },
      });
    }

    it('lets Gary find Springfield\'s read before the rule (the control)', async () => {
      expect(await found(gary, plate)).toEqual(reads);
    });

    it('withholds the read from Gary once the rule is in force, and not from Peoria in the same state', async () => {
      await putLaw(il, { declarationRequiredFor: ['out_of_state'] });
      expect(await found(gary, plate)).toEqual([]);
      expect(await found(peoria, plate)).toEqual(reads);
      const access = await stack.request('GET', `/v1/agencies/${springfield}/effective-access`, { token: springfieldAdmin });
      expect(access.body.grants.map((grant: { agencyId: string }) => grant.agencyId)).not.toContain(gary);
    });

    it('admits Gary for the declared purposes only while its declaration is on file, and its expiry ends access on the next search', async () => {
      const expiresAt = new Date(Date.now() + 6_000).toISOString();
      const filed = await fileDeclaration({ expiresAt });
      expect(filed.status).toBe(201);
      expect(filed.body).toMatchObject({ searcherAgencyId: gary, scope: ['criminal_investigation'], inForce: true, revokedAt: null });
      expect(await found(gary, plate)).toEqual(reads);
      expect(await found(gary, plate, { purpose: 'stolen_vehicle' })).toEqual([]);
      const access = await stack.request('GET', `/v1/agencies/${springfield}/effective-access`, { token: springfieldAdmin });
      expect(access.body.grants.find((grant: { agencyId: string }) => grant.agencyId === gary)).toMatchObject({ declarationRequired: true });

      await new Promise((resolve) => setTimeout(resolve, Math.max(0, Date.parse(expiresAt) - Date.now()) + 200));
      expect(await found(gary, plate)).toEqual([]);
      const listed = await stack.request('GET', `/v1/agencies/${springfield}/declarations`, { token: springfieldAdmin });
      expect(listed.body.find((declaration: { id: string }) => declaration.id === filed.body.id)).toMatchObject({ inForce: false });
    });

    it('ends access on the next search when the owner revokes a declaration, and records filing and revocation in the chain', async () => {
      const filed = await fileDeclaration({ expiresAt: new Date(Date.now() + 30 * DAY_MS).toISOString() });
      expect(await found(gary, plate)).toEqual(reads);
      const revoked = await stack.request('DELETE', `/v1/agencies/${springfield}/declarations/${filed.body.id}`, { token: springfieldAdmin });
      expect(revoked.status).toBe(200);
      expect(revoked.body).toMatchObject({ id: filed.body.id, inForce: false, expiresAt: filed.body.expiresAt, revokedAt: expect.any(String), revokedBy: expect.any(String) });
      expect(await found(gary, plate)).toEqual([]);
      const records: Array<{ action: string }> = await stack.dataSource.query(
        `SELECT action FROM audit_records WHERE kind = 'change' AND payload->'subject'->>'id' = $1 ORDER BY seq`, [filed.body.id],
      );
      expect(records.map((record) => record.action)).toEqual(['declaration.file', 'declaration.revoke']);
    });

    it('refuses a declaration filed by another agency\'s admin, one that has already expired, and one for the owner itself', async () => {
      const stranger = await stack.request('POST', `/v1/agencies/${springfield}/declarations`, {
        token: await stack.token(gary, ['agency_admin']),
        body: { searcherAgencyId: gary, documentRef: 'x', signer: 'x', scope: ['criminal_investigation'], expiresAt: new Date(Date.now() + DAY_MS).toISOString() },
      });
      expect(stranger.status).toBe(403);
      expect((await fileDeclaration({ expiresAt: new Date(Date.now() - DAY_MS).toISOString() })).status).toBe(400);
      expect((await fileDeclaration({ searcherAgencyId: springfield, expiresAt: new Date(Date.now() + DAY_MS).toISOString() })).status).toBe(400);
      expect((await fileDeclaration({ scope: [], expiresAt: new Date(Date.now() + DAY_MS).toISOString() })).status).toBe(400);
    });
  });

  describe('Colorado-style warrant rule: reads older than 72 hours need a legal reference', () => {
    const plate = 'COL0072';
    let co: string;
    let denver: string;
    let aurora: string;
    let fresh: string[];
    let days2: string[];
    let days5: string[];

    beforeAll(async () => {
      co = await freshState();
      denver = await agency('co-denver-pd', co);
      aurora = await agency('co-aurora-pd', co);
      fresh = await indexReads(denver, co, plate, [12]);
      days2 = await indexReads(denver, co, plate, [48]);
      days5 = await indexReads(denver, co, plate, [5 * 24]);
    });

    it('finds every read without a reference before the rule (the control), and says nothing about narrowing', async () => {
      const answer = await search(aurora, plate);
      expect(answer.items.map((item) => item.readId).sort()).toEqual([...fresh, ...days2, ...days5].sort());
      expect(answer.narrowedBy).toBeUndefined();
    });

    it('narrows a search without a legal reference to 72 hours, counting only what it may see, and says so', async () => {
      await putLaw(co, { legalReferenceAfterHours: 72 });
      const answer = await search(aurora, plate);
      expect(answer.items.map((item) => item.readId).sort()).toEqual([...fresh, ...days2].sort());
      expect(answer.total).toBe(2);
      expect(answer.narrowedBy).toEqual([expect.objectContaining({ rule: 'LEGAL_REFERENCE_REQUIRED', readsOlderThanHours: 72 })]);
      // The owner is bound too.
      expect(await found(denver, plate, { scope: 'local' })).toEqual([...fresh, ...days2].sort());
    });

    it('says the same for a plate nobody has read: the notice comes from the rules, never from which reads exist', async () => {
      const answer = await search(aurora, 'NOSUCH72');
      expect(answer.total).toBe(0);
      expect(answer.narrowedBy).toEqual([expect.objectContaining({ rule: 'LEGAL_REFERENCE_REQUIRED', readsOlderThanHours: 72 })]);
    });

    it('finds the older reads with a warrant number, and records the reference with the search', async () => {
      const answer = await search(aurora, plate, { legalReference: 'CO-DC-2026-CR-1183' });
      expect(answer.items.map((item) => item.readId).sort()).toEqual([...fresh, ...days2, ...days5].sort());
      expect(answer.narrowedBy).toBeUndefined();
      const [record] = await stack.dataSource.query(`SELECT payload FROM audit_records WHERE payload->>'searchId' = $1`, [answer.searchId]);
      expect(record.payload).toMatchObject({ legalReference: 'CO-DC-2026-CR-1183' });
      expect(record.payload.criteria.legalReference).toBeUndefined();
    });

    it('lets the owner shorten the window and never lengthen it past the state\'s', async () => {
      expect((await patchSharing(denver, { legalReferenceAfterHours: 24 })).status).toBe(200);
      const shortened = await search(aurora, plate);
      expect(shortened.items.map((item) => item.readId)).toEqual(fresh);
      // Denver's own 24 hours, and the state's 72 for Aurora's own reads: each window a missing reference imposed, shortest first.
      expect(shortened.narrowedBy).toEqual([expect.objectContaining({ readsOlderThanHours: 24 }), expect.objectContaining({ readsOlderThanHours: 72 })]);
      expect((await patchSharing(denver, { legalReferenceAfterHours: 500 })).status).toBe(200);
      expect(await found(aurora, plate)).toEqual([...fresh, ...days2].sort());
    });
  });
});
