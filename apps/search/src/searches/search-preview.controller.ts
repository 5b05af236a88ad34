import { Body, Controller, HttpCode, Post, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles } from '../auth/auth.decorators';
import { InRequest, RequestContext } from '../auth/request-context';
import { RecordedSearch } from './refused-search.filter';
import { SearchRateLimitGuard } from './search-rate-limit';
import { SearchRequestDto } from './search-request.dto';
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
  preview(@InRequest() context: RequestContext, @Body() request: SearchRequestDto): Promise<SearchPreviewDto> {
    return this.previewSearch.execute(context, request);
  }
}
