import { SignJWT } from 'jose';
import type { PlatekeeperConfig } from './config';

export interface TokenRequest {
  agencyId: string;
  roles: string[];
  userId?: string;
  expiresIn?: string;
}

/** Development tokens signed with the configured HS256 secret (production uses the identity provider). */
export async function mintDevelopmentToken(config: PlatekeeperConfig, request: TokenRequest): Promise<string> {
  const token = new SignJWT({ agency: request.agencyId, roles: request.roles })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(request.userId ?? `dev-${request.roles[0] ?? 'user'}@${request.agencyId}`)
    .setIssuedAt()
    .setExpirationTime(request.expiresIn ?? '8h');
  if (config.JWT_ISSUER) token.setIssuer(config.JWT_ISSUER);
  if (config.JWT_AUDIENCE) token.setAudience(config.JWT_AUDIENCE);
  return token.sign(new TextEncoder().encode(config.JWT_SECRET));
}
