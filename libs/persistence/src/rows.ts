import { AgencyProfile, DEFAULT_SHARING_POLICY, JurisdictionRule } from '@platekeeper/sharing';

export const AGENCY_COLUMNS = 'id, name, state, category, status, retention_days, sharing';
export const JURISDICTION_COLUMNS = 'state, deny_out_of_state, deny_categories, denied_purposes, max_retention_days';

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
  };
}

export function jurisdictionRuleFromRow(row: Record<string, any>): JurisdictionRule {
  return {
    state: row.state,
    denyOutOfState: row.deny_out_of_state,
    denyCategories: row.deny_categories,
    deniedPurposes: row.denied_purposes,
    maxRetentionDays: row.max_retention_days,
  };
}
