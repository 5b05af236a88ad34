import { Inject, Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import nodemailer, { Transporter } from 'nodemailer';
import { PLATEKEEPER_CONFIG, PlatekeeperConfig } from '@platekeeper/config';
import { GovernanceStore, SharingChange } from '@platekeeper/persistence';
import { describePolicyStep } from '@platekeeper/sharing';

export const SHARING_NOTICE_EVENTS = ['sharing.narrowed', 'sharing.widened', 'sharing.widening_proposed', 'sharing.widening_approved', 'sharing.widening_cancelled'] as const;
export type SharingNoticeEvent = (typeof SHARING_NOTICE_EVENTS)[number];

/** What a contact receives: the webhook's JSON body, and the facts of the e-mail. */
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

/**
 * Tells an agency's contacts (webhooks, e-mail through SMTP_URL) of every change to its sharing. Sent after the change
 * committed, at most once, without holding the change up: a contact that cannot be reached is logged, not retried.
 */
@Injectable()
export class SharingNotices implements OnModuleDestroy {
  private readonly logger = new Logger(SharingNotices.name);
  private readonly mail: Transporter | null;
  private readonly inFlight = new Set<Promise<void>>();

  constructor(
    @Inject(PLATEKEEPER_CONFIG) private readonly config: PlatekeeperConfig,
    private readonly governance: GovernanceStore,
  ) {
    this.mail = config.SMTP_URL
      ? nodemailer.createTransport(config.SMTP_URL, {
        connectionTimeout: config.NOTICE_TIMEOUT_MS, greetingTimeout: config.NOTICE_TIMEOUT_MS, socketTimeout: config.NOTICE_TIMEOUT_MS,
      } as never)
      : null;
  }

  /** Sends in the background; `settled()` waits for everything sent so far (shutdown, tests). */
  send(event: SharingNoticeEvent, actor: string, change: SharingChange): void {
    const notice: SharingNotice = {
      event, agencyId: change.agencyId, actor, at: new Date().toISOString(), change, summary: change.steps.map(describePolicyStep),
    };
    const delivery = this.deliver(notice).catch((error: Error) => this.logger.warn(`sharing notice ${event} for ${change.agencyId}: ${error.message}`));
    this.inFlight.add(delivery);
    void delivery.finally(() => this.inFlight.delete(delivery));
  }

  async settled(): Promise<void> {
    await Promise.all([...this.inFlight]);
  }

  async onModuleDestroy(): Promise<void> {
    await this.settled();
    this.mail?.close();
  }

  private async deliver(notice: SharingNotice): Promise<void> {
    const contacts = await this.governance.governanceOf(notice.agencyId);
    const deliveries: Array<Promise<unknown>> = contacts.notifyWebhooks.map((url) => this.post(url, notice));
    if (this.mail && contacts.notifyEmails.length > 0) {
      deliveries.push(this.mail.sendMail({
        from: this.config.NOTICE_FROM,
        to: contacts.notifyEmails,
        subject: `[Platekeeper] ${notice.agencyId}: ${SUBJECTS[notice.event]}`,
        text: noticeText(notice),
      }));
    }
    const failures = (await Promise.allSettled(deliveries)).filter((outcome): outcome is PromiseRejectedResult => outcome.status === 'rejected');
    for (const failure of failures) this.logger.warn(`sharing notice ${notice.event} for ${notice.agencyId} not delivered: ${(failure.reason as Error).message}`);
  }

  private async post(url: string, notice: SharingNotice): Promise<void> {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(notice),
      signal: AbortSignal.timeout(this.config.NOTICE_TIMEOUT_MS),
      redirect: 'error',
    });
    if (!response.ok) throw new Error(`webhook ${url} answered ${response.status}`);
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
