import { Provider } from '@nestjs/common';
import { PLATEKEEPER_CONFIG, PlatekeeperConfig } from '@platekeeper/config';
import { createElasticClient } from '@platekeeper/elastic';

export const READS_ELASTIC_CLIENT = Symbol('READS_ELASTIC_CLIENT');

export const readsElasticClientProvider: Provider = {
  provide: READS_ELASTIC_CLIENT,
  inject: [PLATEKEEPER_CONFIG],
  useFactory: (config: PlatekeeperConfig) => createElasticClient(config),
};
