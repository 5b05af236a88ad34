import fc from 'fast-check';
import { AGENCY_CATEGORIES, DECLARATION_SEARCHERS, DEFAULT_SHARING_POLICY, OFFENSE_LEVELS, SEARCH_PURPOSES, SharingPolicy, sharingWorldOf } from './sharing-policy';
import { applyPolicySteps, splitPolicyChange } from './policy-change';
import { effectiveAccess } from './effective-access';
import { AgencyProfile } from './sharing-policy';

const agencyIds = ['xa-one', 'xa-two', 'xb-three', 'xb-four'];
const policyArbitrary: fc.Arbitrary<SharingPolicy> = fc.record({
  statewide: fc.boolean(),
  nationalLookup: fc.boolean(),
  allowAgencies: fc.uniqueArray(fc.constantFrom(...agencyIds)),
  denyAgencies: fc.uniqueArray(fc.constantFrom(...agencyIds)),
  denyCategories: fc.uniqueArray(fc.constantFrom(...AGENCY_CATEGORIES)),
  deniedPurposes: fc.uniqueArray(fc.constantFrom(...SEARCH_PURPOSES)),
  legalReferenceAfterHours: fc.option(fc.constantFrom(24, 72, 504), { nil: undefined }),
  minimumOffenseLevels: fc.dictionary(fc.constantFrom(...SEARCH_PURPOSES), fc.constantFrom(...OFFENSE_LEVELS)),
  declarationRequiredFor: fc.uniqueArray(fc.constantFrom(...DECLARATION_SEARCHERS)),
}, { requiredKeys: ['statewide', 'nationalLookup', 'allowAgencies', 'denyAgencies', 'denyCategories', 'deniedPurposes'] });

const sorted = (policy: SharingPolicy) => ({
  ...policy,
  legalReferenceAfterHours: policy.legalReferenceAfterHours ?? null,
  minimumOffenseLevels: policy.minimumOffenseLevels ?? {},
  declarationRequiredFor: [...(policy.declarationRequiredFor ?? [])].sort(),
  allowAgencies: [...policy.allowAgencies].sort(),
  denyAgencies: [...policy.denyAgencies].sort(),
  denyCategories: [...policy.denyCategories].sort(),
  deniedPurposes: [...policy.deniedPurposes].sort(),
});

function grantees(owner: SharingPolicy): string[] {
  const searchers: AgencyProfile[] = agencyIds.map((id, index) => ({
    id, name: id, state: id.slice(0, 2).toUpperCase(), category: AGENCY_CATEGORIES[index], status: 'active', retentionDays: 30,
    sharing: { ...DEFAULT_SHARING_POLICY, statewide: true, nationalLookup: index % 2 === 0 },
  }));
  const world = sharingWorldOf([...searchers, { ...searchers[0], id: 'xa-owner', sharing: owner }], []);
  return effectiveAccess(world, 'xa-owner').grants.map((grant) => grant.agencyId);
}

describe('splitPolicyChange', () => {
  it('turning national lookup off is narrowing, turning it on is widening', () => {
    const on = { ...DEFAULT_SHARING_POLICY, nationalLookup: true };
    expect(splitPolicyChange(on, DEFAULT_SHARING_POLICY)).toEqual({ widening: [], narrowing: [{ field: 'nationalLookup', set: false }] });
    expect(splitPolicyChange(DEFAULT_SHARING_POLICY, on)).toEqual({ widening: [{ field: 'nationalLookup', set: true }], narrowing: [] });
  });

  it('an added direct share widens, an added deny narrows, a removed deny widens', () => {
    const before = { ...DEFAULT_SHARING_POLICY, denyCategories: ['federal' as const] };
    const after = { ...DEFAULT_SHARING_POLICY, allowAgencies: ['xa-two'], denyAgencies: ['xb-three'] };
    expect(splitPolicyChange(before, after)).toEqual({
      widening: [{ field: 'allowAgencies', add: 'xa-two' }, { field: 'denyCategories', remove: 'federal' }],
      narrowing: [{ field: 'denyAgencies', add: 'xb-three' }],
    });
  });

  it('a tighter warrant window, a higher offense level or a new declaration rule narrows; the reverse widens', () => {
    const strict: SharingPolicy = {
      ...DEFAULT_SHARING_POLICY, legalReferenceAfterHours: 72, minimumOffenseLevels: { criminal_investigation: 'felony' }, declarationRequiredFor: ['federal'],
    };
    const looser: SharingPolicy = { ...DEFAULT_SHARING_POLICY, legalReferenceAfterHours: 504, minimumOffenseLevels: { criminal_investigation: 'misdemeanor' } };
    expect(splitPolicyChange(looser, strict)).toEqual({
      widening: [],
      narrowing: [
        { field: 'declarationRequiredFor', add: 'federal' },
        { field: 'legalReferenceAfterHours', set: 72 },
        { field: 'minimumOffenseLevels', purpose: 'criminal_investigation', set: 'felony' },
      ],
    });
    expect(splitPolicyChange(strict, DEFAULT_SHARING_POLICY)).toEqual({
      widening: [
        { field: 'declarationRequiredFor', remove: 'federal' },
        { field: 'legalReferenceAfterHours', set: null },
        { field: 'minimumOffenseLevels', purpose: 'criminal_investigation', set: null },
      ],
      narrowing: [],
    });
  });

  it('applying both halves gives the new policy, and the narrowing half alone never grants anyone new', () => {
    fc.assert(fc.property(policyArbitrary, policyArbitrary, (before, after) => {
      const { widening, narrowing } = splitPolicyChange(before, after);
      expect(sorted(applyPolicySteps(before, [...narrowing, ...widening]))).toEqual(sorted(after));
      const narrowed = grantees(applyPolicySteps(before, narrowing));
      const was = new Set(grantees(before));
      expect(narrowed.filter((id) => !was.has(id))).toEqual([]);
      const widened = new Set(grantees(applyPolicySteps(before, widening)));
      expect([...was].filter((id) => !widened.has(id))).toEqual([]);
    }), { numRuns: 300 });
  });
});
