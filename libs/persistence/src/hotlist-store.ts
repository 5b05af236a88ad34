import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import type { SearchPurpose } from '@platekeeper/sharing';
import { Versioned } from './registry-snapshots';
import { SqlRunner, Transaction } from './sql';

export const HOTLIST_ENTRY_SOURCES = ['manual', 'import', 'ncic'] as const;
export type HotlistEntrySource = (typeof HOTLIST_ENTRY_SOURCES)[number];

export const HIT_DISPOSITIONS = ['confirmed', 'misread', 'wrong_state', 'not_actionable'] as const;
export type HitDisposition = (typeof HIT_DISPOSITIONS)[number];
/** Every disposition but `confirmed` says the alert was not the vehicle sought: a false hit. */
export const FALSE_HIT_DISPOSITIONS: readonly HitDisposition[] = ['misread', 'wrong_state', 'not_actionable'];

/** Why an alert matched: the read's own plate, one of its alternative OCR candidates, or OCR look-alike folding. */
export const MATCH_KINDS = ['exact', 'candidate', 'look_alike'] as const;
export type MatchKind = (typeof MATCH_KINDS)[number];

export interface HotlistVehicle {
  make?: string;
  model?: string;
  color?: string;
  type?: string;
}

export interface Hotlist {
  id: string;
  agencyId: string;
  name: string;
  description: string | null;
  createdBy: string;
  createdAt: string;
  liveEntries: number;
}

export interface NewHotlistEntry {
  hotlistId: string;
  agencyId: string;
  /** normalised (CONTRACT §2) */
  plate: string;
  /** `plate` with OCR look-alikes folded (the fuzzy search's folding) */
  plateFolded: string;
  plateRegion: string | null;
  vehicle: HotlistVehicle | null;
  purpose: SearchPurpose;
  caseNumber: string;
  reason: string;
  source: HotlistEntrySource;
  addedBy: string;
  expiresAt: Date;
}

export interface HotlistEntry extends Omit<NewHotlistEntry, 'expiresAt'> {
  id: string;
  createdAt: string;
  expiresAt: string;
  removedAt: string | null;
  removedBy: string | null;
}

export interface NewHotlistAlert {
  entryId: string;
  hotlistId: string;
  /** the entry's agency, to whose investigators the alert goes */
  agencyId: string;
  ownerAgencyId: string;
  readId: string;
  matchKind: MatchKind;
  /** the plate of the read (or of its candidate) that matched */
  matchedPlate: string;
  read: Record<string, unknown>;
}

export interface HotlistAlert extends NewHotlistAlert {
  id: string;
  raisedAt: string;
  auditSeq: string | null;
  disposition: HitDisposition | null;
  dispositionNote: string | null;
  dispositionBy: string | null;
  dispositionAt: string | null;
}

/** An alert as announced to the investigators' streams: at least the agency it goes to. */
export type AnnouncedAlert = { agencyId: string } & Record<string, unknown>;

export interface PublicHotlistCounts {
  liveEntries: number;
  alerts: number;
  dispositioned: number;
  falseHits: number;
  alertsForOtherAgenciesOnOurReads: number;
}

export interface HotlistHitRates {
  hotlistId: string;
  hotlistName: string;
  alerts: number;
  dispositioned: number;
  byDisposition: Record<HitDisposition, number>;
  /** false hits over dispositioned alerts; null while none is dispositioned */
  falseHitRate: number | null;
}

const ENTRY_COLUMNS = `id, hotlist_id, agency_id, plate, plate_folded, plate_region, vehicle, purpose, case_number, reason, source,
  added_by, created_at, expires_at, removed_at, removed_by`;
const ALERT_COLUMNS = `id, entry_id, hotlist_id, agency_id, owner_agency_id, read_id, match_kind, matched_plate, read, raised_at,
  audit_seq::text AS audit_seq, disposition, disposition_note, disposition_by, disposition_at`;

const iso = (value: Date | null) => (value === null ? null : new Date(value).toISOString());

