import { readFileSync } from 'node:fs';
import { Browser, BrowserContext, Page } from 'playwright-core';
import { CatchAllSmtp } from './support/notice-catchers';
import { buildConsole, launchChromium, screenshot, seriousAccessibilityViolations, tabTo } from './support/console-browser';
import { pdfText } from './support/pdf-text';
import { PlatekeeperTestStack, eventually } from './support/platekeeper-stack';

jest.setTimeout(300_000);

/**
 * The console in real headless Chromium against the running stack: Auburn's chief turns national lookup off, sees
 * who can search shrink, and Border Patrol's next search (through the API) finds nothing of Auburn's; a widening
 * waits for a second administrator; the monthly review and its CSV; accessibility and the keyboard.
 */
describe('the console in a browser', () => {
  const stack = new PlatekeeperTestStack();
  const smtp = new CatchAllSmtp();
  const auburn = stack.id('wa-auburn-pd');
  const mukilteo = stack.id('wa-mukilteo-pd');
  const borderPatrol = stack.id('us-cbp-blaine');
  const portland = stack.id('or-portland-pb');
  const plate = `CON${stack.runId.slice(-6).toUpperCase()}`.slice(0, 12);
  const month = new Date().toISOString().slice(0, 7);
  const tokens: Record<string, string> = {};
  const screenshots: string[] = [];
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let consoleUrl: string;
  let reachBefore: number;
  // Other suites' agencies on the same database may have national lookup on too: the states are counted, not assumed.
  let statesBefore: string;

  const accessOf = async () => {
    const access = await stack.request('GET', `/v1/agencies/${auburn}/effective-access`, { token: tokens.auburnChief });
    return access.body.grants as Array<{ agencyId: string; state: string }>;
  };
  const accessCount = async () => (await accessOf()).length;
  const borderPatrolOwners = async () => {
    const response = await stack.request('POST', '/v1/searches', {
      token: tokens.borderPatrol,
      body: { purpose: 'criminal_investigation', caseNumber: 'BP-2025-118', reason: 'subject vehicle of interest', scope: 'national', plate },
    });
    expect(response.status).toBe(200);
    return [...new Set((response.body.items as Array<{ agencyId: string }>).map((item) => item.agencyId))].sort();
  };
  const signIn = async (userId: string) => {
    await page.goto(consoleUrl);
    await page.getByRole('heading', { name: 'Sign in to the Platekeeper console' }).waitFor();
    await page.getByLabel('Agency').selectOption(auburn);
    await page.getByLabel('Role').selectOption('agency_admin');
    await page.getByLabel('Your user name (optional)').fill(userId);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Sharing', level: 1 }).waitFor();
  };
  const go = async (link: string, heading: string) => {
    await page.getByRole('link', { name: link }).click();
    await page.getByRole('heading', { name: heading, level: 1 }).waitFor();
  };
  const shoot = async (name: string) => screenshots.push(await screenshot(page, name));
  /** A page is rendered once the console moved focus to its main region (it does so last). */
  const rendered = async (heading: string) => {
    await page.getByRole('heading', { name: heading, level: 1 }).waitFor();
    // Polled with evaluate: waitForFunction compiles its string in the page, which the console's CSP (no eval) refuses.
    for (let poll = 0; !(await page.evaluate(`document.activeElement !== null && document.activeElement.id === 'main'`)); poll++) {
      if (poll > 150) throw new Error(`the ${heading} page never finished rendering`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  };

  beforeAll(async () => {
    buildConsole();
    const smtpPort = await smtp.start();
    await stack.start({ env: { SMTP_URL: `smtp://127.0.0.1:${smtpPort}`, CONSOLE_DEV_SIGN_IN: 'true', GOVERNED_CHANGES_SWEEP_SECONDS: '1' } });
    consoleUrl = `${stack.searchUrl}/console/`;
    await stack.clearJurisdictions(['WA', 'OR']);
    tokens.platform = await stack.token(stack.id('platform-ops'), ['platform_admin']);
    tokens.borderPatrol = await stack.token(borderPatrol, ['investigator'], 'agent.smith');
    tokens.auburnChief = await stack.token(auburn, ['agency_admin'], 'chief@auburn');
    const agencies = [
      { id: auburn, name: 'Auburn Police Department', state: 'WA', category: 'local_police', camera: stack.id('cam-auburn'), lat: 47.3073, lon: -122.2285 },
      { id: mukilteo, name: 'Mukilteo Police Department', state: 'WA', category: 'local_police', camera: stack.id('cam-mukilteo'), lat: 47.9445, lon: -122.3046 },
      { id: borderPatrol, name: 'U.S. Border Patrol Blaine', state: 'WA', category: 'federal_immigration', camera: stack.id('cam-cbp'), lat: 48.9937, lon: -122.7471 },
      { id: portland, name: 'Portland Police Bureau', state: 'OR', category: 'local_police', camera: stack.id('cam-portland'), lat: 45.5152, lon: -122.6784 },
    ];
    for (const agency of agencies) {
      const created = await stack.request('POST', '/v1/agencies', {
        token: tokens.platform,
        body: { id: agency.id, name: agency.name, state: agency.state, category: agency.category, sharing: { nationalLookup: true } },
      });
      expect(created.status).toBe(201);
      const camera = await stack.request('PUT', `/v1/cameras/${agency.camera}`, {
        token: tokens.platform, body: { agencyId: agency.id, name: `${agency.name} camera 1`, lat: agency.lat, lon: agency.lon },
      });
      expect(camera.status).toBe(200);
    }
    const capturedAt = (minutesAgo: number) => new Date(Date.now() - minutesAgo * 60_000).toISOString();
    await stack.produceRaw([
      { cameraId: stack.id('cam-auburn'), capturedAt: capturedAt(30), plate },
      { cameraId: stack.id('cam-auburn'), capturedAt: capturedAt(20), plate },
      { cameraId: stack.id('cam-mukilteo'), capturedAt: capturedAt(10), plate },
    ]);
    for (const owner of [auburn, mukilteo]) {
      const token = await stack.token(owner);
      await eventually(async () => {
        const own = await stack.request('POST', '/v1/searches', { token, body: { purpose: 'other', caseNumber: 'SETUP', reason: 'waiting for indexing', plate } });
        return own.body.total > 0 ? own : undefined;
      }, 90_000, `${owner}'s reads to be searchable`);
    }
    // Border Patrol searches while national lookup is on: the month's review has something to show.
    expect(await borderPatrolOwners()).toEqual([auburn, mukilteo].sort());
    const governed = await stack.request('PUT', `/v1/agencies/${auburn}/governance`, {
      token: tokens.auburnChief, body: { twoPersonApproval: true, noticePeriodMinutes: 0, notifyEmails: ['council@auburnwa.example'], notifyWebhooks: [] },
    });
    expect(governed.status).toBe(200);
    const grants = await accessOf();
    expect(grants.map((grant) => grant.agencyId)).toEqual(expect.arrayContaining([mukilteo, borderPatrol, portland]));
    reachBefore = grants.length;
    const states = new Set(grants.map((grant) => grant.state)).size;
    statesBefore = `${states} ${states === 1 ? 'state' : 'states'}`;

    browser = await launchChromium();
    context = await browser.newContext({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
    // What the page itself complains about (script errors, refused loads) shows in the test output.
    context.on('weberror', (error) => console.log(`page error: ${error.error().message}`));
    context.on('console', (message) => { if (message.type() === 'error') console.log(`page console: ${message.text()}`); });
    page = await context.newPage();
  });

  afterAll(async () => {
    await browser?.close();
    await stack.stop();
    await smtp.stop();
    // The stack wrote these into process.env; later suites in this process must not send notices to a stopped server.
    for (const name of ['SMTP_URL', 'CONSOLE_DEV_SIGN_IN', 'GOVERNED_CHANGES_SWEEP_SECONDS']) delete process.env[name];
    // The paths the README shows.
    console.log(`console screenshots:\n  ${screenshots.join('\n  ')}`);
  });

  it('signs in with the demo sign-in and shows the sharing policy as switches', async () => {
    await page.goto(consoleUrl);
    await page.getByRole('heading', { name: 'Sign in to the Platekeeper console' }).waitFor();
    await shoot('01-sign-in');
    await signIn('chief@auburn');
    expect(await page.getByRole('switch', { name: 'National lookup' }).isChecked()).toBe(true);
    await page.getByText(`Now ${reachBefore} agencies in ${statesBefore} can search your reads.`).waitFor();
    await shoot('02-sharing');
  });

  it('shows who can see the data now, as a table and a map of states', async () => {
    await go('Who can see our data', 'Who can see our data');
    await page.getByText(`${reachBefore} agencies in ${statesBefore} can search your reads right now.`).waitFor();
    const rows = page.locator('#access-table tbody tr');
    expect(await rows.filter({ hasText: borderPatrol }).innerText()).toMatch(/national lookup/);
    await page.getByText(/Agencies that can search your reads, by state — .*OR: \d+.*WA: \d+/).waitFor();
    await shoot('03-access-before');
  });

  it('turns national lookup off: the preview shows the shrink, saving is in force at once, Border Patrol finds nothing of Auburn\'s', async () => {
    await go('Sharing', 'Sharing');
    await page.getByRole('switch', { name: 'National lookup' }).uncheck();
    await page.getByText(`After this change, 0 agencies in 0 states can search your reads (was ${reachBefore}).`).waitFor();
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.getByRole('status').filter({ hasText: 'Saved. The new policy is in force for the next search.' }).waitFor();
    await page.locator('#changes-table tbody tr').filter({ hasText: 'national lookup off' }).filter({ hasText: 'chief@auburn' }).waitFor();

    await go('Who can see our data', 'Who can see our data');
    await page.getByText('0 agencies in 0 states can search your reads right now.').waitFor();
    await shoot('04-access-after');
    expect(await accessCount()).toBe(0);

    const owners = await borderPatrolOwners();
    expect(owners).not.toContain(auburn);
    expect(owners).toEqual([mukilteo]);
    await eventually(async () => smtp.messages.find((mail) => mail.raw.includes(auburn) && /sharing narrowed/.test(mail.raw)), 10_000, 'the council\'s e-mail');
  });

  it('holds a widening for a second administrator, who approves it in the console', async () => {
    await go('Sharing', 'Sharing');
    await page.getByRole('switch', { name: 'National lookup' }).check();
    await page.getByText(`After this change, ${reachBefore} agencies in ${statesBefore} can search your reads (was 0).`).waitFor();
    await page.getByText(/Waits for approval or the notice period: national lookup on/).waitFor();
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.getByRole('status').filter({ hasText: 'a second administrator must approve it' }).waitFor();
    // The page shows the policy in force, not the widening that waits.
    expect(await page.getByRole('switch', { name: 'National lookup' }).isChecked()).toBe(false);
    expect(await accessCount()).toBe(0);

    // The proposer cannot approve their own widening.
    await page.getByRole('button', { name: 'Approve: national lookup on' }).click();
    await page.getByRole('alert').filter({ hasText: 'approval of a second person' }).waitFor();
    await shoot('05-sharing-pending');

    await page.getByRole('button', { name: 'Sign out' }).click();
    await signIn('deputy-chief@auburn');
    await page.getByRole('button', { name: 'Approve: national lookup on' }).click();
    await page.getByRole('status').filter({ hasText: 'Approved.' }).waitFor();
    await page.locator('#changes-table tbody tr').filter({ hasText: 'national lookup on' }).filter({ hasText: 'deputy-chief@auburn' }).filter({ hasText: 'applied' }).waitFor();
    expect(await accessCount()).toBe(reachBefore);
    expect(await borderPatrolOwners()).toEqual([auburn, mukilteo].sort());
    // The council's notice of the earlier narrowing, as the outbox delivered it.
    await page.locator('#notices-table tbody tr').filter({ hasText: 'narrowed' }).filter({ hasText: 'e-mail council@auburnwa.example' })
      .filter({ hasText: 'delivered' }).first().waitFor();
    await shoot('06-sharing-approved');
  });

  it('reads the monthly review with charts, drills down to a search record, and downloads the CSV and the PDF', async () => {
    await go('Monthly review', 'Monthly review');
    const row = page.locator('#usage-table tbody tr').filter({ hasText: borderPatrol });
    await row.waitFor();
    expect(await row.innerText()).toMatch(/criminal investigation/);
    for (const chart of ['#chart-searches', '#chart-reads', '#chart-purposes', '#chart-withheld']) await page.locator(chart).waitFor();
    await page.getByRole('button', { name: `Show searches of ${borderPatrol}` }).click();
    const drillRow = page.locator('#drill-table tbody tr').filter({ hasText: 'BP-2025-118' }).first();
    await drillRow.waitFor();
    expect(await drillRow.innerText()).toMatch(/agent\.smith/);
    await shoot('07-monthly-review');

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download CSV' }).click()]);
    expect(download.suggestedFilename()).toBe(`usage-report-${auburn}-${month}.csv`);
    const csv = readFileSync((await download.path())!, 'utf8');
    const [header, ...lines] = csv.trim().split('\n');
    expect(header).toBe('searcher_agency_id,searches_returning_our_reads,reads_returned,purposes,withheld_attempts,withheld_reasons');
    const borderPatrolLine = lines.find((line) => line.startsWith(`${borderPatrol},`));
    // Two searches returned Auburn's reads (before the switch-off and after the approval); the one in between returned none.
    expect(borderPatrolLine).toMatch(new RegExp(`^${borderPatrol},2,4,criminal_investigation,`));

    const [pdfDownload] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download PDF' }).click()]);
    expect(pdfDownload.suggestedFilename()).toBe(`usage-report-${auburn}-${month}.pdf`);
    const text = await pdfText(readFileSync((await pdfDownload.path())!));
    expect(text).toMatch(new RegExp(`${borderPatrol}\\s+2\\s+4\\s+criminal investigation`));
    await page.getByRole('status').filter({ hasText: 'PDF downloaded.' }).waitFor();
  });

  it('shows the audit chain\'s status and the agency\'s own records, filterable', async () => {
    await go('Audit', 'Audit');
    await page.getByText(/^Intact: all \d+ records verify\.$/).waitFor();
    await page.getByLabel('Kind').selectOption('returned_our_data');
    const rows = page.locator('#audit-table tbody tr');
    await rows.first().waitFor();
    for (const text of await rows.allInnerTexts()) expect(text).toMatch(/returned our reads/);
    await shoot('08-audit');
  });

  it('serves the public transparency JSON without sign-in: outside searches by purpose and category, reach, the chain\'s head', async () => {
    const report = await stack.request('GET', `/v1/public/agencies/${auburn}/transparency`);
    expect(report.status).toBe(200);
    expect(report.body).toMatchObject({
      agency: { id: auburn, name: 'Auburn Police Department', state: 'WA' },
      cameras: { count: 1, locationDecimals: 2, items: [{ name: 'Auburn Police Department camera 1', lat: 47.31, lon: -122.23 }] },
      retention: { agencyDays: 30, stateMaxDays: null, inForceDays: 30 },
      sharing: { policy: { nationalLookup: true }, agenciesThatCanSearch: reachBefore, twoPersonApproval: true },
      outsideSearches: {
        searchesReturningReads: 2,
        byPurpose: [{ key: 'criminal_investigation', searches: 2 }],
        byCategory: [{ key: 'federal_immigration', searches: 2 }],
        withheldAttempts: 0,
      },
      hotlists: { liveEntries: 0, alerts: 0, dispositioned: 0, falseHits: 0, alertsForOtherAgenciesOnOurReads: 0 },
      auditChain: { valid: true, firstBroken: null, head: { seq: expect.any(String), hash: expect.stringMatching(/^[0-9a-f]{64}$/) } },
    });
    expect((await stack.request('GET', `/v1/public/agencies/${stack.id('no-such-agency')}/transparency`)).status).toBe(404);
  });

  it('serves the public transparency page without sign-in, computed from the records', async () => {
    const publicPage = await context.newPage();
    await publicPage.goto(`${stack.searchUrl}/transparency/${auburn}`);
    await publicPage.getByRole('heading', { name: 'Auburn Police Department: how our plate readers are used' }).waitFor();
    await publicPage.getByText(`${reachBefore} other agencies in ${statesBefore} can search these reads today.`).waitFor();
    await publicPage.getByText(/^2 searches returned reads;/).waitFor();
    await publicPage.getByText(/^Intact: all \d+ records verify\.$/).waitFor();
    screenshots.push(await screenshot(publicPage, '09-transparency'));
    expect(await seriousAccessibilityViolations(publicPage)).toEqual([]);
    await publicPage.close();
  });

  it('has no serious accessibility violations on any page', async () => {
    const found: Record<string, unknown> = {};
    await page.goto(`${consoleUrl}#/sharing`);
    for (const [link, heading] of [['Sharing', 'Sharing'], ['Who can see our data', 'Who can see our data'], ['Monthly review', 'Monthly review'], ['Audit', 'Audit']]) {
      await go(link, heading);
      await page.waitForLoadState('networkidle');
      const violations = await seriousAccessibilityViolations(page);
      if (violations.length > 0) found[heading] = violations;
    }
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'Sign in to the Platekeeper console' }).waitFor();
    const signInViolations = await seriousAccessibilityViolations(page);
    if (signInViolations.length > 0) found['Sign in'] = signInViolations;
    expect(found).toEqual({});
  });

  it('works with the keyboard alone: sign in, move between pages, switch statewide sharing on and save', async () => {
    await page.goto(consoleUrl);
    await page.getByRole('heading', { name: 'Sign in to the Platekeeper console' }).waitFor();
    await page.getByLabel('Agency').selectOption(auburn);
    await tabTo(page, /Your user name/);
    await page.keyboard.type('keyboard@auburn');
    await page.keyboard.press('Enter');
    await rendered('Sharing');

    await tabTo(page, /^Who can see our data$/);
    await page.keyboard.press('Enter');
    await rendered('Who can see our data');
    await tabTo(page, /^Sharing$/);
    await page.keyboard.press('Enter');
    await rendered('Sharing');

    await tabTo(page, /Statewide sharing/);
    await page.keyboard.press('Space');
    await page.getByText(/Waits for approval or the notice period: statewide sharing on/).waitFor();
    await tabTo(page, /^Save changes$/);
    const focusOutline: string = await page.evaluate('getComputedStyle(document.activeElement).outlineStyle');
    expect(focusOutline).not.toBe('none');
    await page.keyboard.press('Enter');
    await page.getByRole('status').filter({ hasText: 'a second administrator must approve it' }).waitFor();
  });
});
