import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import nodemailer, { Transporter } from 'nodemailer';
import { PLATEKEEPER_CONFIG, PlatekeeperConfig, jitteredBackoff, scheduleEvery } from '@platekeeper/config';
import { GovernanceStore, NewSharingNotice, SharingChange, SharingNoticeDelivery, SharingNoticeStore, Transaction } from '@platekeeper/persistence';
import { describePolicyStep } from '@platekeeper/sharing';

export const SHARING_NOTICE_EVENTS = ['sharing.narrowed', 'sharing.widened', 'sharing.widening_proposed', 'sharing.widening_approved', 'sharing.widening_cancelled'] as const;
export type SharingNoticeEvent = (typeof SHARING_NOTICE_EVENTS)[number];

/** What a contact receives: the webhook's JSON body (plus `id`, the idempotency key), and the facts of the e-mail. */
export interface SharingNotice {
  event: SharingNoticeEvent;
  agencyId: string;
  /** Who did it: the proposer, approver or canceller; `(scheduled)` when a notice period ran out. */
  actor: string;
  at: string;
  change: SharingChange;
  summary: string[];
}

const SUBJECTS: Record<SharingNoticeEvent, string> = {
  'sharing.narrowed': 'sharing narrowed',
  'sharing.widened': 'sharing widened',
  'sharing.widening_proposed': 'a widening of sharing was proposed',
  'sharing.widening_approved': 'a widening of sharing was approved',
  'sharing.widening_cancelled': 'a proposed widening of sharing was cancelled',
};

const CLAIM_BATCH = 20;

/**
 * Tells an agency's contacts (webhooks, e-mail through SMTP_URL) of every change to its sharing, through an outbox:
 * `enqueue` writes one row per contact in the change's own transaction, and the sender here delivers due rows,
 * retrying with jittered backoff up to NOTICE_MAX_ATTEMPTS before marking one failed (listed for the agency's admins).
 * At least once: a receiver dedupes on the row id (webhook `Idempotency-Key` header and body `id`, e-mail `Message-ID`).
 */
