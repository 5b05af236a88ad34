import { ownersFromProbe } from './visibility-for-search';

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
