import { Module } from '@nestjs/common';
import { AuditCheckpointsModule } from '../audit-checkpoints/audit-checkpoints.module';
import { AuditController } from './audit.controller';
import { BuildUsageReportUseCase } from './build-usage-report.usecase';
import { ListAuditedSearchesUseCase } from './list-audited-searches.usecase';
import { ReviewedAgency } from './reviewed-agency';
import { UsageReportController } from './usage-report.controller';
import { VerifyAuditChainUseCase } from './verify-audit-chain.usecase';
import { ExplainSearchUseCase } from './explain-search.usecase';
import { AuditChainStatus } from './audit-chain-status';
import { AnnualReportController } from './annual-report.controller';
import { BuildAnnualReportUseCase } from './annual-report';

/** Reading the audit trail (CONTRACT §4 Accountability): chain verification, an agency's search trail, the monthly usage report. */
@Module({
  imports: [AuditCheckpointsModule],
  controllers: [AuditController, UsageReportController, AnnualReportController],
  providers: [
    VerifyAuditChainUseCase, ListAuditedSearchesUseCase, BuildUsageReportUseCase, ReviewedAgency, ExplainSearchUseCase, AuditChainStatus, BuildAnnualReportUseCase,
  ],
  exports: [AuditChainStatus],
})
export class AuditQueriesModule {}
