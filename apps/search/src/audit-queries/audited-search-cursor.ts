import { DomainError } from '../errors/domain-error';

/** An opaque page pointer into the audit trail: the seq of the last record on the page (pages go newest first). */
export function encodeAuditCursor(beforeSeq: string): string {
  return Buffer.from(JSON.stringify({ beforeSeq })).toString('base64url');
}

export function decodeAuditCursor(cursor: string): string {
  try {
    const decoded: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    const beforeSeq = (decoded as { beforeSeq?: unknown } | null)?.beforeSeq;
    if (typeof beforeSeq === 'string' && /^[1-9][0-9]{0,18}$/.test(beforeSeq)) return beforeSeq;
  } catch {
    // falls through to the one error below
  }
  throw new DomainError('AUDIT.INVALID_CURSOR', 'cursor is not a cursor this service issued');
}
