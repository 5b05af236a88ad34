import { EnvError, bool, cleanEnv, makeValidator, num, port, str, url } from 'envalid';

export class ConfigError extends Error {}

const positiveInteger = makeValidator<number>((input) => {
  const value = Number(input);
  if (!Number.isInteger(value) || value <= 0) throw new EnvError(`must be a positive whole number, got "${input}"`);
  return value;
});

const wholeNumber = makeValidator<number>((input) => {
  const value = Number(input);
  if (!Number.isInteger(value) || value < 0) throw new EnvError(`must be a whole number (0 or more), got "${input}"`);
  return value;
});

const platekeeperEnv = {
  NODE_ENV: str({ choices: ['development', 'test', 'production'], default: 'development' }),
  LOG_LEVEL: str({ choices: ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], default: 'info' }),
  KAFKA_BROKERS: str({ default: '127.0.0.1:9092', desc: 'comma-separated host:port list' }),
  KAFKA_CLIENT_ID: str({ default: 'platekeeper' }),
  TOPIC_RAW: str({ default: 'alpr.reads.raw' }),
  TOPIC_ENRICHED: str({ default: 'alpr.reads.enriched' }),
  TOPIC_DLQ: str({ default: 'alpr.reads.dlq' }),
  TOPIC_PARTITIONS: num({ default: 3 }),
  INGEST_GROUP_ID: str({ default: 'platekeeper-ingest' }),
  INDEXER_GROUP_ID: str({ default: 'platekeeper-indexer' }),
  ELASTICSEARCH_URL: url({ default: 'http://127.0.0.1:9200' }),
  READS_INDEX_PREFIX: str({ default: 'alpr-reads' }),
  DATABASE_URL: url({ default: 'postgres://postgres:postgres@127.0.0.1:5432/platekeeper' }),
  JWT_SECRET: str({ devDefault: 'platekeeper-development-secret-change-me', desc: 'HS256 secret for bearer tokens' }),
  JWT_JWKS_URL: str({ default: '', desc: 'when set, tokens are verified as RS256 against this JWKS instead of the secret' }),
  JWT_ISSUER: str({ default: '' }),
  JWT_AUDIENCE: str({ default: '' }),
  SEARCH_HOST: str({ default: '127.0.0.1' }),
  SEARCH_PORT: port({ default: 3000 }),
  INGEST_HEALTH_PORT: port({ default: 3001 }),
  INDEXER_HEALTH_PORT: port({ default: 3002 }),
  INDEXER_MAX_RETRIES: num({ default: 8 }),
  INDEXER_RETRY_BASE_MS: num({ default: 200 }),
  RETENTION_SWEEP_MINUTES: num({ default: 60 }),
  READS_MAX_AGE_DAYS: positiveInteger({
    default: 3650,
    desc: 'reads captured longer ago are dead-lettered (READ.TOO_OLD) by ingest and indexer; bounds the monthly indices that can exist',
  }),
  READS_INDEX_SHARDS: positiveInteger({
    default: 1,
    desc: 'primary shards of each monthly read index; size it so a month stays near READS_SHARD_TARGET_GB per shard (docs/performance.md)',
  }),
  READS_INDEX_REPLICAS: wholeNumber({ default: 0, desc: 'replicas of each monthly read index (0 on a single node)' }),
  READS_INDEX_REFRESH_INTERVAL: str({ default: '1s', desc: 'how soon indexed reads become searchable (Elasticsearch time unit, or -1)' }),
  SEARCH_OWNER_PROBE_ABOVE: wholeNumber({
    default: 64,
    desc: 'a search whose decision names more visible owners than this first asks which owners have matching reads, then filters on those (docs/performance.md)',
  }),
  READS_REFRESH_ON_WRITE: bool({ default: false, desc: 'refresh indices after each bulk (tests only)' }),
};

export type PlatekeeperConfig = Readonly<ReturnType<typeof loadConfig>>;

/** Validates the environment once at boot; a missing or bad variable fails with its name. */
export function loadConfig(environment: NodeJS.ProcessEnv = process.env) {
  // An unset NODE_ENV means a developer's machine, where the development JWT secret is acceptable.
  // A plain frozen copy: envalid's strict proxy throws on the hook probes Nest makes on providers.
  return Object.freeze({ ...cleanEnv({ NODE_ENV: 'development', ...environment }, platekeeperEnv, {
    reporter: ({ errors }) => {
      const problems = Object.entries(errors).map(([name, error]) => `${name}: ${(error as Error).message}`);
      if (problems.length > 0) throw new ConfigError(`Invalid configuration: ${problems.join('; ')}`);
    },
  }) });
}

export function kafkaBrokers(config: PlatekeeperConfig): string[] {
  return config.KAFKA_BROKERS.split(',').map((broker) => broker.trim()).filter(Boolean);
}

/** Runs an app's bootstrap; a configuration or start-up failure ends the process with a one-line reason. */
export function bootOrExit(bootstrap: () => Promise<unknown>): void {
  bootstrap().catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
}
