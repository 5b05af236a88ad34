import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { PLATEKEEPER_CONFIG, PlatekeeperConfig, scheduleEvery } from '@platekeeper/config';
import { AgencyGovernance, AgencyStore, Database, GovernanceStore, SharingChange, Transaction } from '@platekeeper/persistence';
import { PolicyStep, SharingPolicy, applyPolicySteps, splitPolicyChange } from '@platekeeper/sharing';
import { AuditTrail } from '../audit/audit-trail.service';
import { ChangeActor, SCHEDULED_ACTOR, changeRecord } from '../audit/change-record';
import { AuthenticatedUser } from '../auth/authenticated-user';
import { DomainError } from '../errors/domain-error';
import { completeSharingPolicy, requireAgency } from '../agencies/agency-rows';
import { SharingNotices } from './sharing-notices.service';

export interface SharingChangeOutcome {
  /** The policy in force after this request. */
  policy: SharingPolicy;
  /** The widening that waits for approval or its notice period, when the agency governs widenings. */
  pendingChange: SharingChange | null;
}

const isGoverned = (governance: AgencyGovernance) => governance.twoPersonApproval || governance.noticePeriodMinutes > 0;

/**
 * Every change to an agency's sharing policy. Narrowing is always in force at once. Widening is too, unless the
 * agency governs it (two-person approval, a notice period): then it waits as steps in `sharing_changes` and is
 * applied, to the policy as it is by then, when approved and its notice has run out. Each change is recorded in
 * the audit chain, and its notices written to the outbox, in the transaction that makes it; they are sent once it committed.
 */
