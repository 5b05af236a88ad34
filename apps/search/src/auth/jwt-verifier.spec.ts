import { KeyLike, SignJWT, exportJWK, generateKeyPair } from 'jose';
import { AddressInfo } from 'node:net';
import { Server, createServer } from 'node:http';
import { loadConfig } from '@platekeeper/config';
import { InvalidTokenError, JwtVerifier } from './jwt-verifier.service';

const claims = { agency: 'wa-auburn-pd', roles: ['investigator'] };

describe('JwtVerifier', () => {
  describe('with the default HS256 secret', () => {
    const verifier = new JwtVerifier(loadConfig({ JWT_SECRET: 'unit-secret' }));
    const sign = (secret: string, payload: Record<string, unknown> = claims) =>
      new SignJWT(payload).setProtectedHeader({ alg: 'HS256' }).setSubject('u-1').setExpirationTime('1h').sign(new TextEncoder().encode(secret));

    it('accepts a token signed with the secret and reads the user from its claims', async () => {
      await expect(verifier.verify(await sign('unit-secret'))).resolves.toEqual({ userId: 'u-1', agencyId: 'wa-auburn-pd', roles: ['investigator'] });
    });

    it('rejects a correctly signed token that never expires', async () => {
      const forever = await new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).setSubject('u-1').sign(new TextEncoder().encode('unit-secret'));
      await expect(verifier.verify(forever)).rejects.toThrow(/bearer token is not valid: missing required "exp" claim/);
    });

    it('rejects an expired token', async () => {
      const expired = await new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).setSubject('u-1')
        .setExpirationTime(Math.floor(Date.now() / 1000) - 60).sign(new TextEncoder().encode('unit-secret'));
      await expect(verifier.verify(expired)).rejects.toThrow(InvalidTokenError);
    });

    it('rejects a token signed with another secret, or claiming an unknown role', async () => {
      await expect(verifier.verify(await sign('other-secret'))).rejects.toThrow(InvalidTokenError);
      await expect(verifier.verify(await sign('unit-secret', { ...claims, roles: ['superuser'] }))).rejects.toThrow(/roles/);
    });

    it('rejects a signed token whose agency or subject could not be recorded in the audit trail', async () => {
      await expect(verifier.verify(await sign('unit-secret', { ...claims, agency: 'wa-auburn-pd\u0000' }))).rejects.toThrow(/agency claim/);
      await expect(verifier.verify(await sign('unit-secret', { ...claims, agency: 'a'.repeat(6000) }))).rejects.toThrow(/agency claim/);
      const loneSurrogateSubject = await new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).setSubject('u\ud800')
        .setExpirationTime('1h').sign(new TextEncoder().encode('unit-secret'));
      await expect(verifier.verify(loneSurrogateSubject)).rejects.toThrow(/sub claim/);
    });
  });

  describe('with an issuer and an audience configured', () => {
    const verifier = new JwtVerifier(loadConfig({ JWT_SECRET: 'unit-secret', JWT_ISSUER: 'https://idp.example', JWT_AUDIENCE: 'platekeeper' }));
    const sign = (issuer: string, audience: string) =>
      new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).setSubject('u-1').setIssuer(issuer).setAudience(audience)
        .setExpirationTime('1h').sign(new TextEncoder().encode('unit-secret'));

    it('accepts a token from that issuer for that audience only', async () => {
      await expect(verifier.verify(await sign('https://idp.example', 'platekeeper'))).resolves.toMatchObject({ userId: 'u-1' });
      await expect(verifier.verify(await sign('https://elsewhere.example', 'platekeeper'))).rejects.toThrow(/"iss" claim/);
      await expect(verifier.verify(await sign('https://idp.example', 'another-service'))).rejects.toThrow(/"aud" claim/);
    });
  });

  describe('with an RS256 identity provider publishing a JWKS', () => {
    let server: Server;
    let verifier: JwtVerifier;
    let providerKey: KeyLike;

    beforeAll(async () => {
      const { publicKey, privateKey } = await generateKeyPair('RS256');
      providerKey = privateKey;
      const jwk = { ...(await exportJWK(publicKey)), kid: 'provider-1', alg: 'RS256', use: 'sig' };
      server = createServer((_request, response) => {
        response.setHeader('content-type', 'application/json');
        response.end(JSON.stringify({ keys: [jwk] }));
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const { port } = server.address() as AddressInfo;
      verifier = new JwtVerifier(loadConfig({ JWT_JWKS_URL: `http://127.0.0.1:${port}/.well-known/jwks.json`, JWT_ISSUER: 'https://idp.example' }));
    });

    afterAll(() => new Promise((resolve) => server.close(resolve)));

    const rs256 = async (key: KeyLike, issuer = 'https://idp.example') =>
      new SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid: 'provider-1' }).setSubject('u-2').setIssuer(issuer).setExpirationTime('1h').sign(key);

    it('accepts a token the provider signed', async () => {
      await expect(verifier.verify(await rs256(providerKey))).resolves.toMatchObject({ userId: 'u-2', agencyId: 'wa-auburn-pd' });
    });

    it('rejects a token signed by another key, from another issuer, or with the development HS256 secret', async () => {
      const { privateKey: strangerKey } = await generateKeyPair('RS256');
      await expect(verifier.verify(await rs256(strangerKey))).rejects.toThrow(InvalidTokenError);
      await expect(verifier.verify(await rs256(providerKey, 'https://elsewhere.example'))).rejects.toThrow(InvalidTokenError);
      const hs256 = await new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).setSubject('u-3').sign(new TextEncoder().encode('platekeeper-development-secret-change-me'));
      await expect(verifier.verify(hs256)).rejects.toThrow(InvalidTokenError);
    });
  });
});
