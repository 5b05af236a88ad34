import { Inject, Injectable } from '@nestjs/common';
import { JWTPayload, JWTVerifyGetKey, createRemoteJWKSet, jwtVerify } from 'jose';
import { PLATEKEEPER_CONFIG, PlatekeeperConfig } from '@platekeeper/config';
import { hasUnstorableText } from '../validation/text-rules';
import { AuthenticatedUser, USER_ROLES, UserRole } from './authenticated-user';

export class InvalidTokenError extends Error {}

const MAX_SUB_LENGTH = 200;
const MAX_AGENCY_LENGTH = 100;

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
    // Both end up in audit records (actor_user_id varchar(200), actor_agency_id varchar(100)); a claim that cannot is no identity.
    if (sub.length > MAX_SUB_LENGTH || hasUnstorableText(sub)) {
      throw new InvalidTokenError(`bearer token sub claim must be at most ${MAX_SUB_LENGTH} characters without NUL or unpaired surrogates`);
    }
    if (agency.length > MAX_AGENCY_LENGTH || hasUnstorableText(agency)) {
      throw new InvalidTokenError(`bearer token agency claim must be at most ${MAX_AGENCY_LENGTH} characters without NUL or unpaired surrogates`);
    }
    if (!Array.isArray(roles) || !roles.every((role) => USER_ROLES.includes(role))) {
      throw new InvalidTokenError(`bearer token roles must be a subset of ${USER_ROLES.join(', ')}`);
    }
    return { userId: sub, agencyId: agency, roles: roles as UserRole[] };
  }
}
