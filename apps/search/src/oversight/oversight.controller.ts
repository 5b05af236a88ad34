import { Body, Controller, Get, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentUser, Roles } from '../auth/auth.decorators';
import { AuthenticatedUser } from '../auth/authenticated-user';
import { AnomalyFlagDto, AnomalyQueryDto, AnomalyQueueDto, DisposeAnomalyDto, FlagPathDto } from './anomaly.dto';
import { AnomalyReviewUseCase } from './anomaly-review.usecase';
import { OwnerPathDto } from '../declarations/declaration.dto';

@ApiTags('oversight')
@ApiBearerAuth()
@Controller('v1/agencies/:id/anomalies')
export class OversightController {
  constructor(private readonly anomalies: AnomalyReviewUseCase) {}

  @Get()
  @Roles('agency_admin', 'auditor', 'platform_admin')
  @ApiOperation({
    summary: 'The anomaly review queue: flags over the agency\'s own users\' searches, each open or with its recorded disposition',
    description: 'Rules: the same plate searched 5+ times by one user within 7 days; 10+ after-hours searches by one user within an hour; ' +
      'a reason that names a denied purpose (ICE, immigration, abortion…) under another stated purpose; a wide search (national, vehicle only, partial plate) with a thin reason.',
  })
  @ApiOkResponse({ type: AnomalyQueueDto })
  queue(@CurrentUser() user: AuthenticatedUser, @Param() path: OwnerPathDto, @Query() query: AnomalyQueryDto): Promise<AnomalyQueueDto> {
    return this.anomalies.queue(user, path.id, query);
  }

  @Post(':flagId/disposition')
  @Roles('agency_admin', 'auditor', 'platform_admin')
  @ApiOperation({ summary: 'Record a reviewer\'s disposition of a flag; the disposition is itself a record in the audit chain' })
  @ApiCreatedResponse({ type: AnomalyFlagDto })
  dispose(
    @CurrentUser() user: AuthenticatedUser, @Param() path: FlagPathDto, @Body() request: DisposeAnomalyDto, @Query() query: AnomalyQueryDto,
  ): Promise<AnomalyFlagDto> {
    return this.anomalies.dispose(user, path.id, path.flagId, request, query);
  }
}
