import { Provider } from '@nestjs/common';
import { PLATEKEEPER_CONFIG, PlatekeeperConfig } from '@platekeeper/config';
import { Client } from '@elastic/elasticsearch';
import { ElasticAvailability, createElasticClient } from '@platekeeper/elastic';

export const READS_ELASTIC_CLIENT = Symbol('READS_ELASTIC_CLIENT');

export const readsElasticClientProvider: Provider = {
  provide: READS_ELASTIC_CLIENT,
  inject: [PLATEKEEPER_CONFIG],
  useFactory: (config: PlatekeeperConfig) => createElasticClient(config),
};

/** Whether Elasticsearch answers, probed in the background: /health reports it at once, searches refuse at once while it is down. */
export const elasticAvailabilityProvider: Provider = {
  provide: ElasticAvailability,
  inject: [READS_ELASTIC_CLIENT, PLATEKEEPER_CONFIG],
  useFactory: (client: Client, config: PlatekeeperConfig) => {
    const availability = new ElasticAvailability(client, config.ENGINE_PROBE_INTERVAL_MS, config.ENGINE_PROBE_TIMEOUT_MS);
    availability.start();
    return availability;
  },
};
