import { Body, Controller, Param, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentUser, Roles } from '../auth/auth.decorators';
import { AuthenticatedUser } from '../auth/authenticated-user';
import { CameraDto, CameraPathDto, PutCameraDto } from './camera.dto';
import { PutCameraUseCase } from './put-camera.usecase';

@ApiTags('administration')
@ApiBearerAuth()
@Controller('v1/cameras')
export class CamerasController {
  constructor(private readonly putCamera: PutCameraUseCase) {}

  @Put(':id')
  @Roles('agency_admin', 'platform_admin')
  @ApiOperation({
    summary: 'Register or move a camera (the owner\'s agency_admin, or a platform_admin; only the latter may take another agency\'s camera)',
  })
  @ApiOkResponse({ type: CameraDto })
  put(@CurrentUser() user: AuthenticatedUser, @Param() path: CameraPathDto, @Body() request: PutCameraDto): Promise<CameraDto> {
    return this.putCamera.execute(user, path.id, request);
  }
}
