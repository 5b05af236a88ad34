export const AGENCY_CATEGORIES = [
  'local_police',
  'sheriff',
  'state_police',
  'federal',
  'federal_immigration',
  'private',
  'other',
] as const;
export type AgencyCategory = (typeof AGENCY_CATEGORIES)[number];

export const AGENCY_STATUSES = ['active', 'suspended', 'revoked'] as const;
export type AgencyStatus = (typeof AGENCY_STATUSES)[number];

export const SEARCH_PURPOSES = [
  'criminal_investigation',
  'stolen_vehicle',
  'missing_person',
  'amber_alert',
  'wanted_person',
  'traffic_enforcement',
  'immigration_enforcement',
  'reproductive_health',
  'other',
] as const;
export type SearchPurpose = (typeof SEARCH_PURPOSES)[number];

export const SEARCH_SCOPES = ['local', 'statewide', 'national'] as const;
export type SearchScope = (typeof SEARCH_SCOPES)[number];

export interface SharingPolicy {
  statewide: boolean;
  nationalLookup: boolean;
  allowAgencies: string[];
  denyAgencies: string[];
  denyCategories: AgencyCategory[];
  deniedPurposes: SearchPurpose[];
}

// Frozen down to the lists, so spreading the default can never leak a push into every agency's policy.
export const DEFAULT_SHARING_POLICY: SharingPolicy = Object.freeze({
  statewide: false,
  nationalLookup: false,
  allowAgencies: Object.freeze([]) as unknown as string[],
  denyAgencies: Object.freeze([]) as unknown as string[],
  denyCategories: Object.freeze([]) as unknown as AgencyCategory[],
  deniedPurposes: Object.freeze([]) as unknown as SearchPurpose[],
});

export interface AgencyProfile {
  id: string;
  name: string;
  state: string;
  category: AgencyCategory;
  status: AgencyStatus;
  retentionDays: number;
  sharing: SharingPolicy;
}

export interface JurisdictionRule {
  state: string;
  denyOutOfState: boolean;
  denyCategories: AgencyCategory[];
  deniedPurposes: SearchPurpose[];
  maxRetentionDays: number | null;
}

/** Everything a visibility decision depends on: agencies by id, jurisdiction rules by state code. */
export interface SharingWorld {
  agencies: ReadonlyMap<string, AgencyProfile>;
  jurisdictions: ReadonlyMap<string, JurisdictionRule>;
}

export type ShareRule = 'own' | 'direct' | 'statewide' | 'national';
export type DenyReason =
  | 'SHARING.DENIED_AGENCY'
  | 'SHARING.DENIED_CATEGORY'
  | 'SHARING.DENIED_PURPOSE'
  | 'SHARING.OUT_OF_STATE';

export function sharingWorldOf(
  agencies: Iterable<AgencyProfile>,
  jurisdictions: Iterable<JurisdictionRule>,
): SharingWorld {
  return {
    agencies: new Map([...agencies].map((agency) => [agency.id, agency])),
    jurisdictions: new Map([...jurisdictions].map((rule) => [rule.state, rule])),
  };
}

export function effectiveRetentionDays(
  owner: Pick<AgencyProfile, 'retentionDays'>,
  rule: Pick<JurisdictionRule, 'maxRetentionDays'> | undefined,
): number {
  const stateCap = rule?.maxRetentionDays;
  return stateCap === null || stateCap === undefined ? owner.retentionDays : Math.min(owner.retentionDays, stateCap);
}
