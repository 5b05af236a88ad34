import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import type { PolicyStep } from '@platekeeper/sharing';
import { SqlRunner, Transaction } from './sql';

/** How an agency governs changes to its own sharing, and whom it tells. */
export interface AgencyGovernance {
  agencyId: string;
  /** A widening waits for a second agency admin (not its proposer) to approve it. */
  twoPersonApproval: boolean;
  /** A widening takes effect this long after it is approved (or proposed, without two-person approval). */
  noticePeriodMinutes: number;
  notifyEmails: string[];
  notifyWebhooks: string[];
  /** Decimal places of camera positions on the public transparency page (2 ≈ 1 km). */
  publicLocationDecimals: number;
  updatedAt: string | null;
  updatedBy: string | null;
}

export const SHARING_CHANGE_STATUSES = ['applied', 'pending_approval', 'scheduled', 'cancelled'] as const;
export type SharingChangeStatus = (typeof SHARING_CHANGE_STATUSES)[number];

export interface SharingChange {
  id: string;
  agencyId: string;
  direction: 'widening' | 'narrowing';
  status: SharingChangeStatus;
  steps: PolicyStep[];
  proposedBy: string;
  proposedAt: string;
  approvedBy: string | null;
  approvedAt: string | null;
  effectiveAt: string | null;
  appliedAt: string | null;
  cancelledBy: string | null;
  cancelledAt: string | null;
}

export function defaultGovernance(agencyId: string): AgencyGovernance {
  return {
    agencyId, twoPersonApproval: false, noticePeriodMinutes: 0, notifyEmails: [], notifyWebhooks: [], publicLocationDecimals: 2,
    updatedAt: null, updatedBy: null,
  };
}

const GOVERNANCE_COLUMNS = 'agency_id, two_person_approval, notice_period_minutes, notify_emails, notify_webhooks, public_location_decimals, updated_at, updated_by';
const CHANGE_COLUMNS = `id, agency_id, direction, status, steps, proposed_by, proposed_at, approved_by, approved_at, effective_at,
  applied_at, cancelled_by, cancelled_at`;

function governanceOf(row: Record<string, any>): AgencyGovernance {
  return {
    agencyId: row.agency_id,
    twoPersonApproval: row.two_person_approval,
    noticePeriodMinutes: row.notice_period_minutes,
    notifyEmails: row.notify_emails,
    notifyWebhooks: row.notify_webhooks,
    publicLocationDecimals: row.public_location_decimals,
    updatedAt: row.updated_at.toISOString(),
    updatedBy: row.updated_by,
  };
}

const iso = (value: Date | null): string | null => (value === null ? null : value.toISOString());

function changeOf(row: Record<string, any>): SharingChange {
  return {
    id: row.id,
    agencyId: row.agency_id,
    direction: row.direction,
    status: row.status,
    steps: row.steps,
    proposedBy: row.proposed_by,
    proposedAt: row.proposed_at.toISOString(),
    approvedBy: row.approved_by,
    approvedAt: iso(row.approved_at),
    effectiveAt: iso(row.effective_at),
    appliedAt: iso(row.applied_at),
    cancelledBy: row.cancelled_by,
    cancelledAt: iso(row.cancelled_at),
  };
}

/** The `agency_governance` and `sharing_changes` tables; writes take the caller's transaction, like every store. */
export class GovernanceStore {
  constructor(private readonly dataSource: DataSource) {}

  async governanceOf(agencyId: string, runner: SqlRunner = this.dataSource): Promise<AgencyGovernance> {
    const [row] = await runner.query(`SELECT ${GOVERNANCE_COLUMNS} FROM agency_governance WHERE agency_id = $1`, [agencyId]);
    return row === undefined ? defaultGovernance(agencyId) : governanceOf(row);
  }

