import { Module } from '@nestjs/common';
import { GetJurisdictionUseCase } from './get-jurisdiction.usecase';
import { JurisdictionsController } from './jurisdictions.controller';
import { PutJurisdictionUseCase } from './put-jurisdiction.usecase';

/** CONTRACT §4 "Administration" of state rules, which every owner in the state is held to; each change recorded with it. */
@Module({ controllers: [JurisdictionsController], providers: [GetJurisdictionUseCase, PutJurisdictionUseCase] })
export class JurisdictionsModule {}
