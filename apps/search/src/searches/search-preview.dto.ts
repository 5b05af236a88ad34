import { ApiProperty } from '@nestjs/swagger';

export class SearchPreviewDto {
  @ApiProperty({ description: 'owner agencies the search would reach, the searcher\'s own included' }) agencies: number;
  @ApiProperty({ description: 'registered cameras of those agencies (only the named ones when cameraIds is given)' }) cameras: number;
  @ApiProperty({ type: [String] }) agencyIds: string[];
}
