import { Controller, HttpCode, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentUser, Roles } from '../auth/auth.decorators';
import { AuthenticatedUser } from '../auth/authenticated-user';
import { RetentionSweeper } from './retention-sweeper.service';

@ApiTags('retention')
@ApiBearerAuth()
@Controller('v1/retention')
export class RetentionController {
  constructor(private readonly sweeper: RetentionSweeper) {}

  @Post('sweep')
  @HttpCode(200)
  @Roles('platform_admin')
  @ApiOperation({ summary: 'Delete reads past their effective retention now, instead of waiting for the scheduled sweep' })
  sweep(@CurrentUser() user: AuthenticatedUser) {
    return this.sweeper.sweep(new Date(), user);
  }
}
