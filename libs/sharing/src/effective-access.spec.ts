import { effectiveAccess } from './effective-access';
import { CALIFORNIA_SB34, WASHINGTON_2026, agencyProfile, jurisdictionRule, worldOf } from './sharing.fixtures';

const sharesNationally = { sharing: { nationalLookup: true } };

describe('effectiveAccess', () => {
  it('lists every rule that lets each other agency in, sorted by agency', () => {
    const world = worldOf([
      agencyProfile('wa-kent-pd', {
        name: 'Kent Police Department',
        sharing: { statewide: true, nationalLookup: true, allowAgencies: ['wa-renton-pd', 'or-salem-pd'] },
      }),
      agencyProfile('wa-renton-pd', { name: 'Renton Police Department', sharing: { statewide: true, nationalLookup: true } }),
      agencyProfile('or-salem-pd', { name: 'Salem Police Department', state: 'OR', category: 'sheriff' }),
      agencyProfile('or-portland-pd', { state: 'OR' }),
    ]);

    expect(effectiveAccess(world, 'wa-kent-pd')).toEqual({
      ownerAgencyId: 'wa-kent-pd',
      ownerActive: true,
      effectiveRetentionDays: 30,
      grants: [
        { agencyId: 'or-salem-pd', agencyName: 'Salem Police Department', state: 'OR', category: 'sheriff', rules: ['direct'], deniedPurposes: [] },
        {
          agencyId: 'wa-renton-pd',
          agencyName: 'Renton Police Department',
          state: 'WA',
          category: 'local_police',
          rules: ['direct', 'statewide', 'national'],
          deniedPurposes: [],
        },
      ],
      deniedPurposesForAll: [],
    });
  });

  it('leaves out inactive agencies and those shut out by agency, category or out-of-state denials', () => {
    const world = worldOf(
      [
        agencyProfile('ca-oakland-pd', {
          state: 'CA',
          sharing: { nationalLookup: true, denyAgencies: ['ca-fresno-pd'], denyCategories: ['private'] },
        }),
        agencyProfile('ca-fresno-pd', { state: 'CA', ...sharesNationally }),
        agencyProfile('ca-mall-security', { state: 'CA', category: 'private', ...sharesNationally }),
        agencyProfile('us-fbi-sacramento', { state: 'CA', category: 'federal', ...sharesNationally }),
        agencyProfile('or-portland-pd', { state: 'OR', ...sharesNationally }),
        agencyProfile('ca-berkeley-pd', { state: 'CA', status: 'suspended', ...sharesNationally }),
        agencyProfile('ca-alameda-so', { state: 'CA', category: 'sheriff', ...sharesNationally }),
      ],
      [CALIFORNIA_SB34],
    );

    expect(effectiveAccess(world, 'ca-oakland-pd').grants.map((grant) => grant.agencyId)).toEqual(['ca-alameda-so']);
  });

  it('keeps agencies whose purposes are partly denied and reports those purposes, owner and jurisdiction merged', () => {
    const world = worldOf(
      [
        agencyProfile('wa-auburn-pd', { sharing: { nationalLookup: true, deniedPurposes: ['traffic_enforcement', 'other'] } }),
        agencyProfile('us-cbp-blaine', { category: 'federal_immigration', ...sharesNationally }),
      ],
      [WASHINGTON_2026],
    );

    const access = effectiveAccess(world, 'wa-auburn-pd');

    expect(access.effectiveRetentionDays).toBe(21);
    expect(access.deniedPurposesForAll).toEqual(['immigration_enforcement', 'other', 'traffic_enforcement']);
    expect(access.grants).toEqual([
      {
        agencyId: 'us-cbp-blaine',
        agencyName: 'us-cbp-blaine',
        state: 'WA',
        category: 'federal_immigration',
        rules: ['national'],
        deniedPurposes: ['immigration_enforcement', 'other', 'traffic_enforcement'],
      },
    ]);
  });

  it('grants nobody access to an inactive owner', () => {
    const world = worldOf(
      [
        agencyProfile('or-salem-pd', { state: 'OR', status: 'suspended', retentionDays: 10, ...sharesNationally }),
        agencyProfile('or-portland-pd', { state: 'OR', ...sharesNationally }),
      ],
      [jurisdictionRule('OR', { deniedPurposes: ['reproductive_health'] })],
    );

    expect(effectiveAccess(world, 'or-salem-pd')).toEqual({
      ownerAgencyId: 'or-salem-pd',
      ownerActive: false,
      effectiveRetentionDays: 10,
      grants: [],
      deniedPurposesForAll: ['reproductive_health'],
    });
  });

  it('grants nobody access to an unknown owner', () => {
    expect(effectiveAccess(worldOf([agencyProfile('wa-kent-pd')]), 'wa-ghost-pd')).toMatchObject({
      ownerActive: false,
      grants: [],
    });
  });

  it('drops Border Patrol from Auburn\'s access once Auburn turns national lookup off', () => {
    const auburn = agencyProfile('wa-auburn-pd', sharesNationally);
    const borderPatrol = agencyProfile('us-cbp-blaine', { category: 'federal_immigration', ...sharesNationally });
    const auburnNationalOff = { ...auburn, sharing: { ...auburn.sharing, nationalLookup: false } };

    expect(effectiveAccess(worldOf([auburn, borderPatrol]), 'wa-auburn-pd').grants.map((grant) => grant.agencyId)).toEqual([
      'us-cbp-blaine',
    ]);
    expect(effectiveAccess(worldOf([auburnNationalOff, borderPatrol]), 'wa-auburn-pd').grants).toEqual([]);
  });
});