@Injectable()
export class GovernedSharingChanges implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(GovernedSharingChanges.name);
  private stopSchedule = () => {};

  constructor(
    @Inject(PLATEKEEPER_CONFIG) private readonly config: PlatekeeperConfig,
    private readonly database: Database,
    private readonly agencies: AgencyStore,
    private readonly governance: GovernanceStore,
    private readonly auditTrail: AuditTrail,
    private readonly notices: SharingNotices,
  ) {}

  onApplicationBootstrap(): void {
    this.stopSchedule = scheduleEvery(
      this.config.GOVERNED_CHANGES_SWEEP_SECONDS * 1000, () => this.applyDue(), (error) => this.logger.error(`applying due sharing changes failed: ${error.message}`),
    );
  }

  onApplicationShutdown(): void {
    this.stopSchedule();
  }

  /** A PATCH of the policy: `requested` is the whole policy the caller asked for. */
  async change(user: AuthenticatedUser, agencyId: string, requestedFields: Partial<SharingPolicy>): Promise<SharingChangeOutcome> {
    const outcome = await this.database.transaction(async (tx) => {
      const before = (await requireAgency(this.agencies, agencyId, { tx, forUpdate: true })).sharing;
      const requested = completeSharingPolicy({ ...before, ...requestedFields });
      const { widening, narrowing } = splitPolicyChange(before, requested);
      const governance = await this.governance.governanceOf(agencyId, tx);
      const governed = isGoverned(governance) && widening.length > 0;
      // Ungoverned, the policy is exactly what was asked for (as before governance existed).
      const after = governed ? completeSharingPolicy(applyPolicySteps(before, narrowing)) : requested;
      if (!governed || narrowing.length > 0) {
        await this.agencies.updateSharing(tx, agencyId, after);
        await this.auditTrail.append(changeRecord(user, 'sharing.update', { type: 'agency', id: agencyId }, before, after), tx);
      }
      for (const [direction, steps] of [['narrowing', narrowing], ['widening', governed ? [] : widening]] as const) {
        if (steps.length === 0) continue;
        const applied = await this.governance.insertChange(tx, { agencyId, direction, status: 'applied', steps, proposedBy: user.userId, effectiveAfterMinutes: 0, applied: true });
        await this.notices.enqueue(tx, direction === 'narrowing' ? 'sharing.narrowed' : 'sharing.widened', user.userId, applied);
      }
      let pendingChange: SharingChange | null = null;
      if (governed) {
        const waitsForApproval = governance.twoPersonApproval;
        pendingChange = await this.governance.insertChange(tx, {
          agencyId, direction: 'widening', status: waitsForApproval ? 'pending_approval' : 'scheduled', steps: widening, proposedBy: user.userId,
          effectiveAfterMinutes: waitsForApproval ? null : governance.noticePeriodMinutes, applied: false,
        });
        await this.auditTrail.append(changeRecord(user, 'sharing.propose', { type: 'sharing_change', id: pendingChange.id }, null, pendingChange), tx);
        await this.notices.enqueue(tx, 'sharing.widening_proposed', user.userId, pendingChange);
      }
      return { policy: after, pendingChange };
    });
    this.notices.wake();
    return outcome;
  }

  /** A second agency admin approves a pending widening; with no notice period it is in force at once. */
  async approve(user: AuthenticatedUser, agencyId: string, changeId: string): Promise<SharingChange> {
    const approved = await this.database.transaction(async (tx) => {
      const change = await this.requireChange(tx, agencyId, changeId);
      if (change.status !== 'pending_approval') {
        throw new DomainError('SHARING_CHANGE.NOT_PENDING', `sharing change ${changeId} is ${change.status}, not waiting for approval`);
      }
      if (change.proposedBy === user.userId) {
        throw new DomainError('SHARING_CHANGE.SELF_APPROVAL', 'a widening needs the approval of a second person, not its proposer');
      }
      const governance = await this.governance.governanceOf(agencyId, tx);
      let result = await this.governance.approveChange(tx, change.id, user.userId, governance.noticePeriodMinutes);
      await this.auditTrail.append(changeRecord(user, 'sharing.approve', { type: 'sharing_change', id: change.id }, change, result), tx);
      await this.notices.enqueue(tx, 'sharing.widening_approved', user.userId, result);
      if (governance.noticePeriodMinutes === 0) {
        result = await this.applyWithin(tx, result, user);
        await this.notices.enqueue(tx, 'sharing.widened', user.userId, result);
      }
      return result;
    });
    this.notices.wake();
    return approved;
  }

  /** Withdrawing a widening narrows what would have been, so any admin of the agency may do it at once. */
  async cancel(user: AuthenticatedUser, agencyId: string, changeId: string): Promise<SharingChange> {
    const cancelled = await this.database.transaction(async (tx) => {
      const change = await this.requireChange(tx, agencyId, changeId);
      if (change.status !== 'pending_approval' && change.status !== 'scheduled') {
        throw new DomainError('SHARING_CHANGE.NOT_PENDING', `sharing change ${changeId} is ${change.status}; only a waiting widening can be cancelled`);
      }
      const result = await this.governance.cancelChange(tx, change.id, user.userId);
      await this.auditTrail.append(changeRecord(user, 'sharing.cancel', { type: 'sharing_change', id: change.id }, change, result), tx);
      await this.notices.enqueue(tx, 'sharing.widening_cancelled', user.userId, result);
      return result;
    });
    this.notices.wake();
    return cancelled;
  }

  /** Applies every approved widening whose notice has run out; answers how many it applied. */
  async applyDue(): Promise<number> {
    const applied = await this.database.transaction(async (tx) => {
      const due = await this.governance.dueChanges(tx);
      const done: SharingChange[] = [];
      for (const change of due) {
        const applied = await this.applyWithin(tx, change, SCHEDULED_ACTOR);
        await this.notices.enqueue(tx, 'sharing.widened', SCHEDULED_ACTOR.userId, applied);
        done.push(applied);
      }
      return done;
    });
    if (applied.length > 0) this.notices.wake();
    return applied.length;
  }

  private async applyWithin(tx: Transaction, change: SharingChange, actor: ChangeActor): Promise<SharingChange> {
    const before = (await requireAgency(this.agencies, change.agencyId, { tx, forUpdate: true })).sharing;
    const after = completeSharingPolicy(applyPolicySteps(before, change.steps as PolicyStep[]));
    await this.agencies.updateSharing(tx, change.agencyId, after);
    await this.auditTrail.append(changeRecord(actor, 'sharing.update', { type: 'agency', id: change.agencyId }, before, { ...after, sharingChangeId: change.id }), tx);
    return this.governance.markApplied(tx, change.id);
  }

  private async requireChange(tx: Transaction, agencyId: string, changeId: string): Promise<SharingChange> {
    const change = await this.governance.findChangeForUpdate(tx, agencyId, changeId);
    if (change === undefined) throw new DomainError('SHARING_CHANGE.NOT_FOUND', `agency ${agencyId} has no sharing change ${changeId}`);
    return change;
  }
}
