import { Module } from '@nestjs/common';
import { DeclarationsController } from './declarations.controller';
import { DeclarationsUseCase } from './declarations.usecase';

/** Declarations searcher agencies file with owners, which declaration rules require (docs/legal-basis.md). */
@Module({ controllers: [DeclarationsController], providers: [DeclarationsUseCase] })
export class DeclarationsModule {}
