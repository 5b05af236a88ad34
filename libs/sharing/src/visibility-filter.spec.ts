import { VisibilityDecision, decideVisibility, reachableOwnerIds } from './visibility';
import { buildVisibilityFilter, buildWithheldReadsFilter, groupVisibleOwnersByRetention, isReadVisible, narrowDecisionToOwners } from './visibility-filter';
import { WASHINGTON_2026, agencyProfile, worldOf } from './sharing.fixtures';

const NOW = new Date('2026-03-15T12:00:00.000Z');
const DAY_MS = 24 * 60 * 60 * 1000;
const daysBefore = (now: Date, days: number, extraMs = 0) => new Date(now.getTime() - days * DAY_MS - extraMs);

const sharesNationally = { sharing: { nationalLookup: true } };
const world = worldOf(
  [
    agencyProfile('wa-kent-pd', { retentionDays: 30, ...sharesNationally }),
    agencyProfile('wa-renton-pd', { retentionDays: 14, ...sharesNationally }),
    agencyProfile('or-salem-pd', { state: 'OR', retentionDays: 14, ...sharesNationally }),
    agencyProfile('or-portland-pd', { state: 'OR', retentionDays: 30, ...sharesNationally }),
    agencyProfile('ca-fresno-pd', { state: 'CA', status: 'suspended', ...sharesNationally }),
  ],
  [WASHINGTON_2026],
);
const kentNational = decideVisibility(world, 'wa-kent-pd', 'stolen_vehicle', 'national');
const nobodyVisible: VisibilityDecision = {
  searcherAgencyId: 'ca-fresno-pd',
  searcherActive: false,
  visibleOwners: [],
  withheldOwners: [],
};

describe('groupVisibleOwnersByRetention', () => {
  it('puts owners with the same effective retention in one group, shortest retention first', () => {
    expect(groupVisibleOwnersByRetention(kentNational)).toEqual([
      { retentionDays: 14, agencyIds: ['or-salem-pd', 'wa-renton-pd'] },
      { retentionDays: 21, agencyIds: ['wa-kent-pd'] },
      { retentionDays: 30, agencyIds: ['or-portland-pd'] },
    ]);
  });

  it('has no groups when nothing is visible', () => {
    expect(groupVisibleOwnersByRetention(nobodyVisible)).toEqual([]);
  });
});

describe('narrowDecisionToOwners', () => {
  it('keeps only the named owners that were visible, with their own retention windows, and never adds one', () => {
    const narrowed = narrowDecisionToOwners(kentNational, ['wa-renton-pd', 'ca-fresno-pd', 'never-registered', 'or-portland-pd', 'wa-renton-pd']);
    expect(narrowed.visibleOwners.map((owner) => [owner.agencyId, owner.retentionDays])).toEqual([['or-portland-pd', 30], ['wa-renton-pd', 14]]);
    expect(narrowed.withheldOwners).toEqual(kentNational.withheldOwners);
    expect(narrowDecisionToOwners(nobodyVisible, ['ca-fresno-pd']).visibleOwners).toEqual([]);
  });
});

describe('buildVisibilityFilter', () => {
  it('matches each retention group by owner and by capture time after its cutoff', () => {
    expect(buildVisibilityFilter(kentNational, NOW)).toEqual({
      bool: {
        should: [
          {
            bool: {
              filter: [
                { terms: { agencyId: ['or-salem-pd', 'wa-renton-pd'] } },
                { range: { capturedAt: { gt: '2026-03-01T12:00:00.000Z' } } },
              ],
            },
          },
          {
            bool: {
              filter: [
                { terms: { agencyId: ['wa-kent-pd'] } },
                { range: { capturedAt: { gt: '2026-02-22T12:00:00.000Z' } } },
              ],
            },
          },
          {
            bool: {
              filter: [
                { terms: { agencyId: ['or-portland-pd'] } },
                { range: { capturedAt: { gt: '2026-02-13T12:00:00.000Z' } } },
              ],
            },
          },
        ],
        minimum_should_match: 1,
      },
    });
  });

  it('matches nothing when nothing is visible', () => {
    expect(buildVisibilityFilter(nobodyVisible, NOW)).toEqual({ bool: { must_not: { match_all: {} } } });
  });
});

describe('buildWithheldReadsFilter', () => {
  it("matches the withheld owners' reads within each owner's effective retention, and no visible owner's", () => {
    const kentImmigration = decideVisibility(world, 'wa-kent-pd', 'immigration_enforcement', 'national');
    expect(kentImmigration.withheldOwners.map((owner) => owner.agencyId)).toEqual(['wa-renton-pd']);
    expect(buildWithheldReadsFilter(kentImmigration, world, NOW)).toEqual({
      bool: {
        should: [
          {
            bool: {
              filter: [
                { terms: { agencyId: ['wa-renton-pd'] } },
                { range: { capturedAt: { gt: '2026-03-01T12:00:00.000Z' } } },
              ],
            },
          },
        ],
        minimum_should_match: 1,
      },
    });
  });

  it('matches nothing when nothing was withheld', () => {
    expect(buildWithheldReadsFilter(kentNational, world, NOW)).toEqual({ bool: { must_not: { match_all: {} } } });
  });
});

describe('isReadVisible', () => {
  it('shows a read younger than its owner\'s effective retention', () => {
    expect(isReadVisible(kentNational, { agencyId: 'wa-kent-pd', capturedAt: daysBefore(NOW, 21, -1) }, NOW)).toBe(true);
    expect(isReadVisible(kentNational, { agencyId: 'wa-renton-pd', capturedAt: NOW }, NOW)).toBe(true);
  });

  it('hides a read exactly as old as the retention, or older', () => {
    expect(isReadVisible(kentNational, { agencyId: 'wa-kent-pd', capturedAt: daysBefore(NOW, 21) }, NOW)).toBe(false);
    expect(isReadVisible(kentNational, { agencyId: 'wa-renton-pd', capturedAt: daysBefore(NOW, 20) }, NOW)).toBe(false);
  });

  it('hides every read of an owner the decision does not admit', () => {
    expect(isReadVisible(kentNational, { agencyId: 'ca-fresno-pd', capturedAt: NOW }, NOW)).toBe(false);
    expect(isReadVisible(nobodyVisible, { agencyId: 'ca-fresno-pd', capturedAt: NOW }, NOW)).toBe(false);
  });
});

describe('reachableOwnerIds', () => {
  it('lists the owners a search would reach, for a preview', () => {
    expect(reachableOwnerIds(kentNational)).toEqual(['or-portland-pd', 'or-salem-pd', 'wa-kent-pd', 'wa-renton-pd']);
  });
});
