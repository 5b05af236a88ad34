import { Controller, Get, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Public, Roles } from '../auth/auth.decorators';
import { PublishedCheckpointDto, SignedCheckpointDto } from './audit-checkpoint.dto';
import { AuditCheckpoints } from './audit-checkpoints.service';

@ApiTags('audit')
@Controller('v1/audit/checkpoints')
export class AuditCheckpointsController {
  constructor(private readonly checkpoints: AuditCheckpoints) {}

  @Post()
  @ApiBearerAuth()
  @Roles('platform_admin')
  @ApiOperation({ summary: 'Sign the audit chain\'s head now and publish the checkpoint to the configured sinks' })
  @ApiCreatedResponse({ type: SignedCheckpointDto })
  publish(): Promise<SignedCheckpointDto> {
    return this.checkpoints.publish();
  }

  @Get('latest')
  @Public()
  @ApiOperation({
    summary: 'The latest published checkpoint and the public key that verifies it (public: for the transparency page and anyone who keeps a copy)',
  })
  @ApiOkResponse({ type: PublishedCheckpointDto })
  async latest(): Promise<PublishedCheckpointDto> {
    return { checkpoint: (await this.checkpoints.latest()) ?? null, publicKeyPem: this.checkpoints.publicKeyPem };
  }
}
