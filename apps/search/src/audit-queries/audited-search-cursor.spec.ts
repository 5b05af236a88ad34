import { DomainError } from '../errors/domain-error';
import { decodeAuditCursor, encodeAuditCursor } from './audited-search-cursor';

describe('audited search cursor', () => {
  it('gives back the seq it was made from', () => {
    expect(decodeAuditCursor(encodeAuditCursor('1405'))).toBe('1405');
  });

  it.each([
    ['not base64 JSON', 'bm90LWEtY3Vyc29y'],
    ['a seq that is not a number', Buffer.from(JSON.stringify({ beforeSeq: '1 OR 1=1' })).toString('base64url')],
    ['a numeric seq', Buffer.from(JSON.stringify({ beforeSeq: 12 })).toString('base64url')],
    ['null', Buffer.from('null').toString('base64url')],
    ['a seq beyond PostgreSQL bigint', Buffer.from(JSON.stringify({ beforeSeq: '9999999999999999999' })).toString('base64url')],
  ])('refuses %s with AUDIT.INVALID_CURSOR', (_what, cursor) => {
    expect(() => decodeAuditCursor(cursor)).toThrow(DomainError);
    try {
      decodeAuditCursor(cursor);
    } catch (error) {
      expect((error as DomainError).code).toBe('AUDIT.INVALID_CURSOR');
    }
  });
});
