import { JurisdictionRule } from '@platekeeper/sharing';
import { JURISDICTION_COLUMNS, jurisdictionRuleFromRow } from '@platekeeper/persistence';
import { SqlRunner } from './agency-rows';

/** What a state without a rule imposes: nothing beyond each owner's own policy. */
export function noExtraLimits(state: string): JurisdictionRule {
  return { state, denyOutOfState: false, denyCategories: [], deniedPurposes: [], maxRetentionDays: null };
}

export async function findJurisdiction(sql: SqlRunner, state: string, options: { forUpdate?: boolean } = {}): Promise<JurisdictionRule | undefined> {
  const [row] = await sql.query(
    `SELECT ${JURISDICTION_COLUMNS} FROM jurisdictions WHERE state = $1${
      options.forUpdate ? ' FOR UPDATE' : ''
    }`,
    [state],
  );
  return row === undefined ? undefined : jurisdictionRuleFromRow(row);
}
