import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { JurisdictionRule } from '@platekeeper/sharing';
import { findJurisdiction, noExtraLimits } from './jurisdiction-rows';

@Injectable()
export class GetJurisdictionUseCase {
  constructor(private readonly dataSource: DataSource) {}

  async execute(state: string): Promise<JurisdictionRule> {
    return (await findJurisdiction(this.dataSource, state)) ?? noExtraLimits(state);
  }
}
