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

  it('names a search timeout, rate limit or body limit that is not a whole number in range', () => {
    expect(() => loadConfig({ SEARCH_TIMEOUT_MS: '0' })).toThrow(/SEARCH_TIMEOUT_MS/);
    expect(() => loadConfig({ SEARCH_RATE_LIMIT_PER_MINUTE: '-1' })).toThrow(/SEARCH_RATE_LIMIT_PER_MINUTE/);
    expect(() => loadConfig({ UNAUTHENTICATED_RATE_LIMIT_PER_MINUTE: '2.5' })).toThrow(/UNAUTHENTICATED_RATE_LIMIT_PER_MINUTE/);
    expect(() => loadConfig({ API_BODY_LIMIT_BYTES: 'lots' })).toThrow(/API_BODY_LIMIT_BYTES/);
    expect(loadConfig({ SEARCH_RATE_LIMIT_PER_MINUTE: '0' }).SEARCH_RATE_LIMIT_PER_MINUTE).toBe(0);
  });

  it('refuses to start in production without a JWT secret', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(ConfigError);
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/JWT_SECRET/);
  });
});
