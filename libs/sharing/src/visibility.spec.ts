import { decideVisibility, VisibilityDecision } from './visibility';
import { CALIFORNIA_SB34, WASHINGTON_2026, agencyProfile, jurisdictionRule, worldOf } from './sharing.fixtures';

const visibleIds = (decision: VisibilityDecision) => decision.visibleOwners.map((owner) => owner.agencyId);
const sharesNationally = { sharing: { nationalLookup: true } };

describe('decideVisibility', () => {
  describe('the searcher', () => {
    it('sees its own reads under the rule "own" in every scope, even when it shares with nobody', () => {
      const world = worldOf([agencyProfile('wa-auburn-pd', { retentionDays: 14 })]);

      for (const scope of ['local', 'statewide', 'national'] as const) {
        expect(decideVisibility(world, 'wa-auburn-pd', 'stolen_vehicle', scope)).toEqual({
          searcherAgencyId: 'wa-auburn-pd',
          searcherActive: true,
          visibleOwners: [{ agencyId: 'wa-auburn-pd', rule: 'own', retentionDays: 14 }],
          withheldOwners: [],
        });
      }
    });

    it('sees its own reads even when its own policy denies itself everything', () => {
      const world = worldOf([
        agencyProfile('wa-auburn-pd', {
          sharing: { denyAgencies: ['wa-auburn-pd'], denyCategories: ['local_police'], deniedPurposes: ['other'] },
        }),
      ]);

      expect(visibleIds(decideVisibility(world, 'wa-auburn-pd', 'other', 'local'))).toEqual(['wa-auburn-pd']);
    });

    it.each(['suspended', 'revoked'] as const)('sees nothing, not even its own reads, when %s', (status) => {
      const world = worldOf([
        agencyProfile('wa-auburn-pd', { status, ...sharesNationally }),
        agencyProfile('wa-kent-pd', sharesNationally),
      ]);

      expect(decideVisibility(world, 'wa-auburn-pd', 'stolen_vehicle', 'national')).toEqual({
        searcherAgencyId: 'wa-auburn-pd',
        searcherActive: false,
        visibleOwners: [],
        withheldOwners: [],
      });
    });

    it('sees nothing when its agency is unknown', () => {
      const world = worldOf([agencyProfile('wa-kent-pd', sharesNationally)]);

      const decision = decideVisibility(world, 'wa-ghost-pd', 'stolen_vehicle', 'national');

      expect(decision.searcherActive).toBe(false);
      expect(decision.visibleOwners).toEqual([]);
    });
  });

  describe('condition 1: the owner is active', () => {
    it.each(['suspended', 'revoked'] as const)("hides a %s owner's reads from others without reporting them withheld", (status) => {
      const world = worldOf([
        agencyProfile('wa-auburn-pd', sharesNationally),
        agencyProfile('wa-kent-pd', { status, sharing: { nationalLookup: true, allowAgencies: ['wa-auburn-pd'] } }),
      ]);

      const decision = decideVisibility(world, 'wa-auburn-pd', 'stolen_vehicle', 'national');

      expect(visibleIds(decision)).toEqual(['wa-auburn-pd']);
      expect(decision.withheldOwners).toEqual([]);
    });
  });

  describe('condition 2: the owner has not denied the searcher', () => {
    it('withholds reads from a denied agency even when the owner also allows it directly', () => {
      const world = worldOf([
        agencyProfile('wa-auburn-pd', sharesNationally),
        agencyProfile('wa-kent-pd', {
          sharing: { nationalLookup: true, allowAgencies: ['wa-auburn-pd'], denyAgencies: ['wa-auburn-pd'] },
        }),
      ]);

      const decision = decideVisibility(world, 'wa-auburn-pd', 'stolen_vehicle', 'national');

      expect(visibleIds(decision)).toEqual(['wa-auburn-pd']);
      expect(decision.withheldOwners).toEqual([{ agencyId: 'wa-kent-pd', reasons: ['SHARING.DENIED_AGENCY'] }]);
    });
  });

  describe("condition 3: the searcher's category is not denied", () => {
    it("withholds reads from a category on the owner's deny list, even one it allows directly", () => {
      const world = worldOf([
        agencyProfile('us-fbi-seattle', { category: 'federal' }),
        agencyProfile('wa-kent-pd', { sharing: { allowAgencies: ['us-fbi-seattle'], denyCategories: ['federal'] } }),
      ]);

      const decision = decideVisibility(world, 'us-fbi-seattle', 'wanted_person', 'national');

      expect(visibleIds(decision)).toEqual(['us-fbi-seattle']);
      expect(decision.withheldOwners).toEqual([{ agencyId: 'wa-kent-pd', reasons: ['SHARING.DENIED_CATEGORY'] }]);
    });

    it("withholds reads from a category the owner's jurisdiction denies, though the owner does not", () => {
      const world = worldOf(
        [
          agencyProfile('us-fbi-sacramento', { state: 'CA', category: 'federal', ...sharesNationally }),
          agencyProfile('ca-fresno-pd', { state: 'CA', ...sharesNationally }),
        ],
        [jurisdictionRule('CA', { denyCategories: ['federal'] })],
      );

      const decision = decideVisibility(world, 'us-fbi-sacramento', 'wanted_person', 'national');

      expect(visibleIds(decision)).toEqual(['us-fbi-sacramento']);
      expect(decision.withheldOwners).toEqual([{ agencyId: 'ca-fresno-pd', reasons: ['SHARING.DENIED_CATEGORY'] }]);
    });

    it('still shares with categories that are not denied', () => {
      const world = worldOf([
        agencyProfile('wa-king-county-so', { category: 'sheriff', ...sharesNationally }),
        agencyProfile('wa-kent-pd', { sharing: { nationalLookup: true, denyCategories: ['federal'] } }),
      ]);

      expect(visibleIds(decideVisibility(world, 'wa-king-county-so', 'wanted_person', 'national'))).toEqual([
        'wa-kent-pd',
        'wa-king-county-so',
      ]);
    });
  });

  describe('condition 4: the purpose is not denied', () => {
    const world = worldOf(
      [
        agencyProfile('or-portland-pd', { state: 'OR', ...sharesNationally }),
        agencyProfile('or-salem-pd', { state: 'OR', sharing: { nationalLookup: true, deniedPurposes: ['traffic_enforcement'] } }),
        agencyProfile('or-eugene-pd', { state: 'OR', ...sharesNationally }),
      ],
      [jurisdictionRule('OR', { deniedPurposes: ['reproductive_health'] })],
    );

    it("withholds reads for a purpose the owner denies, and only for that purpose", () => {
      const denied = decideVisibility(world, 'or-portland-pd', 'traffic_enforcement', 'national');
      const allowed = decideVisibility(world, 'or-portland-pd', 'stolen_vehicle', 'national');

      expect(visibleIds(denied)).toEqual(['or-eugene-pd', 'or-portland-pd']);
      expect(denied.withheldOwners).toEqual([{ agencyId: 'or-salem-pd', reasons: ['SHARING.DENIED_PURPOSE'] }]);
      expect(visibleIds(allowed)).toEqual(['or-eugene-pd', 'or-portland-pd', 'or-salem-pd']);
    });

    it("withholds every owner's reads for a purpose their jurisdiction denies, but not the searcher's own", () => {
      const decision = decideVisibility(world, 'or-portland-pd', 'reproductive_health', 'national');

      expect(visibleIds(decision)).toEqual(['or-portland-pd']);
      expect(decision.withheldOwners).toEqual([
        { agencyId: 'or-eugene-pd', reasons: ['SHARING.DENIED_PURPOSE'] },
        { agencyId: 'or-salem-pd', reasons: ['SHARING.DENIED_PURPOSE'] },
      ]);
    });
  });

  describe('condition 5: out-of-state searchers when the jurisdiction forbids them', () => {
    const world = worldOf(
      [
        agencyProfile('ca-fresno-pd', { state: 'CA', ...sharesNationally }),
        agencyProfile('ca-oakland-pd', { state: 'CA', ...sharesNationally }),
        agencyProfile('or-portland-pd', { state: 'OR', ...sharesNationally }),
      ],
      [jurisdictionRule('CA', { denyOutOfState: true })],
    );

    it("withholds the state's reads from an out-of-state searcher", () => {
      const decision = decideVisibility(world, 'or-portland-pd', 'stolen_vehicle', 'national');

      expect(visibleIds(decision)).toEqual(['or-portland-pd']);
      expect(decision.withheldOwners).toEqual([
        { agencyId: 'ca-fresno-pd', reasons: ['SHARING.OUT_OF_STATE'] },
        { agencyId: 'ca-oakland-pd', reasons: ['SHARING.OUT_OF_STATE'] },
      ]);
    });

    it("keeps sharing with in-state searchers, who still read other states' data", () => {
      expect(visibleIds(decideVisibility(world, 'ca-fresno-pd', 'stolen_vehicle', 'national'))).toEqual([
        'ca-fresno-pd',
        'ca-oakland-pd',
        'or-portland-pd',
      ]);
    });
  });

  describe('condition 6: a sharing rule admits the searcher', () => {
    it('shares directly with a named agency in any state, one way only', () => {
      const world = worldOf([
        agencyProfile('wa-kent-pd', { sharing: { allowAgencies: ['or-portland-pd'] } }),
        agencyProfile('or-portland-pd', { state: 'OR' }),
      ]);

      expect(decideVisibility(world, 'or-portland-pd', 'stolen_vehicle', 'national').visibleOwners).toContainEqual({
        agencyId: 'wa-kent-pd',
        rule: 'direct',
        retentionDays: 30,
      });
      expect(visibleIds(decideVisibility(world, 'wa-kent-pd', 'stolen_vehicle', 'national'))).toEqual(['wa-kent-pd']);
    });

    it('shares statewide only between same-state agencies that both share statewide', () => {
      const world = worldOf([
        agencyProfile('wa-kent-pd', { sharing: { statewide: true } }),
        agencyProfile('wa-renton-pd', { sharing: { statewide: true } }),
        agencyProfile('wa-tukwila-pd', { sharing: { statewide: false } }),
        agencyProfile('or-portland-pd', { state: 'OR', sharing: { statewide: true } }),
      ]);

      expect(decideVisibility(world, 'wa-renton-pd', 'stolen_vehicle', 'national').visibleOwners).toEqual([
        { agencyId: 'wa-kent-pd', rule: 'statewide', retentionDays: 30 },
        { agencyId: 'wa-renton-pd', rule: 'own', retentionDays: 30 },
      ]);
      expect(visibleIds(decideVisibility(world, 'wa-tukwila-pd', 'stolen_vehicle', 'national'))).toEqual([
        'wa-tukwila-pd',
      ]);
      expect(visibleIds(decideVisibility(world, 'or-portland-pd', 'stolen_vehicle', 'national'))).toEqual([
        'or-portland-pd',
      ]);
    });

    it('shares nationally only between agencies that both have national lookup on', () => {
      const world = worldOf([
        agencyProfile('wa-kent-pd', sharesNationally),
        agencyProfile('or-portland-pd', { state: 'OR', ...sharesNationally }),
        agencyProfile('ca-fresno-pd', { state: 'CA' }),
      ]);

      expect(decideVisibility(world, 'or-portland-pd', 'stolen_vehicle', 'national').visibleOwners).toEqual([
        { agencyId: 'or-portland-pd', rule: 'own', retentionDays: 30 },
        { agencyId: 'wa-kent-pd', rule: 'national', retentionDays: 30 },
      ]);
      expect(visibleIds(decideVisibility(world, 'ca-fresno-pd', 'stolen_vehicle', 'national'))).toEqual([
        'ca-fresno-pd',
      ]);
    });

    it('neither shows nor reports as withheld an owner no rule admits, even one that denies the searcher', () => {
      const world = worldOf([
        agencyProfile('wa-kent-pd', { sharing: { denyAgencies: ['wa-renton-pd'] } }),
        agencyProfile('wa-renton-pd'),
      ]);

      expect(decideVisibility(world, 'wa-renton-pd', 'stolen_vehicle', 'national')).toMatchObject({
        visibleOwners: [{ agencyId: 'wa-renton-pd' }],
        withheldOwners: [],
      });
    });

    it('names the first rule that admits the searcher: direct, then statewide, then national', () => {
      const everyRule = { statewide: true, nationalLookup: true };
      const world = worldOf([
        agencyProfile('wa-renton-pd', { sharing: everyRule }),
        agencyProfile('wa-kent-pd', { sharing: { ...everyRule, allowAgencies: ['wa-renton-pd'] } }),
        agencyProfile('wa-tukwila-pd', { sharing: everyRule }),
        agencyProfile('or-portland-pd', { state: 'OR', sharing: everyRule }),
      ]);

      expect(decideVisibility(world, 'wa-renton-pd', 'stolen_vehicle', 'national').visibleOwners).toEqual([
        { agencyId: 'or-portland-pd', rule: 'national', retentionDays: 30 },
        { agencyId: 'wa-kent-pd', rule: 'direct', retentionDays: 30 },
        { agencyId: 'wa-renton-pd', rule: 'own', retentionDays: 30 },
        { agencyId: 'wa-tukwila-pd', rule: 'statewide', retentionDays: 30 },
      ]);
    });
  });

  describe('scope', () => {
    const world = worldOf(
      [
        agencyProfile('wa-renton-pd', sharesNationally),
        agencyProfile('wa-kent-pd', { sharing: { nationalLookup: true, deniedPurposes: ['other'] } }),
        agencyProfile('wa-tukwila-pd', sharesNationally),
        agencyProfile('or-portland-pd', { state: 'OR', sharing: { nationalLookup: true, deniedPurposes: ['other'] } }),
        agencyProfile('or-salem-pd', { state: 'OR', ...sharesNationally }),
      ],
    );

    it('local shows only the searcher\'s own reads and withholds nothing', () => {
      expect(decideVisibility(world, 'wa-renton-pd', 'other', 'local')).toMatchObject({
        visibleOwners: [{ agencyId: 'wa-renton-pd' }],
        withheldOwners: [],
      });
    });

    it('statewide shows and withholds only owners in the searcher\'s state', () => {
      const decision = decideVisibility(world, 'wa-renton-pd', 'other', 'statewide');

      expect(visibleIds(decision)).toEqual(['wa-renton-pd', 'wa-tukwila-pd']);
      expect(decision.withheldOwners).toEqual([{ agencyId: 'wa-kent-pd', reasons: ['SHARING.DENIED_PURPOSE'] }]);
    });

    it('national shows and withholds owners in every state', () => {
      const decision = decideVisibility(world, 'wa-renton-pd', 'other', 'national');

      expect(visibleIds(decision)).toEqual(['or-salem-pd', 'wa-renton-pd', 'wa-tukwila-pd']);
      expect(decision.withheldOwners).toEqual([
        { agencyId: 'or-portland-pd', reasons: ['SHARING.DENIED_PURPOSE'] },
        { agencyId: 'wa-kent-pd', reasons: ['SHARING.DENIED_PURPOSE'] },
      ]);
    });
  });

  describe('withheld owners', () => {
    it('lists every deny condition that failed, in condition order', () => {
      const world = worldOf(
        [
          agencyProfile('us-ice-portland', { state: 'OR', category: 'federal_immigration', ...sharesNationally }),
          agencyProfile('ca-oakland-pd', {
            state: 'CA',
            sharing: { nationalLookup: true, denyAgencies: ['us-ice-portland'], deniedPurposes: ['immigration_enforcement'] },
          }),
        ],
        [CALIFORNIA_SB34],
      );

      expect(decideVisibility(world, 'us-ice-portland', 'immigration_enforcement', 'national').withheldOwners).toEqual([
        {
          agencyId: 'ca-oakland-pd',
          reasons: ['SHARING.DENIED_AGENCY', 'SHARING.DENIED_CATEGORY', 'SHARING.DENIED_PURPOSE', 'SHARING.OUT_OF_STATE'],
        },
      ]);
    });
  });

  describe('retention', () => {
    it("caps every owner's retention, the searcher's own included, at its jurisdiction's maximum", () => {
      const world = worldOf(
        [
          agencyProfile('wa-kent-pd', { retentionDays: 30, ...sharesNationally }),
          agencyProfile('wa-renton-pd', { retentionDays: 7, ...sharesNationally }),
          agencyProfile('or-portland-pd', { state: 'OR', retentionDays: 30, ...sharesNationally }),
        ],
        [WASHINGTON_2026],
      );

      expect(decideVisibility(world, 'wa-kent-pd', 'stolen_vehicle', 'national').visibleOwners).toEqual([
        { agencyId: 'or-portland-pd', rule: 'national', retentionDays: 30 },
        { agencyId: 'wa-kent-pd', rule: 'own', retentionDays: 21 },
        { agencyId: 'wa-renton-pd', rule: 'national', retentionDays: 7 },
      ]);
    });
  });

  describe("California's SB 34", () => {
    const world = worldOf(
      [
        agencyProfile('ca-fresno-pd', { state: 'CA', ...sharesNationally }),
        agencyProfile('ca-oakland-pd', { state: 'CA', ...sharesNationally }),
        agencyProfile('us-fbi-sacramento', { state: 'CA', category: 'federal', ...sharesNationally }),
        agencyProfile('or-portland-pd', { state: 'OR', ...sharesNationally }),
      ],
      [CALIFORNIA_SB34],
    );

    it('shares California reads with California police', () => {
      expect(visibleIds(decideVisibility(world, 'ca-oakland-pd', 'stolen_vehicle', 'national'))).toEqual([
        'ca-fresno-pd',
        'ca-oakland-pd',
        'or-portland-pd',
        'us-fbi-sacramento',
      ]);
    });

    it('withholds California reads from a federal agency inside California', () => {
      const decision = decideVisibility(world, 'us-fbi-sacramento', 'stolen_vehicle', 'national');

      expect(visibleIds(decision)).toEqual(['or-portland-pd', 'us-fbi-sacramento']);
      expect(decision.withheldOwners).toEqual([
        { agencyId: 'ca-fresno-pd', reasons: ['SHARING.DENIED_CATEGORY'] },
        { agencyId: 'ca-oakland-pd', reasons: ['SHARING.DENIED_CATEGORY'] },
      ]);
    });

    it('withholds California reads, a federal office\'s own included, from Oregon police', () => {
      expect(decideVisibility(world, 'or-portland-pd', 'stolen_vehicle', 'national').withheldOwners).toEqual([
        { agencyId: 'ca-fresno-pd', reasons: ['SHARING.OUT_OF_STATE'] },
        { agencyId: 'ca-oakland-pd', reasons: ['SHARING.OUT_OF_STATE'] },
        { agencyId: 'us-fbi-sacramento', reasons: ['SHARING.OUT_OF_STATE'] },
      ]);
    });
  });

  describe('the Auburn story', () => {
    const auburn = agencyProfile('wa-auburn-pd', { name: 'Auburn Police Department', ...sharesNationally });
    const mukilteo = agencyProfile('wa-mukilteo-pd', { name: 'Mukilteo Police Department', ...sharesNationally });
    const borderPatrol = agencyProfile('us-cbp-blaine', {
      name: 'U.S. Border Patrol, Blaine Sector',
      category: 'federal_immigration',
      ...sharesNationally,
    });
    const portland = agencyProfile('or-portland-pd', { state: 'OR', ...sharesNationally });

    it("Border Patrol sees Auburn's reads through national lookup", () => {
      const world = worldOf([auburn, mukilteo, borderPatrol, portland]);

      expect(decideVisibility(world, 'us-cbp-blaine', 'criminal_investigation', 'national').visibleOwners).toContainEqual({
        agencyId: 'wa-auburn-pd',
        rule: 'national',
        retentionDays: 30,
      });
    });

    it("withholds Auburn's reads from Border Patrol once Auburn turns national lookup off", () => {
      const auburnNationalOff = { ...auburn, sharing: { ...auburn.sharing, nationalLookup: false } };
      const world = worldOf([auburnNationalOff, mukilteo, borderPatrol, portland]);

      const decision = decideVisibility(world, 'us-cbp-blaine', 'criminal_investigation', 'national');

      expect(visibleIds(decision)).toEqual(['or-portland-pd', 'us-cbp-blaine', 'wa-mukilteo-pd']);
      expect(decision.withheldOwners).toEqual([]);
    });

    it("withholds Mukilteo's reads from Border Patrol as a denied category once Mukilteo denies federal_immigration", () => {
      const mukilteoDeniesImmigration = {
        ...mukilteo,
        sharing: { ...mukilteo.sharing, denyCategories: ['federal_immigration' as const] },
      };
      const world = worldOf([auburn, mukilteoDeniesImmigration, borderPatrol, portland]);

      const borderPatrolSearch = decideVisibility(world, 'us-cbp-blaine', 'criminal_investigation', 'national');

      expect(visibleIds(borderPatrolSearch)).toEqual(['or-portland-pd', 'us-cbp-blaine', 'wa-auburn-pd']);
      expect(borderPatrolSearch.withheldOwners).toEqual([
        { agencyId: 'wa-mukilteo-pd', reasons: ['SHARING.DENIED_CATEGORY'] },
      ]);
      expect(visibleIds(decideVisibility(world, 'or-portland-pd', 'criminal_investigation', 'national'))).toContain(
        'wa-mukilteo-pd',
      );
    });

    it("withholds every Washington owner's reads from an immigration_enforcement search under Washington's 2026 law", () => {
      const world = worldOf([auburn, mukilteo, borderPatrol, portland], [WASHINGTON_2026]);

      const decision = decideVisibility(world, 'us-cbp-blaine', 'immigration_enforcement', 'national');

      expect(decision.visibleOwners).toEqual([
        { agencyId: 'or-portland-pd', rule: 'national', retentionDays: 30 },
        { agencyId: 'us-cbp-blaine', rule: 'own', retentionDays: 21 },
      ]);
      expect(decision.withheldOwners).toEqual([
        { agencyId: 'wa-auburn-pd', reasons: ['SHARING.DENIED_PURPOSE'] },
        { agencyId: 'wa-mukilteo-pd', reasons: ['SHARING.DENIED_PURPOSE'] },
      ]);
    });
  });
});