function entryOf(row: Record<string, any>): HotlistEntry {
  return {
    id: row.id, hotlistId: row.hotlist_id, agencyId: row.agency_id, plate: row.plate, plateFolded: row.plate_folded,
    plateRegion: row.plate_region, vehicle: row.vehicle, purpose: row.purpose, caseNumber: row.case_number, reason: row.reason,
    source: row.source, addedBy: row.added_by, createdAt: iso(row.created_at)!, expiresAt: iso(row.expires_at)!,
    removedAt: iso(row.removed_at), removedBy: row.removed_by,
  };
}

function alertOf(row: Record<string, any>): HotlistAlert {
  return {
    id: row.id, entryId: row.entry_id, hotlistId: row.hotlist_id, agencyId: row.agency_id, ownerAgencyId: row.owner_agency_id,
    readId: row.read_id, matchKind: row.match_kind, matchedPlate: row.matched_plate, read: row.read, raisedAt: iso(row.raised_at)!,
    auditSeq: row.audit_seq, disposition: row.disposition, dispositionNote: row.disposition_note, dispositionBy: row.disposition_by,
    dispositionAt: iso(row.disposition_at),
  };
}

function hotlistOf(row: Record<string, any>): Hotlist {
  return {
    id: row.id, agencyId: row.agency_id, name: row.name, description: row.description, createdBy: row.created_by,
    createdAt: iso(row.created_at)!, liveEntries: Number(row.live_entries ?? 0),
  };
}

const VERSION_SQL = 'SELECT version::text AS version FROM hotlist_version WHERE id = 1';
/** The channel an alert is announced on when its transaction commits (payload: the alert as JSON). */
export const HOTLIST_ALERT_CHANNEL = 'hotlist_alerts';
/** pg_notify payloads must stay under 8000 bytes. */
const MAX_NOTIFY_PAYLOAD_BYTES = 7000;

/** All SQL about hotlists, their entries and their alerts (docs/hotlists.md). */
export class HotlistStore {
  constructor(private readonly dataSource: DataSource) {}

  // ---- lists ----

  /** The new list, or null when the agency already has a list of that name. */
  async createList(tx: Transaction, list: { agencyId: string; name: string; description: string | null; createdBy: string }): Promise<Hotlist | null> {
    const [row] = await tx.query(
      `INSERT INTO hotlists (id, agency_id, name, description, created_by) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (agency_id, name) DO NOTHING RETURNING *, 0 AS live_entries`,
      [randomUUID(), list.agencyId, list.name, list.description, list.createdBy],
    );
    return row === undefined ? null : hotlistOf(row);
  }

  async listsOf(agencyId: string): Promise<Hotlist[]> {
    const rows = await this.dataSource.query(
      `SELECT h.*, (SELECT count(*) FROM hotlist_entries e
                     WHERE e.hotlist_id = h.id AND e.removed_at IS NULL AND e.expires_at > now()) AS live_entries
         FROM hotlists h WHERE h.agency_id = $1 ORDER BY h.created_at, h.id`,
      [agencyId],
    );
    return rows.map(hotlistOf);
  }

  /** The agency's list; undefined for another agency's list and for no list alike. */
  async findList(agencyId: string, hotlistId: string, sql: SqlRunner = this.dataSource): Promise<Hotlist | undefined> {
    const [row] = await sql.query(
      `SELECT h.*, (SELECT count(*) FROM hotlist_entries e
                     WHERE e.hotlist_id = h.id AND e.removed_at IS NULL AND e.expires_at > now()) AS live_entries
         FROM hotlists h WHERE h.agency_id = $1 AND h.id = $2`,
      [agencyId, hotlistId],
    );
    return row === undefined ? undefined : hotlistOf(row);
  }

  // ---- entries ----

