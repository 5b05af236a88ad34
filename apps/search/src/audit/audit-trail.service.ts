import { Injectable, Logger } from '@nestjs/common';
import { createHash } from 'node:crypto';
import stringify from 'safe-stable-stringify';
import { DataSource, EntityManager } from 'typeorm';
import { ADVISORY_LOCKS } from '@platekeeper/persistence';
import { DomainError } from '../errors/domain-error';
import { storableRecordValue } from '../validation/text-rules';

export const GENESIS_HASH = '0'.repeat(64);
const AUDIT_CHAIN_LOCK = ADVISORY_LOCKS.auditChain;

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
 * The append-only, hash-chained record. Appends from every instance serialise on one advisory lock,
 * so each record links to the one truly before it.
 */
@Injectable()
export class AuditTrail {
  private readonly logger = new Logger(AuditTrail.name);

  constructor(private readonly dataSource: DataSource) {}

  /**
   * Appends one record. With `manager`, the record joins that manager's open transaction, so the change it
   * describes and its record commit or roll back together (READ COMMITTED, so the chain head is read after the lock);
   * without it, the record gets a transaction of its own.
   */
  async append(entry: AuditEntry, manager?: EntityManager): Promise<StoredAuditRecord> {
    try {
      if (manager === undefined) return await this.dataSource.transaction((own) => this.appendWithin(own, entry));
      // Outside a transaction the advisory lock would be released at once and two records could share a predecessor.
      if (!manager.queryRunner?.isTransactionActive) throw new Error('append(entry, manager) needs a manager inside a transaction');
      return await this.appendWithin(manager, entry);
    } catch (error) {
      this.logger.error(`audit record not written (${entry.action}): ${(error as Error).message}`);
      throw new DomainError('AUDIT.UNAVAILABLE', 'the audit record could not be written, so nothing was done or returned; try again later');
    }
  }

  private async appendWithin(manager: EntityManager, entry: AuditEntry): Promise<StoredAuditRecord> {
    await manager.query('SELECT pg_advisory_xact_lock($1)', [AUDIT_CHAIN_LOCK]);
    const [last] = await manager.query('SELECT hash FROM audit_records ORDER BY seq DESC LIMIT 1');
    const prevHash: string = last?.hash ?? GENESIS_HASH;
    const recordedAt = new Date().toISOString();
    // A refused request is recorded with what it sent: NUL, lone surrogates or deep nesting must not make the record unwritable.
    const payload = JSON.parse(JSON.stringify(storableRecordValue(entry.payload)));
    const hash = auditRecordHash(prevHash, { ...entry, payload, recordedAt });
    const [{ seq }] = await manager.query(
      `INSERT INTO audit_records (recorded_at, kind, action, actor_user_id, actor_agency_id, payload, prev_hash, hash)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING seq::text AS seq`,
      [recordedAt, entry.kind, entry.action, entry.actorUserId, entry.actorAgencyId, payload, prevHash, hash],
    );
    return { ...entry, payload, seq, recordedAt, prevHash, hash };
  }

  /** Recomputes the whole chain in order; names the first record whose hash or link is wrong. */
  async verify(): Promise<{ valid: boolean; checked: number; firstBroken: { seq: string; problem: string } | null }> {
    let prevHash = GENESIS_HASH;
    let afterSeq = '0';
    let checked = 0;
    for (;;) {
      const rows: Array<Record<string, any>> = await this.dataSource.query(
        `SELECT seq::text AS seq, recorded_at, kind, action, actor_user_id, actor_agency_id, payload, prev_hash, hash
         FROM audit_records WHERE audit_records.seq > $1::bigint ORDER BY audit_records.seq LIMIT 5000`,
        [afterSeq],
      );
      if (rows.length === 0) return { valid: true, checked, firstBroken: null };
      for (const row of rows) {
        checked++;
        if (row.prev_hash !== prevHash) {
          return { valid: false, checked, firstBroken: { seq: row.seq, problem: 'does not link to the record before it' } };
        }
        const expected = auditRecordHash(prevHash, {
          recordedAt: new Date(row.recorded_at).toISOString(),
          kind: row.kind,
          action: row.action,
          actorUserId: row.actor_user_id,
          actorAgencyId: row.actor_agency_id,
          payload: row.payload,
        });
        if (expected !== row.hash) {
          return { valid: false, checked, firstBroken: { seq: row.seq, problem: 'content does not match its hash' } };
        }
        prevHash = row.hash;
        afterSeq = row.seq;
      }
    }
  }
}
