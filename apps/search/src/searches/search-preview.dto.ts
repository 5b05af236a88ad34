import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { SearchNarrowingDto } from './search-request.dto';

export class SearchPreviewDto {
  @ApiProperty({ description: 'owner agencies the search would reach, the searcher\'s own included' }) agencies: number;
  @ApiProperty({ description: 'registered cameras of those agencies (only the named ones when cameraIds is given)' }) cameras: number;
  @ApiProperty({ type: [String] }) agencyIds: string[];
  @ApiPropertyOptional({ type: [SearchNarrowingDto], description: 'limits the rules would put on the search; absent when none would' })
  narrowedBy?: SearchNarrowingDto[];
}
