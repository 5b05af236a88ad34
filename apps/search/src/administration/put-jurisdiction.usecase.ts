import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { JurisdictionRule } from '@platekeeper/sharing';
import { AuditTrail } from '../audit/audit-trail.service';
import { AuthenticatedUser } from '../auth/authenticated-user';
import { distinct } from './administration-fields';
import { changeRecord } from './change-record';
import { PutJurisdictionDto } from './jurisdiction.dto';
import { findJurisdiction } from './jurisdiction-rows';

/** Replaces a state's rule, which every owner in the state is held to; recorded in the same transaction. */
@Injectable()
export class PutJurisdictionUseCase {
  constructor(
    private readonly dataSource: DataSource,
    private readonly auditTrail: AuditTrail,
  ) {}

  async execute(user: AuthenticatedUser, state: string, request: PutJurisdictionDto): Promise<JurisdictionRule> {
    const after: JurisdictionRule = {
      state,
      denyOutOfState: request.denyOutOfState ?? false,
      denyCategories: distinct(request.denyCategories ?? []),
      deniedPurposes: distinct(request.deniedPurposes ?? []),
      maxRetentionDays: request.maxRetentionDays ?? null,
    };
    return this.dataSource.transaction(async (manager) => {
      const before = await this.write(manager, after);
      await this.auditTrail.append(changeRecord(user, 'jurisdiction.put', { type: 'jurisdiction', id: state }, before, after), manager);
      return after;
    });
  }

  /** Writes the rule and answers the one it replaced (null if the state had none). */
  private async write(manager: EntityManager, after: JurisdictionRule): Promise<JurisdictionRule | null> {
    const values = [after.state, after.denyOutOfState, after.denyCategories, after.deniedPurposes, after.maxRetentionDays];
    // Two rounds at most: an insert can only lose to a concurrent insert of the same state, which the second round then updates.
    for (let round = 0; round < 2; round++) {
      const before = await findJurisdiction(manager, after.state, { forUpdate: true });
      if (before !== undefined) {
        await manager.query(
          `UPDATE jurisdictions SET deny_out_of_state = $2, deny_categories = $3, denied_purposes = $4, max_retention_days = $5,
           updated_at = now() WHERE state = $1`,
          values,
        );
        return before;
      }
      const inserted = await manager.query(
        `INSERT INTO jurisdictions (state, deny_out_of_state, deny_categories, denied_purposes, max_retention_days)
         VALUES ($1, $2, $3, $4, $5) ON CONFLICT (state) DO NOTHING RETURNING state`,
        values,
      );
      if (inserted.length > 0) return null;
    }
    throw new Error(`jurisdiction ${after.state} could not be written`);
  }
}
