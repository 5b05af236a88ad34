import { EntityManager } from 'typeorm';
import { AgencyProfile, DEFAULT_SHARING_POLICY, SharingPolicy } from '@platekeeper/sharing';
import { AGENCY_COLUMNS, agencyProfileFromRow } from '@platekeeper/persistence';
import { DomainError } from '../errors/domain-error';
import { distinct } from './administration-fields';

export type SqlRunner = Pick<EntityManager, 'query'>;

/** A whole policy from a partial one: lists copied and de-duplicated, so the stored jsonb is always complete. */
export function completeSharingPolicy(policy: Partial<SharingPolicy>): SharingPolicy {
  const whole = { ...DEFAULT_SHARING_POLICY, ...policy };
  return {
    statewide: whole.statewide,
    nationalLookup: whole.nationalLookup,
    allowAgencies: distinct(whole.allowAgencies),
    denyAgencies: distinct(whole.denyAgencies),
    denyCategories: distinct(whole.denyCategories),
    deniedPurposes: distinct(whole.deniedPurposes),
  };
}

/** The agency as stored; `forUpdate` row-locks it until the caller's transaction ends. */
export async function findAgency(sql: SqlRunner, agencyId: string, options: { forUpdate?: boolean } = {}): Promise<AgencyProfile | undefined> {
  const [row] = await sql.query(
    `SELECT ${AGENCY_COLUMNS} FROM agencies WHERE id = $1${options.forUpdate ? ' FOR UPDATE' : ''}`,
    [agencyId],
  );
  return row === undefined ? undefined : { ...agencyProfileFromRow(row), sharing: completeSharingPolicy(row.sharing ?? {}) };
}

export async function requireAgency(sql: SqlRunner, agencyId: string, options: { forUpdate?: boolean } = {}): Promise<AgencyProfile> {
  const agency = await findAgency(sql, agencyId, options);
  if (agency === undefined) throw new DomainError('AGENCY.NOT_FOUND', `agency ${agencyId} does not exist`);
  return agency;
}
