import { decodeOpaqueCursor, encodeOpaqueCursor } from '../paging/opaque-cursor';

const isAuditPosition = (decoded: unknown): decoded is { beforeSeq: string } => {
  const beforeSeq = (decoded as { beforeSeq?: unknown } | null)?.beforeSeq;
  return typeof beforeSeq === 'string' && /^[1-9][0-9]{0,18}$/.test(beforeSeq);
};

/** An opaque page pointer into the audit trail: the seq of the last record on the page (pages go newest first). */
export const encodeAuditCursor = (beforeSeq: string): string => encodeOpaqueCursor({ beforeSeq });

export const decodeAuditCursor = (cursor: string): string =>
  decodeOpaqueCursor(cursor, isAuditPosition, 'AUDIT.INVALID_CURSOR').beforeSeq;
