import { AgencyProfile, DEFAULT_SHARING_POLICY, JurisdictionRule, SearcherDeclaration } from '@platekeeper/sharing';

export const AGENCY_COLUMNS = 'id, name, state, category, status, retention_days, sharing, time_zone';
export const JURISDICTION_COLUMNS =
  'state, deny_out_of_state, deny_categories, denied_purposes, max_retention_days, legal_reference_after_hours, minimum_offense_levels, declaration_required_for';

/** One mapping from stored rows to the sharing rule's types, for every reader of agencies and rules. */
export function agencyProfileFromRow(row: Record<string, any>): AgencyProfile {
  return {
    id: row.id,
    name: row.name,
    state: row.state,
    category: row.category,
    status: row.status,
    retentionDays: row.retention_days,
    sharing: { ...DEFAULT_SHARING_POLICY, ...(row.sharing ?? {}) },
    timeZone: row.time_zone ?? 'UTC',
  };
}

export function jurisdictionRuleFromRow(row: Record<string, any>): JurisdictionRule {
  return {
    state: row.state,
    denyOutOfState: row.deny_out_of_state,
    denyCategories: row.deny_categories,
    deniedPurposes: row.denied_purposes,
    maxRetentionDays: row.max_retention_days,
    // Legal-basis fields appear only where set: a rule without them reads as it always did.
    ...(row.legal_reference_after_hours !== null && row.legal_reference_after_hours !== undefined && { legalReferenceAfterHours: row.legal_reference_after_hours }),
    ...(row.minimum_offense_levels && Object.keys(row.minimum_offense_levels).length > 0 && { minimumOffenseLevels: row.minimum_offense_levels }),
    ...(row.declaration_required_for?.length > 0 && { declarationRequiredFor: row.declaration_required_for }),
  };
}

export const DECLARATION_COLUMNS =
  'id, owner_agency_id, searcher_agency_id, document_ref, signer, purposes, expires_at, filed_by, filed_at, revoked_at, revoked_by';

export function searcherDeclarationFromRow(row: Record<string, any>): SearcherDeclaration {
  return {
    id: row.id,
    ownerAgencyId: row.owner_agency_id,
    searcherAgencyId: row.searcher_agency_id,
    purposes: row.purposes,
    expiresAt: new Date(row.expires_at).toISOString(),
  };
}
