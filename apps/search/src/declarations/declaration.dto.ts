import { ApiProperty } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsIn, IsString, IsUUID, Matches, MaxLength } from 'class-validator';
import { FiledDeclaration } from '@platekeeper/persistence';
import { SEARCH_PURPOSES, SearchPurpose } from '@platekeeper/sharing';
import { AGENCY_ID_PATTERN } from '../validation/administration-fields';
import { IsNotBlank, IsTimestamp } from '../validation/text-rules';

export class OwnerPathDto {
  @ApiProperty() @Matches(AGENCY_ID_PATTERN, { message: 'id must be an agency id (lower-case slug)' }) id: string;
}

export class DeclarationPathDto extends OwnerPathDto {
  @ApiProperty() @IsUUID() declarationId: string;
}

/** A signed declaration of a searcher agency, filed with the owner (docs/legal-basis.md). */
export class FileDeclarationDto {
  @ApiProperty({ description: 'the agency that signed it and may then search this owner\'s reads' })
  @Matches(AGENCY_ID_PATTERN, { message: 'searcherAgencyId must be an agency id (lower-case slug)' })
  searcherAgencyId: string;

  @ApiProperty({ maxLength: 500, description: 'reference of the uploaded signed document (document store id, URL)' })
  @IsString() @IsNotBlank() @MaxLength(500)
  documentRef: string;

  @ApiProperty({ maxLength: 200, description: 'who signed it, name and title' })
  @IsString() @IsNotBlank() @MaxLength(200)
  signer: string;

  @ApiProperty({ enum: SEARCH_PURPOSES, isArray: true, description: 'the purposes the declaration covers (its scope)' })
  @IsArray() @ArrayMinSize(1) @ArrayMaxSize(SEARCH_PURPOSES.length) @IsIn(SEARCH_PURPOSES, { each: true })
  scope: SearchPurpose[];

  @ApiProperty({ example: '2027-06-30T23:59:59Z', description: 'when it stops counting; must lie in the future' })
  @IsTimestamp()
  expiresAt: string;
}

export class DeclarationDto implements Omit<FiledDeclaration, 'purposes'> {
  @ApiProperty() id: string;
  @ApiProperty() ownerAgencyId: string;
  @ApiProperty() searcherAgencyId: string;
  @ApiProperty() documentRef: string;
  @ApiProperty() signer: string;
  @ApiProperty({ enum: SEARCH_PURPOSES, isArray: true }) scope: SearchPurpose[];
  @ApiProperty() expiresAt: string;
  @ApiProperty() filedBy: string;
  @ApiProperty() filedAt: string;
  @ApiProperty({ nullable: true, type: String }) revokedAt: string | null;
  @ApiProperty({ nullable: true, type: String }) revokedBy: string | null;
  @ApiProperty({ description: 'not revoked and not expired: it lets the searcher in now, for its scope' }) inForce: boolean;
}

export function declarationDto(filed: FiledDeclaration, now: Date): DeclarationDto {
  const { purposes, ...rest } = filed;
  return { ...rest, scope: purposes, inForce: filed.revokedAt === null && Date.parse(filed.expiresAt) > now.getTime() };
}
