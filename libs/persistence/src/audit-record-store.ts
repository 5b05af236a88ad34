import { DataSource } from 'typeorm';
import { ADVISORY_LOCKS } from './advisory-locks';
import { GENESIS_HASH, StoredAuditRecord, auditRecordColumns, numberInChainOrder } from './audit-chain';

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
 * Per other agency, over one UTC month of answered searches (`search.reads`, and hotlist alerts `hotlist.alert`, each
 * recorded as a search that returned one read; previews and refusals touch no read): searches and reads that returned the reviewed agency's data, their purposes, and the attempts its
 * deny rules withheld its matching reads from (`withheldByOwner`: an attempt counts only where the agency held
 * reads matching the criteria). One pass in PostgreSQL over the month's related records.
 */
const USAGE_REPORT_SQL = `
  WITH related AS (
    SELECT seq, actor_agency_id, action, payload
      FROM audit_records
     WHERE kind = 'search' AND action IN ('search.reads', 'hotlist.alert')
       AND recorded_at >= $2::timestamptz AND recorded_at < $3::timestamptz
       AND actor_agency_id <> $1::text
       AND (payload->'returnedByOwner' ? $1::text OR payload->'withheldByOwner' ? $1::text)
  ),
  returned AS (
    SELECT actor_agency_id AS searcher,
           count(*)::int AS searches,
           count(*) FILTER (WHERE action = 'hotlist.alert')::int AS alerts,
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
         COALESCE(returned.alerts, 0) AS alerts,
         COALESCE(returned.reads, 0)::text AS reads,
         COALESCE(returned.purposes, '{}') AS purposes,
         COALESCE(withheld.attempts, 0) AS attempts,
         COALESCE(withheld.reasons, '{}') AS reasons
    FROM returned FULL JOIN withheld ON withheld.searcher = returned.searcher
   ORDER BY COALESCE(returned.searcher, withheld.searcher) COLLATE "C"`;

/**
 * Per other agency and purpose, over [start, end): answered searches that returned the agency's reads, and those
 * its deny rules withheld matching reads from (the public transparency page; same relation as the usage report).
 */
const OUTSIDE_SEARCHES_SQL = `
  SELECT actor_agency_id AS searcher, payload->>'purpose' AS purpose,
         count(*) FILTER (WHERE payload->'returnedByOwner' ? $1::text)::int AS returned,
         count(*) FILTER (WHERE payload->'withheldByOwner' ? $1::text)::int AS withheld
    FROM audit_records
   WHERE kind = 'search' AND action = 'search.reads'
     AND recorded_at >= $2::timestamptz AND recorded_at < $3::timestamptz
     AND actor_agency_id <> $1::text
     AND (payload->'returnedByOwner' ? $1::text OR payload->'withheldByOwner' ? $1::text)
   GROUP BY actor_agency_id, payload->>'purpose'
   ORDER BY actor_agency_id COLLATE "C", payload->>'purpose'`;

/**
 * The hotlist alerts raised in [$2, $3) for entries of state $1's agencies (each a `hotlist.alert` search record), per
 * entry purpose and the alert's latest disposition (`hotlist_alert.disposition` change records, whenever recorded;
 * null while none is), from the chain alone: alerts and dispositions purged from the hotlist tables still count.
 */
const ANNUAL_ALERTS_RAISED_SQL = `
  WITH raised AS (
    SELECT r.payload->>'searchId' AS alert_id, r.payload->>'purpose' AS purpose
      FROM audit_records r JOIN agencies a ON a.id = r.actor_agency_id
     WHERE r.kind = 'search' AND r.action = 'hotlist.alert' AND a.state = $1 AND r.recorded_at >= $2 AND r.recorded_at < $3
  ),
  latest_disposition AS (
    SELECT DISTINCT ON (d.payload->'subject'->>'id') d.payload->'subject'->>'id' AS alert_id, d.payload->'after'->>'disposition' AS disposition
      FROM audit_records d
     WHERE d.kind = 'change' AND d.action = 'hotlist_alert.disposition' AND d.recorded_at >= $2
       AND d.payload->'subject'->>'id' IN (SELECT alert_id FROM raised)
     ORDER BY d.payload->'subject'->>'id', d.seq DESC
  )
  SELECT raised.purpose, latest_disposition.disposition, count(*)::int AS alerts
    FROM raised LEFT JOIN latest_disposition ON latest_disposition.alert_id = raised.alert_id
   GROUP BY 1, 2 ORDER BY 1, 2 NULLS FIRST`;

/**
 * The `audit_records` table: the one-round-trip group append and the read-back for verification (what a record holds,
 * its hash and the group commit belong to the search app's AuditTrail; the in-transaction append, shared with the
 * alerts service, is `appendAuditRecords`), and the agency's review (its listing, usage and annual reports).
 */
