import { randomUUID } from 'node:crypto';
import { EnrichedRead } from '@platekeeper/contract';
import { PlatekeeperTestStack } from './support/platekeeper-stack';

jest.setTimeout(180_000);

/** More searches at once than an instance takes: the extra ones are refused at once, and every answer has its record. */
describe('search overload', () => {
  const stack = new PlatekeeperTestStack();
  const agency = stack.id('wa-busy-pd');
  const plate = `OVL${stack.runId.slice(-5).toUpperCase()}`;
  let token: string;

  const read = (minutesAgo: number): EnrichedRead => ({
    readId: randomUUID(), cameraId: `${agency}-cam`, agencyId: agency, agencyState: 'WA',
    capturedAt: new Date(Date.now() - minutesAgo * 60_000).toISOString(), plate, plateFolded: plate, plateRaw: plate,
    location: { lat: 47.3, lon: -122.2 }, ingestedAt: new Date().toISOString(),
  });

  beforeAll(async () => {
    await stack.start({ env: { SEARCH_MAX_IN_FLIGHT: '2', SEARCH_RETRY_AFTER_SECONDS: '3', SEARCH_RATE_LIMIT_PER_MINUTE: '0' } });
    await stack.registerAgency({ id: agency, state: 'WA', cameras: [] });
    await stack.indexReads([read(5), read(15)]);
    token = await stack.token(agency);
  });

  afterAll(() => stack.stop());

  it('refuses searches beyond SEARCH_MAX_IN_FLIGHT with 503 SEARCH.OVERLOADED and Retry-After, answers the rest in full, each with its record', async () => {
    const answers = await Promise.all(
      Array.from({ length: 40 }, () => stack.request('POST', '/v1/searches', {
        token, body: { purpose: 'criminal_investigation', caseNumber: 'OVL-1', reason: 'overload check', plate },
      })),
    );
    const answered = answers.filter((answer) => answer.status === 200);
    const shed = answers.filter((answer) => answer.status !== 200);
    expect(answered.length).toBeGreaterThan(0);
    expect(shed.length).toBeGreaterThan(0);
    for (const refusal of shed) {
      expect(refusal.status).toBe(503);
      expect(refusal.body).toMatchObject({ statusCode: 503, code: 'SEARCH.OVERLOADED' });
      expect(refusal.headers.get('retry-after')).toBe('3');
      expect(refusal.text).not.toContain(plate);
    }
    for (const answer of answered) expect(answer.body.total).toBe(2);
    const recorded: Array<{ searches: number }> = await stack.dataSource.query(
      `SELECT count(*)::int AS searches FROM audit_records WHERE actor_agency_id = $1 AND action = 'search.reads'`, [agency]);
    expect(recorded[0].searches).toBe(answered.length);
    const answeredIds: Array<{ id: string }> = await stack.dataSource.query(
      `SELECT payload->>'searchId' AS id FROM audit_records WHERE payload->>'searchId' = ANY($1)`, [answered.map((answer) => answer.body.searchId)]);
    expect(answeredIds).toHaveLength(answered.length);
    const verification = await stack.request('GET', '/v1/audit/verify', { token: await stack.token(stack.id('platform'), ['platform_admin']) });
    expect(verification.body).toMatchObject({ valid: true, firstBroken: null });
  });

  it('takes searches again once the ones in flight are over', async () => {
    for (let search = 0; search < 5; search++) {
      const answer = await stack.request('POST', '/v1/searches', {
        token, body: { purpose: 'criminal_investigation', caseNumber: 'OVL-2', reason: 'overload over', plate },
      });
      expect(answer.status).toBe(200);
    }
  });
});
