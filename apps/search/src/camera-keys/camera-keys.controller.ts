import { Body, Controller, Delete, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentUser, Roles } from '../auth/auth.decorators';
import { AuthenticatedUser } from '../auth/authenticated-user';
import { AgencyPathDto, CameraKeyDto, CameraKeyPathDto, IssueCameraKeyDto, IssuedCameraKeyDto } from './camera-key.dto';
import { CameraKeysUseCase } from './camera-keys.usecase';

@ApiTags('camera keys')
@ApiBearerAuth()
@Controller('v1/agencies/:id/camera-keys')
export class CameraKeysController {
  constructor(private readonly cameraKeys: CameraKeysUseCase) {}

  @Post()
  @Roles('agency_admin', 'platform_admin')
  @ApiOperation({
    summary: 'Issue an API key for a camera or recognition agent posting to the camera gateway (shown once)',
    description: 'Every mapped camera must be registered to this agency now (else 403 `CAMERA_KEY.CAMERA_NOT_OWNED`). Recorded in the audit chain.',
  })
  @ApiCreatedResponse({ type: IssuedCameraKeyDto })
  issue(@CurrentUser() user: AuthenticatedUser, @Param() path: AgencyPathDto, @Body() request: IssueCameraKeyDto): Promise<IssuedCameraKeyDto> {
    return this.cameraKeys.issue(user, path.id, request);
  }

  @Get()
  @Roles('agency_admin', 'platform_admin')
  @ApiOperation({ summary: 'The agency\'s camera keys (never their secrets)' })
  @ApiOkResponse({ type: [CameraKeyDto] })
  list(@CurrentUser() user: AuthenticatedUser, @Param() path: AgencyPathDto): Promise<CameraKeyDto[]> {
    return this.cameraKeys.list(user, path.id);
  }

  @Post(':keyId/rotate')
  @HttpCode(200)
  @Roles('agency_admin', 'platform_admin')
  @ApiOperation({ summary: 'Replace the key\'s secret (the old one is refused from the next request); the new one is shown once' })
  @ApiOkResponse({ type: IssuedCameraKeyDto })
  rotate(@CurrentUser() user: AuthenticatedUser, @Param() path: CameraKeyPathDto): Promise<IssuedCameraKeyDto> {
    return this.cameraKeys.rotate(user, path.id, path.keyId);
  }

  @Delete(':keyId')
  @Roles('agency_admin', 'platform_admin')
  @ApiOperation({ summary: 'Revoke the key: the gateway refuses it (401) from the next request' })
  @ApiOkResponse({ type: CameraKeyDto })
  revoke(@CurrentUser() user: AuthenticatedUser, @Param() path: CameraKeyPathDto): Promise<CameraKeyDto> {
    return this.cameraKeys.revoke(user, path.id, path.keyId);
  }
}
