import { DataSource } from 'typeorm';
import { ADVISORY_LOCKS } from './advisory-locks';
import { Transaction } from './sql';

/**
 * The agency's side of the search trail, filtered in PostgreSQL: its own users' searches (actor index), and
 * others' searches that returned its reads (`?` on payload->'returnedByOwner') or that a deny rule withheld its
 * matching reads from (`?` on payload->'withheldByOwner'), each key test answered by its expression GIN index.
 * Previews and refusals of others carry neither key, so they never appear.
 */
const AUDITED_SEARCHES_SQL = `
  SELECT seq::text AS seq_text, recorded_at, actor_user_id, actor_agency_id, action,
         payload->'searchId' AS search_id, payload->'purpose' AS purpose, payload->'caseNumber' AS case_number,
         payload->'reason' AS reason, payload->'scope' AS scope, payload->'criteria' AS criteria,
         payload->'outcome' AS outcome, payload->'refusal' AS refusal, payload->'total' AS total,
         payload->'returnedByOwner'->$1::text AS reads_returned,
         payload->'withheldByOwner'->$1::text AS reads_withheld,
         (SELECT owner->'reasons'
            FROM jsonb_array_elements(CASE jsonb_typeof(payload->'withheldOwners') WHEN 'array' THEN payload->'withheldOwners' ELSE '[]'::jsonb END) owner
           WHERE owner->>'agencyId' = $1::text LIMIT 1) AS withheld_reasons
    FROM audit_records
   WHERE kind = 'search'
     AND recorded_at >= $2::timestamptz AND recorded_at <= $3::timestamptz
     AND ($4::bigint IS NULL OR seq < $4::bigint)
     AND (actor_agency_id = $1::text OR payload->'returnedByOwner' ? $1::text OR payload->'withheldByOwner' ? $1::text)
   ORDER BY audit_records.seq DESC
   LIMIT $5`;

/**
 * Per other agency, over one UTC month of answered searches (`search.reads`; previews and refusals touch no
 * read): searches and reads that returned the reviewed agency's data, their purposes, and the attempts its
 * deny rules withheld its matching reads from (`withheldByOwner`: an attempt counts only where the agency held
 * reads matching the criteria). One pass in PostgreSQL over the month's related records.
 */
const USAGE_REPORT_SQL = `
  WITH related AS (
    SELECT seq, actor_agency_id, payload
      FROM audit_records
     WHERE kind = 'search' AND action = 'search.reads'
       AND recorded_at >= $2::timestamptz AND recorded_at < $3::timestamptz
       AND actor_agency_id <> $1::text
       AND (payload->'returnedByOwner' ? $1::text OR payload->'withheldByOwner' ? $1::text)
  ),
  returned AS (
    SELECT actor_agency_id AS searcher,
           count(*)::int AS searches,
           sum((payload->'returnedByOwner'->>$1::text)::bigint)::bigint AS reads,
           array_agg(DISTINCT payload->>'purpose' ORDER BY payload->>'purpose') FILTER (WHERE payload->>'purpose' IS NOT NULL) AS purposes
      FROM related
     WHERE payload->'returnedByOwner' ? $1::text
     GROUP BY actor_agency_id
  ),
  withheld AS (
    SELECT related.actor_agency_id AS searcher,
           count(DISTINCT related.seq)::int AS attempts,
           array_agg(DISTINCT deny.reason ORDER BY deny.reason) FILTER (WHERE deny.reason IS NOT NULL) AS reasons
      FROM related
     CROSS JOIN LATERAL jsonb_array_elements(related.payload->'withheldOwners') AS owner
      LEFT JOIN LATERAL jsonb_array_elements_text(owner->'reasons') AS deny(reason) ON true
     WHERE related.payload->'withheldByOwner' ? $1::text AND owner->>'agencyId' = $1::text
     GROUP BY related.actor_agency_id
  )
  SELECT COALESCE(returned.searcher, withheld.searcher) AS searcher,
         COALESCE(returned.searches, 0) AS searches,
         COALESCE(returned.reads, 0)::text AS reads,
         COALESCE(returned.purposes, '{}') AS purposes,
         COALESCE(withheld.attempts, 0) AS attempts,
         COALESCE(withheld.reasons, '{}') AS reasons
    FROM returned FULL JOIN withheld ON withheld.searcher = returned.searcher
   ORDER BY COALESCE(returned.searcher, withheld.searcher) COLLATE "C"`;

/** One record as the chain stores it; `seq` is drawn by PostgreSQL on insert. */
export interface ChainedRecordRow {
  recordedAt: string;
  kind: string;
  action: string;
  actorUserId: string;
  actorAgencyId: string;
  payload: unknown;
  prevHash: string;
  hash: string;
}

