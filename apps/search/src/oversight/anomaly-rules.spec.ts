import { DEFAULT_ANOMALY_OPTIONS, ReviewedSearch, anomalyFlags } from './anomaly-rules';

/** Ten searches by one user, a minute apart from `start`. */
function burst(start: string): ReviewedSearch[] {
  return Array.from({ length: 10 }, (_unused, index) => ({
    seq: String(index + 1), recordedAt: new Date(Date.parse(start) + index * 60_000), userId: 'night-shift', searchId: `search-${index}`,
    purpose: 'stolen_vehicle', reason: 'stolen vehicle report filed this morning', scope: 'local', criteria: { plate: `PLT${index}` },
  }));
}

const rulesOf = (searches: ReviewedSearch[], timeZone: string) =>
  anomalyFlags(searches, { ...DEFAULT_ANOMALY_OPTIONS, timeZone }).map((flag) => flag.rule);

describe('after-hours bursts in the agency\'s time zone', () => {
  it('flags 05:30 UTC in July for Los Angeles (22:30 daylight time), not in January (21:30 standard time)', () => {
    expect(rulesOf(burst('2026-07-01T05:30:00Z'), 'America/Los_Angeles')).toEqual(['after_hours_burst']);
    expect(rulesOf(burst('2026-01-15T05:30:00Z'), 'America/Los_Angeles')).toEqual([]);
  });

  it('judges the same instants by the UTC clock for an agency in UTC', () => {
    expect(rulesOf(burst('2026-07-01T05:30:00Z'), 'UTC')).toEqual(['after_hours_burst']);
    expect(rulesOf(burst('2026-07-01T12:00:00Z'), 'UTC')).toEqual([]);
    // 12:00 UTC is 17:45 in Kathmandu (+05:45): not after hours; 16:30 UTC is 22:15 there.
    expect(rulesOf(burst('2026-07-01T12:00:00Z'), 'Asia/Kathmandu')).toEqual([]);
    expect(rulesOf(burst('2026-07-01T16:30:00Z'), 'Asia/Kathmandu')).toEqual(['after_hours_burst']);
  });
});
