import { Browser, Page } from 'playwright-core';
import { buildConsole, launchChromium, screenshot } from './support/console-browser';
import { FakeOidcProvider } from './support/fake-oidc-provider';
import { PlatekeeperTestStack } from './support/platekeeper-stack';

jest.setTimeout(240_000);

const OIDC_SETTINGS = ['JWT_JWKS_URL', 'JWT_ISSUER', 'JWT_AUDIENCE', 'OIDC_ISSUER_URL', 'OIDC_CLIENT_ID'];

/** The console signs in with an OpenID provider (authorization code + PKCE) and the API accepts the provider's RS256 token. */
describe('the console signed in through an OpenID provider', () => {
  const stack = new PlatekeeperTestStack();
  const agencyId = stack.id('wa-tukwila-pd');
  const provider = new FakeOidcProvider({ sub: 'chief@tukwila', agency: agencyId, roles: ['agency_admin'] });
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    buildConsole();
    const issuer = await provider.start();
    await stack.start({
      env: {
        JWT_JWKS_URL: `${issuer}/jwks`, JWT_ISSUER: issuer, JWT_AUDIENCE: provider.audience,
        OIDC_ISSUER_URL: issuer, OIDC_CLIENT_ID: provider.clientId,
      },
    });
    await stack.registerAgency({ id: agencyId, state: 'WA', sharing: { nationalLookup: true }, cameras: [] });
    browser = await launchChromium();
    page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
  });

  afterAll(async () => {
    await browser?.close();
    await stack.stop();
    await provider.stop();
    // The stack writes its settings into process.env; later suites in this process must not verify against a stopped provider.
    for (const name of OIDC_SETTINGS) delete process.env[name];
  });

  it('offers the provider and no demo sign-in once tokens are verified against a JWKS', async () => {
    const options = await stack.request('GET', '/v1/console/sign-in-options');
    expect(options.body).toEqual({ devSignIn: false, demoAgencies: [], oidc: { issuer: provider.issuer, clientId: provider.clientId, scopes: 'openid profile', bearerToken: 'access_token' } });
    expect((await stack.request('POST', '/v1/console/dev-sign-in', { body: { agencyId, roles: ['platform_admin'] } })).status).toBe(404);
  });

  it('signs in with the authorization code and PKCE, then administers the agency with the provider\'s token', async () => {
    await page.goto(`${stack.searchUrl}/console/`);
    await page.getByRole('button', { name: 'Sign in with your organisation' }).click();
    await page.getByRole('heading', { name: 'Sharing', level: 1 }).waitFor();
    expect(await page.getByRole('switch', { name: 'National lookup' }).isChecked()).toBe(true);
    await page.getByText('chief@tukwila', { exact: false }).first().waitFor();
    expect(page.url()).not.toContain('code=');
    const [exchange] = provider.tokenRequests;
    expect(exchange.get('grant_type')).toBe('authorization_code');
    expect(exchange.get('code_verifier')).toMatch(/^[A-Za-z0-9_-]{43,}$/);
    await screenshot(page, '10-sign-in-oidc');
  });
});
