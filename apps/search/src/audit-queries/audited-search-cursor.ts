import { decodeOpaqueCursor, encodeOpaqueCursor } from '../paging/opaque-cursor';

/** PostgreSQL's bigint (the type of seq): a larger number would fail in SQL instead of at the edge. */
const MAX_BIGINT = 9_223_372_036_854_775_807n;

const isAuditPosition = (decoded: unknown): decoded is { beforeSeq: string } => {
  const beforeSeq = (decoded as { beforeSeq?: unknown } | null)?.beforeSeq;
  return typeof beforeSeq === 'string' && /^[1-9][0-9]{0,18}$/.test(beforeSeq) && BigInt(beforeSeq) <= MAX_BIGINT;
};

/** An opaque page pointer into the audit trail: the seq of the last record on the page (pages go newest first). */
export const encodeAuditCursor = (beforeSeq: string): string => encodeOpaqueCursor({ beforeSeq });

export const decodeAuditCursor = (cursor: string): string =>
  decodeOpaqueCursor(cursor, isAuditPosition, 'AUDIT.INVALID_CURSOR').beforeSeq;
