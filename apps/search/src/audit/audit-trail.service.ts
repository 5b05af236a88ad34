import { Injectable, Logger } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { ADVISORY_LOCKS, AuditEntry, GENESIS_HASH, StoredAuditRecord, appendAuditRecords, auditRecordHash } from '@platekeeper/persistence';
import { DomainError } from '../errors/domain-error';
import { storableRecordValue } from '../validation/text-rules';

// The record's shape, hash and in-transaction chain write live in libs/persistence (the alerts service appends to the same chain).
export { GENESIS_HASH, auditRecordHash } from '@platekeeper/persistence';
export type { AuditEntry, StoredAuditRecord } from '@platekeeper/persistence';

const AUDIT_CHAIN_LOCK = ADVISORY_LOCKS.auditChain;
/** Most records one group commit writes; more waiting appends form the next group. */
const MAX_GROUP = 500;
/** Times a group is chained again because another instance (or a change record) moved the head first. */
const MAX_HEAD_MOVES = 50;

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

  constructor(private readonly dataSource: DataSource) {}

  /**
   * Appends one record. With `manager`, the record joins that manager's open transaction, so the change it
   * describes and its record commit or roll back together (READ COMMITTED, so the chain head is read after the lock);
   * without it, the record gets a transaction of its own.
   */
  async append(entry: AuditEntry, manager?: EntityManager): Promise<StoredAuditRecord> {
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
    let head = this.knownHead ?? (await this.readHead(this.dataSource.manager));
    for (let attempt = 0; attempt < MAX_HEAD_MOVES; attempt++) {
      const records = chainRecords(entries, head);
      const rows: Array<{ seq: string | null; hash: string | null; head_hash: string | null }> = await this.dataSource.query(
        `SELECT seq, hash, head_hash FROM audit_append_group($1, $2, $3::timestamptz[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[])`,
        [AUDIT_CHAIN_LOCK, head, ...recordColumns(records)],
      );
      if (rows.length === 1 && rows[0].head_hash !== null) {
        head = rows[0].head_hash;
        continue;
      }
      numberInChainOrder(records, rows as Array<{ seq: string; hash: string }>);
      this.knownHead = records[records.length - 1].hash;
      return records;
    }
    throw new Error(`the audit chain head moved ${MAX_HEAD_MOVES} times while this group waited`);
  }

  private async readHead(manager: EntityManager): Promise<string> {
    const [last] = await manager.query('SELECT hash FROM audit_records ORDER BY seq DESC LIMIT 1');
    return last?.hash ?? GENESIS_HASH;
  }

  private async appendAlone(waiting: PendingAppend): Promise<void> {
    try {
      waiting.resolve(await this.dataSource.transaction((manager) => this.appendWithin(manager, waiting.entry)));
    } catch (error) {
      waiting.reject(error);
    }
  }

  private async appendWithin(manager: EntityManager, entry: AuditEntry): Promise<StoredAuditRecord> {
    const [record] = await this.appendGroupWithin(manager, [entry]);
    return record;
  }

  /** Chains `entries` in order onto the head, under the chain lock held until `manager`'s transaction ends. */
  private appendGroupWithin(manager: EntityManager, entries: AuditEntry[]): Promise<StoredAuditRecord[]> {
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
      const rows: Array<Record<string, any>> = await this.dataSource.query(
        `SELECT seq::text AS seq, recorded_at, kind, action, actor_user_id, actor_agency_id, payload, prev_hash, hash
         FROM audit_records WHERE audit_records.seq > $1::bigint ORDER BY audit_records.seq LIMIT 5000`,
        [afterSeq],
      );
      if (rows.length === 0) return { valid: true, checked, firstBroken: null, head };
      for (const row of rows) {
        checked++;
        if (row.prev_hash !== prevHash) {
          return { valid: false, checked, firstBroken: { seq: row.seq, problem: 'does not link to the record before it' }, head };
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

/** The insert's parameters, one array per column, in chain order. */
function recordColumns(records: StoredAuditRecord[]): string[][] {
  const column = (pick: (record: StoredAuditRecord) => string) => records.map(pick);
  return [
    column((record) => record.recordedAt), column((record) => record.kind), column((record) => record.action),
    column((record) => record.actorUserId), column((record) => record.actorAgencyId),
    column((record) => JSON.stringify(record.payload)), column((record) => record.prevHash), column((record) => record.hash),
  ];
}

/** Gives each record the seq it was stored under; seq order must be chain order, for verify(). */
function numberInChainOrder(records: StoredAuditRecord[], inserted: Array<{ seq: string; hash: string }>): void {
  const seqByHash = new Map(inserted.map((row) => [row.hash, row.seq]));
  for (const record of records) record.seq = seqByHash.get(record.hash) ?? '';
  const inChainOrder = records.every((record, position) => position === 0 || BigInt(records[position - 1].seq) < BigInt(record.seq));
  if (records.some((record) => record.seq === '') || !inChainOrder) throw new Error('audit records were not numbered in chain order');
}