  async putGovernance(tx: Transaction, governance: Omit<AgencyGovernance, 'updatedAt'> & { updatedBy: string }): Promise<AgencyGovernance> {
    const [row] = await tx.query(
      `INSERT INTO agency_governance (agency_id, two_person_approval, notice_period_minutes, notify_emails, notify_webhooks,
                                      public_location_decimals, updated_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT (agency_id) DO UPDATE SET two_person_approval = $2, notice_period_minutes = $3, notify_emails = $4,
         notify_webhooks = $5, public_location_decimals = $6, updated_by = $7, updated_at = now()
       RETURNING ${GOVERNANCE_COLUMNS}`,
      [governance.agencyId, governance.twoPersonApproval, governance.noticePeriodMinutes, JSON.stringify(governance.notifyEmails),
        JSON.stringify(governance.notifyWebhooks), governance.publicLocationDecimals, governance.updatedBy],
    );
    return governanceOf(row);
  }

  async insertChange(
    tx: Transaction,
    change: Pick<SharingChange, 'agencyId' | 'direction' | 'status' | 'steps' | 'proposedBy'> & { effectiveAfterMinutes: number | null; applied: boolean },
  ): Promise<SharingChange> {
    const [row] = await tx.query(
      `INSERT INTO sharing_changes (id, agency_id, direction, status, steps, proposed_by, effective_at, applied_at)
       VALUES ($1, $2, $3, $4, $5, $6, now() + make_interval(mins => $7::int), CASE WHEN $8::boolean THEN now() END) RETURNING ${CHANGE_COLUMNS}`,
      [randomUUID(), change.agencyId, change.direction, change.status, JSON.stringify(change.steps), change.proposedBy,
        change.effectiveAfterMinutes, change.applied],
    );
    return changeOf(row);
  }

  async findChangeForUpdate(tx: Transaction, agencyId: string, changeId: string): Promise<SharingChange | undefined> {
    const [row] = await tx.query(
      `SELECT ${CHANGE_COLUMNS} FROM sharing_changes WHERE id::text = $1 AND agency_id = $2 FOR UPDATE`, [changeId, agencyId],
    );
    return row === undefined ? undefined : changeOf(row);
  }

  /** Approved now; in force `noticeMinutes` after this transaction's time, the same clock as `approved_at`. */
  async approveChange(tx: Transaction, changeId: string, approvedBy: string, noticeMinutes: number): Promise<SharingChange> {
    const [[row]] = await tx.query(
      `UPDATE sharing_changes SET status = 'scheduled', approved_by = $2, approved_at = now(), effective_at = now() + make_interval(mins => $3::int)
        WHERE id = $1 RETURNING ${CHANGE_COLUMNS}`,
      [changeId, approvedBy, noticeMinutes],
    );
    return changeOf(row);
  }

  async markApplied(tx: Transaction, changeId: string): Promise<SharingChange> {
    const [[row]] = await tx.query(
      `UPDATE sharing_changes SET status = 'applied', applied_at = now() WHERE id = $1 RETURNING ${CHANGE_COLUMNS}`, [changeId],
    );
    return changeOf(row);
  }

  async cancelChange(tx: Transaction, changeId: string, cancelledBy: string): Promise<SharingChange> {
    const [[row]] = await tx.query(
      `UPDATE sharing_changes SET status = 'cancelled', cancelled_by = $2, cancelled_at = now() WHERE id = $1 RETURNING ${CHANGE_COLUMNS}`,
      [changeId, cancelledBy],
    );
    return changeOf(row);
  }

  /** Scheduled changes whose notice has run out (database clock), locked; another instance applying them at once skips them. */
  async dueChanges(tx: Transaction, limit = 100): Promise<SharingChange[]> {
    const rows: Array<Record<string, any>> = await tx.query(
      `SELECT ${CHANGE_COLUMNS} FROM sharing_changes WHERE status = 'scheduled' AND effective_at <= now()
        ORDER BY effective_at, proposed_at LIMIT $1 FOR UPDATE SKIP LOCKED`,
      [limit],
    );
    return rows.map(changeOf);
  }

  async changesOf(agencyId: string, limit: number): Promise<SharingChange[]> {
    const rows: Array<Record<string, any>> = await this.dataSource.query(
      `SELECT ${CHANGE_COLUMNS} FROM sharing_changes WHERE agency_id = $1 ORDER BY proposed_at DESC, id LIMIT $2`, [agencyId, limit],
    );
    return rows.map(changeOf);
  }

}
