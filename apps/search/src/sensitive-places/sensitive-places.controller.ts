import { Body, Controller, Delete, Get, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentUser, Public, Roles } from '../auth/auth.decorators';
import { AuthenticatedUser } from '../auth/authenticated-user';
import { DropCountsDto, DropCountsQueryDto, PlacePathDto, RegisterSensitivePlaceDto, SensitivePlaceDto } from './sensitive-place.dto';
import { SensitivePlacesUseCase } from './sensitive-places.usecase';

@ApiTags('sensitive places')
@Controller('v1/sensitive-places')
export class SensitivePlacesController {
  constructor(private readonly places: SensitivePlacesUseCase) {}

  @Post()
  @ApiBearerAuth()
  @Roles('agency_admin', 'platform_admin')
  @ApiOperation({
    summary: 'Register a sensitive place (a circle): reads captured inside are never stored; a camera registered inside is refused or flagged',
    description: 'A jurisdiction\'s place (`state`, platform_admin) covers every read inside it; an agency\'s place (`agencyId`, its agency_admin) its own cameras\' reads. Recorded in the audit chain.',
  })
  @ApiCreatedResponse({ type: SensitivePlaceDto })
  register(@CurrentUser() user: AuthenticatedUser, @Body() request: RegisterSensitivePlaceDto): Promise<SensitivePlaceDto> {
    return this.places.register(user, request);
  }

  @Get()
  @ApiBearerAuth()
  @Roles('agency_admin', 'platform_admin')
  @ApiOperation({ summary: 'Places in force: all for a platform_admin; the agency\'s own and its state\'s for an agency_admin' })
  @ApiOkResponse({ type: [SensitivePlaceDto] })
  list(@CurrentUser() user: AuthenticatedUser): Promise<SensitivePlaceDto[]> {
    return this.places.list(user);
  }

  @Get('drops')
  @Public()
  @ApiOperation({ summary: 'Public: reads dropped at sensitive places, per place and camera (no names or positions)' })
  @ApiOkResponse({ type: DropCountsDto })
  drops(@Query() query: DropCountsQueryDto): Promise<DropCountsDto> {
    return this.places.dropCounts(query.since);
  }

  @Delete(':id')
  @ApiBearerAuth()
  @Roles('agency_admin', 'platform_admin')
  @ApiOperation({ summary: 'Remove a place: reads there are kept again from the next batch. Recorded in the audit chain.' })
  @ApiOkResponse({ type: SensitivePlaceDto })
  remove(@CurrentUser() user: AuthenticatedUser, @Param() path: PlacePathDto): Promise<SensitivePlaceDto> {
    return this.places.remove(user, path.id);
  }
}
