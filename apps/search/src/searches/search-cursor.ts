import { decodeOpaqueCursor, encodeOpaqueCursor } from '../paging/opaque-cursor';
import { hasUnstorableText } from '../validation/text-rules';

export type SortValues = Array<string | number>;
export type SortClause = Record<string, unknown>;

/** Beyond ±8.64e15 ms a number is no instant (ECMAScript's own limit for a Date). */
const MAX_EPOCH_MS = 8.64e15;

/** The value Elasticsearch hands back for one sort field of the reads query: the shape a cursor must replay. */
function isSortValue(field: string, value: unknown): boolean {
  switch (field) {
    case '_score':
      return typeof value === 'number' && Number.isFinite(value);
    case 'capturedAt':
      return Number.isSafeInteger(value) && Math.abs(value as number) <= MAX_EPOCH_MS;
    default: // keyword tie-breaks (readId, and any later one)
      return typeof value === 'string' && value.length <= 200 && !hasUnstorableText(value);
  }
}

/** An opaque page pointer: the last hit's sort values. It never carries visibility; each page re-applies it. */
export const encodeCursor = (sortValues: SortValues): string => encodeOpaqueCursor(sortValues);

/** Decodes a cursor for the query about to run: one value per sort clause, each of the kind that clause sorts on. */
export function decodeCursor(cursor: string, sort: readonly SortClause[]): SortValues {
  const fields = sort.map((clause) => Object.keys(clause)[0]);
  const fitsSort = (decoded: unknown): decoded is SortValues =>
    Array.isArray(decoded) && decoded.length === fields.length && decoded.every((value, index) => isSortValue(fields[index], value));
  return decodeOpaqueCursor(cursor, fitsSort, 'SEARCH.INVALID_CURSOR');
}
