import { Body, Controller, HttpCode, Post, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentUser, LiveWorld, Roles } from '../auth/auth.decorators';
import type { SharingWorld } from '@platekeeper/sharing';
import { AuthenticatedUser } from '../auth/authenticated-user';
import { RecordedSearch } from '../searches/refused-search.filter';
import { SearchRateLimitGuard } from '../searches/search-rate-limit';
import { SearchRequestDto } from '../searches/search-request.dto';
import { PreviewSearchUseCase } from './preview-search.usecase';
import { SearchPreviewDto } from './search-preview.dto';

@ApiTags('searches')
@ApiBearerAuth()
@Controller('v1/searches')
@UseGuards(SearchRateLimitGuard)
export class SearchPreviewController {
  constructor(private readonly previewSearch: PreviewSearchUseCase) {}

  @Post('preview')
  @RecordedSearch('search.preview')
  @HttpCode(200)
  @Roles('investigator')
  @ApiOperation({ summary: 'How many agencies and cameras a search would reach, without reading any read; recorded like a search' })
  @ApiOkResponse({ type: SearchPreviewDto })
  preview(@CurrentUser() user: AuthenticatedUser, @Body() request: SearchRequestDto, @LiveWorld() world: SharingWorld): Promise<SearchPreviewDto> {
    return this.previewSearch.execute(user, request, world);
  }
}
