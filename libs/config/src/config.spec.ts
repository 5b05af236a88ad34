import { ConfigError, DEVELOPMENT_JWT_SECRET, DEVELOPMENT_KAFKA_PASSWORDS, elasticsearchNodes, loadConfig } from './config';

const strongSecret = 'a-production-secret-of-at-least-32-bytes';
const production = { NODE_ENV: 'production', JWT_SECRET: strongSecret };

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


  it('bounds the age of accepted reads at ten years unless configured, and refuses a floor that is not a positive whole number', () => {
    expect(loadConfig({}).READS_MAX_AGE_DAYS).toBe(3650);
    expect(loadConfig({ READS_MAX_AGE_DAYS: '400' }).READS_MAX_AGE_DAYS).toBe(400);
    for (const bad of ['0', '-5', '2.5', 'forever']) expect(() => loadConfig({ READS_MAX_AGE_DAYS: bad })).toThrow(/READS_MAX_AGE_DAYS/);
  });

  it('takes every node of an Elasticsearch cluster, comma-separated, and names a bad one', () => {
    expect(elasticsearchNodes(loadConfig({}))).toEqual(['http://127.0.0.1:9200']);
    const cluster = loadConfig({ ELASTICSEARCH_URL: 'http://127.0.0.1:39121, http://127.0.0.1:39122,http://127.0.0.1:39123' });
    expect(elasticsearchNodes(cluster)).toEqual(['http://127.0.0.1:39121', 'http://127.0.0.1:39122', 'http://127.0.0.1:39123']);
    expect(() => loadConfig({ ELASTICSEARCH_URL: 'http://127.0.0.1:9200,127.0.0.1:9201' })).toThrow(/ELASTICSEARCH_URL.*127\.0\.0\.1:9201/);
    expect(() => loadConfig({ ELASTICSEARCH_URL: 'ftp://elastic:9200' })).toThrow(/ELASTICSEARCH_URL/);
  });

  it('lays out topics from configuration and refuses a minimum of in-sync replicas no write could meet', () => {
    const defaults = loadConfig({});
    expect([defaults.TOPIC_PARTITIONS, defaults.TOPIC_REPLICATION_FACTOR, defaults.TOPIC_MIN_INSYNC_REPLICAS]).toEqual([3, 1, 1]);
    const cluster = loadConfig({ TOPIC_PARTITIONS: '12', TOPIC_REPLICATION_FACTOR: '3', TOPIC_MIN_INSYNC_REPLICAS: '2' });
    expect([cluster.TOPIC_PARTITIONS, cluster.TOPIC_REPLICATION_FACTOR, cluster.TOPIC_MIN_INSYNC_REPLICAS]).toEqual([12, 3, 2]);
    expect(() => loadConfig({ TOPIC_REPLICATION_FACTOR: '3', TOPIC_MIN_INSYNC_REPLICAS: '4' })).toThrow(/TOPIC_MIN_INSYNC_REPLICAS.*TOPIC_REPLICATION_FACTOR/);
    for (const bad of ['0', '2.5']) expect(() => loadConfig({ TOPIC_PARTITIONS: bad })).toThrow(/TOPIC_PARTITIONS/);
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

  it('gives development the local stack\'s Kafka users, authenticated with SCRAM-SHA-512', () => {
    const config = loadConfig({});
    expect(config.KAFKA_SASL_MECHANISM).toBe('scram-sha-512');
    expect([config.KAFKA_INGEST_USERNAME, config.KAFKA_INGEST_PASSWORD]).toEqual(['ingest', DEVELOPMENT_KAFKA_PASSWORDS.ingest]);
  });

  describe('in production', () => {
    it('starts with a strong JWT secret and no Kafka password it does not need', () => {
      const config = loadConfig(production);
      expect(config.JWT_SECRET).toBe(strongSecret);
      expect(config.KAFKA_ADMIN_PASSWORD).toBe('');
    });

    it('refuses to start without a JWT secret', () => {
      expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(ConfigError);
      expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/JWT_SECRET: required/);
    });

    it('refuses a JWT secret shorter than 32 bytes', () => {
      expect(() => loadConfig({ ...production, JWT_SECRET: 'x'.repeat(31) })).toThrow(/JWT_SECRET: must be at least 32 bytes/);
    });

    it('refuses the published development JWT secrets, however long', () => {
      for (const published of [DEVELOPMENT_JWT_SECRET, 'change-me-in-production']) {
        expect(() => loadConfig({ ...production, JWT_SECRET: published })).toThrow(/JWT_SECRET: is a published development value/);
      }
    });

    it('needs no JWT secret when tokens are verified against an identity provider\'s JWKS', () => {
      expect(loadConfig({ NODE_ENV: 'production', JWT_JWKS_URL: 'https://idp.example/jwks.json' }).JWT_SECRET).toBe('');
    });

    it('refuses the development Kafka passwords, each under its own variable name', () => {
      expect(() => loadConfig({ ...production, KAFKA_INGEST_PASSWORD: DEVELOPMENT_KAFKA_PASSWORDS.ingest })).toThrow(/KAFKA_INGEST_PASSWORD: is a published development value/);
      // Another principal's development password is just as public.
      expect(() => loadConfig({ ...production, KAFKA_CAMERA_PASSWORD: DEVELOPMENT_KAFKA_PASSWORDS.admin })).toThrow(/KAFKA_CAMERA_PASSWORD/);
    });

    it('refuses a Kafka password shorter than 16 characters', () => {
      expect(() => loadConfig({ ...production, KAFKA_INDEXER_PASSWORD: 'short-password' })).toThrow(/KAFKA_INDEXER_PASSWORD: must be at least 16/);
      expect(loadConfig({ ...production, KAFKA_INDEXER_PASSWORD: 'a-long-enough-kafka-password' }).KAFKA_INDEXER_PASSWORD).toBe('a-long-enough-kafka-password');
    });

    it('refuses unauthenticated Kafka clients, and SASL/PLAIN without TLS', () => {
      expect(() => loadConfig({ ...production, KAFKA_SASL_MECHANISM: 'none' })).toThrow(/KAFKA_SASL_MECHANISM: production Kafka clients must authenticate/);
      expect(() => loadConfig({ ...production, KAFKA_SASL_MECHANISM: 'plain' })).toThrow(/KAFKA_SASL_MECHANISM: plain sends the password in clear/);
      expect(loadConfig({ ...production, KAFKA_SASL_MECHANISM: 'plain', KAFKA_SSL: 'true' }).KAFKA_SSL).toBe(true);
    });
  });
});
