import { Module } from '@nestjs/common';
import { SensitivePlacesController } from './sensitive-places.controller';
import { SensitivePlacesUseCase } from './sensitive-places.usecase';

/** Geofences where no read is kept, and the public count of reads dropped there (docs/sensitive-places.md). */
@Module({ controllers: [SensitivePlacesController], providers: [SensitivePlacesUseCase] })
export class SensitivePlacesModule {}
