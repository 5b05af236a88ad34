import { Module } from '@nestjs/common';
import { AnomalyReviewUseCase } from './anomaly-review.usecase';
import { OversightController } from './oversight.controller';

/** Oversight (docs/oversight.md): the anomaly review queue and its recorded dispositions. */
@Module({ controllers: [OversightController], providers: [AnomalyReviewUseCase] })
export class OversightModule {}
