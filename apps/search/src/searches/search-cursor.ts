import { DomainError } from '../errors/domain-error';

export type SortValues = Array<string | number>;

/** An opaque page pointer: the last hit's sort values. It never carries visibility; each page re-applies it. */
export function encodeCursor(sortValues: SortValues): string {
  return Buffer.from(JSON.stringify(sortValues)).toString('base64url');
}

export function decodeCursor(cursor: string): SortValues {
  try {
    const decoded: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(decoded) && decoded.length >= 2 && decoded.every((value) => ['string', 'number'].includes(typeof value))) {
      return decoded;
    }
  } catch {
    // falls through to the one error below
  }
  throw new DomainError('SEARCH.INVALID_CURSOR', 'cursor is not a cursor this service issued');
}
