import { Controller, Get, Param } from '@nestjs/common';
import { ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Public } from '../auth/auth.decorators';
import { BuildTransparencyReportUseCase } from './build-transparency-report.usecase';
import { TransparencyReportDto } from './transparency.dto';

@ApiTags('public')
@Controller('v1/public/agencies')
export class TransparencyController {
  constructor(private readonly buildReport: BuildTransparencyReportUseCase) {}

  @Get(':id/transparency')
  @Public()
  @ApiOperation({
    summary: 'An agency\'s public transparency page as JSON (no sign-in): cameras, retention in force, sharing and its reach, ' +
      'outside searches of the last 30 days by purpose and category, withheld attempts, the audit chain\'s status and head hash',
  })
  @ApiOkResponse({ type: TransparencyReportDto })
  @ApiNotFoundResponse({ description: 'no such agency' })
  report(@Param('id') agencyId: string): Promise<TransparencyReportDto> {
    return this.buildReport.execute(agencyId);
  }
}