/** What one retention sweep attests for one owner, as its change record stores it: what it deleted, and that the oldest read still held is within retention. */
export interface RetentionAttestation {
  retentionDays: number;
  deletedReads: number;
  oldestHeldCapturedAt: string | null;
  oldestHeldAgeDays: number | null;
  /** the oldest read held is younger than the owner's effective retention (or none is held) */
  withinRetention: boolean;
}

export class AuditRecordStore {
  constructor(private readonly dataSource: DataSource) {}

  /** The newest record's hash (the genesis hash for an empty chain), as of this statement. */
  async chainHead(): Promise<string> {
    const [last] = await this.dataSource.query('SELECT hash FROM audit_records ORDER BY seq DESC LIMIT 1');
    return last?.hash ?? GENESIS_HASH;
  }

  /**
   * Inserts `records` (chained onto `expectedHead`, in order) in one round trip (`audit_append_group_in_world`): under
   * the chain lock, only if `expectedHead` is still the newest record and every record's `worldVersions` entry (null:
   * decided under no world) is still the sharing world's version; numbers them in chain order. Otherwise inserts
   * nothing and answers the real head and world version, so the caller can chain the group again, without the records
   * decided in an older world.
   */
  async appendGroupIfHead(
    expectedHead: string, records: StoredAuditRecord[], worldVersions: Array<string | null> = records.map(() => null),
  ): Promise<{ appended: true; worldVersion: string } | { appended: false; head: string; worldVersion: string }> {
    const rows: Array<{ seq: string | null; hash: string | null; head_hash: string | null; world_version: string }> = await this.dataSource.query(
      `SELECT seq, hash, head_hash, world_version
         FROM audit_append_group_in_world($1, $2, $3::bigint[], $4::timestamptz[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[], $11::text[])`,
      [ADVISORY_LOCKS.auditChain, expectedHead, worldVersions, ...auditRecordColumns(records)],
    );
    if (rows.length === 1 && rows[0].head_hash !== null) return { appended: false, head: rows[0].head_hash, worldVersion: rows[0].world_version };
    numberInChainOrder(records, rows as Array<{ seq: string; hash: string }>);
    return { appended: true, worldVersion: rows[0].world_version };
  }

  /** Up to `limit` stored records after sequence number `afterSeq`, in chain order, as verification reads them. */
  async chainAfter(afterSeq: string, limit: number): Promise<StoredAuditRecord[]> {
    const rows: Array<Record<string, any>> = await this.dataSource.query(
      `SELECT seq::text AS seq, recorded_at, kind, action, actor_user_id, actor_agency_id, payload, prev_hash, hash
       FROM audit_records WHERE audit_records.seq > $1::bigint ORDER BY audit_records.seq LIMIT $2`,
      [afterSeq, limit],
    );
    return rows.map((row) => ({
      seq: row.seq, recordedAt: new Date(row.recorded_at).toISOString(), kind: row.kind, action: row.action,
      actorUserId: row.actor_user_id, actorAgencyId: row.actor_agency_id, payload: row.payload, prevHash: row.prev_hash, hash: row.hash,
    }));
  }

  /** One page of search records concerning `agencyId` in [from, to], newest first, below `beforeSeq` when given. */
  searchesConcerning(
    agencyId: string, window: { from: Date; to: Date }, beforeSeq: string | null, limit: number,
  ): Promise<Array<Record<string, any>>> {
    return this.dataSource.query(AUDITED_SEARCHES_SQL, [agencyId, window.from, window.to, beforeSeq, limit]);
  }

  /** The answered searches of `agencyId`'s own users recorded in [from, to], oldest first (at most `limit`). */
  answeredSearchesBy(agencyId: string, window: { from: Date; to: Date }, limit = 50_000): Promise<Array<Record<string, any>>> {
    return this.dataSource.query(
      `SELECT seq::text AS seq, recorded_at, actor_user_id, payload->>'searchId' AS search_id, payload->>'purpose' AS purpose,
              payload->>'reason' AS reason, payload->>'scope' AS scope, payload->'criteria' AS criteria
         FROM audit_records
        WHERE kind = 'search' AND action = 'search.reads' AND actor_agency_id = $1
          AND recorded_at >= $2::timestamptz AND recorded_at <= $3::timestamptz
        ORDER BY seq LIMIT $4`,
      [agencyId, window.from, window.to, limit],
    );
  }

