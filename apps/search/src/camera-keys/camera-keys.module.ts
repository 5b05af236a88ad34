import { Module } from '@nestjs/common';
import { CameraKeysController } from './camera-keys.controller';
import { CameraKeysUseCase } from './camera-keys.usecase';

/** Credentials of cameras and agents posting to the camera gateway (apps/gateway). */
@Module({ controllers: [CameraKeysController], providers: [CameraKeysUseCase] })
export class CameraKeysModule {}
