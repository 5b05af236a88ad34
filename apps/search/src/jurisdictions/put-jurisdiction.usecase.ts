import { Injectable } from '@nestjs/common';
import { Database, JurisdictionStore, Transaction } from '@platekeeper/persistence';
import { JurisdictionRule } from '@platekeeper/sharing';
import { AuditTrail } from '../audit/audit-trail.service';
import { AuthenticatedUser } from '../auth/authenticated-user';
import { distinct } from '../validation/administration-fields';
import { changeRecord } from '../audit/change-record';
import { PutJurisdictionDto } from './jurisdiction.dto';
import { settingLegalBasis } from '../validation/legal-basis-fields';

/** Replaces a state's rule, which every owner in the state is held to; recorded in the same transaction. */
@Injectable()
export class PutJurisdictionUseCase {
  constructor(
    private readonly database: Database,
    private readonly jurisdictions: JurisdictionStore,
    private readonly auditTrail: AuditTrail,
  ) {}

  async execute(user: AuthenticatedUser, state: string, request: PutJurisdictionDto): Promise<JurisdictionRule> {
    const after: JurisdictionRule = {
      state,
      denyOutOfState: request.denyOutOfState ?? false,
      denyCategories: distinct(request.denyCategories ?? []),
      deniedPurposes: distinct(request.deniedPurposes ?? []),
      maxRetentionDays: request.maxRetentionDays ?? null,
      ...settingLegalBasis(request),
    };
    return this.database.transaction(async (tx) => {
      const before = await this.write(tx, after);
      await this.auditTrail.append(changeRecord(user, 'jurisdiction.put', { type: 'jurisdiction', id: state }, before, after), tx);
      return after;
    });
  }

  /** Writes the rule and answers the one it replaced (null if the state had none). */
  private async write(tx: Transaction, after: JurisdictionRule): Promise<JurisdictionRule | null> {
    // Two rounds at most: an insert can only lose to a concurrent insert of the same state, which the second round then updates.
    for (let round = 0; round < 2; round++) {
      const before = await this.jurisdictions.findForUpdate(tx, after.state);
      if (before !== undefined) {
        await this.jurisdictions.update(tx, after);
        return before;
      }
      if (await this.jurisdictions.insert(tx, after)) return null;
    }
    throw new Error(`jurisdiction ${after.state} could not be written`);
  }
}
