import { Body, Controller, Delete, Get, HttpCode, MessageEvent, Param, Post, Put, Query, Sse } from '@nestjs/common';
import {
  ApiBearerAuth, ApiConflictResponse, ApiCreatedResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiProduces, ApiTags,
} from '@nestjs/swagger';
import { Observable } from 'rxjs';
import { Roles } from '../auth/auth.decorators';
import { InRequest, RequestContext } from '../auth/request-context';
import { AlertStream } from './alert-stream.service';
import { HotlistAlertsUseCase } from './hotlist-alerts.usecase';
import { HotlistEntriesUseCase } from './hotlist-entries.usecase';
import {
  CreateHotlistDto, CreateHotlistEntryDto, CreatedHotlistEntryDto, DispositionDto, HotlistAlertDto, HotlistAlertPathDto, HotlistAlertsQueryDto,
  HotlistDto, HotlistEntriesQueryDto, HotlistEntryDto, HotlistEntryPathDto, HotlistImportDto, HotlistImportReportDto, HotlistPathDto,
} from './hotlist.dto';
import { HotlistsUseCase } from './hotlists.usecase';
import { ImportHotlistEntriesUseCase } from './import-hotlist-entries.usecase';

const OWN_AGENCY_ONLY = 'Investigators of the owning agency only; another agency\'s list answers 404 like no list at all.';

@ApiTags('hotlists')
@ApiBearerAuth()
@Controller('v1/hotlists')
@Roles('investigator')
export class HotlistsController {
  constructor(
    private readonly hotlistLists: HotlistsUseCase,
    private readonly entries: HotlistEntriesUseCase,
    private readonly imports: ImportHotlistEntriesUseCase,
  ) {}

  @Post()
  @ApiOperation({ summary: 'Create a hotlist owned by the caller\'s agency', description: OWN_AGENCY_ONLY })
  @ApiCreatedResponse({ type: HotlistDto })
  @ApiConflictResponse({ description: 'the agency already has a list of that name' })
  create(@InRequest() context: RequestContext, @Body() request: CreateHotlistDto): Promise<HotlistDto> {
    return this.hotlistLists.create(context, request);
  }

  @Get()
  @ApiOperation({ summary: 'The agency\'s hotlists, with their live entry counts' })
  @ApiOkResponse({ type: [HotlistDto] })
  list(@InRequest() context: RequestContext): Promise<HotlistDto[]> {
    return this.hotlistLists.listOwn(context);
  }

  @Get(':hotlistId')
  @ApiOperation({ summary: 'One of the agency\'s hotlists', description: OWN_AGENCY_ONLY })
  @ApiOkResponse({ type: HotlistDto })
  @ApiNotFoundResponse()
  find(@InRequest() context: RequestContext, @Param() path: HotlistPathDto): Promise<HotlistDto> {
    return this.hotlistLists.find(context, path.hotlistId);
  }

  @Post(':hotlistId/entries')
  @ApiOperation({
    summary: 'Add an entry: a plate matched against every new read until it expires',
    description:
      'An alert is raised only for reads a national search by the agency with the entry\'s purpose could see at that moment (CONTRACT §3). ' +
      '`expiresAt` is required, in the future and within the purpose\'s maximum (docs/hotlists.md). With `searchHistory` the entry also runs ' +
      'once against stored reads, as a recorded national exact-plate search with its purpose, case number and reason. ' + OWN_AGENCY_ONLY,
  })
  @ApiCreatedResponse({ type: CreatedHotlistEntryDto })
  addEntry(@InRequest() context: RequestContext, @Param() path: HotlistPathDto, @Body() request: CreateHotlistEntryDto): Promise<CreatedHotlistEntryDto> {
    return this.entries.add(context, path.hotlistId, request);
  }

  @Get(':hotlistId/entries')
  @ApiOperation({ summary: 'The list\'s entries, newest first; live ones unless `includeEnded=true`', description: OWN_AGENCY_ONLY })
  @ApiOkResponse({ type: [HotlistEntryDto] })
  listEntries(@InRequest() context: RequestContext, @Param() path: HotlistPathDto, @Query() query: HotlistEntriesQueryDto): Promise<HotlistEntryDto[]> {
    return this.entries.list(context, path.hotlistId, query.includeEnded === 'true');
  }

  @Delete(':hotlistId/entries/:entryId')
  @ApiOperation({ summary: 'Remove an entry: it stops matching at once and is kept for the record until purged', description: OWN_AGENCY_ONLY })
  @ApiOkResponse({ type: HotlistEntryDto })
  removeEntry(@InRequest() context: RequestContext, @Param() path: HotlistEntryPathDto): Promise<HotlistEntryDto> {
    return this.entries.remove(context, path.hotlistId, path.entryId);
  }

  @Post(':hotlistId/imports')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Bulk import entries from CSV (state / NCIC hotlist exports), with a per-line report',
    description:
      'The CSV travels as the `csv` string of a JSON body. Every line is checked by the same rules as a single entry; good lines are ' +
      'stored together, each refused line is reported with its line number and every broken rule. Accepted columns: docs/hotlists.md. ' +
      OWN_AGENCY_ONLY,
  })
  @ApiOkResponse({ type: HotlistImportReportDto })
  importEntries(@InRequest() context: RequestContext, @Param() path: HotlistPathDto, @Body() request: HotlistImportDto): Promise<HotlistImportReportDto> {
    return this.imports.execute(context, path.hotlistId, request);
  }
}

@ApiTags('hotlists')
@ApiBearerAuth()
@Controller('v1/hotlist-alerts')
@Roles('investigator')
export class HotlistAlertsController {
  constructor(private readonly alerts: HotlistAlertsUseCase, private readonly stream: AlertStream) {}

  @Get()
  @ApiOperation({ summary: 'The agency\'s alerts, newest first' })
  @ApiOkResponse({ type: [HotlistAlertDto] })
  list(@InRequest() context: RequestContext, @Query() query: HotlistAlertsQueryDto): Promise<HotlistAlertDto[]> {
    return this.alerts.list(context, query);
  }

  @Sse('stream')
  @ApiOperation({
    summary: 'Server-sent events: every alert for the caller\'s agency from now on',
    description: 'Each event is named `alert`; its data carries the read (as a search returns it), the entry, `matchKind` ' +
      '(`exact`, `candidate`, `look_alike`) and `matchedPlate`. An alert is announced only after it and its audit record committed.',
  })
  @ApiProduces('text/event-stream')
  @ApiOkResponse({ description: 'a text/event-stream that stays open; one `alert` event per alert' })
  streamAlerts(@InRequest() context: RequestContext): Observable<MessageEvent> {
    return this.stream.forAgency(context.user.agencyId);
  }

  @Put(':alertId/disposition')
  @ApiOperation({ summary: 'Record what the hit turned out to be (counted per list in the monthly report)' })
  @ApiOkResponse({ type: HotlistAlertDto })
  @ApiNotFoundResponse({ description: 'not an alert of the caller\'s agency' })
  dispose(@InRequest() context: RequestContext, @Param() path: HotlistAlertPathDto, @Body() request: DispositionDto): Promise<HotlistAlertDto> {
    return this.alerts.dispose(context, path.alertId, request);
  }
}