  /** Per subject id, the newest change record of `action` about it (e.g. each anomaly flag's latest disposition). */
  async latestChangesAbout(action: string, subjectIds: string[]): Promise<Map<string, { seq: string; recordedAt: string; actorUserId: string; after: any }>> {
    if (subjectIds.length === 0) return new Map();
    const rows = await this.dataSource.query(
      `SELECT DISTINCT ON (payload->'subject'->>'id') payload->'subject'->>'id' AS subject_id, seq::text AS seq, recorded_at, actor_user_id, payload->'after' AS after
         FROM audit_records
        WHERE kind = 'change' AND action = $1 AND payload->'subject'->>'id' = ANY($2)
        ORDER BY payload->'subject'->>'id', seq DESC`,
      [action, subjectIds],
    );
    return new Map(rows.map((row: Record<string, any>) => [
      row.subject_id, { seq: row.seq, recordedAt: new Date(row.recorded_at).toISOString(), actorUserId: row.actor_user_id, after: row.after },
    ]));
  }

  /**
   * The figures of a state's annual statutory report over [start, end), from the search and sweep records alone
   * (agencies' states as they are now): searches by the state's agencies per purpose and stated offense level, searches
   * by other states' agencies that returned the state's owners' reads, attempts withheld from those owners per reason
   * (where they held matching reads), the retention sweeps, the hotlist alerts raised for the state's agencies (per
   * purpose and latest disposition) and the alerts the state's owners' reads raised (per alerting agency).
   */
  async annualFigures(state: string, start: Date, end: Date) {
    const window = [state, start, end];
    const byPurpose: Array<{ purpose: string; offense_level: string; searches: number }> = await this.dataSource.query(
      `SELECT r.payload->>'purpose' AS purpose, COALESCE(r.payload->>'offenseLevel', '(not stated)') AS offense_level, count(*)::int AS searches
         FROM audit_records r JOIN agencies a ON a.id = r.actor_agency_id
        WHERE r.kind = 'search' AND r.action = 'search.reads' AND a.state = $1 AND r.recorded_at >= $2 AND r.recorded_at < $3
        GROUP BY 1, 2 ORDER BY 1, 2`, window,
    );
    const outside: Array<{ searcher: string; searcher_state: string; searches: number; reads: string }> = await this.dataSource.query(
      `SELECT r.actor_agency_id AS searcher, s.state AS searcher_state, count(DISTINCT r.seq)::int AS searches, sum(kv.value::bigint)::text AS reads
         FROM audit_records r
         JOIN agencies s ON s.id = r.actor_agency_id
        CROSS JOIN LATERAL jsonb_each_text(CASE jsonb_typeof(r.payload->'returnedByOwner') WHEN 'object' THEN r.payload->'returnedByOwner' ELSE '{}'::jsonb END) kv
         JOIN agencies o ON o.id = kv.key
        WHERE r.kind = 'search' AND r.action = 'search.reads' AND o.state = $1 AND s.state <> $1 AND r.recorded_at >= $2 AND r.recorded_at < $3
        GROUP BY 1, 2 ORDER BY r.actor_agency_id COLLATE "C"`, window,
    );
    const withheld: Array<{ reason: string; attempts: number }> = await this.dataSource.query(
      `SELECT reason, count(DISTINCT r.seq)::int AS attempts
         FROM audit_records r
        CROSS JOIN LATERAL jsonb_array_elements(CASE jsonb_typeof(r.payload->'withheldOwners') WHEN 'array' THEN r.payload->'withheldOwners' ELSE '[]'::jsonb END) w
         JOIN agencies o ON o.id = w->>'agencyId'
        CROSS JOIN LATERAL jsonb_array_elements_text(w->'reasons') reason
        WHERE r.kind = 'search' AND r.action = 'search.reads' AND o.state = $1 AND r.actor_agency_id <> o.id
          AND r.payload->'withheldByOwner' ? (w->>'agencyId') AND r.recorded_at >= $2 AND r.recorded_at < $3
        GROUP BY 1 ORDER BY 1`, window,
    );
    const [sweeps]: Array<{ sweeps: number; last_seq: string | null }> = await this.dataSource.query(
      `SELECT count(*)::int AS sweeps, max(seq)::text AS last_seq FROM audit_records
        WHERE kind = 'change' AND action = 'retention.sweep' AND recorded_at >= $2 AND recorded_at < $3 AND $1::text IS NOT NULL`, window,
    );
    const [lastSweep] = sweeps.last_seq === null ? [] : await this.dataSource.query(
      `SELECT seq::text AS seq, recorded_at, payload->'after'->'attestations' AS attestations FROM audit_records WHERE seq = $1::bigint`, [sweeps.last_seq],
    );
    const owners: Array<{ id: string }> = await this.dataSource.query(`SELECT id FROM agencies WHERE state = $1 ORDER BY id COLLATE "C"`, [state]);
    const alertsRaised: Array<{ purpose: string; disposition: string | null; alerts: number }> = await this.dataSource.query(
      ANNUAL_ALERTS_RAISED_SQL, window,
    );
    const alertsOnOwnersReads: Array<{ agency: string; agency_state: string; alerts: number }> = await this.dataSource.query(
      `SELECT r.actor_agency_id AS agency, s.state AS agency_state, count(DISTINCT r.seq)::int AS alerts
         FROM audit_records r
         JOIN agencies s ON s.id = r.actor_agency_id
        CROSS JOIN LATERAL jsonb_object_keys(CASE jsonb_typeof(r.payload->'returnedByOwner') WHEN 'object' THEN r.payload->'returnedByOwner' ELSE '{}'::jsonb END) owner
         JOIN agencies o ON o.id = owner
        WHERE r.kind = 'search' AND r.action = 'hotlist.alert' AND o.state = $1 AND r.recorded_at >= $2 AND r.recorded_at < $3
        GROUP BY 1, 2 ORDER BY r.actor_agency_id COLLATE "C"`, window,
    );
    return {
      byPurpose, outside, withheld, sweeps: sweeps.sweeps, lastSweep, ownerIds: owners.map((owner) => owner.id), alertsRaised, alertsOnOwnersReads,
    };
  }

