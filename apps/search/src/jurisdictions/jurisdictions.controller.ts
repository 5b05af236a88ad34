import { Body, Controller, Get, Param, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentUser, Roles } from '../auth/auth.decorators';
import { AuthenticatedUser } from '../auth/authenticated-user';
import { GetJurisdictionUseCase } from './get-jurisdiction.usecase';
import { JurisdictionRuleDto, PutJurisdictionDto, StatePathDto } from './jurisdiction.dto';
import { PutJurisdictionUseCase } from './put-jurisdiction.usecase';

@ApiTags('administration')
@ApiBearerAuth()
@Controller('v1/jurisdictions')
@Roles('platform_admin')
export class JurisdictionsController {
  constructor(
    private readonly getJurisdiction: GetJurisdictionUseCase,
    private readonly putJurisdiction: PutJurisdictionUseCase,
  ) {}

  @Get(':state')
  @ApiOperation({ summary: 'The state\'s rule; a state without one answers the "no extra limits" rule' })
  @ApiOkResponse({ type: JurisdictionRuleDto })
  get(@Param() path: StatePathDto): Promise<JurisdictionRuleDto> {
    return this.getJurisdiction.execute(path.state);
  }

  @Put(':state')
  @ApiOperation({ summary: 'Replace the state\'s rule, binding every owner in it; fields left out impose nothing; recorded' })
  @ApiOkResponse({ type: JurisdictionRuleDto })
  put(@CurrentUser() user: AuthenticatedUser, @Param() path: StatePathDto, @Body() request: PutJurisdictionDto): Promise<JurisdictionRuleDto> {
    return this.putJurisdiction.execute(user, path.state, request);
  }
}
