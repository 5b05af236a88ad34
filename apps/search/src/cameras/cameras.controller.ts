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
    description:
      'An agency_admin may register new camera ids only in its agency\'s namespace, `<agencyId>.<name>` (e.g. `wa-auburn-pd.main-st-1`), ' +
      'and change only cameras its agency owns; every other id answers the same 403 `CAMERA.NOT_ADMINISTERED`, whether or not it is ' +
      'registered. A platform_admin registers or moves any id (vendor serial numbers, imports). Moving a camera never changes the owner ' +
      'of reads captured before the move.',
  })
  @ApiOkResponse({ type: CameraDto })
  put(@CurrentUser() user: AuthenticatedUser, @Param() path: CameraPathDto, @Body() request: PutCameraDto): Promise<CameraDto> {
    return this.putCamera.execute(user, path.id, request);
  }
}
