import { randomUUID } from 'node:crypto';
import { PlatekeeperTestStack, eventually } from './support/platekeeper-stack';

jest.setTimeout(240_000);

const minutesAgo = (minutes: number) => new Date(Date.now() - minutes * 60_000).toISOString();

/**
 * The rogue agency admin and the rogue camera, end to end (threat model: docs/threat-model.md).
 * Rogue agency R tries to widen its access to victim agency V's data, and to learn about V's activity;
 * R's camera publishes reads that claim to be V's. Each attempt is refused or gains nothing, and a refusal
 * looks the same whether the target exists or not.
 */
describe('rogue actors: an agency admin and a camera that try to reach another agency\'s data', () => {
  const stack = new PlatekeeperTestStack();
  const rogue = stack.id('rogue-pd');
  const victim = stack.id('victim-pd');
  const nowhere = stack.id('no-such-pd');
  const rogueCamera = stack.id('cam-rogue');
  const victimCamera = stack.id('cam-victim');
  const victimPlate = 'VIC2024';
  const roguePlate = 'ROG6666';
  const unrelatedPlate = 'UNR1357';
  const token: Record<string, string> = {};
  let month: string;

  const search = (caller: string, plate: string, scope = 'local', caseNumber = 'RA-1') =>
    stack.request('POST', '/v1/searches', {
      token: token[caller], body: { purpose: 'criminal_investigation', caseNumber, reason: 'rogue actors end to end', plate, scope },
    });

  /** The answer with every agency id blanked, so two answers can be compared for what they reveal. */
  const withoutIds = (response: { status: number; body: unknown }) => ({
    status: response.status,
    body: JSON.parse(JSON.stringify(response.body).split(victim).join('<agency>').split(nowhere).join('<agency>')),
  });

  beforeAll(async () => {
    await stack.start();
    const state = await stack.unusedStateCode();
    await stack.registerAgency({ id: rogue, state, cameras: [rogueCamera], sharing: { nationalLookup: true } });
    await stack.registerAgency({ id: victim, state, cameras: [victimCamera], sharing: { nationalLookup: true } });
    token.rogueAdmin = await stack.token(rogue, ['agency_admin'], 'admin@rogue');
    token.rogueInvestigator = await stack.token(rogue, ['investigator'], 'det@rogue');
    token.victimAdmin = await stack.token(victim, ['agency_admin'], 'admin@victim');
    token.victimInvestigator = await stack.token(victim, ['investigator'], 'det@victim');
    month = new Date().toISOString().slice(0, 7);
    // The rogue holds reads of its own (none of the plate the victim will look for), so a deny rule has something to withhold.
    await stack.produceRaw([{ cameraId: rogueCamera, capturedAt: minutesAgo(60), plate: 'ROGOWN1' }]);
    await eventually(async () => ((await search('rogueInvestigator', 'ROGOWN1')).body.total === 1 ? true : undefined),
      90_000, "the rogue's own read to become searchable");
  });

  afterAll(async () => {
    await stack.stop();
  });

  describe('the rogue agency admin', () => {
    it("cannot widen its access through the victim's sharing policy, and the refusal does not say whether the victim exists", async () => {
      const patch = { allowAgencies: [rogue], statewide: true };
      const onVictim = await stack.request('PATCH', `/v1/agencies/${victim}/sharing`, { token: token.rogueAdmin, body: patch });
      const onNowhere = await stack.request('PATCH', `/v1/agencies/${nowhere}/sharing`, { token: token.rogueAdmin, body: patch });
      expect(onVictim.status).toBe(403);
      expect(withoutIds(onVictim)).toEqual(withoutIds(onNowhere));
      const policy = await stack.request('GET', `/v1/agencies/${victim}/sharing`, { token: token.victimAdmin });
      expect(policy.body).toMatchObject({ allowAgencies: [], statewide: false });
    });

    it("cannot read the victim's sharing policy, effective access or usage report, and learns nothing about whether it exists", async () => {
      for (const path of ['sharing', 'effective-access', `usage-report?month=${month}`]) {
        const onVictim = await stack.request('GET', `/v1/agencies/${victim}/${path}`, { token: token.rogueAdmin });
        const onNowhere = await stack.request('GET', `/v1/agencies/${nowhere}/${path}`, { token: token.rogueAdmin });
        expect({ path, status: onVictim.status }).toEqual({ path, status: 403 });
        expect({ path, ...withoutIds(onVictim) }).toEqual({ path, ...withoutIds(onNowhere) });
      }
    });

    it("cannot register a camera for the victim, nor take the victim's camera, and the victim's camera stays the victim's", async () => {
      const camera = { name: 'planted camera', lat: 47.3, lon: -122.2 };
      const forVictim = await stack.request('PUT', `/v1/cameras/${stack.id('cam-planted')}`, { token: token.rogueAdmin, body: { ...camera, agencyId: victim } });
      const forNowhere = await stack.request('PUT', `/v1/cameras/${stack.id('cam-planted')}`, { token: token.rogueAdmin, body: { ...camera, agencyId: nowhere } });
      expect(forVictim.status).toBe(403);
      expect(withoutIds(forVictim)).toEqual(withoutIds(forNowhere));

      const takeover = await stack.request('PUT', `/v1/cameras/${victimCamera}`, { token: token.rogueAdmin, body: { ...camera, agencyId: rogue } });
      expect(takeover.status).toBe(403);
      const [owner] = await stack.dataSource.query('SELECT agency_id FROM cameras WHERE id = $1', [victimCamera]);
      expect(owner.agency_id).toBe(victim);
      const planted = await stack.dataSource.query('SELECT id FROM cameras WHERE id = $1', [stack.id('cam-planted')]);
      expect(planted).toEqual([]);
    });

    it("cannot read another agency's search trail, and asking for one that exists looks like asking for one that does not", async () => {
      const onVictim = await stack.request('GET', `/v1/audit/searches?agencyId=${victim}`, { token: token.rogueAdmin });
      const onNowhere = await stack.request('GET', `/v1/audit/searches?agencyId=${nowhere}`, { token: token.rogueAdmin });
      expect(onVictim.status).toBe(403);
      expect(withoutIds(onVictim)).toEqual(withoutIds(onNowhere));
    });

    it("learns nothing of the victim's searches by sharing nothing or denying everything", async () => {
      // Denying every category, purpose and the victim itself: only searches that touched the rogue's reads may show.
      const denyAll = await stack.request('PATCH', `/v1/agencies/${rogue}/sharing`, {
        token: token.rogueAdmin,
        body: {
          nationalLookup: true, denyAgencies: [victim],
          denyCategories: ['local_police', 'sheriff', 'state_police', 'federal', 'federal_immigration', 'private', 'other'],
          deniedPurposes: ['criminal_investigation', 'stolen_vehicle', 'missing_person', 'amber_alert', 'wanted_person',
            'traffic_enforcement', 'immigration_enforcement', 'reproductive_health', 'other'],
        },
      });
      expect(denyAll.status).toBe(200);
      const unrelated = await search('victimInvestigator', unrelatedPlate, 'national', 'V-SECRET-1');
      expect(unrelated.status).toBe(200);

      const trail = await stack.request('GET', '/v1/audit/searches?limit=500', { token: token.rogueAdmin });
      expect(trail.status).toBe(200);
      expect(trail.body.items.filter((item: { agencyId: string }) => item.agencyId === victim)).toEqual([]);
      expect(JSON.stringify(trail.body)).not.toContain('V-SECRET-1');

      const report = await stack.request('GET', `/v1/agencies/${rogue}/usage-report?month=${month}`, { token: token.rogueAdmin });
      expect(report.status).toBe(200);
      expect(report.body.searchers).toEqual([]);

      // A search that did meet the rogue's reads is the rogue's to see, but only its own share of it.
      const touching = await search('victimInvestigator', 'ROGOWN1', 'national', 'V-TOUCHED-1');
      expect(touching.status).toBe(200);
      const touched = (await stack.request('GET', '/v1/audit/searches?limit=500', { token: token.rogueAdmin })).body.items
        .find((item: { caseNumber: string }) => item.caseNumber === 'V-TOUCHED-1');
      expect(touched).toMatchObject({ agencyId: victim, relation: 'denied_our_data', readsReturnedFromThisAgency: 0 });
      expect({ total: touched.total ?? null, criteria: touched.criteria ?? null }).toEqual({ total: null, criteria: null });

      const shareNothing = await stack.request('PATCH', `/v1/agencies/${rogue}/sharing`, {
        token: token.rogueAdmin, body: { nationalLookup: false, denyAgencies: [], denyCategories: [], deniedPurposes: [] },
      });
      expect(shareNothing.status).toBe(200);
      const another = await search('victimInvestigator', unrelatedPlate, 'national', 'V-SECRET-2');
      expect(another.status).toBe(200);
      const trailAfter = await stack.request('GET', '/v1/audit/searches?limit=500', { token: token.rogueAdmin });
      expect(JSON.stringify(trailAfter.body)).not.toContain('V-SECRET-2');
    });
  });

  describe('the rogue camera', () => {
    const sharedReadId = randomUUID();

    beforeAll(async () => {
      await stack.produceRaw([{ readId: sharedReadId, cameraId: victimCamera, capturedAt: minutesAgo(30), plate: victimPlate }]);
      await eventually(async () => ((await search('victimInvestigator', victimPlate)).body.total === 1 ? true : undefined),
        90_000, "the victim's read to become searchable");
      // The rogue camera claims the victim as owner and reuses the readId of the victim's read.
      await stack.produceRaw([
        { readId: sharedReadId, cameraId: rogueCamera, capturedAt: minutesAgo(5), plate: roguePlate, agencyId: victim },
        { readId: randomUUID(), cameraId: rogueCamera, capturedAt: minutesAgo(4), plate: victimPlate, agencyId: victim },
      ]);
      await eventually(async () => ((await search('rogueInvestigator', victimPlate)).body.total === 1 ? true : undefined),
        90_000, "the rogue camera's second read to become searchable");
    });

    it("gets its reads attributed to the camera's registered owner, whatever agencyId the read claims", async () => {
      const rogueView = await search('rogueInvestigator', victimPlate);
      expect(rogueView.body.items).toEqual([expect.objectContaining({ cameraId: rogueCamera, agencyId: rogue })]);
      const victimView = await search('victimInvestigator', victimPlate);
      expect(victimView.body.items.filter((read: { cameraId: string }) => read.cameraId === rogueCamera)).toEqual([]);
    });

    it("cannot overwrite the victim's read by reusing its readId", async () => {
      const victimView = await search('victimInvestigator', victimPlate);
      expect(victimView.body.items).toEqual([
        expect.objectContaining({ readId: sharedReadId, cameraId: victimCamera, agencyId: victim, plate: victimPlate }),
      ]);
      const rogueRead = await eventually(async () => {
        const found = await search('rogueInvestigator', roguePlate);
        return found.body.total === 1 ? found.body.items[0] : undefined;
      }, 60_000, "the rogue camera's reused-readId read to become searchable");
      expect(rogueRead).toMatchObject({ cameraId: rogueCamera, agencyId: rogue, plate: roguePlate });
    });

    it("gives the victim nothing it did not have: the rogue's reads are not the victim's, not even in the victim's local scope", async () => {
      const victimView = await search('victimInvestigator', roguePlate);
      expect(victimView.body.total).toBe(0);
    });
  });
});
