import { PlatekeeperTestStack } from './support/platekeeper-stack';

jest.setTimeout(240_000);

/** Administration (CONTRACT §4) through the real search service on PostgreSQL: every change is checked by what it does next. */
describe('administration: agencies, sharing policies, cameras, jurisdictions, effective access, previews', () => {
  const stack = new PlatekeeperTestStack();
  const platformAdminUser = () => stack.id('platform-admin');
  let platformAdmin: string;

  const search = { purpose: 'stolen_vehicle', caseNumber: 'CASE-2026-0042', reason: 'stolen vehicle report #0042', plate: 'ABC123' };

  beforeAll(async () => {
    await stack.start();
    platformAdmin = await stack.token(stack.id('platform-operator'), ['platform_admin'], platformAdminUser());
  });

  afterAll(() => stack.stop());

  async function createAgency(name: string, fields: Record<string, unknown> = {}): Promise<string> {
    const id = stack.id(name);
    const response = await stack.request('POST', '/v1/agencies', {
      token: platformAdmin,
      body: { id, name: `${name} agency`, state: 'WA', category: 'local_police', ...fields },
    });
    expect(response.status).toBe(201);
    return id;
  }

  const adminOf = (agencyId: string) => stack.token(agencyId, ['agency_admin'], `${agencyId}-admin`);
  const investigatorOf = (agencyId: string) => stack.token(agencyId, ['investigator'], `${agencyId}-investigator`);

  async function putCamera(token: string, cameraId: string, agencyId: string, position = { lat: 47.3, lon: -122.2 }) {
    return stack.request('PUT', `/v1/cameras/${cameraId}`, { token, body: { agencyId, name: `camera ${cameraId}`, ...position } });
  }

  async function changeRecords(action: string, subjectId: string): Promise<Array<Record<string, any>>> {
    return stack.dataSource.query(
      `SELECT actor_user_id, actor_agency_id, payload FROM audit_records
       WHERE kind = 'change' AND action = $1 AND payload->'subject'->>'id' = $2 ORDER BY seq`,
      [action, subjectId],
    );
  }


  const messagesOf = (response: { body: { message: string[] } }) => response.body.message.join(' | ');

  describe('agencies', () => {
    it('lets a platform admin create an agency, with defaults and the sharing policy it was given (201)', async () => {
      const id = stack.id('wa-auburn-pd');
      const response = await stack.request('POST', '/v1/agencies', {
        token: platformAdmin,
        body: { id, name: 'Auburn Police Department', state: 'WA', category: 'local_police', sharing: { nationalLookup: true } },
      });
      expect(response.status).toBe(201);
      expect(response.body).toEqual({
        id,
        name: 'Auburn Police Department',
        state: 'WA',
        category: 'local_police',
        status: 'active',
        retentionDays: 30,
        sharing: { statewide: false, nationalLookup: true, allowAgencies: [], denyAgencies: [], denyCategories: [], deniedPurposes: [] },
        timeZone: 'UTC',
      });
      const fetched = await stack.request('GET', `/v1/agencies/${id}`, { token: await adminOf(id) });
      expect(fetched.status).toBe(200);
      expect(fetched.body).toEqual(response.body);
    });

    it('answers 409 when the agency id is already taken, and leaves the first agency as it was', async () => {
      const id = await createAgency('wa-duplicate-pd', { name: 'the first one' });
      const again = await stack.request('POST', '/v1/agencies', {
        token: platformAdmin,
        body: { id, name: 'the second one', state: 'OR', category: 'sheriff' },
      });
      expect(again.status).toBe(409);
      expect(again.body).toMatchObject({ statusCode: 409, error: 'Conflict' });
      const fetched = await stack.request('GET', `/v1/agencies/${id}`, { token: platformAdmin });
      expect(fetched.body).toMatchObject({ name: 'the first one', state: 'WA' });
    });

    it('answers 400 naming each bad field, nested ones and unknown ones included', async () => {
      const response = await stack.request('POST', '/v1/agencies', {
        token: platformAdmin,
        body: {
          id: 'Not A Slug',
          name: '',
          state: 'wa',
          category: 'police',
          status: 'dormant',
          retentionDays: 0,
          sharing: { nationalLookup: 'yes', denyCategories: ['aliens'], allowAgencies: ['UPPER CASE'], everyone: true },
          color: 'blue',
        },
      });
      expect(response.status).toBe(400);
      expect(response.body).toMatchObject({ statusCode: 400, error: 'Bad Request' });
      const messages = messagesOf(response);
      for (const field of [
        'id', 'name', 'state', 'category', 'status', 'retentionDays',
        'sharing.nationalLookup', 'denyCategories', 'allowAgencies', 'everyone', 'color',
      ]) {
        expect(messages).toContain(field);
      }
      expect(response.body.message.filter((message: string) => message.startsWith('sharing.'))).toHaveLength(4);
      const missing = await stack.request('POST', '/v1/agencies', { token: platformAdmin, body: { id: stack.id('nameless') } });
      expect(missing.status).toBe(400);
      for (const field of ['name', 'state', 'category']) expect(messagesOf(missing)).toContain(field);
    });

    it('lets only a platform admin create or change agencies (401 without a token, 403 for an agency admin)', async () => {
      const id = await createAgency('wa-roles-pd');
      const body = { id: stack.id('wa-self-made-pd'), name: 'self made', state: 'WA', category: 'local_police' };
      expect((await stack.request('POST', '/v1/agencies', { body })).status).toBe(401);
      expect((await stack.request('POST', '/v1/agencies', { token: await adminOf(id), body })).status).toBe(403);
      expect((await stack.request('PATCH', `/v1/agencies/${id}`, { token: await adminOf(id), body: { retentionDays: 90 } })).status).toBe(403);
      expect((await stack.request('GET', `/v1/agencies/${id}`, { token: await investigatorOf(id) })).status).toBe(403);
    });

    it('lets a platform admin change status, retention, category and name, and only those', async () => {
      const id = await createAgency('wa-changing-pd', { sharing: { statewide: true } });
      const response = await stack.request('PATCH', `/v1/agencies/${id}`, {
        token: platformAdmin,
        body: { status: 'suspended', retentionDays: 14, category: 'sheriff', name: 'Changing County Sheriff' },
      });
      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({
        id, state: 'WA', status: 'suspended', retentionDays: 14, category: 'sheriff', name: 'Changing County Sheriff',
        sharing: { statewide: true },
      });
      const partly = await stack.request('PATCH', `/v1/agencies/${id}`, { token: platformAdmin, body: { status: 'active' } });
      expect(partly.body).toMatchObject({ status: 'active', retentionDays: 14, category: 'sheriff' });

      const bad = await stack.request('PATCH', `/v1/agencies/${id}`, { token: platformAdmin, body: { state: 'OR', retentionDays: 5000 } });
      expect(bad.status).toBe(400);
      expect(messagesOf(bad)).toContain('state');
      expect(messagesOf(bad)).toContain('retentionDays');
      const empty = await stack.request('PATCH', `/v1/agencies/${id}`, { token: platformAdmin, body: {} });
      expect(empty.status).toBe(400);
      const unknown = await stack.request('PATCH', `/v1/agencies/${stack.id('nobody')}`, { token: platformAdmin, body: { status: 'revoked' } });
      expect(unknown.status).toBe(404);
    });

    it('keeps a suspended agency\'s users out from the very next request', async () => {
      const id = await createAgency('wa-suspended-pd');
      const investigator = await investigatorOf(id);
      expect((await stack.request('POST', '/v1/searches/preview', { token: investigator, body: search })).status).toBe(200);
      await stack.request('PATCH', `/v1/agencies/${id}`, { token: platformAdmin, body: { status: 'suspended' } });
      expect((await stack.request('POST', '/v1/searches/preview', { token: investigator, body: search })).status).toBe(403);
    });

    it('shows an agency to its own agency admin but not to another agency\'s (403), and 404 for an unknown one', async () => {
      const own = await createAgency('wa-own-pd');
      const other = await createAgency('wa-other-pd');
      expect((await stack.request('GET', `/v1/agencies/${own}`, { token: await adminOf(own) })).status).toBe(200);
      expect((await stack.request('GET', `/v1/agencies/${own}`, { token: await adminOf(other) })).status).toBe(403);
      expect((await stack.request('GET', `/v1/agencies/${stack.id('nobody')}`, { token: platformAdmin })).status).toBe(404);
    });
  });

  describe('sharing policies', () => {
    it('turns national lookup off with PATCH {"nationalLookup": false}, answering the whole policy and leaving the rest untouched', async () => {
      const partner = stack.id('or-salem-pd');
      const id = await createAgency('wa-kent-pd', {
        sharing: { nationalLookup: true, statewide: true, allowAgencies: [partner], denyCategories: ['private'], deniedPurposes: ['reproductive_health'] },
      });
      const admin = await adminOf(id);
      const patched = await stack.request('PATCH', `/v1/agencies/${id}/sharing`, { token: admin, body: { nationalLookup: false } });
      expect(patched.status).toBe(200);
      const expected = {
        statewide: true,
        nationalLookup: false,
        allowAgencies: [partner],
        denyAgencies: [],
        denyCategories: ['private'],
        deniedPurposes: ['reproductive_health'],
      };
      expect(patched.body).toEqual(expected);
      const fetched = await stack.request('GET', `/v1/agencies/${id}/sharing`, { token: admin });
      expect(fetched.status).toBe(200);
      expect(fetched.body).toEqual(expected);
    });

    it('keeps every field of six concurrent PATCHes that each change a different one', async () => {
      const id = await createAgency('wa-concurrent-pd');
      const admin = await adminOf(id);
      const denied = stack.id('wa-denied-pd');
      const patches = [
        { statewide: true },
        { nationalLookup: true },
        { denyAgencies: [denied] },
        { denyCategories: ['federal_immigration'] },
        { deniedPurposes: ['immigration_enforcement'] },
        { allowAgencies: [stack.id('wa-allowed-pd')] },
      ];
      const responses = await Promise.all(patches.map((body) => stack.request('PATCH', `/v1/agencies/${id}/sharing`, { token: admin, body })));
      expect(responses.map((response) => response.status)).toEqual(patches.map(() => 200));
      const fetched = await stack.request('GET', `/v1/agencies/${id}/sharing`, { token: admin });
      expect(fetched.body).toEqual({
        statewide: true,
        nationalLookup: true,
        allowAgencies: [stack.id('wa-allowed-pd')],
        denyAgencies: [denied],
        denyCategories: ['federal_immigration'],
        deniedPurposes: ['immigration_enforcement'],
      });
    });

    it('refuses an investigator (403), another agency\'s admin (403, reading or changing) and a caller without a token (401)', async () => {
      const id = await createAgency('wa-guarded-pd');
      const other = await createAgency('wa-nosy-pd');
      const path = `/v1/agencies/${id}/sharing`;
      const turnOn = { nationalLookup: true };
      expect((await stack.request('PATCH', path, { token: await investigatorOf(id), body: turnOn })).status).toBe(403);
      expect((await stack.request('GET', path, { token: await investigatorOf(id) })).status).toBe(403);
      const nosy = await adminOf(other);
      expect((await stack.request('PATCH', path, { token: nosy, body: turnOn })).status).toBe(403);
      expect((await stack.request('GET', path, { token: nosy })).status).toBe(403);
      expect((await stack.request('PATCH', path, { body: turnOn })).status).toBe(401);
      expect((await stack.request('GET', path)).status).toBe(401);
      const unchanged = await stack.request('GET', path, { token: await adminOf(id) });
      expect(unchanged.body.nationalLookup).toBe(false);
    });

    it('lets a platform admin change any agency\'s policy, and answers 404 for an unknown agency', async () => {
      const id = await createAgency('wa-managed-pd');
      const response = await stack.request('PATCH', `/v1/agencies/${id}/sharing`, { token: platformAdmin, body: { statewide: true } });
      expect(response.status).toBe(200);
      expect(response.body.statewide).toBe(true);
      const unknown = await stack.request('PATCH', `/v1/agencies/${stack.id('nobody')}/sharing`, { token: platformAdmin, body: { statewide: true } });
      expect(unknown.status).toBe(404);
      expect((await stack.request('GET', `/v1/agencies/${stack.id('nobody')}/sharing`, { token: platformAdmin })).status).toBe(404);
    });

    it('answers 400 naming bad, null, unknown or missing fields, and changes nothing', async () => {
      const id = await createAgency('wa-strict-pd');
      const admin = await adminOf(id);
      const path = `/v1/agencies/${id}/sharing`;
      const bad = await stack.request('PATCH', path, {
        token: admin,
        body: { statewide: 'yes', allowAgencies: 'everyone', denyAgencies: [42], denyCategories: ['aliens'], deniedPurposes: ['curiosity'], shareAll: true },
      });
      expect(bad.status).toBe(400);
      for (const field of ['statewide', 'allowAgencies', 'denyAgencies', 'denyCategories', 'deniedPurposes', 'shareAll']) {
        expect(messagesOf(bad)).toContain(field);
      }
      const nulled = await stack.request('PATCH', path, { token: admin, body: { denyAgencies: null } });
      expect(nulled.status).toBe(400);
      expect(messagesOf(nulled)).toContain('denyAgencies');
      expect((await stack.request('PATCH', path, { token: admin, body: {} })).status).toBe(400);
      const fetched = await stack.request('GET', path, { token: admin });
      expect(fetched.body).toEqual({ statewide: false, nationalLookup: false, allowAgencies: [], denyAgencies: [], denyCategories: [], deniedPurposes: [] });
    });
  });

  describe('cameras', () => {
    it('lets a platform admin register a camera and move it to another agency (200 with the camera)', async () => {
      const first = await createAgency('wa-first-owner-pd');
      const second = await createAgency('wa-second-owner-pd');
      const cameraId = stack.id('cam-moving');
      const registered = await putCamera(platformAdmin, cameraId, first);
      expect(registered.status).toBe(200);
      expect(registered.body).toEqual({ id: cameraId, agencyId: first, name: `camera ${cameraId}`, lat: 47.3, lon: -122.2 });
      const moved = await putCamera(platformAdmin, cameraId, second, { lat: 45.5, lon: -122.6 });
      expect(moved.status).toBe(200);
      const [stored] = await stack.dataSource.query('SELECT agency_id, lat, lon FROM cameras WHERE id = $1', [cameraId]);
      expect(stored).toEqual({ agency_id: second, lat: 45.5, lon: -122.6 });
    });

    it('keeps every owner and position a camera had, with when, whoever writes the cameras table', async () => {
      const first = await createAgency('wa-history-first-pd');
      const second = await createAgency('wa-history-second-pd');
      const cameraId = stack.id('cam-with-history');
      expect((await putCamera(platformAdmin, cameraId, first)).status).toBe(200);
      expect((await putCamera(platformAdmin, cameraId, first, { lat: 47.3, lon: -122.2 })).status).toBe(200);
      expect((await putCamera(platformAdmin, cameraId, second, { lat: 45.5, lon: -122.6 })).status).toBe(200);
      await stack.dataSource.query('UPDATE cameras SET lat = 46.0 WHERE id = $1', [cameraId]);
      const history: Array<Record<string, unknown>> = await stack.dataSource.query(
        `SELECT agency_id, lat, valid_from = '-infinity' AS since_ever, valid_to IS NULL AS current FROM camera_history
          WHERE camera_id = $1 ORDER BY valid_from`,
        [cameraId],
      );
      expect(history).toEqual([
        { agency_id: first, lat: 47.3, since_ever: true, current: false },
        { agency_id: second, lat: 45.5, since_ever: false, current: false },
        { agency_id: second, lat: 46.0, since_ever: false, current: true },
      ]);
    });

    it('lets an agency admin register cameras in its namespace and move its own, but not take over or move another agency\'s (403)', async () => {
      const owner = await createAgency('wa-camera-owner-pd');
      const rival = await createAgency('wa-camera-rival-pd');
      const cameraId = `${owner}.cam-owned`;
      const ownerAdmin = await adminOf(owner);
      const rivalAdmin = await adminOf(rival);
      expect((await putCamera(ownerAdmin, cameraId, owner)).status).toBe(200);
      expect((await putCamera(ownerAdmin, cameraId, owner, { lat: 47.31, lon: -122.21 })).status).toBe(200);

      const takeOver = await putCamera(rivalAdmin, cameraId, rival);
      expect(takeOver.status).toBe(403);
      expect(takeOver.body.code).toBe('CAMERA.NOT_ADMINISTERED');
      const outsideNamespace = await putCamera(rivalAdmin, stack.id('cam-vendor-serial-0042'), rival);
      expect(outsideNamespace.status).toBe(403);
      expect(outsideNamespace.body).toEqual(takeOver.body);
      expect((await putCamera(rivalAdmin, cameraId, owner, { lat: 0, lon: 0 })).status).toBe(403);
      expect((await putCamera(rivalAdmin, `${owner}.cam-for-someone-else`, owner)).status).toBe(403);
      expect((await putCamera(await investigatorOf(owner), cameraId, owner)).status).toBe(403);
      expect((await stack.request('PUT', `/v1/cameras/${cameraId}`, { body: { agencyId: owner, name: 'x', lat: 1, lon: 1 } })).status).toBe(401);

      const [stored] = await stack.dataSource.query('SELECT agency_id, lat, lon FROM cameras WHERE id = $1', [cameraId]);
      expect(stored).toEqual({ agency_id: owner, lat: 47.31, lon: -122.21 });
    });

    it('answers 404 for an unknown agency and 400 naming bad or unknown fields', async () => {
      const unknown = await putCamera(platformAdmin, stack.id('cam-orphan'), stack.id('nobody'));
      expect(unknown.status).toBe(404);
      const owner = await createAgency('wa-camera-strict-pd');
      const bad = await stack.request('PUT', `/v1/cameras/${stack.id('cam-bad')}`, {
        token: platformAdmin,
        body: { agencyId: owner, name: '', lat: 91, lon: '-122.2', mounted: 'pole' },
      });
      expect(bad.status).toBe(400);
      for (const field of ['name', 'lat', 'lon', 'mounted']) expect(messagesOf(bad)).toContain(field);
      const [count] = await stack.dataSource.query('SELECT count(*)::int AS n FROM cameras WHERE id = ANY($1)', [[stack.id('cam-orphan'), stack.id('cam-bad')]]);
      expect(count.n).toBe(0);
    });
  });

  describe('jurisdictions', () => {
    it('stores a state rule with PUT and answers it with GET; a state without a rule has no extra limits', async () => {
      const state = await stack.unusedStateCode();
      const before = await stack.request('GET', `/v1/jurisdictions/${state}`, { token: platformAdmin });
      expect(before.status).toBe(200);
      expect(before.body).toEqual({ state, denyOutOfState: false, denyCategories: [], deniedPurposes: [], maxRetentionDays: null });

      const rule = { denyOutOfState: true, denyCategories: ['federal', 'federal_immigration'], deniedPurposes: ['immigration_enforcement'], maxRetentionDays: 21 };
      const put = await stack.request('PUT', `/v1/jurisdictions/${state}`, { token: platformAdmin, body: rule });
      expect(put.status).toBe(200);
      expect(put.body).toEqual({ state, ...rule });
      expect((await stack.request('GET', `/v1/jurisdictions/${state}`, { token: platformAdmin })).body).toEqual({ state, ...rule });

      const loosened = await stack.request('PUT', `/v1/jurisdictions/${state}`, { token: platformAdmin, body: { maxRetentionDays: null } });
      expect(loosened.body).toEqual({ state, denyOutOfState: false, denyCategories: [], deniedPurposes: [], maxRetentionDays: null });
    });

    it('is for platform admins only, and answers 400 for a bad state code or bad fields', async () => {
      const agency = await createAgency('wa-jurisdiction-curious-pd');
      const state = await stack.unusedStateCode();
      expect((await stack.request('PUT', `/v1/jurisdictions/${state}`, { token: await adminOf(agency), body: { denyOutOfState: true } })).status).toBe(403);
      expect((await stack.request('GET', `/v1/jurisdictions/${state}`, { token: await adminOf(agency) })).status).toBe(403);
      expect((await stack.request('GET', `/v1/jurisdictions/${state}`)).status).toBe(401);
      const badState = await stack.request('GET', '/v1/jurisdictions/wa', { token: platformAdmin });
      expect(badState.status).toBe(400);
      expect(messagesOf(badState)).toContain('state');
      const bad = await stack.request('PUT', `/v1/jurisdictions/${state}`, {
        token: platformAdmin,
        body: { denyOutOfState: 'yes', denyCategories: ['aliens'], deniedPurposes: ['curiosity'], maxRetentionDays: 0, sb34: true },
      });
      expect(bad.status).toBe(400);
      for (const field of ['denyOutOfState', 'denyCategories', 'deniedPurposes', 'maxRetentionDays', 'sb34']) expect(messagesOf(bad)).toContain(field);
    });
  });

  describe('effective access', () => {
    it('lists a national-lookup partner with rule national, and drops it once denied by id or by category', async () => {
      const owner = await createAgency('wa-open-pd', { sharing: { nationalLookup: true } });
      const partner = await createAgency('or-partner-pd', { state: 'OR', sharing: { nationalLookup: true } });
      const immigration = await createAgency('dc-immigration', { state: 'DC', category: 'federal_immigration', sharing: { nationalLookup: true } });
      const direct = await createAgency('id-direct-so', { state: 'ID', category: 'sheriff' });
      const loner = await createAgency('wa-loner-pd');
      const admin = await adminOf(owner);
      const grantsFor = async () => {
        const response = await stack.request('GET', `/v1/agencies/${owner}/effective-access`, { token: admin });
        expect(response.status).toBe(200);
        return new Map<string, any>(response.body.grants.map((grant: { agencyId: string }) => [grant.agencyId, grant]));
      };

      await stack.request('PATCH', `/v1/agencies/${owner}/sharing`, { token: admin, body: { allowAgencies: [direct], deniedPurposes: ['traffic_enforcement'] } });
      let grants = await grantsFor();
      expect(grants.get(partner)).toEqual({
        agencyId: partner, agencyName: 'or-partner-pd agency', state: 'OR', category: 'local_police', rules: ['national'], deniedPurposes: ['traffic_enforcement'],
      });
      expect(grants.get(immigration)?.rules).toEqual(['national']);
      expect(grants.get(direct)?.rules).toEqual(['direct']);
      expect(grants.has(loner)).toBe(false);
      expect(grants.has(owner)).toBe(false);

      await stack.request('PATCH', `/v1/agencies/${owner}/sharing`, { token: admin, body: { denyAgencies: [partner] } });
      grants = await grantsFor();
      expect(grants.has(partner)).toBe(false);
      expect(grants.has(immigration)).toBe(true);

      await stack.request('PATCH', `/v1/agencies/${owner}/sharing`, { token: admin, body: { denyCategories: ['federal_immigration'] } });
      grants = await grantsFor();
      expect(grants.has(immigration)).toBe(false);
      expect(grants.has(direct)).toBe(true);
    });

    it('drops out-of-state agencies as soon as the owner\'s state denies out-of-state sharing', async () => {
      const state = await stack.unusedStateCode();
      const owner = await createAgency('xx-owner-pd', { state, sharing: { nationalLookup: true } });
      const outOfState = await createAgency('wa-far-away-pd', { sharing: { nationalLookup: true } });
      const admin = await adminOf(owner);
      const grantIds = async () =>
        (await stack.request('GET', `/v1/agencies/${owner}/effective-access`, { token: admin })).body.grants.map((grant: { agencyId: string }) => grant.agencyId);
      expect(await grantIds()).toContain(outOfState);
      await stack.request('PUT', `/v1/jurisdictions/${state}`, { token: platformAdmin, body: { denyOutOfState: true, maxRetentionDays: 21 } });
      expect(await grantIds()).not.toContain(outOfState);
      const response = await stack.request('GET', `/v1/agencies/${owner}/effective-access`, { token: admin });
      expect(response.body).toMatchObject({ ownerAgencyId: owner, ownerActive: true, effectiveRetentionDays: 21 });
    });

    it('is shown to the agency\'s own admin and platform admins only', async () => {
      const owner = await createAgency('wa-private-access-pd');
      const other = await createAgency('wa-prying-pd');
      const path = `/v1/agencies/${owner}/effective-access`;
      expect((await stack.request('GET', path, { token: await adminOf(other) })).status).toBe(403);
      expect((await stack.request('GET', path, { token: await investigatorOf(owner) })).status).toBe(403);
      expect((await stack.request('GET', path)).status).toBe(401);
      expect((await stack.request('GET', path, { token: platformAdmin })).status).toBe(200);
      expect((await stack.request('GET', `/v1/agencies/${stack.id('nobody')}/effective-access`, { token: platformAdmin })).status).toBe(404);
    });
  });

  describe('search preview', () => {
    it('counts the agencies and cameras a search would reach, and changes right after a sharing PATCH', async () => {
      const searcher = await createAgency('wa-searcher-pd');
      const generous = await createAgency('wa-generous-pd', { sharing: { allowAgencies: [searcher] } });
      const wary = await createAgency('wa-wary-pd', { sharing: { allowAgencies: [searcher] } });
      await createAgency('wa-silent-pd');
      const generousCamera = stack.id('cam-generous-1');
      for (const [cameraId, agencyId] of [
        [stack.id('cam-searcher-1'), searcher],
        [generousCamera, generous],
        [stack.id('cam-generous-2'), generous],
        [stack.id('cam-wary-1'), wary],
      ]) {
        expect((await putCamera(platformAdmin, cameraId, agencyId)).status).toBe(200);
      }
      const investigator = await investigatorOf(searcher);
      const preview = (body: Record<string, unknown>) => stack.request('POST', '/v1/searches/preview', { token: investigator, body: { ...search, ...body } });

      const national = await preview({ scope: 'national' });
      expect(national.status).toBe(200);
      expect(national.body).toEqual({ agencies: 3, cameras: 4, agencyIds: [generous, searcher, wary].sort() });
      expect((await preview({})).body).toEqual({ agencies: 1, cameras: 1, agencyIds: [searcher] });
      expect((await preview({ scope: 'national', cameraIds: [generousCamera, stack.id('cam-unknown')] })).body).toEqual({
        agencies: 1, cameras: 1, agencyIds: [generous],
      });

      const denied = await stack.request('PATCH', `/v1/agencies/${wary}/sharing`, { token: await adminOf(wary), body: { denyAgencies: [searcher] } });
      expect(denied.status).toBe(200);
      expect((await preview({ scope: 'national' })).body).toEqual({ agencies: 2, cameras: 3, agencyIds: [generous, searcher].sort() });

      const [recorded] = await stack.dataSource.query(
        `SELECT payload FROM audit_records WHERE action = 'search.preview' AND actor_agency_id = $1 ORDER BY seq DESC LIMIT 1`,
        [searcher],
      );
      expect(recorded.payload).toMatchObject({
        purpose: 'stolen_vehicle',
        caseNumber: search.caseNumber,
        reason: search.reason,
        scope: 'national',
        criteria: { plate: 'ABC123' },
        outcome: 'previewed',
        total: 0,
        returnedByOwner: {},
        withheldOwners: [{ agencyId: wary, reasons: ['SHARING.DENIED_AGENCY'] }],
      });
    });

    it('takes the search body and roles of a search: 400 naming bad fields, 403 without the investigator role, refusals recorded', async () => {
      const agency = await createAgency('wa-preview-strict-pd');
      const bad = await stack.request('POST', '/v1/searches/preview', {
        token: await investigatorOf(agency),
        body: { purpose: 'curiosity', caseNumber: '', reason: 'short', plate: 'ABC123', everything: true },
      });
      expect(bad.status).toBe(400);
      for (const field of ['purpose', 'caseNumber', 'reason', 'everything']) expect(messagesOf(bad)).toContain(field);
      expect((await stack.request('POST', '/v1/searches/preview', { token: await adminOf(agency), body: search })).status).toBe(403);
      const refusals = await stack.dataSource.query(
        `SELECT payload->>'outcome' AS outcome FROM audit_records WHERE action = 'search.preview' AND actor_agency_id = $1`,
        [agency],
      );
      expect(refusals.map((row: { outcome: string }) => row.outcome)).toEqual(['refused', 'refused']);
    });
  });

  describe('accountability', () => {
    it('records every change with its actor and what it was before and after', async () => {
      const id = await createAgency('wa-accountable-pd', { name: 'Accountable PD' });
      const admin = await adminOf(id);
      await stack.request('PATCH', `/v1/agencies/${id}`, { token: platformAdmin, body: { retentionDays: 60 } });
      await stack.request('PATCH', `/v1/agencies/${id}/sharing`, { token: admin, body: { nationalLookup: true } });
      const cameraId = `${id}.cam-accountable`;
      await putCamera(admin, cameraId, id);
      await putCamera(admin, cameraId, id, { lat: 47.4, lon: -122.3 });
      const state = await stack.unusedStateCode();
      await stack.request('PUT', `/v1/jurisdictions/${state}`, { token: platformAdmin, body: { maxRetentionDays: 21 } });

      const [created] = await changeRecords('agency.create', id);
      expect(created).toMatchObject({ actor_user_id: platformAdminUser(), actor_agency_id: stack.id('platform-operator') });
      expect(created.payload).toMatchObject({ subject: { type: 'agency', id }, before: null, after: { id, name: 'Accountable PD', retentionDays: 30 } });

      const [updated] = await changeRecords('agency.update', id);
      expect(updated.actor_user_id).toBe(platformAdminUser());
      expect(updated.payload).toMatchObject({ before: { retentionDays: 30 }, after: { retentionDays: 60 } });

      const [shared] = await changeRecords('sharing.update', id);
      expect(shared).toMatchObject({ actor_user_id: `${id}-admin`, actor_agency_id: id });
      expect(shared.payload).toMatchObject({ subject: { type: 'agency', id }, before: { nationalLookup: false }, after: { nationalLookup: true } });

      const cameraChanges = await changeRecords('camera.put', cameraId);
      expect(cameraChanges.map((record) => [record.actor_user_id, record.payload.before?.lat ?? null, record.payload.after.lat])).toEqual([
        [`${id}-admin`, null, 47.3],
        [`${id}-admin`, 47.3, 47.4],
      ]);

      const [ruled] = await changeRecords('jurisdiction.put', state);
      expect(ruled.actor_user_id).toBe(platformAdminUser());
      expect(ruled.payload).toMatchObject({ subject: { type: 'jurisdiction', id: state }, before: null, after: { state, maxRetentionDays: 21 } });

      const verify = await stack.dataSource.query(
        `SELECT count(*)::int AS broken FROM (
           SELECT prev_hash, lag(hash) OVER (ORDER BY seq) AS previous_hash FROM audit_records
           WHERE seq > (SELECT max(seq) - 500 FROM audit_records)
         ) chain WHERE previous_hash IS NOT NULL AND prev_hash <> previous_hash`,
      );
      expect(verify[0].broken).toBe(0);
    });

    it('does not apply a change whose audit record cannot be written (503)', async () => {
      const id = await createAgency('wa-unrecorded-pd');
      const unrecordedUser = stack.id('unrecorded-admin');
      const unrecorded = await stack.token(stack.id('platform-operator'), ['platform_admin'], unrecordedUser);
      const trigger = `${stack.runId}_refuse_audit`;
      // Only this run's one user is refused, so suites running alongside keep recording.
      await stack.dataSource.query(
        `CREATE TRIGGER ${trigger} BEFORE INSERT ON audit_records FOR EACH ROW
         WHEN (NEW.actor_user_id = '${unrecordedUser}') EXECUTE FUNCTION refuse_audit_rewrite()`,
      );
      try {
        const sharing = await stack.request('PATCH', `/v1/agencies/${id}/sharing`, { token: unrecorded, body: { nationalLookup: true } });
        expect(sharing.status).toBe(503);
        expect(sharing.body).toMatchObject({ statusCode: 503, code: 'AUDIT.UNAVAILABLE' });
        const created = await stack.request('POST', '/v1/agencies', {
          token: unrecorded,
          body: { id: stack.id('wa-never-created-pd'), name: 'never', state: 'WA', category: 'local_police' },
        });
        expect(created.status).toBe(503);
        expect((await putCamera(unrecorded, stack.id('cam-never'), id)).status).toBe(503);
      } finally {
        await stack.dataSource.query(`DROP TRIGGER ${trigger} ON audit_records`);
      }
      expect((await stack.request('GET', `/v1/agencies/${id}/sharing`, { token: platformAdmin })).body.nationalLookup).toBe(false);
      expect((await stack.request('GET', `/v1/agencies/${stack.id('wa-never-created-pd')}`, { token: platformAdmin })).status).toBe(404);
      const [cameras] = await stack.dataSource.query('SELECT count(*)::int AS n FROM cameras WHERE id = $1', [stack.id('cam-never')]);
      expect(cameras.n).toBe(0);
    });
  });

  it('describes the administration endpoints in its OpenAPI document', async () => {
    const docs = await stack.request('GET', '/docs-json');
    expect(Object.keys(docs.body.paths)).toEqual(
      expect.arrayContaining([
        '/v1/agencies',
        '/v1/agencies/{id}',
        '/v1/agencies/{id}/sharing',
        '/v1/agencies/{id}/effective-access',
        '/v1/cameras/{id}',
        '/v1/jurisdictions/{state}',
        '/v1/searches/preview',
      ]),
    );
  });
});
