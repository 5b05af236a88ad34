import { DomainError } from '../errors/domain-error';
import { decodeCursor, encodeCursor } from './search-cursor';

const exactSort = [{ capturedAt: { order: 'desc' } }, { readId: { order: 'asc' } }];
const withOwnerTieBreak = [...exactSort, { agencyId: { order: 'asc' } }];
const fuzzySort = [{ _score: { order: 'desc' } }, ...exactSort];
const cursorOf = (values: unknown) => Buffer.from(JSON.stringify(values)).toString('base64url');

describe('search cursor', () => {
  it('gives back the sort values it was made from, for the sort it was made for', () => {
    expect(decodeCursor(encodeCursor([1795773600000, 'read-1']), exactSort)).toEqual([1795773600000, 'read-1']);
    expect(decodeCursor(encodeCursor([1795773600000, 'read-1', 'wa-auburn-pd']), withOwnerTieBreak)).toEqual([1795773600000, 'read-1', 'wa-auburn-pd']);
    expect(decodeCursor(encodeCursor([12.5, 1795773600000, 'read-1']), fuzzySort)).toEqual([12.5, 1795773600000, 'read-1']);
  });

  it.each([
    ['a time that is text', cursorOf(['2026-11-27', 'read-1']), exactSort],
    ['a time that is no instant', cursorOf([1e300, 'read-1']), exactSort],
    ['a time with a fraction', cursorOf([1.5, 'read-1']), exactSort],
    ['a readId that is a number', cursorOf([1795773600000, 7]), exactSort],
    ['a readId holding a NUL', cursorOf([1795773600000, 'read\u0000']), exactSort],
    ['too few values for the sort', cursorOf([1795773600000, 'read-1']), withOwnerTieBreak],
    ['too many values for the sort', cursorOf([1795773600000, 'read-1', 'x', 'y']), withOwnerTieBreak],
    ["an exact search's cursor for a fuzzy search", cursorOf([1795773600000, 'read-1']), fuzzySort],
    ['an object', cursorOf({ capturedAt: 1 }), exactSort],
    ['not base64 JSON', 'bm90LWEtY3Vyc29y', exactSort],
  ])('refuses %s with SEARCH.INVALID_CURSOR', (_what, cursor, sort) => {
    let refusal: unknown;
    try {
      decodeCursor(cursor, sort);
    } catch (error) {
      refusal = error;
    }
    expect(refusal).toBeInstanceOf(DomainError);
    expect((refusal as DomainError).code).toBe('SEARCH.INVALID_CURSOR');
  });
});
