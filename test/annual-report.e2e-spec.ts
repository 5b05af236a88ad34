import { randomUUID } from 'node:crypto';
import { enrichRead } from '@platekeeper/contract';
import { pdfText } from './support/pdf-text';
import { PlatekeeperTestStack, eventually } from './support/platekeeper-stack';

jest.setTimeout(240_000);

/** A state's annual statutory report, built only from the records, in JSON and CSV. */
describe('annual statutory report per jurisdiction', () => {
  const stack = new PlatekeeperTestStack();
  const plate = 'ANN2026';
  /** The plate the agencies' hotlists seek; its reads go through the pipeline, so the alerts service matches them. */
  const alertPlate = `ANA${Date.now().toString(36).slice(-5).toUpperCase()}`;
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

  const alertsOf = async (agencyId: string): Promise<Array<{ id: string; readId: string }>> => {
    const response = await stack.request('GET', '/v1/hotlist-alerts?limit=500', { token: await stack.token(agencyId) });
    expect(response.status).toBe(200);
    return response.body;
  };
  const addHotlistEntry = async (agencyId: string) => {
    const agencyToken = await stack.token(agencyId);
    const list = await stack.request('POST', '/v1/hotlists', { token: agencyToken, body: { name: 'Annual report list' } });
    expect(list.status).toBe(201);
    const entry = await stack.request('POST', `/v1/hotlists/${list.body.id}/entries`, {
      token: agencyToken,
      body: { plate: alertPlate, purpose: 'stolen_vehicle', caseNumber: 'ANN-HL', reason: 'vehicle sought in the annual report example', expiresAt: new Date(Date.now() + 86_400_000).toISOString() },
    });
    expect(entry.status).toBe(201);
  };
  const dispose = async (agencyId: string, alertId: string, disposition: string) => {
    const response = await stack.request('PUT', `/v1/hotlist-alerts/${alertId}/disposition`, { token: await stack.token(agencyId), body: { disposition } });
    expect(response.status).toBe(200);
  };

  beforeAll(async () => {
    await stack.start({ alerts: true });
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

    // Two reads of the sought plate on the home agency's camera alert the home agency and the outsider (the federal
    // agency's entry is withheld by the home agency's category deny); each agency reviews its two alerts.
    for (const agencyId of [home, outsider, federal]) await addHotlistEntry(agencyId);
    await stack.produceRaw([1, 2].map((minutesAgo) => ({
      readId: randomUUID(), cameraId: `${home}-cam`, capturedAt: new Date(Date.now() - minutesAgo * 60_000).toISOString(), plate: alertPlate,
    })));
    const homeAlerts = await eventually(async () => ((await alertsOf(home)).length === 2 ? alertsOf(home) : undefined), 90_000, 'the home agency\'s two alerts');
    const outsiderAlerts = await eventually(async () => ((await alertsOf(outsider)).length === 2 ? alertsOf(outsider) : undefined), 90_000, 'the outsider\'s two alerts');
    expect(await alertsOf(federal)).toEqual([]);
    await dispose(home, homeAlerts[0].id, 'misread');
    await dispose(home, homeAlerts[0].id, 'confirmed');
    await dispose(home, homeAlerts[1].id, 'wrong_state');
    await dispose(outsider, outsiderAlerts[0].id, 'misread');
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
    });
  });

  it('counts the alerts raised for the state\'s agencies with their latest dispositions, and the alerts the state\'s reads raised per agency', async () => {
    const response = await stack.request('GET', `/v1/jurisdictions/${state}/annual-report?year=${year}`, { token: platformAdmin });
    expect(response.status).toBe(200);
    // The home agency's first alert was first called a misread, then confirmed: only the latest disposition counts.
    expect(response.body.alerts).toEqual({
      raised: 2,
      byPurpose: [{ purpose: 'stolen_vehicle', alerts: 2 }],
      dispositioned: 2,
      byDisposition: { confirmed: 1, misread: 0, wrong_state: 1, not_actionable: 0 },
      falseHits: 1,
      falseHitRate: 0.5,
      onStateOwnersReads: [
        { agencyId: home, agencyState: state, alerts: 2 },
        { agencyId: outsider, agencyState: outsideState, alerts: 2 },
      ],
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
    expect(lines).toContain('alerts_raised,,,2');
    expect(lines).toContain('alerts_false_hits,,rate 0.5000,1');
    expect(lines).toContain(`alerts_on_state_owners_reads,${outsider},${outsideState},2`);
    // The OpenAPI document describes the JSON report as it is answered.
    const json = (await stack.request('GET', `/v1/jurisdictions/${state}/annual-report?year=${year}`, { token: platformAdmin })).body;
    const schemas = (await stack.request('GET', '/docs-json')).body.components.schemas;
    expect(Object.keys(schemas.AnnualReportDto.properties).sort()).toEqual(Object.keys(json).sort());
    expect(Object.keys(schemas.AnnualAlertsDto.properties).sort()).toEqual(Object.keys(json.alerts).sort());
    const admin = await stack.request('GET', `/v1/jurisdictions/${state}/annual-report?year=${year}`, { token: await stack.token(home, ['agency_admin']) });
    expect(admin.status).toBe(403);
    const bad = await stack.request('GET', `/v1/jurisdictions/${state}/annual-report?year=banana`, { token: platformAdmin });
    expect(bad.status).toBe(400);
  });

  it('answers the same figures as a PDF, to a platform_admin only', async () => {
    const json = (await stack.request('GET', `/v1/jurisdictions/${state}/annual-report?year=${year}`, { token: platformAdmin })).body;
    const response = await fetch(`${stack.searchUrl}/v1/jurisdictions/${state}/annual-report?year=${year}&format=pdf`, {
      headers: { authorization: `Bearer ${platformAdmin}` },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/pdf');
    const bytes = Buffer.from(await response.arrayBuffer());
    expect(bytes.subarray(0, 5).toString()).toBe('%PDF-');
    const text = await pdfText(bytes);
    // One line per table row, the cells in column order: each figure of the JSON report, read back from the file.
    const lines = text.split('\n').map((line) => line.replace(/\s+/g, ' ').trim());
    const expected = [
      `Annual statutory report: ${state}, ${year}`,
      ...json.searchesByPurpose.map((row: any) => `${row.purpose} ${row.offenseLevel} ${row.searches}`),
      ...json.outsideAgencies.map((row: any) => `${row.searcherAgencyId} ${row.searcherState} ${row.searchesReturningReads} ${row.readsReturned}`),
      ...json.withheldAttempts.map((row: any) => `${row.reason} ${row.attempts}`),
      `alerts raised ${json.alerts.raised}`,
      ...json.alerts.byPurpose.map((row: any) => `raised for ${row.purpose} ${row.alerts}`),
      `dispositioned ${json.alerts.dispositioned}`,
      ...Object.entries(json.alerts.byDisposition).map(([disposition, count]) => `disposition ${disposition} ${count}`),
      `false hits ${json.alerts.falseHits}`,
      `false-hit rate ${json.alerts.falseHitRate.toFixed(4)}`,
      ...json.alerts.onStateOwnersReads.map((row: any) => `${row.agencyId} ${row.agencyState} ${row.alerts}`),
    ];
    expect(expected).toContain('criminal_investigation felony 1');
    expect(expected).toContain('false-hit rate 0.5000');
    for (const line of expected) expect(lines).toContain(line);

    // The same refusals as the JSON report: wrong role, no token, a format that is not one.
    const path = `/v1/jurisdictions/${state}/annual-report?year=${year}&format=pdf`;
    expect((await stack.request('GET', path, { token: await stack.token(home, ['agency_admin']) })).status).toBe(403);
    expect((await stack.request('GET', path)).status).toBe(401);
    const badFormat = await stack.request('GET', `/v1/jurisdictions/${state}/annual-report?year=${year}&format=docx`, { token: platformAdmin });
    expect(badFormat.status).toBe(400);
    expect(JSON.stringify(badFormat.body.message)).toContain('format');
  });

  it('answers the monthly usage review as a PDF with the JSON review\'s figures, under the same access rules', async () => {
    const month = new Date().toISOString().slice(0, 7);
    const path = `/v1/agencies/${home}/usage-report?month=${month}`;
    const homeAdmin = await stack.token(home, ['agency_admin']);
    const json = (await stack.request('GET', path, { token: homeAdmin })).body;
    expect(json.alertsOnOurReads).toEqual([{ agencyId: outsider, alerts: 2 }]);
    const response = await fetch(`${stack.searchUrl}${path}&format=pdf`, { headers: { authorization: `Bearer ${homeAdmin}` } });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/pdf');
    // The review's own layout (docs/console.md): a table row per agency, a sentence per list and per alerting agency.
    const text = (await pdfText(Buffer.from(await response.arrayBuffer()))).replace(/\s+/g, ' ');
    expect(text).toContain(`Monthly review: ${home}, ${month}`);
    for (const row of json.searchers) {
      const purposes = row.purposes.map((purpose: string) => purpose.replace(/_/g, ' ')).join(', ') || '-';
      expect(text).toContain(`${row.searcherAgencyId} ${row.searchesReturningOurReads} ${row.readsReturned} ${purposes} ${row.withheldAttempts}`);
    }
    for (const row of json.alertsOnOurReads) expect(text).toContain(`${row.agencyId}: ${row.alerts} alerts raised by our reads on its hotlists.`);
    expect(json.hotlists).toEqual([expect.objectContaining({
      hotlistName: 'Annual report list', alerts: 2, dispositioned: 2, byDisposition: { confirmed: 1, misread: 0, wrong_state: 1, not_actionable: 0 }, falseHitRate: 0.5,
    })]);
    expect(text).toContain('Our list "Annual report list": 2 alerts, 2 dispositioned (1 confirmed, 0 misread, 1 wrong state, 0 not actionable); false-hit rate 50.0%.');

    // Another agency's admin gets exactly what it gets for the JSON review.
    const outsiderAdmin = await stack.token(outsider, ['agency_admin']);
    const refusedJson = await stack.request('GET', path, { token: outsiderAdmin });
    const refusedPdf = await stack.request('GET', `${path}&format=pdf`, { token: outsiderAdmin });
    expect(refusedJson.status).toBeGreaterThanOrEqual(403);
    expect([refusedPdf.status, refusedPdf.body]).toEqual([refusedJson.status, refusedJson.body]);
  });
});
