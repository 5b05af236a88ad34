import { Controller, Get, Param, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiForbiddenResponse, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { CurrentUser, Roles } from '../auth/auth.decorators';
import { AuthenticatedUser } from '../auth/authenticated-user';
import { BuildUsageReportUseCase } from './build-usage-report.usecase';
import { ReviewedAgency } from './reviewed-agency';
import { usageReportCsv } from './usage-report-formats';
import { usageReportPdf } from './usage-report-pdf';
import { UsageReportDto, UsageReportQueryDto } from './usage-report.dto';

@ApiTags('audit')
@ApiBearerAuth()
@Controller('v1/agencies')
export class UsageReportController {
  constructor(
    private readonly buildUsageReport: BuildUsageReportUseCase,
    private readonly reviewedAgency: ReviewedAgency,
  ) {}

  @Get(':id/usage-report')
  @Roles('agency_admin', 'platform_admin', 'auditor')
  @ApiOperation({
    summary: "The monthly review: per other agency, what it searched of this agency's reads and what this agency's rules withheld",
    description:
      'Counts answered searches (`search.reads`) recorded in the UTC calendar month. `purposes` are those of the searches that ' +
      'returned this agency\'s reads. `format=csv` answers text/csv with the header ' +
      '`searcher_agency_id,searches_returning_our_reads,reads_returned,purposes,withheld_attempts,withheld_reasons`, lists joined with `;`. ' +
      '`format=pdf` answers application/pdf: the same figures (summary, bars per agency, the table with totals, hotlists), for the council\'s file.',
  })
  @ApiProduces('application/json', 'text/csv', 'application/pdf')
  @ApiOkResponse({ type: UsageReportDto })
  @ApiForbiddenResponse({ description: "another agency's agency_admin" })
  async usageReport(
    @CurrentUser() user: AuthenticatedUser,
    @Param('id') id: string,
    @Query() query: UsageReportQueryDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<UsageReportDto | string | Buffer> {
    const agencyId = await this.reviewedAgency.resolve(user, id);
    const report = await this.buildUsageReport.execute({ agencyId, month: query.month });
    if (query.format === 'pdf') {
      reply.header('content-type', 'application/pdf');
      reply.header('content-disposition', `attachment; filename="usage-report-${encodeURIComponent(agencyId)}-${query.month}.pdf"`);
      return usageReportPdf(report);
    }
    if (query.format !== 'csv') return report;
    reply.header('content-type', 'text/csv; charset=utf-8');
    return usageReportCsv(report);
  }
}
