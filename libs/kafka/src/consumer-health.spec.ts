import { ConsumerHealth } from './consumer-health';

describe('ConsumerHealth', () => {
  it('reports a consumer whose downstream gave up as gave-up and unhealthy, with the reason, rather than crashed', () => {
    const health = new ConsumerHealth();
    health.gaveUp('Elasticsearch: 1 reads still unacknowledged after 8 retries; last: status 403 cluster_block_exception');
    expect(health.report()).toEqual({
      state: 'gave-up',
      lastError: 'Elasticsearch: 1 reads still unacknowledged after 8 retries; last: status 403 cluster_block_exception',
    });
    expect(health.healthy).toBe(false);
  });

  it('is running and healthy again once a batch goes through after giving up', () => {
    const health = new ConsumerHealth();
    health.gaveUp('index blocked');
    health.recovered();
    expect(health.report().state).toBe('running');
    expect(health.healthy).toBe(true);
  });

  it('does not call a consumer that is still starting running just because a batch went through elsewhere', () => {
    const health = new ConsumerHealth();
    health.recovered();
    expect(health.report().state).toBe('starting');
  });
});
