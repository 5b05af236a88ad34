import { PlatekeeperTestStack } from './support/platekeeper-stack';

jest.setTimeout(180_000);

/**
 * Oversight: an `auditor` scoped to one agency reviews its records, reports and effective access, and never sees a
 * read; the anomaly review queue flags each rule's case and nothing in a clean control set; a disposition is recorded.
 */
describe('oversight: the auditor role and the anomaly review queue', () => {
  const stack = new PlatekeeperTestStack();
  let agency: string;
  let other: string;
  let auditor: string;
  let supervisor: string;
  // After hours for this run: the window around the hour the searches are made in (UTC), so the burst case is after hours.
  const hour = new Date().getUTCHours();
  const afterHours = `afterHoursFrom=${(hour + 23) % 24}&afterHoursTo=${(hour + 2) % 24}`;

  async function searchAs(userId: string, body: Record<string, unknown>) {
    const response = await stack.request('POST', '/v1/searches', {
      token: await stack.token(agency, ['investigator'], userId),
      body: { purpose: 'stolen_vehicle', scope: 'local', caseNumber: 'OV-1', reason: 'stolen vehicle report filed this morning', ...body },
    });
    expect(response.status).toBe(200);
    return response.body.searchId as string;
  }

  const queue = async (token = supervisor) =>
    stack.request('GET', `/v1/agencies/${agency}/anomalies?${afterHours}`, { token });
  const flagsOf = (body: any, userId: string) => (body.flags as Array<{ userId: string; rule: string; flagId: string }>).filter((flag) => flag.userId === userId);

  beforeAll(async () => {
    await stack.start();
    agency = stack.id('ov-pd');
    other = stack.id('ov-other-pd');
    await stack.registerAgency({ id: agency, state: 'WA', cameras: [] });
    await stack.registerAgency({ id: other, state: 'WA', cameras: [] });
    auditor = await stack.token(agency, ['auditor'], 'council-member');
    supervisor = await stack.token(agency, ['agency_admin'], 'sergeant');

    // The clean control set: varied plates, one plate four times, specific reasons, local scope, stated purposes.
    for (const plate of ['CLN0001', 'CLN0002', 'CLN0003']) await searchAs('control-1', { plate });
    for (let index = 0; index < 4; index++) await searchAs('control-2', { plate: 'CLN0009' });
    await searchAs('control-3', { plate: 'CLN0010', purpose: 'immigration_enforcement', reason: 'ICE detainer request for a named subject' });
    await searchAs('control-3', { plate: 'CLN0011', scope: 'national', reason: 'stolen pickup seen crossing into Oregon on I-5' });

    // One case per rule, each by its own user.
    for (let index = 0; index < 5; index++) await searchAs('repeat-user', { plate: 'REP-0001' });
    for (let index = 0; index < 10; index++) await searchAs('burst-user', { plate: `BUR${String(index).padStart(4, '0')}` });
    await searchAs('reason-user', { plate: 'RSN0001', purpose: 'criminal_investigation', reason: 'helping ICE locate this driver for removal' });
    await searchAs('thin-user', { vehicle: { make: 'Subaru', color: 'green' }, scope: 'national', reason: 'check this one' });
  });

  afterAll(() => stack.stop());

  it('flags each rule\'s case, exactly that rule', async () => {
    const response = await queue();
    expect(response.status).toBe(200);
    expect(flagsOf(response.body, 'repeat-user').map((flag) => flag.rule)).toEqual(['repeated_plate']);
    expect(flagsOf(response.body, 'burst-user').map((flag) => flag.rule)).toEqual(['after_hours_burst']);
    expect(flagsOf(response.body, 'reason-user').map((flag) => flag.rule)).toEqual(['reason_names_denied_purpose']);
    expect(flagsOf(response.body, 'thin-user').map((flag) => flag.rule)).toEqual(['wide_search_thin_reason']);
    expect(flagsOf(response.body, 'repeat-user')[0]).toMatchObject({ status: 'open', disposition: null, searchIds: expect.arrayContaining([expect.any(String)]) });
    expect((flagsOf(response.body, 'repeat-user')[0] as any).searchIds).toHaveLength(5);
  });

  it('flags nothing in the clean control set', async () => {
    const response = await queue();
    for (const user of ['control-1', 'control-2', 'control-3']) expect({ user, flags: flagsOf(response.body, user) }).toEqual({ user, flags: [] });
  });

  it('records a reviewer\'s disposition in the audit chain and shows it in the queue', async () => {
    const [flag] = flagsOf((await queue()).body, 'reason-user') as Array<{ flagId: string }>;
    const disposed = await stack.request('POST', `/v1/agencies/${agency}/anomalies/${flag.flagId}/disposition?${afterHours}`, {
      token: auditor, body: { disposition: 'misuse', note: 'no immigration case exists; referred to professional standards' },
    });
    expect(disposed.status).toBe(201);
    expect(disposed.body).toMatchObject({ status: 'reviewed', disposition: { disposition: 'misuse', reviewedBy: 'council-member' } });
    const [record] = await stack.dataSource.query(`SELECT action, payload FROM audit_records WHERE seq = $1::bigint`, [disposed.body.disposition.seq]);
    expect(record).toMatchObject({ action: 'anomaly.dispose', payload: { subject: { type: 'anomaly', id: flag.flagId }, after: { disposition: 'misuse', rule: 'reason_names_denied_purpose' } } });
    const shown = flagsOf((await queue()).body, 'reason-user')[0] as any;
    expect(shown).toMatchObject({ status: 'reviewed', disposition: { disposition: 'misuse', seq: disposed.body.disposition.seq } });
    const unknown = await stack.request('POST', `/v1/agencies/${agency}/anomalies/repeated_plate-${'0'.repeat(20)}/disposition`, {
      token: supervisor, body: { disposition: 'justified', note: 'x' },
    });
    expect(unknown.status).toBe(404);
  });

  it('lets the auditor review its agency\'s records, reports and effective access, and nothing else: no search, no other agency, no change', async () => {
    expect((await stack.request('GET', `/v1/audit/searches?agencyId=${agency}`, { token: auditor })).status).toBe(200);
    expect((await stack.request('GET', `/v1/agencies/${agency}/usage-report?month=${new Date().toISOString().slice(0, 7)}`, { token: auditor })).status).toBe(200);
    expect((await stack.request('GET', `/v1/agencies/${agency}/effective-access`, { token: auditor })).status).toBe(200);
    expect((await stack.request('GET', `/v1/agencies/${agency}/sharing`, { token: auditor })).status).toBe(200);
    expect((await queue(auditor)).status).toBe(200);

    const search = await stack.request('POST', '/v1/searches', {
      token: auditor, body: { purpose: 'stolen_vehicle', caseNumber: 'OV-2', reason: 'an auditor trying to search', plate: 'CLN0001' },
    });
    expect(search.status).toBe(403);
    expect((await stack.request('GET', `/v1/agencies/${other}/effective-access`, { token: auditor })).status).toBe(403);
    expect((await stack.request('GET', `/v1/audit/searches?agencyId=${other}`, { token: auditor })).status).toBe(403);
    expect((await stack.request('GET', `/v1/agencies/${other}/anomalies`, { token: auditor })).status).toBe(403);
    expect((await stack.request('PATCH', `/v1/agencies/${agency}/sharing`, { token: auditor, body: { nationalLookup: true } })).status).toBe(403);
  });

  it('judges after hours in the agency\'s own time zone, where its local night is not the UTC night', async () => {
    const platformAdmin = await stack.token(stack.id('platform'), ['platform_admin']);
    const pacific = stack.id('ov-pacific-pd');
    const create = (timeZone: unknown) => stack.request('POST', '/v1/agencies', {
      token: platformAdmin, body: { id: pacific, name: 'Pacific PD', state: 'OR', category: 'local_police', timeZone },
    });
    for (const bad of ['Mars/Olympus_Mons', '+02:00', 'PST', '', 42]) {
      const refused = await create(bad);
      expect(refused.status).toBe(400);
      expect(refused.body.message.join(' ')).toContain('timeZone must be an IANA time zone name');
    }
    // A link name is stored as the zone it names.
    const created = await create('US/Pacific');
    expect(created.status).toBe(201);
    expect(created.body.timeZone).toBe('America/Los_Angeles');
    const zoneOf = async (agencyId: string) => (await stack.request('GET', `/v1/agencies/${agencyId}`, { token: platformAdmin })).body.timeZone;
    expect(await zoneOf(agency)).toBe('UTC');
    const patchedBadly = await stack.request('PATCH', `/v1/agencies/${pacific}`, { token: platformAdmin, body: { timeZone: 'Pacific/Nowhere' } });
    expect(patchedBadly.status).toBe(400);
    expect(await zoneOf(pacific)).toBe('America/Los_Angeles');

    for (let index = 0; index < 10; index++) {
      const response = await stack.request('POST', '/v1/searches', {
        token: await stack.token(pacific, ['investigator'], 'night-shift'),
        body: { purpose: 'stolen_vehicle', scope: 'local', caseNumber: 'OV-3', reason: 'stolen vehicle report filed this morning', plate: `PAC${index}0001` },
      });
      expect(response.status).toBe(200);
    }
    const localHour = Number(new Intl.DateTimeFormat('en-US', { timeZone: 'America/Los_Angeles', hour: 'numeric', hourCycle: 'h23' }).format(new Date()));
    // Seven or eight hours apart (daylight saving time), so neither window holds the other's hours.
    const apart = (hour - localHour + 24) % 24;
    expect(Math.min(apart, 24 - apart)).toBeGreaterThanOrEqual(7);
    const pacificQueue = async (window: string) => {
      const response = await stack.request('GET', `/v1/agencies/${pacific}/anomalies?${window}`, { token: await stack.token(pacific, ['agency_admin']) });
      expect(response.status).toBe(200);
      return response.body;
    };
    const localWindow = `afterHoursFrom=${(localHour + 23) % 24}&afterHoursTo=${(localHour + 2) % 24}`;
    const local = await pacificQueue(localWindow);
    expect(local).toMatchObject({ timeZone: 'America/Los_Angeles', afterHoursFrom: (localHour + 23) % 24, afterHoursTo: (localHour + 2) % 24 });
    expect(flagsOf(local, 'night-shift').map((flag) => flag.rule)).toEqual(['after_hours_burst']);
    // The window around the UTC hour is daytime in Los Angeles: nothing after hours there.
    expect(flagsOf(await pacificQueue(afterHours), 'night-shift')).toEqual([]);
  });
});
