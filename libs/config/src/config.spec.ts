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

  it('refuses to start in production without a JWT secret', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(ConfigError);
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/JWT_SECRET/);
  });
});
