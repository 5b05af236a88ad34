import { Injectable } from '@nestjs/common';
import { AuditTrail } from '../audit/audit-trail.service';
import { AuditCheckpoints, BROKEN_CHECKPOINT_STATUSES } from '../audit-checkpoints/audit-checkpoints.service';
import { AuditVerificationDto } from './audit-verification.dto';

/** The chain recomputed record by record, then held against the latest signed checkpoint, which catches a cut-off head. */
@Injectable()
export class VerifyAuditChainUseCase {
  constructor(
    private readonly auditTrail: AuditTrail,
    private readonly checkpoints: AuditCheckpoints,
  ) {}

  async execute(): Promise<AuditVerificationDto> {
    const { valid, checked, firstBroken } = await this.auditTrail.verify();
    const chain = { valid, checked, firstBroken };
    const checkpoint = await this.checkpoints.check();
    // Without checkpoints configured the answer is the chain's alone, as it always was.
    if (checkpoint.status === 'not_configured') return chain;
    return { ...chain, valid: chain.valid && !BROKEN_CHECKPOINT_STATUSES.includes(checkpoint.status), checkpoint };
  }
}
