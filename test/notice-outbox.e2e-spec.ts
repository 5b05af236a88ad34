import { CatchAllSmtp, DedupingWebhookReceiver } from './support/notice-catchers';
import { PlatekeeperTestStack, eventually } from './support/platekeeper-stack';

jest.setTimeout(180_000);

/**
 * Sharing-change notices are durable: written to an outbox in the change's transaction, delivered at least once with
 * retries, each with an idempotency key so a receiver keeps it once; a contact that never answers ends as a failed
 * notice the agency's admin can see and send again.
 */
describe('sharing-change notices through the outbox', () => {
  const stack = new PlatekeeperTestStack();
  const smtp = new CatchAllSmtp();
  const flaky = new DedupingWebhookReceiver(3);
  const late = new DedupingWebhookReceiver();
  const broken = new DedupingWebhookReceiver(Number.POSITIVE_INFINITY);
  const maxAttempts = 8;
  let state: string;

  const agency = (name: string) => stack.id(name);
  const adminOf = (agencyId: string) => stack.token(agencyId, ['agency_admin'], `chief@${agencyId}`);
  const notices = async (agencyId: string, query = '') => {
    const listed = await stack.request('GET', `/v1/agencies/${agencyId}/sharing/notices${query}`, { token: await adminOf(agencyId) });
    expect(listed.status).toBe(200);
    return listed.body as Array<{ id: string; event: string; channel: string; destination: string; status: string; attempts: number; lastError: string | null }>;
  };
  const governAndRegister = async (agencyId: string, webhook: string, notifyEmails: string[] = []) => {
    await stack.registerAgency({ id: agencyId, state, sharing: { nationalLookup: true }, cameras: [] });
    const governed = await stack.request('PUT', `/v1/agencies/${agencyId}/governance`, {
      token: await adminOf(agencyId), body: { twoPersonApproval: false, noticePeriodMinutes: 0, notifyEmails, notifyWebhooks: [webhook] },
    });
    expect(governed.status).toBe(200);
  };
  const narrow = async (agencyId: string) => {
    const narrowed = await stack.request('PATCH', `/v1/agencies/${agencyId}/sharing`, { token: await adminOf(agencyId), body: { nationalLookup: false } });
    expect(narrowed.status).toBe(200);
  };

  beforeAll(async () => {
    const smtpPort = await smtp.start();
    // Two search instances share the outbox: each notice must still be sent by one of them at a time.
    await stack.start({
      searchInstances: 2,
      env: {
        SMTP_URL: `smtp://127.0.0.1:${smtpPort}`,
        NOTICE_MAX_ATTEMPTS: String(maxAttempts),
        // Waits of 0.3, 0.6, 1.2, 2.4, then 3 s (jittered down to half): a failing contact is given ~7–13 s in all.
        NOTICE_RETRY_BASE_MS: '300',
        NOTICE_RETRY_MAX_MS: '3000',
        NOTICE_OUTBOX_POLL_MS: '100',
      },
    });
    state = await stack.unusedStateCode();
  });

  afterAll(async () => {
    await stack.retireAgencies();
    await stack.stop();
    for (const name of ['SMTP_URL', 'NOTICE_MAX_ATTEMPTS', 'NOTICE_RETRY_BASE_MS', 'NOTICE_RETRY_MAX_MS', 'NOTICE_OUTBOX_POLL_MS']) delete process.env[name];
    await smtp.stop();
    for (const receiver of [flaky, late, broken]) await receiver.stop();
  });

  it('retries a webhook that refuses its first three deliveries until it answers; the receiver keeps each notice once by its key', async () => {
    const owner = agency('flaky-pd');
    await governAndRegister(owner, await flaky.listen(), ['council@flaky.example']);
    await narrow(owner);
    const widened = await stack.request('PATCH', `/v1/agencies/${owner}/sharing`, { token: await adminOf(owner), body: { statewide: true } });
    expect(widened.status).toBe(200);

    const webhookNotices = await eventually(async () => {
      const listed = (await notices(owner)).filter((notice) => notice.channel === 'webhook');
      return listed.length === 2 && listed.every((notice) => notice.status === 'delivered') ? listed : undefined;
    }, 30_000, 'both webhook notices delivered');
    expect(flaky.arrivals.filter((arrival) => !arrival.accepted)).toHaveLength(3);
    expect([...flaky.kept.keys()].sort()).toEqual(webhookNotices.map((notice) => notice.id).sort());
    expect([...flaky.kept.values()].map((body) => body.event).sort()).toEqual(['sharing.narrowed', 'sharing.widened']);
    for (const [key, body] of flaky.kept) expect(body).toMatchObject({ id: key, agencyId: owner });
    expect(webhookNotices.reduce((sum, notice) => sum + notice.attempts, 0)).toBe(flaky.arrivals.length);
    expect(flaky.arrivals.filter((arrival) => arrival.accepted)).toHaveLength(2);

    // The e-mails carry their key as Message-ID: one message per key.
    const mailNotices = (await notices(owner)).filter((notice) => notice.channel === 'email');
    expect(mailNotices.map((notice) => notice.destination)).toEqual(['council@flaky.example', 'council@flaky.example']);
    for (const notice of mailNotices) {
      const messages = await eventually(async () => {
        const found = smtp.messages.filter((message) => message.raw.includes(`Message-ID: <${notice.id}@`));
        return found.length > 0 ? found : undefined;
      }, 10_000, `the e-mail of ${notice.event}`);
      expect(messages).toHaveLength(1);
    }
  });

  it('delivers a notice to a receiver that was down until after the search service (both instances) restarted', async () => {
    const owner = agency('late-pd');
    const port = await DedupingWebhookReceiver.freePort();
    await governAndRegister(owner, `http://127.0.0.1:${port}/notices`);
    await narrow(owner);
    const waiting = await eventually(async () => {
      const [notice] = await notices(owner);
      return notice?.attempts >= 2 ? notice : undefined;
    }, 20_000, 'two refused attempts');
    expect(waiting).toMatchObject({ status: 'pending', event: 'sharing.narrowed' });
    expect(waiting.lastError).toBeTruthy();

    await stack.restartSearch();
    await late.listen(port);
    await eventually(async () => ((await notices(owner))[0].status === 'delivered' ? true : undefined), 30_000, 'the notice delivered after the restart');
    expect([...late.kept.keys()]).toEqual([waiting.id]);
    expect(late.kept.get(waiting.id)).toMatchObject({ event: 'sharing.narrowed', agencyId: owner, summary: ['national lookup off'] });
  });

  it('marks a notice failed once its attempts are used up, shows it only to its agency\'s admins, and sends it again on request', async () => {
    const owner = agency('broken-pd');
    await governAndRegister(owner, await broken.listen());
    await narrow(owner);
    const [failed] = await eventually(async () => {
      const listed = await notices(owner, '?status=failed');
      return listed.length > 0 ? listed : undefined;
    }, 60_000, 'the notice marked failed');
    expect(failed).toMatchObject({ event: 'sharing.narrowed', channel: 'webhook', attempts: maxAttempts, lastError: 'webhook answered 503' });
    expect(broken.arrivals).toHaveLength(maxAttempts);
    expect(await notices(owner, '?status=pending')).toEqual([]);

    const outsider = await stack.request('GET', `/v1/agencies/${owner}/sharing/notices`, { token: await adminOf(agency('flaky-pd')) });
    expect(outsider.status).toBe(403);
    const badStatus = await stack.request('GET', `/v1/agencies/${owner}/sharing/notices?status=lost`, { token: await adminOf(owner) });
    expect(badStatus.status).toBe(400);
    expect(badStatus.body.message.join('\n')).toMatch(/status/);

    broken.failFirst = 0;
    const retried = await stack.request('POST', `/v1/agencies/${owner}/sharing/notices/${failed.id}/retry`, { token: await adminOf(owner) });
    expect(retried.status).toBe(200);
    expect(retried.body).toMatchObject({ id: failed.id, status: 'pending', attempts: 0 });
    await eventually(async () => ((await notices(owner))[0].status === 'delivered' ? true : undefined), 20_000, 'the retried notice delivered');
    expect([...broken.kept.keys()]).toEqual([failed.id]);
    const again = await stack.request('POST', `/v1/agencies/${owner}/sharing/notices/${failed.id}/retry`, { token: await adminOf(owner) });
    expect(again.status).toBe(404);
  });
});
