import { Injectable, Logger } from '@nestjs/common';
import { AuditEntry, AuditRecordStore, Database, GENESIS_HASH, StoredAuditRecord, Transaction, appendAuditRecords, auditRecordHash } from '@platekeeper/persistence';
import { DomainError } from '../errors/domain-error';
import { storableRecordValue } from '../validation/text-rules';

// The record's shape, hash and in-transaction chain write live in libs/persistence (the alerts service appends to the same chain).
export { GENESIS_HASH, auditRecordHash } from '@platekeeper/persistence';
export type { AuditEntry, StoredAuditRecord } from '@platekeeper/persistence';

/** Most records one group commit writes; more waiting appends form the next group. */
const MAX_GROUP = 500;
/** Times a group is chained again because another instance (or a change record) moved the head first. */
const MAX_HEAD_MOVES = 50;
/** Records read back per round trip while verifying. */
const VERIFY_PAGE = 5000;

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
 *
 * A group goes in one round trip (`audit_append_group`, a migration): it is chained onto the head this instance last
 * wrote, and the function inserts it only if that is still the newest record under the lock; otherwise it answers the
 * real head and the group is chained again. Before, a group took five (begin, lock, head, insert, commit).
 */
@Injectable()
export class AuditTrail {
  private readonly logger = new Logger(AuditTrail.name);
  private readonly pending: PendingAppend[] = [];
  private committing = false;
  /** The newest record's hash as this instance last saw it: only a guess, checked under the chain lock. */
  private knownHead?: string;

  constructor(private readonly database: Database, private readonly records: AuditRecordStore) {}

  /**
   * Appends one record. With `manager`, the record joins that manager's open transaction, so the change it
   * describes and its record commit or roll back together (READ COMMITTED, so the chain head is read after the lock);
   * without it, the record gets a transaction of its own.
   */
  async append(entry: AuditEntry, manager?: Transaction): Promise<StoredAuditRecord> {
    try {
      if (manager === undefined) return await this.appendInNextGroup(entry);
      // Outside a transaction the advisory lock would be released at once and two records could share a predecessor.
      if (!manager.queryRunner?.isTransactionActive) throw new Error('append(entry, manager) needs a manager inside a transaction');
      return await this.appendWithin(manager, entry);
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
          const records = await this.commitGroup(group.map((waiting) => waiting.entry));
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

  /** Chains `entries` onto the head and inserts them in one statement, chaining again while the head moved. */
  private async commitGroup(entries: AuditEntry[]): Promise<StoredAuditRecord[]> {
    let head = this.knownHead ?? (await this.records.chainHead());
    for (let attempt = 0; attempt < MAX_HEAD_MOVES; attempt++) {
      const records = chainRecords(entries, head);
      const outcome = await this.records.appendGroupIfHead(head, records);
      if (!outcome.appended) {
        head = outcome.head;
        continue;
      }
      this.knownHead = records[records.length - 1].hash;
      return records;
    }
    throw new Error(`the audit chain head moved ${MAX_HEAD_MOVES} times while this group waited`);
  }

  private async appendAlone(waiting: PendingAppend): Promise<void> {
    try {
      waiting.resolve(await this.database.transaction((tx) => this.appendWithin(tx, waiting.entry)));
    } catch (error) {
      waiting.reject(error);
    }
  }

  private async appendWithin(manager: Transaction, entry: AuditEntry): Promise<StoredAuditRecord> {
    const [record] = await this.appendGroupWithin(manager, [entry]);
    return record;
  }

  /** Chains `entries` in order onto the head, under the chain lock held until `manager`'s transaction ends. */
  private appendGroupWithin(manager: Transaction, entries: AuditEntry[]): Promise<StoredAuditRecord[]> {
    // A refused request is recorded with what it sent: NUL, lone surrogates or deep nesting must not make the record unwritable.
    const storable = entries.map((entry) => ({ ...entry, payload: storableRecordValue(entry.payload) as Record<string, unknown> }));
    return appendAuditRecords(manager, storable);
  }

  /** Recomputes the whole chain in order; names the first record whose hash or link is wrong. */
  async verify(): Promise<{ valid: boolean; checked: number; firstBroken: { seq: string; problem: string } | null; head: { seq: string; hash: string } | null }> {
    let prevHash = GENESIS_HASH;
    let afterSeq = '0';
    let checked = 0;
    let head: { seq: string; hash: string } | null = null;
    for (;;) {
      const rows = await this.records.chainAfter(afterSeq, VERIFY_PAGE);
      if (rows.length === 0) return { valid: true, checked, firstBroken: null, head };
      for (const row of rows) {
        checked++;
        if (row.prevHash !== prevHash) {
          return { valid: false, checked, firstBroken: { seq: row.seq, problem: 'does not link to the record before it' }, head };
        }
        const expected = auditRecordHash(prevHash, row);
        if (expected !== row.hash) {
          return { valid: false, checked, firstBroken: { seq: row.seq, problem: 'content does not match its hash' }, head };
        }
        prevHash = row.hash;
        afterSeq = row.seq;
        head = { seq: row.seq, hash: row.hash };
      }
    }
  }
}

/** `entries` chained in order onto `prevHash`, stamped now, not yet numbered. */
function chainRecords(entries: AuditEntry[], prevHash: string): StoredAuditRecord[] {
  return entries.map((entry) => {
    const recordedAt = new Date().toISOString();
    // A refused request is recorded with what it sent: NUL, lone surrogates or deep nesting must not make the record unwritable.
    const payload = JSON.parse(JSON.stringify(storableRecordValue(entry.payload)));
    const hash = auditRecordHash(prevHash, { ...entry, payload, recordedAt });
    const record = { ...entry, payload, seq: '', recordedAt, prevHash, hash };
    prevHash = hash;
    return record;
  });
}
