import { Injectable } from '@nestjs/common';
import { AuditTrail } from '../audit/audit-trail.service';
import { AuditVerificationDto } from './audit-verification.dto';

@Injectable()
export class VerifyAuditChainUseCase {
  constructor(private readonly auditTrail: AuditTrail) {}

  async execute(): Promise<AuditVerificationDto> {
    const { valid, checked, firstBroken } = await this.auditTrail.verify();
    return { valid, checked, firstBroken };
  }
}
