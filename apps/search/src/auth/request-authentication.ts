import { UnauthorizedException } from '@nestjs/common';
import { AuthenticatedUser } from './authenticated-user';
import { InvalidTokenError, JwtVerifier } from './jwt-verifier.service';

const AUTHENTICATION = Symbol('platekeeper.authentication');

interface AuthenticatableRequest {
  headers?: Record<string, unknown>;
  [AUTHENTICATION]?: Promise<AuthenticatedUser>;
}

/**
 * The request's bearer token, verified once per request: the per-client limit on unauthenticated
 * requests (an onRequest hook) and the AuthGuard share the one answer. No token or a bad one: 401.
 */
export function authenticateRequest(request: object, verifier: JwtVerifier): Promise<AuthenticatedUser> {
  const authenticatable = request as AuthenticatableRequest;
  authenticatable[AUTHENTICATION] ??= verifyBearer(authenticatable.headers, verifier);
  return authenticatable[AUTHENTICATION];
}

/** The token of an `Authorization: Bearer <token>` header, if there is one. */
export function bearerTokenOf(headers: { authorization?: unknown } | undefined): string | undefined {
  const header = headers?.authorization;
  const match = typeof header === 'string' ? /^Bearer\s+(\S+)$/i.exec(header) : null;
  return match?.[1];
}

async function verifyBearer(headers: { authorization?: unknown } | undefined, verifier: JwtVerifier): Promise<AuthenticatedUser> {
  const token = bearerTokenOf(headers);
  if (token === undefined) throw new UnauthorizedException('a bearer token is required in the Authorization header');
  try {
    return await verifier.verify(token);
  } catch (error) {
    if (error instanceof InvalidTokenError) throw new UnauthorizedException(error.message);
    throw error;
  }
}
