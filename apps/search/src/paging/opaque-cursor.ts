import { DomainError, DomainErrorCode } from '../errors/domain-error';

/** The one page-pointer codec: JSON in base64url, opaque to callers, checked on the way back in. */
export function encodeOpaqueCursor(position: unknown): string {
  return Buffer.from(JSON.stringify(position)).toString('base64url');
}

export function decodeOpaqueCursor<T>(cursor: string, isPosition: (decoded: unknown) => decoded is T, invalidCode: DomainErrorCode): T {
  try {
    const decoded: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (isPosition(decoded)) return decoded;
  } catch {
    // falls through to the one error below
  }
  throw new DomainError(invalidCode, 'cursor is not a cursor this service issued');
}
