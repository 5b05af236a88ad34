import { JurisdictionRule } from '@platekeeper/sharing';

/** What a state without a rule imposes: nothing beyond each owner's own policy. */
export function noExtraLimits(state: string): JurisdictionRule {
  return { state, denyOutOfState: false, denyCategories: [], deniedPurposes: [], maxRetentionDays: null };
}