  async insertEntries(tx: Transaction, entries: NewHotlistEntry[]): Promise<HotlistEntry[]> {
    if (entries.length === 0) return [];
    const column = <T>(pick: (entry: NewHotlistEntry) => T) => entries.map(pick);
    const rows = await tx.query(
      `INSERT INTO hotlist_entries (id, hotlist_id, agency_id, plate, plate_folded, plate_region, vehicle, purpose, case_number, reason,
                                    source, added_by, expires_at)
       SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::text[], $6::text[], $7::jsonb[], $8::text[], $9::text[],
                            $10::text[], $11::text[], $12::text[], $13::timestamptz[])
       RETURNING ${ENTRY_COLUMNS}`,
      [
        entries.map(() => randomUUID()), column((entry) => entry.hotlistId), column((entry) => entry.agencyId), column((entry) => entry.plate),
        column((entry) => entry.plateFolded), column((entry) => entry.plateRegion),
        column((entry) => (entry.vehicle === null ? null : JSON.stringify(entry.vehicle))), column((entry) => entry.purpose),
        column((entry) => entry.caseNumber), column((entry) => entry.reason), column((entry) => entry.source), column((entry) => entry.addedBy),
        column((entry) => entry.expiresAt.toISOString()),
      ],
    );
    return rows.map(entryOf);
  }

  /** A list's entries, newest first; ended ones (expired, removed) only when asked. */
  async entriesOf(hotlistId: string, options: { includeEnded: boolean }): Promise<HotlistEntry[]> {
    const rows = await this.dataSource.query(
      `SELECT ${ENTRY_COLUMNS} FROM hotlist_entries
        WHERE hotlist_id = $1 AND ($2::boolean OR (removed_at IS NULL AND expires_at > now()))
        ORDER BY created_at DESC, id`,
      [hotlistId, options.includeEnded],
    );
    return rows.map(entryOf);
  }

  async findEntry(agencyId: string, hotlistId: string, entryId: string, sql: SqlRunner = this.dataSource): Promise<HotlistEntry | undefined> {
    const [row] = await sql.query(
      `SELECT ${ENTRY_COLUMNS} FROM hotlist_entries WHERE agency_id = $1 AND hotlist_id = $2 AND id = $3`,
      [agencyId, hotlistId, entryId],
    );
    return row === undefined ? undefined : entryOf(row);
  }

  /** Stops the entry matching now; it is kept for the record. Undefined when it is not the agency's entry. */
  async removeEntry(tx: Transaction, agencyId: string, hotlistId: string, entryId: string, removedBy: string): Promise<HotlistEntry | undefined> {
    const [[row]] = await tx.query(
      `UPDATE hotlist_entries SET removed_at = COALESCE(removed_at, now()), removed_by = COALESCE(removed_by, $4)
        WHERE agency_id = $1 AND hotlist_id = $2 AND id = $3 RETURNING ${ENTRY_COLUMNS}`,
      [agencyId, hotlistId, entryId, removedBy],
    );
    return row === undefined ? undefined : entryOf(row);
  }

  async currentVersion(): Promise<string> {
    const [{ version }]: Array<{ version: string }> = await this.dataSource.query(VERSION_SQL);
    return version;
  }

  /** Every entry not removed and not yet expired, with the version it was read at (one REPEATABLE READ snapshot). */
  liveEntries(): Promise<Versioned<HotlistEntry[]>> {
    return this.dataSource.transaction('REPEATABLE READ', async (tx) => {
      const [{ version }] = await tx.query(VERSION_SQL);
      const rows = await tx.query(`SELECT ${ENTRY_COLUMNS} FROM hotlist_entries WHERE removed_at IS NULL AND expires_at > now()`);
      return { version, value: rows.map(entryOf) };
    });
  }

  /** Deletes entries that stopped matching (expired or removed) before `endedBefore`, with their alerts; answers how many. */
  async purgeEnded(endedBefore: Date): Promise<number> {
    const [, count] = await this.dataSource.query(
      `DELETE FROM hotlist_entries WHERE LEAST(expires_at, COALESCE(removed_at, expires_at)) < $1`,
      [endedBefore],
    );
    return Number(count ?? 0);
  }

  // ---- alerts ----

