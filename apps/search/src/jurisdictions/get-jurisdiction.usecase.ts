import { Injectable } from '@nestjs/common';
import { JurisdictionStore } from '@platekeeper/persistence';
import { JurisdictionRule } from '@platekeeper/sharing';
import { noExtraLimits } from './jurisdiction-rows';

@Injectable()
export class GetJurisdictionUseCase {
  constructor(private readonly jurisdictions: JurisdictionStore) {}

  async execute(state: string): Promise<JurisdictionRule> {
    return (await this.jurisdictions.find(state)) ?? noExtraLimits(state);
  }
}
