import { Injectable } from '@nestjs/common';
import { AuditTrail } from '../audit/audit-trail.service';
import { AuditVerificationDto } from './audit-verification.dto';

@Injectable()
export class VerifyAuditChainUseCase {
  constructor(private readonly auditTrail: AuditTrail) {}

  execute(): Promise<AuditVerificationDto> {
    return this.auditTrail.verify();
  }
}
