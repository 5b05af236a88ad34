import { Body, Controller, HttpCode, Post, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles, SpeculativeWorld } from '../auth/auth.decorators';
import { InRequest, RequestContext } from '../auth/request-context';
import { RecordedSearch } from './refused-search.filter';
import { SearchRateLimitGuard } from './search-rate-limit';
import { SearchReadsUseCase } from './search-reads.usecase';
import { SearchRequestDto, SearchResponseDto } from './search-request.dto';

@ApiTags('searches')
@ApiBearerAuth()
@Controller('v1/searches')
@UseGuards(SearchRateLimitGuard)
export class SearchesController {
  constructor(private readonly searchReads: SearchReadsUseCase) {}

  @Post()
  @RecordedSearch('search.reads')
  @HttpCode(200)
  @Roles('investigator')
  // The record is written only if the world did not move since; otherwise the search runs again (SearchReadsUseCase).
  @SpeculativeWorld()
  @ApiOperation({ summary: 'Search plate reads the caller may see; the search is recorded before it answers' })
  @ApiOkResponse({ type: SearchResponseDto })
  search(@InRequest() context: RequestContext, @Body() request: SearchRequestDto): Promise<SearchResponseDto> {
    return this.searchReads.execute(context.user, request, context.world);
  }
}
