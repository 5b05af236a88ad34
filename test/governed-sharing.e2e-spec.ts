import { CatchAllSmtp, WebhookCatcher } from './support/notice-catchers';
import { PlatekeeperTestStack, eventually } from './support/platekeeper-stack';

jest.setTimeout(180_000);

/** Governed changes through the REST API: narrowing at once, widening behind a second admin and a notice period, contacts told. */
describe('governed sharing changes', () => {
  const stack = new PlatekeeperTestStack();
  const smtp = new CatchAllSmtp();
  const webhook = new WebhookCatcher();
  const owner = stack.id('xa-owner-pd');
  const ally = stack.id('xa-ally-pd');
  const federal = stack.id('xa-federal');
  const tokens: Record<string, string> = {};
  let state: string;
  let hookUrl: string;

  const grantees = async () => {
    const access = await stack.request('GET', `/v1/agencies/${owner}/effective-access`, { token: tokens.chief });
    expect(access.status).toBe(200);
    // Other suites' agencies on the same database may have national lookup on: only this run's count here.
    return (access.body.grants as Array<{ agencyId: string }>).map((grant) => grant.agencyId).filter((id) => id.startsWith(stack.runId)).sort();
  };
  const patch = (body: object, token = tokens.chief) => stack.request('PATCH', `/v1/agencies/${owner}/sharing`, { token, body });
  const act = (changeId: string, verb: 'approve' | 'cancel', token: string) =>
    stack.request('POST', `/v1/agencies/${owner}/sharing/changes/${changeId}/${verb}`, { token });
  const govern = (body: object, token = tokens.chief) => stack.request('PUT', `/v1/agencies/${owner}/governance`, { token, body });
  const noticesOf = (event: string) => webhook.bodies.filter((notice) => notice.event === event && notice.agencyId === owner);

  beforeAll(async () => {
    const smtpPort = await smtp.start();
    hookUrl = await webhook.start();
    await stack.start({ env: { SMTP_URL: `smtp://127.0.0.1:${smtpPort}`, GOVERNED_CHANGES_SWEEP_SECONDS: '1' } });
    state = await stack.unusedStateCode();
    await stack.registerAgency({ id: owner, state, cameras: [stack.id('cam-owner')] });
    await stack.registerAgency({ id: ally, state, sharing: { nationalLookup: true, statewide: true }, cameras: [] });
    await stack.registerAgency({ id: federal, state: 'QQ', category: 'federal', sharing: { nationalLookup: true }, cameras: [] });
    tokens.chief = await stack.token(owner, ['agency_admin'], 'chief@owner');
    tokens.clerk = await stack.token(owner, ['agency_admin'], 'clerk@owner');
    tokens.platform = await stack.token(stack.id('ops'), ['platform_admin'], 'ops@platform');
  });

  afterAll(async () => {
    await stack.stop();
    await smtp.stop();
    // The stack wrote these into process.env; later suites in this process must not send notices to a stopped server.
    for (const name of ['SMTP_URL', 'GOVERNED_CHANGES_SWEEP_SECONDS']) delete process.env[name];
    await webhook.stop();
  });

  it('without governance, a widening answers 200 with the policy and is in force at once, as before', async () => {
    const widened = await patch({ nationalLookup: true });
    expect(widened.status).toBe(200);
    expect(widened.body).toMatchObject({ nationalLookup: true, statewide: false });
    expect(await grantees()).toEqual([ally, federal].sort());
  });

  it('refuses bad governance with 400s naming each field, and records a good one', async () => {
    const bad = await govern({ twoPersonApproval: 'yes', noticePeriodMinutes: -1, notifyEmails: ['not-an-address'], notifyWebhooks: ['ftp://x'] });
    expect(bad.status).toBe(400);
    expect(bad.body.message.join('\n')).toMatch(/twoPersonApproval/);
    expect(bad.body.message.join('\n')).toMatch(/noticePeriodMinutes/);
    expect(bad.body.message.join('\n')).toMatch(/notifyEmails/);
    expect(bad.body.message.join('\n')).toMatch(/notifyWebhooks/);
    const good = await govern({ twoPersonApproval: true, noticePeriodMinutes: 0, notifyEmails: ['council@owner.example'], notifyWebhooks: [hookUrl] });
    expect(good.status).toBe(200);
    expect(good.body).toMatchObject({ agencyId: owner, twoPersonApproval: true, noticePeriodMinutes: 0, updatedBy: 'chief@owner' });
    const other = await stack.request('GET', `/v1/agencies/${owner}/governance`, { token: await stack.token(ally, ['agency_admin']) });
    expect(other.status).toBe(403);
  });

  it('narrows at once even under two-person approval, and tells the contacts by webhook and e-mail', async () => {
    const narrowed = await patch({ nationalLookup: false });
    expect(narrowed.status).toBe(200);
    expect(narrowed.body.nationalLookup).toBe(false);
    expect(await grantees()).toEqual([]);
    const notice = await eventually(async () => noticesOf('sharing.narrowed')[0], 10_000, 'the narrowing webhook');
    expect(notice).toMatchObject({ actor: 'chief@owner', summary: ['national lookup off'], change: { status: 'applied', direction: 'narrowing' } });
    const mail = await eventually(async () => smtp.messages.find((message) => message.raw.includes(owner) && /sharing narrowed/.test(message.raw)), 10_000, 'the narrowing e-mail');
    expect(mail.to).toEqual(['council@owner.example']);
    expect(mail.raw).toMatch(/national lookup off/);
  });

  it('holds a widening for a second admin: 202, not in force, the proposer cannot approve it, the second admin can', async () => {
    const proposed = await patch({ nationalLookup: true });
    expect(proposed.status).toBe(202);
    expect(proposed.body.policy.nationalLookup).toBe(false);
    expect(proposed.body.pendingChange).toMatchObject({ status: 'pending_approval', direction: 'widening', proposedBy: 'chief@owner', summary: ['national lookup on'] });
    expect(await grantees()).toEqual([]);
    const changeId = proposed.body.pendingChange.id;

    const self = await act(changeId, 'approve', tokens.chief);
    expect(self.status).toBe(403);
    expect(await grantees()).toEqual([]);

    const approved = await act(changeId, 'approve', tokens.clerk);
    expect(approved.status).toBe(200);
    expect(approved.body).toMatchObject({ status: 'applied', approvedBy: 'clerk@owner' });
    expect(await grantees()).toEqual([ally, federal].sort());
    expect((await act(changeId, 'approve', tokens.clerk)).status).toBe(409);
    await eventually(async () => noticesOf('sharing.widened').find((notice) => notice.change.id === changeId), 10_000, 'the widening webhook');
    expect(noticesOf('sharing.widening_proposed').some((notice) => notice.change.id === changeId)).toBe(true);
  });

  it('splits a mixed change: the narrowing half is in force at once, the widening half waits', async () => {
    const mixed = await patch({ denyAgencies: [federal], statewide: true });
    expect(mixed.status).toBe(202);
    expect(mixed.body.policy).toMatchObject({ denyAgencies: [federal], statewide: false });
    expect(mixed.body.pendingChange.summary).toEqual(['statewide sharing on']);
    expect(await grantees()).toEqual([ally]);
    const cancelled = await act(mixed.body.pendingChange.id, 'cancel', tokens.chief);
    expect(cancelled.status).toBe(200);
    expect(cancelled.body.status).toBe('cancelled');
    expect((await act(mixed.body.pendingChange.id, 'approve', tokens.clerk)).status).toBe(409);
  });

  it('treats legal-basis rules like any sharing switch: a tighter warrant window or offense level at once, a looser one waits for approval', async () => {
    const tightened = await patch({ legalReferenceAfterHours: 72, minimumOffenseLevels: { criminal_investigation: 'felony' } });
    expect(tightened.status).toBe(200);
    expect(tightened.body).toMatchObject({ legalReferenceAfterHours: 72, minimumOffenseLevels: { criminal_investigation: 'felony' } });
    const loosened = await patch({ legalReferenceAfterHours: null, minimumOffenseLevels: {} });
    expect(loosened.status).toBe(202);
    expect(loosened.body.policy).toMatchObject({ legalReferenceAfterHours: 72, minimumOffenseLevels: { criminal_investigation: 'felony' } });
    expect(loosened.body.pendingChange.summary).toEqual(['no warrant window of our own', 'no minimum offense level of our own for criminal_investigation']);
    const stored = await stack.request('GET', `/v1/agencies/${owner}/sharing`, { token: tokens.chief });
    expect(stored.body).toMatchObject({ legalReferenceAfterHours: 72, minimumOffenseLevels: { criminal_investigation: 'felony' } });
    expect((await act(loosened.body.pendingChange.id, 'approve', tokens.clerk)).status).toBe(200);
    const applied = await stack.request('GET', `/v1/agencies/${owner}/sharing`, { token: tokens.chief });
    expect(applied.body.legalReferenceAfterHours ?? null).toBeNull();
    expect(applied.body.minimumOffenseLevels ?? {}).toEqual({});
  });

  it('applies an approved widening to the policy as it is then, never undoing a narrowing made while it waited', async () => {
    const proposed = await patch({ denyAgencies: [] });
    expect(proposed.status).toBe(202);
    expect(await grantees()).toEqual([ally]);
    // Meanwhile someone turns national lookup off: the pending "stop denying" must not turn it back on.
    expect((await patch({ nationalLookup: false })).status).toBe(200);
    const approved = await act(proposed.body.pendingChange.id, 'approve', tokens.clerk);
    expect(approved.status).toBe(200);
    const policy = await stack.request('GET', `/v1/agencies/${owner}/sharing`, { token: tokens.chief });
    expect(policy.body).toMatchObject({ nationalLookup: false, denyAgencies: [] });
  });

  it('keeps an approved widening out of force until its notice period has run out', async () => {
    expect((await govern({ twoPersonApproval: true, noticePeriodMinutes: 60, notifyEmails: [], notifyWebhooks: [hookUrl] })).status).toBe(200);
    const proposed = await patch({ nationalLookup: true });
    const approved = await act(proposed.body.pendingChange.id, 'approve', tokens.clerk);
    expect(approved.status).toBe(200);
    expect(approved.body.status).toBe('scheduled');
    const effectiveAt = Date.parse(approved.body.effectiveAt);
    expect(effectiveAt - Date.parse(approved.body.approvedAt)).toBe(60 * 60_000);
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    expect(await grantees()).toEqual([]);
    // The hour passes (the row's time moved back), and the next sweep applies it.
    await stack.dataSource.query(`UPDATE sharing_changes SET effective_at = now() - interval '1 second' WHERE id = $1`, [approved.body.id]);
    await eventually(async () => ((await grantees()).length > 0 ? true : undefined), 15_000, 'the scheduled widening to apply');
    expect(await grantees()).toEqual([ally, federal].sort());
    const history = await stack.request('GET', `/v1/agencies/${owner}/sharing/changes`, { token: tokens.chief });
    expect(history.body.find((change: { id: string }) => change.id === approved.body.id)).toMatchObject({ status: 'applied', approvedBy: 'clerk@owner' });
  });

  it('lets only a platform_admin switch off two-person approval while it is on', async () => {
    const alone = await govern({ twoPersonApproval: false, noticePeriodMinutes: 60, notifyEmails: [], notifyWebhooks: [] });
    expect(alone.status).toBe(403);
    const shorter = await govern({ twoPersonApproval: true, noticePeriodMinutes: 5, notifyEmails: [], notifyWebhooks: [] });
    expect(shorter.status).toBe(403);
    const platform = await govern({ twoPersonApproval: false, noticePeriodMinutes: 0, notifyEmails: [], notifyWebhooks: [] }, tokens.platform);
    expect(platform.status).toBe(200);
  });

  it('answers 404 for an unknown change and 400 for an id that is not one', async () => {
    expect((await act('00000000-0000-4000-8000-000000000000', 'approve', tokens.clerk)).status).toBe(404);
    expect((await act('not-a-change', 'approve', tokens.clerk)).status).toBe(400);
  });

  it('records proposals, approvals and cancellations in the audit chain, which still verifies', async () => {
    const actions: Array<{ action: string }> = await stack.dataSource.query(
      `SELECT action FROM audit_records WHERE kind = 'change' AND (payload->'subject'->>'id' = $1 OR payload->'after'->>'agencyId' = $1)`, [owner],
    );
    const names = new Set(actions.map((row) => row.action));
    for (const action of ['sharing.update', 'sharing.propose', 'sharing.approve', 'sharing.cancel', 'governance.put']) expect(names).toContain(action);
    const verification = await stack.request('GET', '/v1/audit/verify', { token: tokens.platform });
    expect(verification.body).toMatchObject({ valid: true, firstBroken: null });
  });

  it('previews a change without storing it: reach before and after, and whether the widening would wait', async () => {
    expect((await patch({ nationalLookup: false, statewide: false, denyAgencies: [] })).status).toBe(200);
    const preview = await stack.request('POST', `/v1/agencies/${owner}/sharing/preview`, { token: tokens.chief, body: { nationalLookup: true } });
    expect(preview.status).toBe(200);
    expect(preview.body).toMatchObject({ before: { agencies: 0, states: 0 }, widening: ['national lookup on'], wideningWaits: false });
    const grantsAfter = (preview.body.grantsAfter as Array<{ agencyId: string; state: string }>);
    expect(grantsAfter.map((grant) => grant.agencyId)).toEqual(expect.arrayContaining([ally, federal]));
    expect(preview.body.after).toEqual({ agencies: grantsAfter.length, states: new Set(grantsAfter.map((grant) => grant.state)).size });
    expect(await grantees()).toEqual([]);
    const bad = await stack.request('POST', `/v1/agencies/${owner}/sharing/preview`, { token: tokens.chief, body: { nationalLookup: 'maybe' } });
    expect(bad.status).toBe(400);
  });
});
