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

/** Offense levels a search can state, least serious first: a rule's minimum admits its level and every later one. */
export const OFFENSE_LEVELS = ['infraction', 'misdemeanor', 'gross_misdemeanor', 'felony'] as const;
export type OffenseLevel = (typeof OFFENSE_LEVELS)[number];

/** Searchers a declaration rule names: agencies of another state than the owner's, or of a federal category. */
export const DECLARATION_SEARCHERS = ['out_of_state', 'federal'] as const;
export type DeclarationSearcher = (typeof DECLARATION_SEARCHERS)[number];
export const FEDERAL_CATEGORIES: readonly AgencyCategory[] = ['federal', 'federal_immigration'];

/**
 * Legal-basis rules (docs/legal-basis.md). A jurisdiction rule and an owner's policy may each set them; the
 * stricter of the two applies, so an owner can tighten its state's rules and never loosen them. Absent = no limit.
 */
export interface LegalBasisRules {
  /** reads older than this many hours are visible only to a search that states a legal reference (warrant, court order) */
  legalReferenceAfterHours?: number | null;
  /** per purpose, the least serious offense level a search must state to see reads */
  minimumOffenseLevels?: Partial<Record<SearchPurpose, OffenseLevel>>;
  /** these searchers see reads only while a declaration of theirs, covering the purpose, is on file with the owner */
  declarationRequiredFor?: DeclarationSearcher[];
}

export interface SharingPolicy extends LegalBasisRules {
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
  /** IANA time zone of the agency's local time (oversight's after-hours window); no part of the sharing rule. Stored default: UTC */
  timeZone?: string;
}

export interface JurisdictionRule extends LegalBasisRules {
  state: string;
  denyOutOfState: boolean;
  denyCategories: AgencyCategory[];
  deniedPurposes: SearchPurpose[];
  maxRetentionDays: number | null;
}

/** A searcher agency's signed declaration on file with an owner (Illinois-style); revoked ones are not in the world. */
export interface SearcherDeclaration {
  id: string;
  ownerAgencyId: string;
  searcherAgencyId: string;
  /** the purposes the declaration covers */
  purposes: SearchPurpose[];
  /** ISO instant; the declaration counts for a search that starts before it */
  expiresAt: string;
}

/** Everything a visibility decision depends on: agencies by id, jurisdiction rules by state code, declarations by owner. */
export interface SharingWorld {
  agencies: ReadonlyMap<string, AgencyProfile>;
  jurisdictions: ReadonlyMap<string, JurisdictionRule>;
  declarations?: ReadonlyMap<string, readonly SearcherDeclaration[]>;
}

/**
 * What a search states about its legal basis, and when it starts. A decision made without one applies every
 * legal-basis rule as if nothing was stated (fail closed): no offense level, no legal reference, no declaration.
 */
export interface SearchBasis {
  offenseLevel?: OffenseLevel;
  /** whether the search states a legal reference (warrant or court order number) */
  legalReference?: boolean;
  at: Date;
}

export type ShareRule = 'own' | 'direct' | 'statewide' | 'national';
export type DenyReason =
  | 'SHARING.DENIED_AGENCY'
  | 'SHARING.DENIED_CATEGORY'
  | 'SHARING.DENIED_PURPOSE'
  | 'SHARING.OUT_OF_STATE'
  | 'SHARING.OFFENSE_LEVEL'
  | 'SHARING.NO_DECLARATION';

export function sharingWorldOf(
  agencies: Iterable<AgencyProfile>,
  jurisdictions: Iterable<JurisdictionRule>,
  declarations: Iterable<SearcherDeclaration> = [],
): SharingWorld {
  const declarationsByOwner = new Map<string, SearcherDeclaration[]>();
  for (const declaration of declarations) {
    const filed = declarationsByOwner.get(declaration.ownerAgencyId);
    if (filed === undefined) declarationsByOwner.set(declaration.ownerAgencyId, [declaration]);
    else filed.push(declaration);
  }
  return {
    agencies: new Map([...agencies].map((agency) => [agency.id, agency])),
    jurisdictions: new Map([...jurisdictions].map((rule) => [rule.state, rule])),
    declarations: declarationsByOwner,
  };
}

export function effectiveRetentionDays(
  owner: Pick<AgencyProfile, 'retentionDays'>,
  rule: Pick<JurisdictionRule, 'maxRetentionDays'> | undefined,
): number {
  const stateCap = rule?.maxRetentionDays;
  return stateCap === null || stateCap === undefined ? owner.retentionDays : Math.min(owner.retentionDays, stateCap);
}
