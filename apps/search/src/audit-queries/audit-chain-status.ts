import { Inject, Injectable } from '@nestjs/common';
import { PLATEKEEPER_CONFIG, PlatekeeperConfig } from '@platekeeper/config';
import { AuditTrail } from '../audit/audit-trail.service';
import { AuditChainStatusDto } from './audit-verification.dto';

/**
 * The chain's verification as agencies and the public see it: one whole-chain check reused for
 * TRANSPARENCY_CHAIN_CHECK_SECONDS, so a page anyone can load cannot make the service re-hash the chain each time.
 */
@Injectable()
export class AuditChainStatus {
  private latest?: { status: Promise<AuditChainStatusDto>; startedAt: number };

  constructor(@Inject(PLATEKEEPER_CONFIG) private readonly config: PlatekeeperConfig, private readonly auditTrail: AuditTrail) {}

  current(): Promise<AuditChainStatusDto> {
    const now = Date.now();
    if (this.latest === undefined || now - this.latest.startedAt >= this.config.TRANSPARENCY_CHAIN_CHECK_SECONDS * 1000) {
      const status = this.auditTrail.verify().then((result) => ({ ...result, checkedAt: new Date().toISOString() }));
      this.latest = { status, startedAt: now };
      // A failed check is not remembered: the next caller tries again.
      status.catch(() => { if (this.latest?.status === status) this.latest = undefined; });
    }
    return this.latest.status;
  }
}
