import { Inject, Injectable } from '@nestjs/common';
import { JWTPayload, JWTVerifyGetKey, createRemoteJWKSet, jwtVerify } from 'jose';
import { PLATEKEEPER_CONFIG, PlatekeeperConfig } from '@platekeeper/config';
import { AuthenticatedUser, USER_ROLES, UserRole } from './authenticated-user';

export class InvalidTokenError extends Error {}

/** HS256 with the configured secret by default; RS256 against a JWKS when JWT_JWKS_URL is set. */
@Injectable()
export class JwtVerifier {
  private readonly key: Uint8Array | JWTVerifyGetKey;
  private readonly algorithms: string[];

  constructor(@Inject(PLATEKEEPER_CONFIG) private readonly config: PlatekeeperConfig) {
    if (config.JWT_JWKS_URL) {
      this.key = createRemoteJWKSet(new URL(config.JWT_JWKS_URL));
      this.algorithms = ['RS256'];
    } else {
      this.key = new TextEncoder().encode(config.JWT_SECRET);
      this.algorithms = ['HS256'];
    }
  }

  async verify(token: string): Promise<AuthenticatedUser> {
    let payload: JWTPayload;
    try {
      const options = {
        algorithms: this.algorithms,
        // A token without an expiry would be valid forever once leaked.
        requiredClaims: ['exp'],
        issuer: this.config.JWT_ISSUER || undefined,
        audience: this.config.JWT_AUDIENCE || undefined,
      };
      ({ payload } =
        this.key instanceof Uint8Array
          ? await jwtVerify(token, this.key, options)
          : await jwtVerify(token, this.key, options));
    } catch (error) {
      throw new InvalidTokenError(`bearer token is not valid: ${(error as Error).message}`);
    }
    const { sub, agency, roles } = payload as JWTPayload & { agency?: unknown; roles?: unknown };
    if (typeof sub !== 'string' || sub.length === 0) throw new InvalidTokenError('bearer token has no sub claim');
    if (typeof agency !== 'string' || agency.length === 0) throw new InvalidTokenError('bearer token has no agency claim');
    if (!Array.isArray(roles) || !roles.every((role) => USER_ROLES.includes(role))) {
      throw new InvalidTokenError(`bearer token roles must be a subset of ${USER_ROLES.join(', ')}`);
    }
    return { userId: sub, agencyId: agency, roles: roles as UserRole[] };
  }
}
