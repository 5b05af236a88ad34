import { Controller, Get, Param, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiProduces, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, Max, Min } from 'class-validator';
import type { FastifyReply } from 'fastify';
import { Roles } from '../auth/auth.decorators';
import { StatePathDto } from '../jurisdictions/jurisdiction.dto';
import { BuildAnnualReportUseCase, annualReportCsv, annualReportPdf } from './annual-report';
import { AnnualReportDto } from './annual-report.dto';

export const ANNUAL_REPORT_FORMATS = ['json', 'csv', 'pdf'] as const;
export type AnnualReportFormat = (typeof ANNUAL_REPORT_FORMATS)[number];

export class AnnualReportQueryDto {
  @ApiProperty({ example: 2026 }) @Type(() => Number) @IsInt() @Min(2000) @Max(2100) year: number;
  @ApiPropertyOptional({ enum: ANNUAL_REPORT_FORMATS, default: 'json' }) @IsOptional() @IsIn(ANNUAL_REPORT_FORMATS) format?: AnnualReportFormat;
}

@ApiTags('audit')
@ApiBearerAuth()
@Controller('v1/jurisdictions')
export class AnnualReportController {
  constructor(private readonly buildAnnualReport: BuildAnnualReportUseCase) {}

  @Get(':state/annual-report')
  @Roles('platform_admin')
  @ApiOperation({
    summary: 'The state\'s annual statutory report, from the records only: searches by purpose and offense level, outside agencies, withheld attempts, hotlist alerts and false hits, reads dropped at sensitive places, retention attestations',
    description: '`format=csv` answers text/csv with the columns section,key,detail,value; `format=pdf` answers application/pdf, the same figures as tables.',
  })
  @ApiProduces('application/json', 'text/csv', 'application/pdf')
  @ApiOkResponse({ type: AnnualReportDto, description: 'the report (JSON; CSV and PDF carry the same figures)' })
  async annualReport(@Param() path: StatePathDto, @Query() query: AnnualReportQueryDto, @Res({ passthrough: true }) reply: FastifyReply) {
    const report = await this.buildAnnualReport.execute(path.state, query.year);
    if (query.format === 'pdf') {
      reply.header('content-type', 'application/pdf');
      reply.header('content-disposition', `attachment; filename="annual-report-${path.state}-${query.year}.pdf"`);
      return annualReportPdf(report);
    }
    if (query.format !== 'csv') return report;
    reply.header('content-type', 'text/csv; charset=utf-8');
    reply.header('content-disposition', `attachment; filename="annual-report-${path.state}-${query.year}.csv"`);
    return annualReportCsv(report);
  }
}
