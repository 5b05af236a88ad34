import { ConfigError, loadConfig } from './config';

describe('loadConfig', () => {
  it('fills defaults for a development environment', () => {
    const config = loadConfig({});
    expect(config.TOPIC_RAW).toBe('alpr.reads.raw');
    expect(config.KAFKA_BROKERS).toBe('127.0.0.1:9092');
  });

  it('names the bad variable when a value is invalid', () => {
    expect(() => loadConfig({ SEARCH_PORT: 'eighty' })).toThrow(/SEARCH_PORT/);
  });

  it('bounds the age of accepted reads at ten years unless configured, and refuses a floor that is not a positive whole number', () => {
    expect(loadConfig({}).READS_MAX_AGE_DAYS).toBe(3650);
    expect(loadConfig({ READS_MAX_AGE_DAYS: '400' }).READS_MAX_AGE_DAYS).toBe(400);
    for (const bad of ['0', '-5', '2.5', 'forever']) expect(() => loadConfig({ READS_MAX_AGE_DAYS: bad })).toThrow(/READS_MAX_AGE_DAYS/);
  });

  it('lays out read indices with one shard, no replica and a one-second refresh unless configured', () => {
    const defaults = loadConfig({});
    expect([defaults.READS_INDEX_SHARDS, defaults.READS_INDEX_REPLICAS, defaults.READS_INDEX_REFRESH_INTERVAL]).toEqual([1, 0, '1s']);
    const configured = loadConfig({ READS_INDEX_SHARDS: '3', READS_INDEX_REPLICAS: '1', READS_INDEX_REFRESH_INTERVAL: '30s' });
    expect([configured.READS_INDEX_SHARDS, configured.READS_INDEX_REPLICAS, configured.READS_INDEX_REFRESH_INTERVAL]).toEqual([3, 1, '30s']);
    for (const bad of ['0', '1.5', 'many']) expect(() => loadConfig({ READS_INDEX_SHARDS: bad })).toThrow(/READS_INDEX_SHARDS/);
    for (const bad of ['-1', '0.5']) expect(() => loadConfig({ READS_INDEX_REPLICAS: bad })).toThrow(/READS_INDEX_REPLICAS/);
  });

  it('probes for the owners with matching reads only when a decision names more than 64 visible owners unless configured', () => {
    expect(loadConfig({}).SEARCH_OWNER_PROBE_ABOVE).toBe(64);
    expect(loadConfig({ SEARCH_OWNER_PROBE_ABOVE: '0' }).SEARCH_OWNER_PROBE_ABOVE).toBe(0);
    expect(() => loadConfig({ SEARCH_OWNER_PROBE_ABOVE: 'few' })).toThrow(/SEARCH_OWNER_PROBE_ABOVE/);
  });

  it('refuses to start in production without a JWT secret', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(ConfigError);
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/JWT_SECRET/);
  });
});
