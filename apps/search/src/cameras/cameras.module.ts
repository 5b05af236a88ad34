import { Module } from '@nestjs/common';
import { CamerasController } from './cameras.controller';
import { PutCameraUseCase } from './put-camera.usecase';

/** CONTRACT §4 "Administration" of cameras: registering and moving them, each change recorded with it. */
@Module({ controllers: [CamerasController], providers: [PutCameraUseCase] })
export class CamerasModule {}
