import { Module } from '@nestjs/common';
import { AuditCheckpointsController } from './audit-checkpoints.controller';
import { AuditCheckpoints } from './audit-checkpoints.service';

/** Signed checkpoints of the audit chain, published outside the database (docs/audit-checkpoints.md). */
@Module({ controllers: [AuditCheckpointsController], providers: [AuditCheckpoints], exports: [AuditCheckpoints] })
export class AuditCheckpointsModule {}
