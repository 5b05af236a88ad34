import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { AGENCY_CATEGORIES, AgencyCategory, SharingWorld } from '@platekeeper/sharing';

export class AgencyDirectoryQueryDto {
  @ApiPropertyOptional({ description: 'part of the id or name, any case' })
  @IsOptional() @IsString() @MaxLength(100)
  q?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 100, default: 20 })
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(100)
  limit?: number;
}

export class AgencyDirectoryEntryDto {
  @ApiProperty() id: string;
  @ApiProperty() name: string;
  @ApiProperty() state: string;
  @ApiProperty({ enum: AGENCY_CATEGORIES }) category: AgencyCategory;
}

/** The registry as an admin picks from it (deny lists, direct shares): public facts only, never policies. */
export function searchAgencyDirectory(world: SharingWorld, query: AgencyDirectoryQueryDto): AgencyDirectoryEntryDto[] {
  const needle = (query.q ?? '').trim().toLowerCase();
  const matches: AgencyDirectoryEntryDto[] = [];
  for (const agency of world.agencies.values()) {
    if (agency.status !== 'active') continue;
    if (needle && !agency.id.includes(needle) && !agency.name.toLowerCase().includes(needle)) continue;
    matches.push({ id: agency.id, name: agency.name, state: agency.state, category: agency.category });
  }
  // Names that start with what was typed first, then alphabetical.
  const rank = (entry: AgencyDirectoryEntryDto) => (entry.name.toLowerCase().startsWith(needle) || entry.id.startsWith(needle) ? 0 : 1);
  matches.sort((left, right) => rank(left) - rank(right) || left.name.localeCompare(right.name) || left.id.localeCompare(right.id));
  return matches.slice(0, query.limit ?? 20);
}
