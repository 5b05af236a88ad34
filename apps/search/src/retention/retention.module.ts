import { Module } from '@nestjs/common';
import { RetentionController } from './retention.controller';
import { RetentionSweeper } from './retention-sweeper.service';

@Module({ controllers: [RetentionController], providers: [RetentionSweeper] })
export class RetentionModule {}