  /**
   * Stores the alerts (one per entry, owner and read, however often the read is redelivered) and announces the new
   * ones on HOTLIST_ALERT_CHANNEL when `tx` commits. Answers every alert with whether this call created it.
   */
  async upsertAlerts(tx: Transaction, alerts: NewHotlistAlert[]): Promise<Array<{ alert: HotlistAlert; created: boolean }>> {
    if (alerts.length === 0) return [];
    const column = <T>(pick: (alert: NewHotlistAlert) => T) => alerts.map(pick);
    const rows: Array<Record<string, any>> = await tx.query(
      `INSERT INTO hotlist_alerts (id, entry_id, hotlist_id, agency_id, owner_agency_id, read_id, match_kind, matched_plate, read)
       SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::jsonb[])
       ON CONFLICT (entry_id, owner_agency_id, read_id) DO UPDATE SET id = hotlist_alerts.id
       RETURNING ${ALERT_COLUMNS}, (xmax = 0) AS created`,
      [
        alerts.map(() => randomUUID()), column((alert) => alert.entryId), column((alert) => alert.hotlistId), column((alert) => alert.agencyId),
        column((alert) => alert.ownerAgencyId), column((alert) => alert.readId), column((alert) => alert.matchKind),
        column((alert) => alert.matchedPlate), column((alert) => JSON.stringify(alert.read)),
      ],
    );
    return rows.map((row) => ({ alert: alertOf(row), created: row.created === true }));
  }

  /**
   * Links each alert to its audit record and announces its message (the alert as investigators receive it, with
   * `agencyId`) on HOTLIST_ALERT_CHANNEL when `tx` commits, so no stream shows an alert that is not recorded.
   */
  async recordAndAnnounce(tx: Transaction, alerts: Array<{ alertId: string; auditSeq: string; message: AnnouncedAlert }>): Promise<void> {
    if (alerts.length === 0) return;
    await tx.query(
      `UPDATE hotlist_alerts a SET audit_seq = s.seq FROM unnest($1::uuid[], $2::bigint[]) AS s(id, seq) WHERE a.id = s.id`,
      [alerts.map(({ alertId }) => alertId), alerts.map(({ auditSeq }) => auditSeq)],
    );
    const payloads = alerts.map(({ message }) => {
      const full = JSON.stringify(message);
      if (Buffer.byteLength(full) <= MAX_NOTIFY_PAYLOAD_BYTES) return full;
      // Bounded fields (CONTRACT §2, the entry's DTO) keep this rare; the stream then says what it left out.
      return JSON.stringify({ ...message, entry: { ...(message.entry as object), reason: undefined }, truncated: true });
    });
    await tx.query(`SELECT pg_notify($1, payload) FROM unnest($2::text[]) AS payload`, [HOTLIST_ALERT_CHANNEL, payloads]);
  }

  async findAlert(agencyId: string, alertId: string): Promise<HotlistAlert | undefined> {
    const [row] = await this.dataSource.query(`SELECT ${ALERT_COLUMNS} FROM hotlist_alerts WHERE agency_id = $1 AND id = $2`, [agencyId, alertId]);
    return row === undefined ? undefined : alertOf(row);
  }

  /** The agency's alerts in [from, to], newest first, optionally of one list. */
  async alertsOf(agencyId: string, window: { from: Date; to: Date }, hotlistId: string | null, limit: number): Promise<HotlistAlert[]> {
    const rows = await this.dataSource.query(
      `SELECT ${ALERT_COLUMNS} FROM hotlist_alerts
        WHERE agency_id = $1 AND raised_at >= $2 AND raised_at <= $3 AND ($4::uuid IS NULL OR hotlist_id = $4::uuid)
        ORDER BY raised_at DESC, id LIMIT $5`,
      [agencyId, window.from, window.to, hotlistId, limit],
    );
    return rows.map(alertOf);
  }

  /** Records the investigator's disposition of one of the agency's alerts; undefined when it is not theirs. */
  async setDisposition(
    tx: Transaction, agencyId: string, alertId: string, disposition: { value: HitDisposition; note: string | null; by: string },
  ): Promise<{ before: HotlistAlert; after: HotlistAlert } | undefined> {
    const [row] = await tx.query(`SELECT ${ALERT_COLUMNS} FROM hotlist_alerts WHERE agency_id = $1 AND id = $2 FOR UPDATE`, [agencyId, alertId]);
    if (row === undefined) return undefined;
    const [[updated]] = await tx.query(
      `UPDATE hotlist_alerts SET disposition = $2, disposition_note = $3, disposition_by = $4, disposition_at = now()
        WHERE id = $1 RETURNING ${ALERT_COLUMNS}`,
      [alertId, disposition.value, disposition.note, disposition.by],
    );
    return { before: alertOf(row), after: alertOf(updated) };
  }