/** A stored record as verification reads it back (jsonb payload parsed, timestamp as PostgreSQL returns it). */
export interface StoredChainRow extends Omit<ChainedRecordRow, 'recordedAt'> {
  seq: string;
  recordedAt: Date;
}

/**
 * The `audit_records` table: appending to the hash chain under its lock, reading it back in chain order for
 * verification, and the agency's review (its listing and the usage report). What a record holds and how its hash
 * is computed belong to the search app's AuditTrail; this store only keeps rows.
 */
export class AuditRecordStore {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Takes the chain lock until `tx` ends (so each record links to the one truly before it, across instances) and
   * answers the newest record's hash, or null for an empty chain. Read after the lock, so it is the real head.
   */
  async lockChainHead(tx: Transaction): Promise<string | null> {
    // Outside a transaction the advisory lock would be released at once and two records could share a predecessor.
    if (!tx.queryRunner?.isTransactionActive) throw new Error('the audit chain lock needs an open transaction');
    await tx.query('SELECT pg_advisory_xact_lock($1)', [ADVISORY_LOCKS.auditChain]);
    const [last] = await tx.query('SELECT hash FROM audit_records ORDER BY seq DESC LIMIT 1');
    return last?.hash ?? null;
  }

  /**
   * Inserts `records` in the given order within `tx` (which holds the chain lock) in one statement, and answers
   * each record's sequence number in that order. Sequence numbers are drawn in chain order (ORDER BY position),
   * so seq order is chain order; anything else is an error.
   */
  async insertChained(tx: Transaction, records: ChainedRecordRow[]): Promise<string[]> {
    const column = <T>(pick: (record: ChainedRecordRow) => T) => records.map(pick);
    const inserted: Array<{ seq: string; hash: string }> = await tx.query(
      `INSERT INTO audit_records (recorded_at, kind, action, actor_user_id, actor_agency_id, payload, prev_hash, hash)
       SELECT recorded_at, kind, action, actor_user_id, actor_agency_id, payload::jsonb, prev_hash, hash
       FROM unnest($1::timestamptz[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[])
         WITH ORDINALITY AS record(recorded_at, kind, action, actor_user_id, actor_agency_id, payload, prev_hash, hash, position)
       ORDER BY position
       RETURNING seq::text AS seq, hash`,
      [
        column((record) => record.recordedAt), column((record) => record.kind), column((record) => record.action),
        column((record) => record.actorUserId), column((record) => record.actorAgencyId),
        column((record) => JSON.stringify(record.payload)), column((record) => record.prevHash), column((record) => record.hash),
      ],
    );
    const seqByHash = new Map(inserted.map((row) => [row.hash, row.seq]));
    const seqs = records.map((record) => seqByHash.get(record.hash) ?? '');
    const inChainOrder = seqs.every((seq, position) => seq !== '' && (position === 0 || BigInt(seqs[position - 1]) < BigInt(seq)));
    if (!inChainOrder) throw new Error('audit records were not numbered in chain order');
    return seqs;
  }

  /** Up to `limit` records after sequence number `afterSeq`, in chain order. */
  async chainAfter(afterSeq: string, limit: number): Promise<StoredChainRow[]> {
    const rows: Array<Record<string, any>> = await this.dataSource.query(
      `SELECT seq::text AS seq, recorded_at, kind, action, actor_user_id, actor_agency_id, payload, prev_hash, hash
       FROM audit_records WHERE audit_records.seq > $1::bigint ORDER BY audit_records.seq LIMIT $2`,
      [afterSeq, limit],
    );
    return rows.map((row) => ({
      seq: row.seq, recordedAt: new Date(row.recorded_at), kind: row.kind, action: row.action,
      actorUserId: row.actor_user_id, actorAgencyId: row.actor_agency_id, payload: row.payload,
      prevHash: row.prev_hash, hash: row.hash,
    }));
  }

  /** One page of search records concerning `agencyId` in [from, to], newest first, below `beforeSeq` when given. */
  searchesConcerning(
    agencyId: string, window: { from: Date; to: Date }, beforeSeq: string | null, limit: number,
  ): Promise<Array<Record<string, any>>> {
    return this.dataSource.query(AUDITED_SEARCHES_SQL, [agencyId, window.from, window.to, beforeSeq, limit]);
  }

  /** One row per other agency whose answered searches in [start, end) returned or were denied `agencyId`'s reads. */
  usageByOthers(agencyId: string, start: Date, end: Date): Promise<Array<Record<string, any>>> {
    return this.dataSource.query(USAGE_REPORT_SQL, [agencyId, start, end]);
  }
}
