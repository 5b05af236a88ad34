import { Body, Controller, HttpCode, Post, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentUser, LiveWorld, Roles } from '../auth/auth.decorators';
import type { SharingWorld } from '@platekeeper/sharing';
import { AuthenticatedUser } from '../auth/authenticated-user';
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
  @ApiOperation({ summary: 'Search plate reads the caller may see; the search is recorded before it answers' })
  @ApiOkResponse({ type: SearchResponseDto })
  search(@CurrentUser() user: AuthenticatedUser, @Body() request: SearchRequestDto, @LiveWorld() world: SharingWorld): Promise<SearchResponseDto> {
    return this.searchReads.execute(user, request, world);
  }
}
