import { PlatekeeperTestStack, eventually } from './support/platekeeper-stack';

jest.setTimeout(300_000);

/** The 2025 Washington story, end to end through Kafka, Elasticsearch and the REST API. */
describe('the Auburn story', () => {
  const stack = new PlatekeeperTestStack();
  const auburn = stack.id('wa-auburn-pd');
  const mukilteo = stack.id('wa-mukilteo-pd');
  const borderPatrol = stack.id('us-cbp-blaine');
  const oregon = stack.id('or-portland-pb');
  const plate = `AUB${stack.runId.slice(-6).toUpperCase()}`.slice(0, 12);
  const month = new Date().toISOString().slice(0, 7);
  const tokens: Record<string, string> = {};

  const borderPatrolSearch = async () => {
    const response = await stack.request('POST', '/v1/searches', {
      token: tokens.borderPatrol,
      body: { purpose: 'criminal_investigation', caseNumber: 'BP-2025-118', reason: 'subject vehicle of interest', scope: 'national', plate },
    });
    expect(response.status).toBe(200);
    return response.body as { total: number; items: Array<{ agencyId: string }> };
  };
  const owners = (answer: { items: Array<{ agencyId: string }> }) => [...new Set(answer.items.map((item) => item.agencyId))].sort();

  beforeAll(async () => {
    await stack.start();
    await stack.clearJurisdictions(['WA', 'OR']);
    tokens.platform = await stack.token(stack.id('platform-ops'), ['platform_admin']);
    tokens.borderPatrol = await stack.token(borderPatrol, ['investigator'], 'agent.smith');
    tokens.auburnAdmin = await stack.token(auburn, ['agency_admin'], 'auburn.clerk');
    tokens.mukilteoAdmin = await stack.token(mukilteo, ['agency_admin'], 'mukilteo.clerk');
    const agencies = [
      { id: auburn, name: 'Auburn Police Department', state: 'WA', category: 'local_police', camera: stack.id('cam-auburn') },
      { id: mukilteo, name: 'Mukilteo Police Department', state: 'WA', category: 'local_police', camera: stack.id('cam-mukilteo') },
      { id: borderPatrol, name: 'U.S. Border Patrol Blaine', state: 'WA', category: 'federal_immigration', camera: stack.id('cam-cbp') },
      { id: oregon, name: 'Portland Police Bureau', state: 'OR', category: 'local_police', camera: stack.id('cam-portland') },
    ];
    for (const agency of agencies) {
      const created = await stack.request('POST', '/v1/agencies', {
        token: tokens.platform,
        body: { id: agency.id, name: agency.name, state: agency.state, category: agency.category, sharing: { nationalLookup: true } },
      });
      expect(created.status).toBe(201);
      const camera = await stack.request('PUT', `/v1/cameras/${agency.camera}`, {
        token: tokens.platform, body: { agencyId: agency.id, name: `${agency.name} camera`, lat: 47.3, lon: -122.2 },
      });
      expect(camera.status).toBe(200);
    }
    const capturedAt = (minutesAgo: number) => new Date(Date.now() - minutesAgo * 60_000).toISOString();
    await stack.produceRaw([
      { cameraId: stack.id('cam-auburn'), capturedAt: capturedAt(30), plate },
      { cameraId: stack.id('cam-auburn'), capturedAt: capturedAt(20), plate },
      { cameraId: stack.id('cam-mukilteo'), capturedAt: capturedAt(10), plate },
      { cameraId: stack.id('cam-portland'), capturedAt: capturedAt(5), plate },
    ]);
    const ownersWithReads = [auburn, mukilteo, oregon];
    for (const owner of ownersWithReads) {
      const token = await stack.token(owner);
      await eventually(async () => {
        const own = await stack.request('POST', '/v1/searches', {
          token, body: { purpose: 'other', caseNumber: 'SETUP', reason: 'waiting for indexing', plate },
        });
        return own.body.total > 0 ? own : undefined;
      }, 90_000, `${owner}'s reads to be searchable`);
    }
  });

  afterAll(() => stack.stop());

  it('lets Border Patrol find Auburn\'s and Mukilteo\'s reads through national lookup', async () => {
    const answer = await borderPatrolSearch();
    expect(owners(answer)).toEqual([auburn, mukilteo, oregon].sort());
    expect(answer.total).toBe(4);
  });

  it('withholds Auburn\'s reads from Border Patrol once Auburn turns national lookup off, Mukilteo\'s still found', async () => {
    const toggled = await stack.request('PATCH', `/v1/agencies/${auburn}/sharing`, { token: tokens.auburnAdmin, body: { nationalLookup: false } });
    expect(toggled.status).toBe(200);
    expect(toggled.body.nationalLookup).toBe(false);
    const answer = await borderPatrolSearch();
    expect(owners(answer)).toEqual([mukilteo, oregon].sort());
    expect(answer.total).toBe(2);
  });

  it('withholds Mukilteo\'s reads once Mukilteo denies the federal_immigration category', async () => {
    const denied = await stack.request('PATCH', `/v1/agencies/${mukilteo}/sharing`, {
      token: tokens.mukilteoAdmin, body: { denyCategories: ['federal_immigration'] },
    });
    expect(denied.status).toBe(200);
    const answer = await borderPatrolSearch();
    expect(owners(answer)).toEqual([oregon]);
  });

  it('shows Border Patrol\'s searches in Auburn\'s monthly usage report, only those before the toggle', async () => {
    const report = await stack.request('GET', `/v1/agencies/${auburn}/usage-report?month=${month}`, { token: tokens.auburnAdmin });
    expect(report.status).toBe(200);
    const row = report.body.searchers.find((searcher: Record<string, unknown>) => Object.values(searcher).includes(borderPatrol));
    expect(row).toMatchObject({ searchesReturningOurReads: 1, readsReturned: 2, purposes: ['criminal_investigation'] });
  });

  it('shows in Mukilteo\'s report the searches before its change and the attempt its deny rule withheld after it', async () => {
    const report = await stack.request('GET', `/v1/agencies/${mukilteo}/usage-report?month=${month}`, { token: tokens.mukilteoAdmin });
    const row = report.body.searchers.find((searcher: Record<string, unknown>) => Object.values(searcher).includes(borderPatrol));
    expect(row).toMatchObject({ searchesReturningOurReads: 2, readsReturned: 2, withheldAttempts: 1 });
    const csv = await stack.request('GET', `/v1/agencies/${mukilteo}/usage-report?month=${month}&format=csv`, { token: tokens.mukilteoAdmin });
    expect(csv.headers.get('content-type')).toMatch(/text\/csv/);
    expect(csv.text.split('\n').find((line) => line.startsWith(borderPatrol))).toMatch(/,2,2,/);
  });

  it('no longer lists Border Patrol in either agency\'s effective access', async () => {
    for (const [agency, token] of [[auburn, tokens.auburnAdmin], [mukilteo, tokens.mukilteoAdmin]]) {
      const access = await stack.request('GET', `/v1/agencies/${agency}/effective-access`, { token });
      expect(access.status).toBe(200);
      const grantees = access.body.grants.map((grant: { agencyId: string }) => grant.agencyId);
      expect(grantees).not.toContain(borderPatrol);
    }
    const mukilteoAccess = await stack.request('GET', `/v1/agencies/${mukilteo}/effective-access`, { token: tokens.mukilteoAdmin });
    expect(mukilteoAccess.body.grants).toEqual(
      expect.arrayContaining([expect.objectContaining({ agencyId: oregon, rules: ['national'] })]),
    );
  });

  it('records who made each sharing change, with the old and new values', async () => {
    const changes = await stack.dataSource.query(
      `SELECT actor_user_id, payload FROM audit_records WHERE kind = 'change' AND action = 'sharing.update' AND payload->'subject'->>'id' = $1`,
      [auburn],
    );
    expect(changes).toHaveLength(1);
    expect(changes[0].actor_user_id).toBe('auburn.clerk');
    expect(changes[0].payload.before.nationalLookup).toBe(true);
    expect(changes[0].payload.after.nationalLookup).toBe(false);
  });
});
