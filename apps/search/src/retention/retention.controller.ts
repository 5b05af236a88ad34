import { Controller, HttpCode, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AuditTrail } from '../audit/audit-trail.service';
import { CurrentUser, Roles } from '../auth/auth.decorators';
import { AuthenticatedUser } from '../auth/authenticated-user';
import { RetentionSweeper } from './retention-sweeper.service';

@ApiTags('retention')
@ApiBearerAuth()
@Controller('v1/retention')
export class RetentionController {
  constructor(private readonly sweeper: RetentionSweeper, private readonly auditTrail: AuditTrail) {}

  @Post('sweep')
  @HttpCode(200)
  @Roles('platform_admin')
  @ApiOperation({ summary: 'Delete reads past their effective retention now, instead of waiting for the scheduled sweep' })
  async sweep(@CurrentUser() user: AuthenticatedUser) {
    const outcome = await this.sweeper.sweep(new Date());
    await this.auditTrail.append({
      kind: 'change',
      action: 'retention.sweep',
      actorUserId: user.userId,
      actorAgencyId: user.agencyId,
      payload: { subject: { type: 'reads', id: 'expired' }, before: null, after: outcome },
    });
    return outcome;
  }
}
