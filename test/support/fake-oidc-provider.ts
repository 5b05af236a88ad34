import { createHash, randomBytes } from 'node:crypto';
import { createServer, IncomingMessage, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import { JWK, KeyLike, SignJWT, exportJWK, generateKeyPair } from 'jose';

export interface FakeIdentity {
  sub: string;
  agency: string;
  roles: string[];
}

/**
 * The smallest OpenID provider the console's sign-in can run against: discovery, an authorization endpoint that
 * signs `identity` in without a form, a token endpoint that checks the PKCE verifier, and a JWKS. Tokens are RS256.
 */
export class FakeOidcProvider {
  issuer = '';
  readonly audience = 'platekeeper-api';
  readonly clientId = 'platekeeper-console';
  readonly tokenRequests: URLSearchParams[] = [];
  private privateKey: KeyLike;
  private publicJwk: JWK;
  private readonly codes = new Map<string, { challenge: string; redirectUri: string }>();
  private readonly server = createServer((request, response) => void this.handle(request, response));

  constructor(private readonly identity: FakeIdentity) {}

  async start(): Promise<string> {
    const { privateKey, publicKey } = await generateKeyPair('RS256');
    this.privateKey = privateKey;
    this.publicJwk = { ...(await exportJWK(publicKey)), kid: 'fake-1', alg: 'RS256', use: 'sig' };
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', () => resolve()));
    this.issuer = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this.issuer;
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', this.issuer);
    const json = (status: number, body: object) =>
      response.writeHead(status, { 'content-type': 'application/json', 'access-control-allow-origin': '*' }).end(JSON.stringify(body));
    if (request.method === 'OPTIONS') {
      response.writeHead(204, { 'access-control-allow-origin': '*', 'access-control-allow-headers': '*', 'access-control-allow-methods': 'GET, POST' }).end();
    } else if (url.pathname === '/.well-known/openid-configuration') {
      json(200, {
        issuer: this.issuer, authorization_endpoint: `${this.issuer}/authorize`, token_endpoint: `${this.issuer}/token`, jwks_uri: `${this.issuer}/jwks`,
        response_types_supported: ['code'], code_challenge_methods_supported: ['S256'], id_token_signing_alg_values_supported: ['RS256'],
        subject_types_supported: ['public'], token_endpoint_auth_methods_supported: ['none'],
      });
    } else if (url.pathname === '/jwks') {
      json(200, { keys: [this.publicJwk] });
    } else if (url.pathname === '/authorize') {
      const code = randomBytes(16).toString('hex');
      const redirectUri = url.searchParams.get('redirect_uri') ?? '';
      this.codes.set(code, { challenge: url.searchParams.get('code_challenge') ?? '', redirectUri });
      const back = new URL(redirectUri);
      back.searchParams.set('code', code);
      back.searchParams.set('state', url.searchParams.get('state') ?? '');
      response.writeHead(302, { location: back.toString() }).end();
    } else if (url.pathname === '/token' && request.method === 'POST') {
      const chunks: Buffer[] = [];
      for await (const chunk of request) chunks.push(chunk as Buffer);
      const form = new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
      this.tokenRequests.push(form);
      const grant = this.codes.get(form.get('code') ?? '');
      this.codes.delete(form.get('code') ?? '');
      const verifier = form.get('code_verifier') ?? '';
      if (!grant || grant.redirectUri !== form.get('redirect_uri') || createHash('sha256').update(verifier).digest('base64url') !== grant.challenge) {
        json(400, { error: 'invalid_grant' });
        return;
      }
      const sign = (claims: object, audience: string) => new SignJWT({ ...claims })
        .setProtectedHeader({ alg: 'RS256', kid: 'fake-1' }).setIssuer(this.issuer).setAudience(audience).setSubject(this.identity.sub)
        .setIssuedAt().setExpirationTime('10m').sign(this.privateKey);
      json(200, {
        token_type: 'Bearer', expires_in: 600,
        access_token: await sign({ agency: this.identity.agency, roles: this.identity.roles }, this.audience),
        id_token: await sign({}, this.clientId),
      });
    } else {
      json(404, { error: 'not_found' });
    }
  }
}
