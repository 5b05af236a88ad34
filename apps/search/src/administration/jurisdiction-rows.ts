import { JurisdictionRule } from '@platekeeper/sharing';
import { SqlRunner } from './agency-rows';

/** What a state without a rule imposes: nothing beyond each owner's own policy. */
export function noExtraLimits(state: string): JurisdictionRule {
  return { state, denyOutOfState: false, denyCategories: [], deniedPurposes: [], maxRetentionDays: null };
}

export async function findJurisdiction(sql: SqlRunner, state: string, options: { forUpdate?: boolean } = {}): Promise<JurisdictionRule | undefined> {
  const [row] = await sql.query(
    `SELECT state, deny_out_of_state, deny_categories, denied_purposes, max_retention_days FROM jurisdictions WHERE state = $1${
      options.forUpdate ? ' FOR UPDATE' : ''
    }`,
    [state],
  );
  if (row === undefined) return undefined;
  return {
    state: row.state,
    denyOutOfState: row.deny_out_of_state,
    denyCategories: row.deny_categories,
    deniedPurposes: row.denied_purposes,
    maxRetentionDays: row.max_retention_days,
  };
}
