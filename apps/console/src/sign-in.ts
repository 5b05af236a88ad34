import * as oauth from 'oauth4webapi';
import { api, startSession } from './api';
import { h, status } from './dom';

interface SignInOptions {
  devSignIn: boolean;
  demoAgencies: Array<{ id: string; name: string; state: string }>;
  oidc: { issuer: string; clientId: string; scopes: string; bearerToken: 'access_token' | 'id_token' } | null;
}

const OIDC_STATE = 'platekeeper.oidc';
const redirectUri = () => `${location.origin}/console/`;

/** Plain http only to a provider on this machine (development, tests); anywhere else the provider must use https. */
function requestOptions(issuer: URL): { [oauth.allowInsecureRequests]?: boolean } {
  const loopback = issuer.protocol === 'http:' && ['127.0.0.1', 'localhost', '[::1]'].includes(issuer.hostname);
  return loopback ? { [oauth.allowInsecureRequests]: true } : {};
}

async function authorizationServer(issuerUrl: string): Promise<oauth.AuthorizationServer> {
  const issuer = new URL(issuerUrl);
  return oauth.processDiscoveryResponse(issuer, await oauth.discoveryRequest(issuer, requestOptions(issuer)));
}

/** Authorization code with PKCE against the configured provider; the provider's token becomes the API's bearer token. */
async function startOidc(options: NonNullable<SignInOptions['oidc']>): Promise<void> {
  const server = await authorizationServer(options.issuer);
  const verifier = oauth.generateRandomCodeVerifier();
  const state = oauth.generateRandomState();
  sessionStorage.setItem(OIDC_STATE, JSON.stringify({ verifier, state }));
  const url = new URL(server.authorization_endpoint!);
  url.searchParams.set('client_id', options.clientId);
  url.searchParams.set('redirect_uri', redirectUri());
  url.searchParams.set('response_type', 'code');
  url.searchParams.set('scope', options.scopes);
  url.searchParams.set('code_challenge', await oauth.calculatePKCECodeChallenge(verifier));
  url.searchParams.set('code_challenge_method', 'S256');
  url.searchParams.set('state', state);
  location.assign(url.toString());
}

/** Back from the provider with ?code=…: exchanges it and starts the session; false when this is not a callback. */
export async function finishOidcIfReturning(): Promise<boolean> {
  const current = new URL(location.href);
  if (!current.searchParams.has('code') && !current.searchParams.has('error')) return false;
  const saved = JSON.parse(sessionStorage.getItem(OIDC_STATE) ?? 'null');
  sessionStorage.removeItem(OIDC_STATE);
  const options = await api<SignInOptions>('GET', '/v1/console/sign-in-options');
  if (!saved || !options.oidc) throw new Error('the sign-in answer does not belong to a sign-in started here');
  const server = await authorizationServer(options.oidc.issuer);
  const client: oauth.Client = { client_id: options.oidc.clientId };
  const parameters = oauth.validateAuthResponse(server, client, current, saved.state);
  const response = await oauth.authorizationCodeGrantRequest(server, client, oauth.None(), parameters, redirectUri(), saved.verifier, requestOptions(new URL(options.oidc.issuer)));
  const result = await oauth.processAuthorizationCodeResponse(server, client, response);
  const token = options.oidc.bearerToken === 'id_token' ? result.id_token : result.access_token;
  if (!token) throw new Error(`the provider's answer has no ${options.oidc.bearerToken}`);
  startSession(token);
  history.replaceState(null, '', '/console/#/sharing');
  return true;
}

export async function renderSignIn(root: HTMLElement, onSignedIn: () => void): Promise<void> {
  const options = await api<SignInOptions>('GET', '/v1/console/sign-in-options');
  const message = h('div');
  const main = h('main', { id: 'main', tabindex: '-1', class: 'sign-in' }, h('h1', {}, 'Sign in to the Platekeeper console'), message);
  root.replaceChildren(main);

  if (options.oidc) {
    const oidc = options.oidc;
    main.append(h('button', { type: 'button', class: 'primary', onclick: () => startOidc(oidc).catch((error: Error) => message.replaceChildren(status(error.message, 'error'))) },
      'Sign in with your organisation'));
  }
  if (options.devSignIn) {
    const agency = h('select', { id: 'demo-agency', name: 'agency' },
      options.demoAgencies.map((entry) => h('option', { value: entry.id }, `${entry.name} (${entry.state})`)));
    const role = h('select', { id: 'demo-role', name: 'role' },
      h('option', { value: 'agency_admin' }, 'Agency administrator'),
      h('option', { value: 'investigator' }, 'Investigator'),
      h('option', { value: 'platform_admin' }, 'Platform administrator'));
    const user = h('input', { id: 'demo-user', name: 'user', type: 'text', autocomplete: 'username', placeholder: 'e.g. chief@auburn' });
    const form = h('form', { class: 'card', 'aria-labelledby': 'demo-heading' },
      h('h2', { id: 'demo-heading' }, 'Demo sign-in'),
      h('p', {}, 'This server runs in development mode: pick an agency and a role, and the server mints a local token for it.'),
      h('label', { for: 'demo-agency' }, 'Agency'), agency,
      h('label', { for: 'demo-role' }, 'Role'), role,
      h('label', { for: 'demo-user' }, 'Your user name (optional)'), user,
      h('button', { type: 'submit', class: 'primary' }, 'Sign in'));
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      try {
        const answer = await api<{ token: string }>('POST', '/v1/console/dev-sign-in', {
          agencyId: agency.value, roles: [role.value], ...(user.value.trim() ? { userId: user.value.trim() } : {}),
        });
        startSession(answer.token);
        onSignedIn();
      } catch (error) {
        message.replaceChildren(status((error as Error).message, 'error'));
      }
    });
    main.append(form);
  }
  if (!options.oidc && !options.devSignIn) main.append(status('No sign-in is configured on this server (set OIDC_ISSUER_URL and OIDC_CLIENT_ID).', 'error'));
  main.focus();
}
