import { DataSource } from 'typeorm';
import { JurisdictionRule } from '@platekeeper/sharing';
import { JURISDICTION_COLUMNS, jurisdictionRuleFromRow } from './rows';
import { SqlRunner, Transaction } from './sql';

/** The `jurisdictions` table: one rule per state, at most. */
export class JurisdictionStore {
  constructor(private readonly dataSource: DataSource) {}

  find(state: string): Promise<JurisdictionRule | undefined> {
    return findRule(this.dataSource, state, '');
  }

  /** The state's rule as stored, row-locked until `tx` ends. */
  findForUpdate(tx: Transaction, state: string): Promise<JurisdictionRule | undefined> {
    return findRule(tx, state, ' FOR UPDATE');
  }

  async update(tx: Transaction, rule: JurisdictionRule): Promise<void> {
    await tx.query(
      `UPDATE jurisdictions SET deny_out_of_state = $2, deny_categories = $3, denied_purposes = $4, max_retention_days = $5,
       legal_reference_after_hours = $6, minimum_offense_levels = $7, declaration_required_for = $8, updated_at = now() WHERE state = $1`,
      ruleValues(rule),
    );
  }

  /** Inserts the rule; false (and nothing written) when the state has one already. */
  async insert(tx: Transaction, rule: JurisdictionRule): Promise<boolean> {
    const inserted = await tx.query(
      `INSERT INTO jurisdictions (state, deny_out_of_state, deny_categories, denied_purposes, max_retention_days,
         legal_reference_after_hours, minimum_offense_levels, declaration_required_for)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (state) DO NOTHING RETURNING state`,
      ruleValues(rule),
    );
    return inserted.length > 0;
  }
}

async function findRule(sql: SqlRunner, state: string, lock: '' | ' FOR UPDATE'): Promise<JurisdictionRule | undefined> {
  const [row] = await sql.query(`SELECT ${JURISDICTION_COLUMNS} FROM jurisdictions WHERE state = $1${lock}`, [state]);
  return row === undefined ? undefined : jurisdictionRuleFromRow(row);
}

function ruleValues(rule: JurisdictionRule): unknown[] {
  return [
    rule.state, rule.denyOutOfState, rule.denyCategories, rule.deniedPurposes, rule.maxRetentionDays,
    rule.legalReferenceAfterHours ?? null, JSON.stringify(rule.minimumOffenseLevels ?? {}), rule.declarationRequiredFor ?? [],
  ];
}
