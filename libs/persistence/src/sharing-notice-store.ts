import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { SqlRunner, Transaction } from './sql';

export const SHARING_NOTICE_STATUSES = ['pending', 'delivered', 'failed'] as const;
export type SharingNoticeStatus = (typeof SHARING_NOTICE_STATUSES)[number];
export type SharingNoticeChannel = 'webhook' | 'email';

/** One notice to one contact: a row of the `sharing_notices` outbox. Its `id` is the idempotency key the receiver sees. */
export interface SharingNoticeDelivery {
  id: string;
  agencyId: string;
  sharingChangeId: string;
  event: string;
  channel: SharingNoticeChannel;
  /** The webhook's URL or the e-mail address. */
  destination: string;
  payload: Record<string, unknown>;
  status: SharingNoticeStatus;
  /** Delivery attempts started so far (one that was cut short by a stop counts too). */
  attempts: number;
  nextAttemptAt: string;
  lastError: string | null;
  createdAt: string;
  deliveredAt: string | null;
}

export type NewSharingNotice = Pick<SharingNoticeDelivery, 'agencyId' | 'sharingChangeId' | 'event' | 'channel' | 'destination' | 'payload'>;

const COLUMNS = `id, agency_id, sharing_change_id, event, channel, destination, payload, status, attempts, next_attempt_at, last_error,
  created_at, delivered_at`;

function deliveryOf(row: Record<string, any>): SharingNoticeDelivery {
  return {
    id: row.id,
    agencyId: row.agency_id,
    sharingChangeId: row.sharing_change_id,
    event: row.event,
    channel: row.channel,
    destination: row.destination,
    payload: row.payload,
    status: row.status,
    attempts: row.attempts,
    nextAttemptAt: row.next_attempt_at.toISOString(),
    lastError: row.last_error,
    createdAt: row.created_at.toISOString(),
    deliveredAt: row.delivered_at === null ? null : row.delivered_at.toISOString(),
  };
}

/**
 * The outbox of sharing-change notices. Rows are written in the change's transaction; senders claim due rows with
 * `FOR UPDATE SKIP LOCKED` and a lease (a sender that dies mid-delivery leaves its rows due again once the lease ends).
 */
export class SharingNoticeStore {
  constructor(private readonly dataSource: DataSource) {}

  async enqueue(tx: Transaction, notices: NewSharingNotice[]): Promise<void> {
    for (const notice of notices) {
      await tx.query(
        `INSERT INTO sharing_notices (id, agency_id, sharing_change_id, event, channel, destination, payload) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
        [randomUUID(), notice.agencyId, notice.sharingChangeId, notice.event, notice.channel, notice.destination, JSON.stringify(notice.payload)],
      );
    }
  }

  /** Takes up to `limit` due notices, counting the attempt and moving them `leaseMs` ahead so no other sender takes them meanwhile. */
  async claimDue(limit: number, leaseMs: number): Promise<SharingNoticeDelivery[]> {
    const [rows]: [Array<Record<string, any>>] = await this.dataSource.query(
      `UPDATE sharing_notices SET attempts = attempts + 1, next_attempt_at = now() + make_interval(secs => $2::double precision / 1000)
        WHERE id IN (SELECT id FROM sharing_notices WHERE status = 'pending' AND next_attempt_at <= now()
                      ORDER BY next_attempt_at, created_at LIMIT $1 FOR UPDATE SKIP LOCKED)
        RETURNING ${COLUMNS}`,
      [limit, leaseMs],
    );
    return rows.map(deliveryOf).sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  }

  async markDelivered(id: string): Promise<void> {
    await this.dataSource.query(`UPDATE sharing_notices SET status = 'delivered', delivered_at = now(), last_error = NULL WHERE id = $1`, [id]);
  }

  /** An attempt failed: due again in `retryInMs`, or, when that is null (attempts used up), failed for good. */
  async markAttemptFailed(id: string, error: string, retryInMs: number | null): Promise<void> {
    await this.dataSource.query(
      `UPDATE sharing_notices SET last_error = $2, status = CASE WHEN $3::double precision IS NULL THEN 'failed' ELSE 'pending' END,
              next_attempt_at = now() + make_interval(secs => COALESCE($3::double precision, 0) / 1000)
        WHERE id = $1 AND status = 'pending'`,
      [id, error.slice(0, 500), retryInMs],
    );
  }

  async noticesOf(agencyId: string, options: { status?: SharingNoticeStatus; limit: number }, runner: SqlRunner = this.dataSource): Promise<SharingNoticeDelivery[]> {
    const rows: Array<Record<string, any>> = await runner.query(
      `SELECT ${COLUMNS} FROM sharing_notices WHERE agency_id = $1 AND ($2::text IS NULL OR status = $2) ORDER BY created_at DESC, id LIMIT $3`,
      [agencyId, options.status ?? null, options.limit],
    );
    return rows.map(deliveryOf);
  }

  /** A failed notice sent again from its first attempt; undefined when the agency has no such failed notice. */
  async requeueFailed(tx: Transaction, agencyId: string, id: string): Promise<SharingNoticeDelivery | undefined> {
    const [rows]: [Array<Record<string, any>>] = await tx.query(
      `UPDATE sharing_notices SET status = 'pending', attempts = 0, next_attempt_at = now()
        WHERE id::text = $1 AND agency_id = $2 AND status = 'failed' RETURNING ${COLUMNS}`,
      [id, agencyId],
    );
    return rows[0] === undefined ? undefined : deliveryOf(rows[0]);
  }
}
