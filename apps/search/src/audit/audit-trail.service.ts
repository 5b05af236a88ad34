import { Injectable, Logger } from '@nestjs/common';
import { createHash } from 'node:crypto';
import stringify from 'safe-stable-stringify';
import { AuditRecordStore, Database, Transaction } from '@platekeeper/persistence';
import { DomainError } from '../errors/domain-error';
import { storableRecordValue } from '../validation/text-rules';

export const GENESIS_HASH = '0'.repeat(64);
/** Most records one group commit writes; more waiting appends form the next group. */
const MAX_GROUP = 500;
/** Records read back per round trip while verifying. */
const VERIFY_PAGE = 5000;

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

interface PendingAppend {
  entry: AuditEntry;
  resolve(record: StoredAuditRecord): void;
  reject(error: unknown): void;
}

/**
 * The append-only, hash-chained record. Appends from every instance serialise on one advisory lock,
 * so each record links to the one truly before it.
 *
 * Appends of their own (searches) are group-committed: while one transaction holds the lock, the appends that arrive
 * wait and then go together in the next transaction — one lock, one chain-head read, one INSERT, one commit for all
 * of them — so the lock is taken per group, not per record. Each caller resolves only once its group committed, so a
 * search is still recorded before it answers; the records of a group are chained in arrival order.
 */
@Injectable()
export class AuditTrail {
  private readonly logger = new Logger(AuditTrail.name);
  private readonly pending: PendingAppend[] = [];
  private committing = false;

  constructor(private readonly database: Database, private readonly records: AuditRecordStore) {}

  /**
   * Appends one record. With `tx`, the record joins that open transaction, so the change it
   * describes and its record commit or roll back together (READ COMMITTED, so the chain head is read after the lock);
   * without it, the record gets a transaction of its own.
   */
  async append(entry: AuditEntry, tx?: Transaction): Promise<StoredAuditRecord> {
    try {
      if (tx === undefined) return await this.appendInNextGroup(entry);
      return await this.appendWithin(tx, entry);
    } catch (error) {
      this.logger.error(`audit record not written (${entry.action}): ${(error as Error).message}`);
      throw new DomainError('AUDIT.UNAVAILABLE', 'the audit record could not be written, so nothing was done or returned; try again later');
    }
  }

  private appendInNextGroup(entry: AuditEntry): Promise<StoredAuditRecord> {
    return new Promise((resolve, reject) => {
      this.pending.push({ entry, resolve, reject });
      if (!this.committing) void this.commitPendingGroups();
    });
  }

  /** One group at a time, until nobody waits: an append arriving while a group commits joins the next one. */
  private async commitPendingGroups(): Promise<void> {
    this.committing = true;
    try {
      while (this.pending.length > 0) {
        const group = this.pending.splice(0, MAX_GROUP);
        try {
          const records = await this.database.transaction((tx) => this.appendGroupWithin(tx, group.map((waiting) => waiting.entry)));
          group.forEach((waiting, position) => waiting.resolve(records[position]));
        } catch (error) {
          if (group.length === 1) group[0].reject(error);
          // One bad record (say, an over-long actor id) must not fail the searches that happened to share its group.
          else for (const waiting of group) await this.appendAlone(waiting);
        }
      }
    } finally {
      this.committing = false;
    }
  }

  private async appendAlone(waiting: PendingAppend): Promise<void> {
    try {
      waiting.resolve(await this.database.transaction((tx) => this.appendWithin(tx, waiting.entry)));
    } catch (error) {
      waiting.reject(error);
    }
  }

  private async appendWithin(tx: Transaction, entry: AuditEntry): Promise<StoredAuditRecord> {
    const [record] = await this.appendGroupWithin(tx, [entry]);
    return record;
  }

  /** Chains `entries` in order onto the head, under the chain lock held until `tx` ends. */
  private async appendGroupWithin(tx: Transaction, entries: AuditEntry[]): Promise<StoredAuditRecord[]> {
    let prevHash = (await this.records.lockChainHead(tx)) ?? GENESIS_HASH;
    const records = entries.map((entry) => {
      const recordedAt = new Date().toISOString();
      // A refused request is recorded with what it sent: NUL, lone surrogates or deep nesting must not make the record unwritable.
      const payload = JSON.parse(JSON.stringify(storableRecordValue(entry.payload)));
      const hash = auditRecordHash(prevHash, { ...entry, payload, recordedAt });
      const record = { ...entry, payload, seq: '', recordedAt, prevHash, hash };
      prevHash = hash;
      return record;
    });
    const seqs = await this.records.insertChained(tx, records);
    records.forEach((record, position) => (record.seq = seqs[position]));
    return records;
  }

  /** Recomputes the whole chain in order; names the first record whose hash or link is wrong. */
  async verify(): Promise<{ valid: boolean; checked: number; firstBroken: { seq: string; problem: string } | null }> {
    let prevHash = GENESIS_HASH;
    let afterSeq = '0';
    let checked = 0;
    for (;;) {
      const rows = await this.records.chainAfter(afterSeq, VERIFY_PAGE);
      if (rows.length === 0) return { valid: true, checked, firstBroken: null };
      for (const row of rows) {
        checked++;
        if (row.prevHash !== prevHash) {
          return { valid: false, checked, firstBroken: { seq: row.seq, problem: 'does not link to the record before it' } };
        }
        const expected = auditRecordHash(prevHash, {
          recordedAt: row.recordedAt.toISOString(),
          kind: row.kind as AuditEntry['kind'],
          action: row.action,
          actorUserId: row.actorUserId,
          actorAgencyId: row.actorAgencyId,
          payload: row.payload as Record<string, unknown>,
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
