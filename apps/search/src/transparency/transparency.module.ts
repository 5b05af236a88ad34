import { Module } from '@nestjs/common';
import { AuditCheckpointsModule } from '../audit-checkpoints/audit-checkpoints.module';
import { AuditQueriesModule } from '../audit-queries/audit-queries.module';
import { BuildTransparencyReportUseCase } from './build-transparency-report.usecase';
import { TransparencyController } from './transparency.controller';

/** The public transparency page's data (the page itself is part of the console, docs/console.md). */
@Module({
  imports: [AuditQueriesModule, AuditCheckpointsModule],
  controllers: [TransparencyController],
  providers: [BuildTransparencyReportUseCase],
})
export class TransparencyModule {}
