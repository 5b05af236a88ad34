import { randomUUID } from 'node:crypto';
import { EnrichedRead } from '@platekeeper/contract';
import { PlatekeeperTestStack } from './support/platekeeper-stack';

jest.setTimeout(240_000);

const OWNERS = 40;

/**
 * A national search whose decision names many owners first probes which owners have matching reads and filters on the
 * visible ones among them (docs/performance.md). This suite forces the probe on every search and checks it changes
 * nothing a searcher can observe: same reads, exact totals, whole pages, changes in force on the next search.
 */
describe('national search through the owner probe', () => {
  const stack = new PlatekeeperTestStack();
  const previousProbeSetting = process.env.SEARCH_OWNER_PROBE_ABOVE;
  const plate = `PRB${stack.runId.slice(-5).toUpperCase()}`;
  const searcher = stack.id('searcher-pd');
  const owners = Array.from({ length: OWNERS }, (_, index) => stack.id(`owner-${index}`));
  const denier = stack.id('denier-pd');
  // Denies the searcher too, but holds no read of the plate: the probe does not name it, so no count is asked of it.
  const quietDenier = stack.id('quiet-denier-pd');
  const unregistered = stack.id('never-registered-pd');
  const visibleReadIds = new Set<string>();
  let state: string;

  const read = (agencyId: string, daysAgo: number): EnrichedRead => ({
    readId: randomUUID(), cameraId: `${agencyId}-cam`, agencyId, agencyState: state,
    capturedAt: new Date(Date.now() - daysAgo * 86_400_000).toISOString(), plate, plateFolded: plate, plateRaw: plate,
    location: { lat: 47.3, lon: -122.2 }, ingestedAt: new Date().toISOString(),
  });

  async function searchAll(limit: number): Promise<{ readIds: string[]; totals: number[]; owners: Set<string> }> {
    const token = await stack.token(searcher);
    const readIds: string[] = [];
    const totals: number[] = [];
    const seenOwners = new Set<string>();
    let cursor: string | undefined;
    do {
      const response = await stack.request('POST', '/v1/searches', {
        token,
        body: { purpose: 'criminal_investigation', caseNumber: 'PROBE-1', reason: 'owner probe check', scope: 'national', plate, limit, ...(cursor && { cursor }) },
      });
      expect(response.status).toBe(200);
      totals.push(response.body.total);
      for (const item of response.body.items) {
        readIds.push(item.readId);
        seenOwners.add(item.agencyId);
      }
      cursor = response.body.nextCursor ?? undefined;
    } while (cursor);
    return { readIds, totals, owners: seenOwners };
  }

  beforeAll(async () => {
    process.env.SEARCH_OWNER_PROBE_ABOVE = '0';
    await stack.start();
    state = await stack.unusedStateCode();
    await stack.registerAgency({ id: searcher, state, cameras: [], sharing: { nationalLookup: true } });
    for (const owner of owners) await stack.registerAgency({ id: owner, state, cameras: [], sharing: { nationalLookup: true } });
    await stack.registerAgency({ id: denier, state, cameras: [], sharing: { nationalLookup: true, denyAgencies: [searcher] } });
    await stack.registerAgency({ id: quietDenier, state, cameras: [], sharing: { nationalLookup: true, denyAgencies: [searcher] } });
    const reads: EnrichedRead[] = [];
    for (const owner of owners) {
      const fresh = read(owner, 1);
      visibleReadIds.add(fresh.readId);
      // Past the owner's 30-day retention: stored, never shown.
      reads.push(fresh, read(owner, 31));
    }
    reads.push(read(denier, 1), read(denier, 2), read(unregistered, 1));
    await stack.indexReads(reads);
  });

  afterAll(async () => {
    if (previousProbeSetting === undefined) delete process.env.SEARCH_OWNER_PROBE_ABOVE;
    else process.env.SEARCH_OWNER_PROBE_ABOVE = previousProbeSetting;
    await stack.stop();
  });

  it('returns exactly the visible reads of every owner, with the exact total on every page and no read twice', async () => {
    const { readIds, totals, owners: seenOwners } = await searchAll(7);
    expect(new Set(readIds)).toEqual(visibleReadIds);
    expect(readIds).toHaveLength(OWNERS);
    expect(new Set(totals)).toEqual(new Set([OWNERS]));
    expect(seenOwners.has(denier)).toBe(false);
    expect(seenOwners.has(unregistered)).toBe(false);
  });

  it("records the withheld reads in the trail of the owner that denied them, and nothing in a denier's that held none", async () => {
    const { readIds } = await searchAll(50);
    expect(readIds).toHaveLength(OWNERS);
    const trail = async (agencyId: string) => {
      const response = await stack.request('GET', '/v1/audit/searches?limit=500', { token: await stack.token(agencyId, ['agency_admin']) });
      expect(response.status).toBe(200);
      return (response.body.items as Array<{ caseNumber: string; relation: string; readsWithheldFromThisAgency: number }>)
        .filter((item) => item.caseNumber === 'PROBE-1');
    };
    const denied = await trail(denier);
    expect(denied.length).toBeGreaterThan(0);
    for (const item of denied) expect(item).toMatchObject({ relation: 'denied_our_data', readsWithheldFromThisAgency: 2 });
    expect(await trail(quietDenier)).toEqual([]);
  });

  it('drops an owner that turned national lookup off in the very next search, and takes it back when turned on', async () => {
    const admin = await stack.token(owners[0], ['agency_admin']);
    const toggle = async (nationalLookup: boolean) => {
      const response = await stack.request('PATCH', `/v1/agencies/${owners[0]}/sharing`, { token: admin, body: { nationalLookup } });
      expect(response.status).toBe(200);
    };
    await toggle(false);
    const off = await searchAll(50);
    expect(off.totals).toEqual([OWNERS - 1]);
    expect(off.owners.has(owners[0])).toBe(false);
    await toggle(true);
    const on = await searchAll(50);
    expect(on.totals).toEqual([OWNERS]);
    expect(on.owners.has(owners[0])).toBe(true);
  });
});
