import { Controller, Get, HttpCode, Post } from '@nestjs/common';
import { AuditRecordStore } from '@platekeeper/persistence';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentUser, Public, Roles } from '../auth/auth.decorators';
import { AuthenticatedUser } from '../auth/authenticated-user';
import { RetentionSweeper } from './retention-sweeper.service';

@ApiTags('retention')
@ApiBearerAuth()
@Controller('v1/retention')
export class RetentionController {
  constructor(
    private readonly sweeper: RetentionSweeper,
    private readonly auditRecords: AuditRecordStore,
  ) {}

  @Post('sweep')
  @HttpCode(200)
  @Roles('platform_admin')
  @ApiOperation({ summary: 'Delete reads past their effective retention now, instead of waiting for the scheduled sweep' })
  sweep(@CurrentUser() user: AuthenticatedUser) {
    return this.sweeper.sweep(new Date(), user);
  }

  @Get('attestations/latest')
  @Public()
  @ApiOperation({
    summary: 'Public: the latest sweep\'s retention attestation (per owner: reads deleted, oldest read still held, within retention), with its place in the audit chain',
  })
  async latestAttestation() {
    const record = await this.auditRecords.latestChange('retention.sweep');
    if (record === undefined) return { attestation: null };
    const { attestations, deletedReads, deletedIndices } = record.payload.after ?? {};
    return {
      attestation: {
        seq: record.seq, hash: record.hash, sweptAt: record.recordedAt, actor: record.actorUserId,
        deletedReads: deletedReads ?? 0, deletedIndices: deletedIndices ?? [], owners: attestations ?? {},
      },
    };
  }
}
