import {
  AgencyProfile,
  DEFAULT_SHARING_POLICY,
  JurisdictionRule,
  SharingPolicy,
  SharingWorld,
  sharingWorldOf,
} from './sharing-policy';

type AgencyOverrides = Partial<Omit<AgencyProfile, 'sharing'>> & { sharing?: Partial<SharingPolicy> };

export function agencyProfile(id: string, overrides: AgencyOverrides = {}): AgencyProfile {
  const { sharing, ...profile } = overrides;
  return {
    id,
    name: id,
    state: 'WA',
    category: 'local_police',
    status: 'active',
    retentionDays: 30,
    ...profile,
    sharing: { ...DEFAULT_SHARING_POLICY, ...sharing },
  };
}

export function jurisdictionRule(state: string, overrides: Partial<JurisdictionRule> = {}): JurisdictionRule {
  return { state, denyOutOfState: false, denyCategories: [], deniedPurposes: [], maxRetentionDays: null, ...overrides };
}

export function worldOf(agencies: AgencyProfile[], jurisdictions: JurisdictionRule[] = []): SharingWorld {
  return sharingWorldOf(agencies, jurisdictions);
}

/** California's SB 34: no out-of-state sharing, nothing for federal agencies. */
export const CALIFORNIA_SB34 = jurisdictionRule('CA', {
  denyOutOfState: true,
  denyCategories: ['federal', 'federal_immigration'],
});

/** Washington's 2026 law: 21-day retention cap, no immigration enforcement searches. */
export const WASHINGTON_2026 = jurisdictionRule('WA', {
  maxRetentionDays: 21,
  deniedPurposes: ['immigration_enforcement'],
});
