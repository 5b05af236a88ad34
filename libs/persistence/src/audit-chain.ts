import { createHash } from 'node:crypto';
import stringify from 'safe-stable-stringify';
import { ADVISORY_LOCKS } from './advisory-locks';
import { Transaction } from './sql';

export const GENESIS_HASH = '0'.repeat(64);

export interface AuditEntry {
  kind: 'search' | 'change';
  action: string;
  actorUserId: string;
  actorAgencyId: string;
  payload: Record<string, unknown>;
}

export interface StoredAuditRecord extends AuditEntry {
  seq: string;
  recordedAt: string;
  prevHash: string;
  hash: string;
}

/** sha256 over the previous hash and the record's canonical JSON (key order fixed, as jsonb does not keep it). */
export function auditRecordHash(prevHash: string, record: AuditEntry & { recordedAt: string }): string {
  const canonical = stringify({
    recordedAt: record.recordedAt,
    kind: record.kind,
    action: record.action,
    actorUserId: record.actorUserId,
    actorAgencyId: record.actorAgencyId,
    payload: record.payload,
  });
  return createHash('sha256').update(prevHash).update(canonical ?? '').digest('hex');
}

/**
 * Chains `entries` in order onto the head of the audit chain, under the chain lock held until `tx` ends: the one
 * write of the chain, shared by the search service (searches, changes) and the alerts service (hotlist alerts).
 * Payloads must already be storable (no NUL, no lone surrogate); they are hashed as jsonb will return them.
 */
export async function appendAuditRecords(tx: Transaction, entries: AuditEntry[]): Promise<StoredAuditRecord[]> {
  if (!tx.queryRunner?.isTransactionActive) throw new Error('audit records are appended inside a transaction only');
  await tx.query('SELECT pg_advisory_xact_lock($1)', [ADVISORY_LOCKS.auditChain]);
  const [last] = await tx.query('SELECT hash FROM audit_records ORDER BY seq DESC LIMIT 1');
  let prevHash: string = last?.hash ?? GENESIS_HASH;
  const records = entries.map((entry) => {
    const recordedAt = new Date().toISOString();
    const payload = JSON.parse(JSON.stringify(entry.payload));
    const hash = auditRecordHash(prevHash, { ...entry, payload, recordedAt });
    const record: StoredAuditRecord = { ...entry, payload, seq: '', recordedAt, prevHash, hash };
    prevHash = hash;
    return record;
  });
  // Sequence numbers are drawn in chain order (ORDER BY position), so seq order is chain order for verify().
  const inserted: Array<{ seq: string; hash: string }> = await tx.query(
    `INSERT INTO audit_records (recorded_at, kind, action, actor_user_id, actor_agency_id, payload, prev_hash, hash)
     SELECT recorded_at, kind, action, actor_user_id, actor_agency_id, payload::jsonb, prev_hash, hash
     FROM unnest($1::timestamptz[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[])
       WITH ORDINALITY AS record(recorded_at, kind, action, actor_user_id, actor_agency_id, payload, prev_hash, hash, position)
     ORDER BY position
     RETURNING seq::text AS seq, hash`,
    auditRecordColumns(records),
  );
  numberInChainOrder(records, inserted);
  return records;
}

/** The insert's parameters, one array per column, in chain order. */
export function auditRecordColumns(records: StoredAuditRecord[]): string[][] {
  const column = (pick: (record: StoredAuditRecord) => string) => records.map(pick);
  return [
    column((record) => record.recordedAt), column((record) => record.kind), column((record) => record.action),
    column((record) => record.actorUserId), column((record) => record.actorAgencyId),
    column((record) => JSON.stringify(record.payload)), column((record) => record.prevHash), column((record) => record.hash),
  ];
}

/** Gives each record the seq it was stored under; seq order must be chain order, for verification. */
export function numberInChainOrder(records: StoredAuditRecord[], inserted: Array<{ seq: string; hash: string }>): void {
  const seqByHash = new Map(inserted.map((row) => [row.hash, row.seq]));
  for (const record of records) record.seq = seqByHash.get(record.hash) ?? '';
  const inChainOrder = records.every((record, position) => position === 0 || BigInt(records[position - 1].seq) < BigInt(record.seq));
  if (records.some((record) => record.seq === '') || !inChainOrder) throw new Error('audit records were not numbered in chain order');
}