  /**
   * The public counts of an agency's hotlist use (its transparency page): live entries now, alerts on its own lists in
   * [start, end) and how they were judged, and alerts other agencies' lists raised on its reads in the same window.
   */
  async publicCounts(agencyId: string, start: Date, end: Date): Promise<PublicHotlistCounts> {
    const [row] = await this.dataSource.query(
      `SELECT (SELECT count(*) FROM hotlist_entries WHERE agency_id = $1 AND removed_at IS NULL AND expires_at > $3)::int AS live_entries,
              own.alerts, own.dispositioned, own.false_hits,
              (SELECT count(*) FROM hotlist_alerts
                WHERE owner_agency_id = $1 AND agency_id <> $1 AND raised_at >= $2 AND raised_at < $3)::int AS alerts_for_others
         FROM (SELECT count(*)::int AS alerts, count(disposition)::int AS dispositioned,
                      count(*) FILTER (WHERE disposition = ANY($4))::int AS false_hits
                 FROM hotlist_alerts WHERE agency_id = $1 AND raised_at >= $2 AND raised_at < $3) own`,
      [agencyId, start, end, FALSE_HIT_DISPOSITIONS],
    );
    return {
      liveEntries: row.live_entries, alerts: row.alerts, dispositioned: row.dispositioned, falseHits: row.false_hits,
      alertsForOtherAgenciesOnOurReads: row.alerts_for_others,
    };
  }

  /** Per list of the agency, the alerts raised in [start, end) and how they were dispositioned. */
  async hitRates(agencyId: string, start: Date, end: Date): Promise<HotlistHitRates[]> {
    const rows: Array<Record<string, any>> = await this.dataSource.query(
      `SELECT h.id, h.name, count(a.id)::int AS alerts,
              count(a.disposition)::int AS dispositioned,
              count(*) FILTER (WHERE a.disposition = 'confirmed')::int AS confirmed,
              count(*) FILTER (WHERE a.disposition = 'misread')::int AS misread,
              count(*) FILTER (WHERE a.disposition = 'wrong_state')::int AS wrong_state,
              count(*) FILTER (WHERE a.disposition = 'not_actionable')::int AS not_actionable
         FROM hotlists h
         JOIN hotlist_alerts a ON a.hotlist_id = h.id AND a.raised_at >= $2 AND a.raised_at < $3
        WHERE h.agency_id = $1
        GROUP BY h.id, h.name
        ORDER BY h.name COLLATE "C", h.id`,
      [agencyId, start, end],
    );
    return rows.map((row) => {
      const byDisposition = { confirmed: row.confirmed, misread: row.misread, wrong_state: row.wrong_state, not_actionable: row.not_actionable };
      const falseHits = FALSE_HIT_DISPOSITIONS.reduce((sum, disposition) => sum + byDisposition[disposition], 0);
      return {
        hotlistId: row.id, hotlistName: row.name, alerts: row.alerts, dispositioned: row.dispositioned, byDisposition,
        falseHitRate: row.dispositioned === 0 ? null : falseHits / row.dispositioned,
      };
    });
  }

  // ---- the investigators' stream ----

  /**
   * Calls `onAlert` with every alert announced from now on, by any alerts instance, once its transaction committed
   * (PostgreSQL LISTEN on a connection of its own). Answers a function that stops listening.
   */
  async listen(onAlert: (message: AnnouncedAlert) => void): Promise<() => Promise<void>> {
    const options = this.dataSource.options as { url?: string };
    const client = new Client({ connectionString: options.url });
    await client.connect();
    client.on('notification', (notification) => {
      if (notification.channel !== HOTLIST_ALERT_CHANNEL || notification.payload === undefined) return;
      onAlert(JSON.parse(notification.payload) as AnnouncedAlert);
    });
    // A dropped connection ends the stream's source; the search service's health and the reconnect live with the caller.
    client.on('error', () => undefined);
    await client.query(`LISTEN ${HOTLIST_ALERT_CHANNEL}`);
    return async () => {
      await client.end().catch(() => undefined);
    };
  }
}
