import { Injectable, Logger } from '@nestjs/common';
import { AuditEntry, AuditRecordStore, GENESIS_HASH, StoredAuditRecord, Transaction, appendAuditRecords, auditRecordHash } from '@platekeeper/persistence';
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
  /** The sharing world version the record's answer was decided in; undefined when it depends on none. */
  worldVersion?: string;
  settled?: boolean;
  resolve(record: StoredAuditRecord): void;
  reject(error: unknown): void;
}

/**
 * The sharing world moved after a search's answer was decided and before its record could be written: nothing was
 * written, and the answer must not be sent. The search is run again in `worldVersion` (or a newer world).
 */
export class WorldMovedError extends Error {
  constructor(readonly worldVersion: string) {
    super(`the sharing world moved to version ${worldVersion} before the record was written`);
  }
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

  constructor(private readonly records: AuditRecordStore) {}

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

  /**
   * Appends a search's record only if the sharing world is still at `worldVersion`, the version its answer was decided
   * in, when the record is written (checked under the chain lock, in the same round trip as the insert: no extra
   * round trip). When the world moved, nothing is written and it rejects with WorldMovedError: the caller runs the
   * search again in the new world and appends that answer's record instead. So a search may start from the world this
   * instance last saw without asking PostgreSQL first, and a change committed before its record is still in force on
   * its answer.
   */
  async appendDecidedIn(entry: AuditEntry, worldVersion: string): Promise<StoredAuditRecord> {
    try {
      return await this.appendInNextGroup(entry, worldVersion);
    } catch (error) {
      if (error instanceof WorldMovedError) throw error;
      this.logger.error(`audit record not written (${entry.action}): ${(error as Error).message}`);
      throw new DomainError('AUDIT.UNAVAILABLE', 'the audit record could not be written, so nothing was done or returned; try again later');
    }
  }

  private appendInNextGroup(entry: AuditEntry, worldVersion?: string): Promise<StoredAuditRecord> {
    return new Promise((resolve, reject) => {
      this.pending.push({ entry, worldVersion, resolve, reject });
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
          await this.commitGroup(group);
        } catch (error) {
          const unsettled = group.filter((waiting) => !waiting.settled);
          if (unsettled.length === 1) settle(unsettled[0], { error });
          // One bad record (say, an over-long actor id) must not fail the searches that happened to share its group.
          else for (const waiting of unsettled) await this.commitGroup([waiting]).catch((alone: unknown) => settle(waiting, { error: alone }));
        }
      }
    } finally {
      this.committing = false;
    }
  }

  /**
   * Chains the group onto the head and inserts it in one statement, chaining again while the head moved. A record
   * decided in an older sharing world than the current one is dropped from the group and its caller told
   * (WorldMovedError); the others are chained again without it.
   */
  private async commitGroup(group: PendingAppend[]): Promise<void> {
    let head = this.knownHead ?? (await this.records.chainHead());
    let live = group.filter((waiting) => !waiting.settled);
    for (let attempt = 0; attempt < MAX_HEAD_MOVES && live.length > 0; attempt++) {
      const records = chainRecords(live.map((waiting) => waiting.entry), head);
      const outcome = await this.records.appendGroupIfHead(head, records, live.map((waiting) => waiting.worldVersion ?? null));
      if (outcome.appended) {
        this.knownHead = records[records.length - 1].hash;
        live.forEach((waiting, position) => settle(waiting, { record: records[position] }));
        return;
      }
      head = outcome.head;
      const current = BigInt(outcome.worldVersion);
      const moved = live.filter((waiting) => waiting.worldVersion !== undefined && BigInt(waiting.worldVersion) < current);
      for (const waiting of moved) settle(waiting, { error: new WorldMovedError(outcome.worldVersion) });
      if (moved.length > 0) live = live.filter((waiting) => !waiting.settled);
    }
    if (live.length > 0) throw new Error(`the audit chain head moved ${MAX_HEAD_MOVES} times while this group waited`);
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

function settle(waiting: PendingAppend, outcome: { record: StoredAuditRecord } | { error: unknown }): void {
  if (waiting.settled) return;
  waiting.settled = true;
  if ('record' in outcome) waiting.resolve(outcome.record);
  else waiting.reject(outcome.error);
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