  /** The newest change record of `action`, with its place in the chain, or undefined. */
  async latestChange(action: string): Promise<{ seq: string; hash: string; recordedAt: string; actorUserId: string; payload: Record<string, any> } | undefined> {
    const [row] = await this.dataSource.query(
      `SELECT seq::text AS seq, hash, recorded_at, actor_user_id, payload FROM audit_records
        WHERE kind = 'change' AND action = $1 ORDER BY seq DESC LIMIT 1`,
      [action],
    );
    return row === undefined ? undefined : { seq: row.seq, hash: row.hash, recordedAt: new Date(row.recorded_at).toISOString(), actorUserId: row.actor_user_id, payload: row.payload };
  }

  /** The newest retention sweep record that attested for `ownerId`: its place in the chain and that owner's attestation. */
  async latestRetentionAttestation(ownerId: string): Promise<{ seq: string; hash: string; sweptAt: string; attestation: RetentionAttestation } | undefined> {
    const [row] = await this.dataSource.query(
      `SELECT seq::text AS seq, hash, recorded_at, payload->'after'->'attestations'->$1 AS attestation FROM audit_records
        WHERE kind = 'change' AND action = 'retention.sweep' AND payload->'after'->'attestations' ? $1 ORDER BY seq DESC LIMIT 1`,
      [ownerId],
    );
    return row === undefined ? undefined : { seq: row.seq, hash: row.hash, sweptAt: new Date(row.recorded_at).toISOString(), attestation: row.attestation };
  }

  /** The newest record of the chain (its sequence number, hash and time), or undefined while the chain is empty. */
  async head(): Promise<{ seq: string; hash: string; recordedAt: string } | undefined> {
    const [row] = await this.dataSource.query('SELECT seq::text AS seq, hash, recorded_at FROM audit_records ORDER BY seq DESC LIMIT 1');
    return row === undefined ? undefined : { seq: row.seq, hash: row.hash, recordedAt: new Date(row.recorded_at).toISOString() };
  }

  /** The hash of the record at `seq`, or undefined when there is none. */
  async hashAt(seq: string): Promise<string | undefined> {
    const [row] = await this.dataSource.query('SELECT hash FROM audit_records WHERE seq = $1::bigint', [seq]);
    return row?.hash;
  }

  /** The record of one search (answered or previewed) by its id, or undefined. */
  async searchRecord(searchId: string): Promise<{ seq: string; recordedAt: string; actorUserId: string; actorAgencyId: string; action: string; payload: Record<string, any> } | undefined> {
    const [row] = await this.dataSource.query(
      `SELECT seq::text AS seq, recorded_at, actor_user_id, actor_agency_id, action, payload FROM audit_records
        WHERE kind = 'search' AND payload->>'searchId' = $1 ORDER BY seq LIMIT 1`,
      [searchId],
    );
    if (row === undefined) return undefined;
    return {
      seq: row.seq, recordedAt: new Date(row.recorded_at).toISOString(), actorUserId: row.actor_user_id,
      actorAgencyId: row.actor_agency_id, action: row.action, payload: row.payload,
    };
  }

  /** One row per other agency whose answered searches in [start, end) returned or were denied `agencyId`'s reads. */
  usageByOthers(agencyId: string, start: Date, end: Date): Promise<Array<Record<string, any>>> {
    return this.dataSource.query(USAGE_REPORT_SQL, [agencyId, start, end]);
  }

  /** Per other agency and purpose: searches in [start, end) that returned `agencyId`'s reads, or had its matching reads withheld. */
  outsideSearches(agencyId: string, start: Date, end: Date): Promise<Array<{ searcher: string; purpose: string | null; returned: number; withheld: number }>> {
    return this.dataSource.query(OUTSIDE_SEARCHES_SQL, [agencyId, start, end]);
  }
}
