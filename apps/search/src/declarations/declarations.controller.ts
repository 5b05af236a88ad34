import { Body, Controller, Delete, Get, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentUser, Roles } from '../auth/auth.decorators';
import { AuthenticatedUser } from '../auth/authenticated-user';
import { DeclarationDto, DeclarationPathDto, FileDeclarationDto, OwnerPathDto } from './declaration.dto';
import { DeclarationsUseCase } from './declarations.usecase';

@ApiTags('declarations')
@ApiBearerAuth()
@Controller('v1/agencies/:id/declarations')
export class DeclarationsController {
  constructor(private readonly declarations: DeclarationsUseCase) {}

  @Post()
  @Roles('agency_admin', 'platform_admin')
  @ApiOperation({
    summary: 'File a searcher agency\'s signed declaration with this owner',
    description: 'Where a declaration rule names the searcher (out of state, federal), it sees this owner\'s reads only for the declared purposes and until expiresAt. Recorded in the audit chain.',
  })
  @ApiCreatedResponse({ type: DeclarationDto })
  file(@CurrentUser() user: AuthenticatedUser, @Param() path: OwnerPathDto, @Body() request: FileDeclarationDto): Promise<DeclarationDto> {
    return this.declarations.file(user, path.id, request);
  }

  @Get()
  @Roles('agency_admin', 'platform_admin', 'auditor')
  @ApiOperation({ summary: 'Declarations on file with this owner, newest first, revoked and expired ones included' })
  @ApiOkResponse({ type: [DeclarationDto] })
  list(@CurrentUser() user: AuthenticatedUser, @Param() path: OwnerPathDto): Promise<DeclarationDto[]> {
    return this.declarations.list(user, path.id);
  }

  @Delete(':declarationId')
  @Roles('agency_admin', 'platform_admin')
  @ApiOperation({ summary: 'Revoke a declaration: it stops counting from the next search. Recorded in the audit chain.' })
  @ApiOkResponse({ type: DeclarationDto })
  revoke(@CurrentUser() user: AuthenticatedUser, @Param() path: DeclarationPathDto): Promise<DeclarationDto> {
    return this.declarations.revoke(user, path.id, path.declarationId);
  }
}
