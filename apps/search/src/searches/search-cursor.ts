import { decodeOpaqueCursor, encodeOpaqueCursor } from '../paging/opaque-cursor';

export type SortValues = Array<string | number>;

const isSortValues = (decoded: unknown): decoded is SortValues =>
  Array.isArray(decoded) && decoded.length >= 2 && decoded.every((value) => ['string', 'number'].includes(typeof value));

/** An opaque page pointer: the last hit's sort values. It never carries visibility; each page re-applies it. */
export const encodeCursor = (sortValues: SortValues): string => encodeOpaqueCursor(sortValues);

export const decodeCursor = (cursor: string): SortValues => decodeOpaqueCursor(cursor, isSortValues, 'SEARCH.INVALID_CURSOR');
