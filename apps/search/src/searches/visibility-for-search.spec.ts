import { Client } from '@elastic/elasticsearch';
import { VisibilityDecision } from '@platekeeper/sharing';
import { ownersFromProbe, visibilityForSearch } from './visibility-for-search';

const answered = (buckets: string[], sumOther = 0) => ({
  timed_out: false,
  _shards: { failed: 0 },
  aggregations: { owners: { buckets: buckets.map((key) => ({ key, doc_count: 1 })), sum_other_doc_count: sumOther } },
});

describe('ownersFromProbe', () => {
  it('names the owners of the matching reads when the probe saw them all', () => {
    expect(ownersFromProbe(answered(['wa-kent-pd', 'ca-fresno-pd']))).toEqual(['wa-kent-pd', 'ca-fresno-pd']);
    expect(ownersFromProbe(answered([]))).toEqual([]);
  });

  it('vouches for nothing when owners were left out, the probe stopped early, timed out or lost a shard', () => {
    expect(ownersFromProbe(answered(['wa-kent-pd'], 3))).toBeUndefined();
    expect(ownersFromProbe({ ...answered(['wa-kent-pd']), terminated_early: true })).toBeUndefined();
    expect(ownersFromProbe({ ...answered(['wa-kent-pd']), timed_out: true })).toBeUndefined();
    expect(ownersFromProbe({ ...answered(['wa-kent-pd']), _shards: { failed: 1 } })).toBeUndefined();
    expect(ownersFromProbe({ timed_out: false, _shards: { failed: 0 } })).toBeUndefined();
  });
});

describe('visibilityForSearch', () => {
  const owners = Array.from({ length: 200 }, (_, index) => `agency-${String(index).padStart(3, '0')}`);
  const decision: VisibilityDecision = {
    searcherAgencyId: 'agency-000', searcherActive: true, withheldOwners: [],
    visibleOwners: owners.map((agencyId) => ({ agencyId, rule: 'national', retentionDays: 30 })),
  };
  const probedFinding = (found: string[]) => visibilityForSearch({ search: async () => answered(found), connectionPool: { connections: [{}] } } as unknown as Client, {
    index: 'reads-*', decision, criteria: { match_all: {} }, now: new Date(), probeAboveOwners: 64, timeoutMs: 1000,
  });
  const namedOwners = (filter: unknown) => JSON.stringify(filter).match(/agency-\d{3}/g) ?? [];

  it('narrows to the probed owners, and calls the filter small when they are few', async () => {
    const visibility = await probedFinding(['agency-007', 'agency-150', 'not-registered']);
    expect(namedOwners(visibility.filter)).toEqual(['agency-007', 'agency-150']);
    expect(visibility).toMatchObject({ matchingOwners: ['agency-007', 'agency-150', 'not-registered'], small: true });
  });

  it('does not call a narrowed filter of many owners small, so it is not evaluated twice in one request', async () => {
    const visibility = await probedFinding(owners.slice(0, 100));
    expect(namedOwners(visibility.filter)).toHaveLength(100);
    expect(visibility.small).toBe(false);
  });
});