@Injectable()
export class SharingNotices implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(SharingNotices.name);
  private readonly mail: Transporter | null;
  private stopSchedule = () => {};
  private draining: Promise<void> | null = null;
  private drainAgain = false;
  private stopped = false;

  constructor(
    @Inject(PLATEKEEPER_CONFIG) private readonly config: PlatekeeperConfig,
    private readonly governance: GovernanceStore,
    private readonly outbox: SharingNoticeStore,
  ) {
    this.mail = config.SMTP_URL
      ? nodemailer.createTransport(config.SMTP_URL, {
        connectionTimeout: config.NOTICE_TIMEOUT_MS, greetingTimeout: config.NOTICE_TIMEOUT_MS, socketTimeout: config.NOTICE_TIMEOUT_MS,
      } as never)
      : null;
  }

  onApplicationBootstrap(): void {
    if (this.config.NOTICE_OUTBOX_POLL_MS === 0) return;
    this.stopSchedule = scheduleEvery(this.config.NOTICE_OUTBOX_POLL_MS, () => this.drain(), (error) => this.logger.error(`sending sharing notices failed: ${error.message}`));
    // Notices left due by a previous run (a stop, a crash) go out now, not a poll later.
    this.wake();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    this.stopSchedule();
    await this.draining;
    this.mail?.close();
  }

  /** Writes the notice of `change` for each of the agency's contacts, in the caller's transaction; `wake()` after it commits. */
  async enqueue(tx: Transaction, event: SharingNoticeEvent, actor: string, change: SharingChange): Promise<void> {
    const notice: SharingNotice = {
      event, agencyId: change.agencyId, actor, at: new Date().toISOString(), change, summary: change.steps.map(describePolicyStep),
    };
    const contacts = await this.governance.governanceOf(change.agencyId, tx);
    const row = (channel: NewSharingNotice['channel'], destination: string): NewSharingNotice => ({
      agencyId: change.agencyId, sharingChangeId: change.id, event, channel, destination, payload: notice as unknown as Record<string, unknown>,
    });
    await this.outbox.enqueue(tx, [
      ...contacts.notifyWebhooks.map((url) => row('webhook', url)),
      // Without an SMTP server there is no e-mail to send (as before the outbox): no row waits for one forever.
      ...(this.mail ? contacts.notifyEmails.map((address) => row('email', address)) : []),
    ]);
  }

  /** Starts delivering due notices now (after a change committed) instead of at the next poll. */
  wake(): void {
    if (this.stopped || this.config.NOTICE_OUTBOX_POLL_MS === 0) return;
    this.drain().catch((error: Error) => this.logger.error(`sending sharing notices failed: ${error.message}`));
  }

  /** Delivers every due notice; one drain at a time per instance, several instances share rows through the outbox's locks. */
  async drain(): Promise<void> {
    if (this.draining) {
      this.drainAgain = true;
      return this.draining;
    }
    this.draining = (async () => {
      do {
        this.drainAgain = false;
        let claimed: SharingNoticeDelivery[];
        do {
          // The lease outlives the longest delivery, so no other sender takes a row this one is still sending.
          claimed = await this.outbox.claimDue(CLAIM_BATCH, 2 * this.config.NOTICE_TIMEOUT_MS + 1000);
          await Promise.all(claimed.map((delivery) => this.attempt(delivery)));
        } while (claimed.length === CLAIM_BATCH && !this.stopped);
      } while (this.drainAgain && !this.stopped);
    })().finally(() => { this.draining = null; });
    return this.draining;
  }

  private async attempt(delivery: SharingNoticeDelivery): Promise<void> {
    try {
      await (delivery.channel === 'webhook' ? this.post(delivery) : this.sendMail(delivery));
      await this.outbox.markDelivered(delivery.id);
    } catch (error) {
      const message = (error as Error).message;
      const exhausted = delivery.attempts >= this.config.NOTICE_MAX_ATTEMPTS;
      const retryInMs = exhausted ? null : jitteredBackoff(delivery.attempts - 1, this.config.NOTICE_RETRY_BASE_MS, this.config.NOTICE_RETRY_MAX_MS);
      this.logger.warn(`sharing notice ${delivery.id} (${delivery.event} for ${delivery.agencyId}) to ${delivery.destination}, attempt ${delivery.attempts}: ${message}`
        + (exhausted ? '; attempts used up, marked failed' : `; retrying in ${retryInMs} ms`));
      await this.outbox.markAttemptFailed(delivery.id, message, retryInMs);
    }
  }

  private async post(delivery: SharingNoticeDelivery): Promise<void> {
    const response = await fetch(delivery.destination, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': delivery.id },
      body: JSON.stringify({ id: delivery.id, ...delivery.payload }),
      signal: AbortSignal.timeout(this.config.NOTICE_TIMEOUT_MS),
      redirect: 'error',
    });
    await response.body?.cancel();
    if (!response.ok) throw new Error(`webhook answered ${response.status}`);
  }

  private async sendMail(delivery: SharingNoticeDelivery): Promise<void> {
    if (!this.mail) throw new Error('no SMTP_URL configured');
    const notice = delivery.payload as unknown as SharingNotice;
    await this.mail.sendMail({
      from: this.config.NOTICE_FROM,
      to: delivery.destination,
      messageId: `<${delivery.id}@platekeeper.notices>`,
      subject: `[Platekeeper] ${notice.agencyId}: ${SUBJECTS[notice.event]}`,
      text: noticeText(notice),
    });
  }
}

function noticeText(notice: SharingNotice): string {
  const { change } = notice;
  return [
    `${SUBJECTS[notice.event][0].toUpperCase()}${SUBJECTS[notice.event].slice(1)} for ${notice.agencyId}, by ${notice.actor}, at ${notice.at}.`,
    '',
    ...notice.summary.map((line) => `- ${line}`),
    '',
    `Change ${change.id}: status ${change.status}` + (change.effectiveAt ? `, takes effect at ${change.effectiveAt}` : '') + '.',
    `Proposed by ${change.proposedBy} at ${change.proposedAt}` + (change.approvedBy ? `; approved by ${change.approvedBy} at ${change.approvedAt}` : '') + '.',
  ].join('\n');
}
