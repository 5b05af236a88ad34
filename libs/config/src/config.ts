import { EnvError, bool, cleanEnv, makeValidator, num, port, str, url } from 'envalid';

export class ConfigError extends Error {}

/** A whole number of at least `min`: a timeout of -5 or a limit of 2.5 stops the app at boot, not a search later. */
const integerFrom = (min: number) =>
  makeValidator<number>((input) => {
    const value = Number(input);
    if (!Number.isInteger(value) || value < min) throw new EnvError(`must be a whole number of at least ${min}, got "${input}"`);
    return value;
  });

/** A number (fractions allowed) of at least `min`, e.g. a schedule in minutes that a test runs every few seconds. */
const numberFrom = (min: number) =>
  makeValidator<number>((input) => {
    const value = Number(input);
    if (input === '' || !Number.isFinite(value) || value < min) throw new EnvError(`must be a number of at least ${min}, got "${input}"`);
    return value;
  });

/** Who talks to Kafka: each is its own SASL user with its own ACLs (docs/kafka-security.md). */
export const KAFKA_PRINCIPALS = ['admin', 'ingest', 'indexer', 'camera', 'alerts'] as const;
export type KafkaPrincipal = (typeof KAFKA_PRINCIPALS)[number];

/** The local stack's users (deploy/local/stack creates them with these passwords); production refuses them. */
export const DEVELOPMENT_KAFKA_PASSWORDS: Readonly<Record<KafkaPrincipal, string>> = {
  admin: 'platekeeper-dev-admin',
  ingest: 'platekeeper-dev-ingest',
  indexer: 'platekeeper-dev-indexer',
  camera: 'platekeeper-dev-camera',
  alerts: 'platekeeper-dev-alerts',
};

export const DEVELOPMENT_JWT_SECRET = 'platekeeper-development-secret-change-me';
/** Secrets published in this repository's history, tests and docs: never acceptable in production. */
const PUBLISHED_JWT_SECRETS = [DEVELOPMENT_JWT_SECRET, 'change-me-in-production', 'e2e-secret', 'unit-secret', 'secret', 'changeme'];
const MIN_JWT_SECRET_BYTES = 32;
const MIN_KAFKA_PASSWORD_LENGTH = 16;

/** One URL or several, comma-separated: the nodes of one Elasticsearch cluster (the client spreads requests and skips dead ones). */
const urlList = makeValidator<string>((input) => {
  const urls = input.split(',').map((part) => part.trim());
  for (const candidate of urls) {
    let parsed: URL;
    try {
      parsed = new URL(candidate);
    } catch {
      throw new EnvError(`"${candidate}" is not a URL (give one or more http(s) URLs, comma-separated)`);
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new EnvError(`"${candidate}" is not an http(s) URL`);
  }
  return urls.join(',');
});

const kafkaPassword = (principal: KafkaPrincipal) =>
  str({ default: '', devDefault: DEVELOPMENT_KAFKA_PASSWORDS[principal], desc: `SASL password of the Kafka user ${principal}` });

const platekeeperEnv = {
  NODE_ENV: str({ choices: ['development', 'test', 'production'], default: 'development', desc: 'production refuses published secrets and unauthenticated Kafka; unset means a developer machine' }),
  LOG_LEVEL: str({ choices: ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], default: 'info', desc: 'level of the JSON logs (pino)' }),
  KAFKA_BROKERS: str({ default: '127.0.0.1:9092', desc: 'comma-separated host:port list' }),
  KAFKA_CLIENT_ID: str({ default: 'platekeeper', desc: 'prefix of each Kafka connection\'s client id (`<id>-ingest`, `<id>-indexer`…)' }),
  KAFKA_SASL_MECHANISM: str({ choices: ['scram-sha-512', 'scram-sha-256', 'plain', 'none'], default: 'scram-sha-512', desc: 'how Kafka clients authenticate (docs/kafka-security.md)' }),
  KAFKA_SSL: bool({ default: false, desc: 'TLS to the brokers' }),
  KAFKA_SSL_CA_FILE: str({ default: '', desc: 'PEM file of the CA that signed the brokers\' certificates (default: the system CAs)' }),
  KAFKA_ADMIN_USERNAME: str({ default: 'admin', desc: 'SASL user that provisions topics and ACLs (CLI, tests)' }),
  KAFKA_ADMIN_PASSWORD: kafkaPassword('admin'),
  KAFKA_INGEST_USERNAME: str({ default: 'ingest', desc: 'SASL user of the ingest service' }),
  KAFKA_INGEST_PASSWORD: kafkaPassword('ingest'),
  KAFKA_INDEXER_USERNAME: str({ default: 'indexer', desc: 'SASL user of the indexer service' }),
  KAFKA_INDEXER_PASSWORD: kafkaPassword('indexer'),
  KAFKA_CAMERA_USERNAME: str({ default: 'camera', desc: 'SASL user cameras and gateways produce raw reads as' }),
  KAFKA_CAMERA_PASSWORD: kafkaPassword('camera'),
  KAFKA_ALERTS_USERNAME: str({ default: 'alerts', desc: 'SASL user of the hotlist alerts service (reads enriched reads, writes alerts)' }),
  KAFKA_ALERTS_PASSWORD: kafkaPassword('alerts'),
  TOPIC_RAW: str({ default: 'alpr.reads.raw', desc: 'topic cameras write raw reads to' }),
  TOPIC_ENRICHED: str({ default: 'alpr.reads.enriched', desc: 'topic ingest writes enriched reads to and the indexer consumes' }),
  TOPIC_DLQ: str({ default: 'alpr.reads.dlq', desc: 'dead-letter topic: refused reads with the reason in headers' }),
  TOPIC_ALERTS: str({ default: 'alpr.alerts', desc: 'topic the alerts service writes hotlist alerts to (docs/hotlists.md)' }),
  TOPIC_PARTITIONS: integerFrom(1)({ default: 3, desc: 'partitions of each topic when it is provisioned' }),
  TOPIC_REPLICATION_FACTOR: integerFrom(1)({ default: 1, desc: 'replicas of each topic when it is provisioned (1 on a single broker; 3 in production)' }),
  TOPIC_MIN_INSYNC_REPLICAS: integerFrom(1)({
    default: 1,
    desc: 'replicas that must hold a write before an `acks=all` producer is answered, set on each topic when it is provisioned (2 with a replication factor of 3: one broker may be down)',
  }),
  INGEST_GROUP_ID: str({ default: 'platekeeper-ingest', desc: 'consumer group of the ingest instances' }),
  INDEXER_GROUP_ID: str({ default: 'platekeeper-indexer', desc: 'consumer group of the indexer instances' }),
  ALERTS_GROUP_ID: str({ default: 'platekeeper-alerts', desc: 'consumer group of the alerts instances (hotlist matching on the enriched topic)' }),
  ELASTICSEARCH_URL: urlList({
    default: 'http://127.0.0.1:9200',
    desc: 'Elasticsearch node the indexer writes to and searches query; several nodes of one cluster comma-separated, so a dead node is skipped',
  }),
  READS_INDEX_PREFIX: str({ default: 'alpr-reads', desc: 'read indices are `<prefix>-YYYY.MM`, one per month of capture' }),
  DATABASE_URL: url({ default: 'postgres://postgres:postgres@127.0.0.1:5432/platekeeper', desc: 'PostgreSQL: agencies, cameras, sharing rules, audit chain' }),
  JWT_SECRET: str({ default: '', devDefault: DEVELOPMENT_JWT_SECRET, desc: 'HS256 secret for bearer tokens' }),
  JWT_JWKS_URL: str({ default: '', desc: 'when set, tokens are verified as RS256 against this JWKS instead of the secret' }),
  JWT_ISSUER: str({ default: '', desc: 'when set, tokens must carry this `iss`' }),
  JWT_AUDIENCE: str({ default: '', desc: 'when set, tokens must carry this `aud`' }),
  SEARCH_HOST: str({ default: '127.0.0.1', desc: 'address the search API binds to' }),
  SEARCH_PORT: port({ default: 3000, desc: 'port of the search API' }),
  HEALTH_HOST: str({ default: '127.0.0.1', desc: 'address ingest and indexer bind their /health endpoint to' }),
  INGEST_HEALTH_PORT: port({ default: 3001, desc: 'port of ingest\'s /health' }),
  INDEXER_HEALTH_PORT: port({ default: 3002, desc: 'port of the indexer\'s /health' }),
  ALERTS_HEALTH_PORT: port({ default: 3004, desc: 'port of the alerts service\'s /health' }),
  INDEXER_MAX_RETRIES: num({ default: 8, desc: 'bulk retries while Elasticsearch pushes back (blocked index, 429, 5xx) before the indexer gives up on a batch for INDEXER_GIVE_UP_PAUSE_MS' }),
  INDEXER_RETRY_BASE_MS: num({ default: 200, desc: 'first bulk retry delay; doubles per retry (jittered, at most 5 s)' }),
  INDEXER_GIVE_UP_PAUSE_MS: integerFrom(0)({
    default: 30_000, desc: 'after giving up on a batch, the indexer reports `gave-up` on /health and tries the batch again after this long, or sooner: within ENGINE_PROBE_INTERVAL_MS of Elasticsearch answering again or of a write block being lifted',
  }),
  INGEST_FETCH_MAX_BYTES_PER_PARTITION: integerFrom(1024)({ default: 2 * 1024 * 1024, desc: 'most bytes ingest fetches from one partition at a time (with INGEST_PARTITIONS_CONCURRENTLY, what bounds its memory)' }),
  INDEXER_FETCH_MAX_BYTES_PER_PARTITION: integerFrom(1024)({ default: 2 * 1024 * 1024, desc: 'most bytes the indexer fetches from one partition at a time (with INDEXER_PARTITIONS_CONCURRENTLY, what bounds its memory)' }),
  INGEST_PARTITIONS_CONCURRENTLY: integerFrom(1)({
    default: 3, desc: 'partitions one ingest instance works on at once (each batch still commits only after its own writes); at most its share of TOPIC_PARTITIONS helps',
  }),
  INDEXER_PARTITIONS_CONCURRENTLY: integerFrom(1)({
    default: 3, desc: 'partitions one indexer instance works on at once, their reads gathered into shared bulk requests (each batch still commits only after Elasticsearch acknowledged all of its reads)',
  }),
  INDEXER_BULK_MAX_BYTES: integerFrom(1024)({
    default: 4 * 1024 * 1024, desc: 'the reads of every partition an indexer consumes share bulk requests; one is sent once it holds this many bytes of documents',
  }),
  INDEXER_BULK_MAX_READS: integerFrom(1)({ default: 5_000, desc: 'a shared bulk request is also sent once it holds this many reads' }),
  INDEXER_BULK_LINGER_MS: integerFrom(0)({
    default: 50, desc: 'a shared bulk request is also sent once its oldest read has waited this long for others (from any partition) to join it',
  }),
  INDEXER_BULK_CONCURRENCY: integerFrom(1)({ default: 2, desc: 'bulk requests one indexer instance keeps in flight at once, over all its partitions' }),
  KAFKA_FETCH_MAX_BYTES: integerFrom(1024)({ default: 8 * 1024 * 1024, desc: 'most bytes ingest and the indexer fetch from Kafka in one request, over all partitions' }),
  KAFKA_FETCH_MAX_WAIT_MS: integerFrom(0)({ default: 100, desc: 'how long the broker may hold a fetch waiting for more data (lower: fresher reads when the stream is slow)' }),
  KAFKA_FETCH_MIN_BYTES: integerFrom(1)({ default: 1, desc: 'bytes a fetch waits for (up to KAFKA_FETCH_MAX_WAIT_MS) before the broker answers; more: bigger batches, later reads' }),
  RETENTION_SWEEP_MINUTES: num({ default: 60, desc: 'how often the search service deletes reads past every retention; 0 turns the sweep off' }),
  READS_MAX_AGE_DAYS: integerFrom(1)({
    default: 3650,
    desc: 'reads captured longer ago are dead-lettered (READ.TOO_OLD) by ingest and indexer; bounds the monthly indices that can exist',
  }),
  SEARCH_TIMEOUT_MS: integerFrom(1)({ default: 5000, desc: 'how long Elasticsearch may work on one search before it answers 503 SEARCH.TIMED_OUT' }),
  SEARCH_RATE_LIMIT_PER_MINUTE: integerFrom(0)({ default: 120, desc: 'searches and previews per user per minute before 429; 0 turns the limit off' }),
  UNAUTHENTICATED_RATE_LIMIT_PER_MINUTE: integerFrom(0)({
    default: 60, desc: 'requests without a valid bearer token per client IP per minute before 429; 0 turns the limit off',
  }),
  SEARCH_TRUST_PROXY: bool({ default: false, desc: 'behind a reverse proxy: take the client IP from X-Forwarded-For (for the per-client limit)' }),
  API_BODY_LIMIT_BYTES: integerFrom(1024)({ default: 256 * 1024, desc: 'largest request body the search API reads; larger ones get 413' }),
  GATEWAY_PORT: port({ default: 3003, desc: 'camera gateway (apps/gateway) HTTP port' }),
  GATEWAY_BODY_LIMIT_BYTES: integerFrom(1024)({ default: 8 * 1024 * 1024, desc: 'largest camera payload the gateway reads (Blue Iris alerts carry a base64 image); larger ones get 413' }),
  GATEWAY_PRODUCE_TIMEOUT_MS: integerFrom(1)({ default: 5000, desc: 'how long the gateway waits for Kafka to acknowledge a request\'s reads before it answers 503 with Retry-After' }),
  GATEWAY_MAX_IN_FLIGHT: integerFrom(1)({ default: 512, desc: 'requests the gateway holds waiting for Kafka at once; beyond, 429 with Retry-After (no unbounded buffering)' }),
  GATEWAY_FAILED_AUTH_PER_MINUTE: integerFrom(0)({
    default: 30,
    desc: 'failed camera authentications (no, unknown, rotated or revoked key) per client IP per minute; beyond, that client gets 429 before any key lookup until the minute is over; 0 turns the limit off',
  }),
  GATEWAY_RETRY_AFTER_SECONDS: integerFrom(1)({ default: 5, desc: 'Retry-After of the gateway\'s 429 and 503 answers' }),
  READS_INDEX_SHARDS: integerFrom(1)({
    default: 1,
    desc: 'primary shards of each monthly read index; size it so a month stays near READS_SHARD_TARGET_GB per shard (docs/performance.md)',
  }),
  READS_INDEX_REPLICAS: integerFrom(0)({ default: 0, desc: 'replicas of each monthly read index (0 on a single node)' }),
  READS_INDEX_REFRESH_INTERVAL: str({ default: '1s', desc: 'how soon indexed reads become searchable (Elasticsearch time unit, or -1)' }),
  SEARCH_OWNER_PROBE_ABOVE: integerFrom(0)({
    default: 64,
    desc: 'a search whose decision names more visible owners than this first asks which owners have matching reads, then filters on those (docs/performance.md)',
  }),
  ALERTS_FETCH_MAX_BYTES_PER_PARTITION: integerFrom(1024)({ default: 4 * 1024 * 1024, desc: 'most bytes the alerts service fetches from one partition at a time' }),
  HOTLIST_RECORD_RETENTION_DAYS: integerFrom(1)({
    default: 365, desc: 'expired or removed hotlist entries are kept for the record this long after they stopped matching, then purged with their alerts\' dispositions',
  }),
  SEARCH_MAX_IN_FLIGHT: integerFrom(1)({
    default: 128,
    desc: 'searches one search instance works on at once; beyond, 503 SEARCH.OVERLOADED with Retry-After at once instead of a queue (docs/performance.md)',
  }),
  SEARCH_RETRY_AFTER_SECONDS: integerFrom(1)({ default: 1, desc: 'Retry-After of the search API\'s 503 answers (overload, engine or audit unavailable)' }),
  READS_REFRESH_ON_WRITE: bool({ default: false, desc: 'refresh indices after each bulk (tests only)' }),
  AUDIT_CHECKPOINT_KEY_FILE: str({
    default: '',
    desc: 'PEM file of the Ed25519 private key that signs audit checkpoints (docs/audit-checkpoints.md); held outside the database. Empty: no checkpoints',
  }),
  AUDIT_CHECKPOINT_DIR: str({ default: '', desc: 'directory signed audit checkpoints are published to (`latest.json` and one file per checkpoint); empty: none' }),
  AUDIT_CHECKPOINT_URL: str({ default: '', desc: 'when set, each signed audit checkpoint is also POSTed (JSON) to this URL' }),
  AUDIT_CHECKPOINT_MINUTES: numberFrom(0)({
    default: 15,
    desc: 'how often a signed audit checkpoint is published: once per interval of the clock (e.g. :00, :15, :30, :45) by exactly one search instance; fractions allowed; 0: only when a platform_admin asks',
  }),
  CONSOLE_DIR: str({ default: 'dist/console', desc: 'built console (`npm run build:console`) the search service serves at /console/ (docs/console.md)' }),
  CONSOLE_DEV_SIGN_IN: bool({
    default: false, devDefault: true,
    desc: 'the console offers a demo sign-in that mints local HS256 tokens for any agency and role (never in production)',
  }),
  OIDC_ISSUER_URL: str({ default: '', desc: 'OpenID provider the console signs in with (authorization code + PKCE); tokens are then verified with JWT_JWKS_URL' }),
  OIDC_CLIENT_ID: str({ default: '', desc: 'the console\'s client id at the OpenID provider' }),
  OIDC_SCOPES: str({ default: 'openid profile', desc: 'scopes the console asks the OpenID provider for' }),
  OIDC_BEARER_TOKEN: str({ choices: ['access_token', 'id_token'], default: 'access_token', desc: 'which token of the provider\'s answer the console sends as bearer (it must carry `agency` and `roles`)' }),
  SMTP_URL: str({ default: '', desc: 'SMTP server for sharing-change notices, e.g. smtp://127.0.0.1:2525; empty: no e-mail' }),
  NOTICE_FROM: str({ default: 'Platekeeper <platekeeper@localhost>', desc: 'sender of sharing-change notices' }),
  NOTICE_TIMEOUT_MS: integerFrom(1)({ default: 5000, desc: 'how long one webhook or SMTP delivery of a notice may take' }),
  NOTICE_MAX_ATTEMPTS: integerFrom(1)({ default: 16, desc: 'delivery attempts of one sharing-change notice to one contact before it is marked failed (shown to the agency admin)' }),
  NOTICE_RETRY_BASE_MS: integerFrom(1)({ default: 2000, desc: 'wait after a notice\'s first failed delivery; doubles per attempt (jittered), at most NOTICE_RETRY_MAX_MS' }),
  NOTICE_RETRY_MAX_MS: integerFrom(1)({ default: 1800000, desc: 'longest wait between two delivery attempts of a notice' }),
  SHARING_WORLD_REFRESH_MS: integerFrom(0)({
    default: 250,
    desc: 'how often the search service reloads the sharing world in the background when the registry moved, so a search seldom runs twice after a change (each search still checks the version when it is recorded); 0 turns it off',
  }),
  NOTICE_OUTBOX_POLL_MS: integerFrom(0)({ default: 1000, desc: 'how often the search service looks for notices due (re)delivery; a change wakes it at once; 0 turns delivery off' }),
  GOVERNED_CHANGES_SWEEP_SECONDS: integerFrom(0)({ default: 30, desc: 'how often the search service applies approved widenings whose notice period has run out; 0 turns it off' }),
  TRANSPARENCY_CHAIN_CHECK_SECONDS: integerFrom(0)({ default: 300, desc: 'how long the public transparency page reuses one verification of the audit chain' }),
  KAFKA_SESSION_TIMEOUT_MS: integerFrom(6000)({
    default: 10_000,
    desc: 'consumer group session: a member that stops heartbeating (killed) is replaced after this long, so a restarted ingest or indexer rejoins within it (the broker\'s group.min.session.timeout.ms is 6 s)',
  }),
  KAFKA_HEARTBEAT_INTERVAL_MS: integerFrom(100)({ default: 1_000, desc: 'how often consumers heartbeat, also while a batch handler waits on its downstream; keep it under a third of KAFKA_SESSION_TIMEOUT_MS' }),
  CONSUMER_STALL_MS: integerFrom(1000)({
    default: 15_000,
    desc: 'ingest and indexer report `stalled` (503 on /health) when no fetch, heartbeat or commit succeeded for this long (Kafka unreachable)',
  }),
  SHUTDOWN_DRAIN_MS: integerFrom(0)({
    default: 10_000,
    desc: 'on SIGTERM a consumer stops fetching, lets the batch in flight finish and commit, and leaves its group; it waits at most this long (an unfinished batch is redelivered)',
  }),
  REPLAY_OUTAGE_TIMEOUT_MS: integerFrom(0)({
    default: 600_000,
    desc: 'how long the replay command waits out a broker that does not acknowledge before it stops, recording the acknowledged lines for --resume',
  }),
  REPLAY_SEND_TIMEOUT_MS: integerFrom(1)({
    default: 15_000,
    desc: 'one replay send unanswered for this long counts as failed and is sent again through a fresh client (a send to a frozen broker is otherwise never answered, and one cut off by a dying broker waited out the kafkajs retries: ~100 s with its production defaults, ~8 s with KAFKA_CLIENT_RETRY)',
  }),
  ENGINE_PROBE_INTERVAL_MS: integerFrom(100)({ default: 1_000, desc: 'how often search and indexer ask Elasticsearch, and the gateway Kafka, whether it answers; /health reports the latest answer at once' }),
  ENGINE_PROBE_TIMEOUT_MS: integerFrom(50)({
    default: 800,
    desc: 'an Elasticsearch (for the gateway: a Kafka) that has not answered a probe within this long is down: searches answer 503 ENGINE.UNAVAILABLE at once instead of waiting, the gateway\'s /health 503',
  }),
};

export type PlatekeeperConfig = Readonly<ReturnType<typeof loadConfig>>;

/** Validates the environment once at boot; a missing or bad variable fails with its name. */
export function loadConfig(environment: NodeJS.ProcessEnv = process.env) {
  // An unset NODE_ENV means a developer's machine, where the development JWT secret is acceptable.
  // A plain frozen copy: envalid's strict proxy throws on the hook probes Nest makes on providers.
  const config = Object.freeze({ ...cleanEnv({ NODE_ENV: 'development', ...environment }, platekeeperEnv, {
    reporter: ({ errors }) => {
      const problems = Object.entries(errors).map(([name, error]) => `${name}: ${(error as Error).message}`);
      if (problems.length > 0) throw new ConfigError(`Invalid configuration: ${problems.join('; ')}`);
    },
  }) });
  const problems = [...layoutProblems(config), ...(config.NODE_ENV === 'production' ? productionSecretProblems(config) : [])];
  if (problems.length > 0) throw new ConfigError(`Invalid configuration: ${problems.join('; ')}`);
  return config;
}

type LoadedConfig = ReturnType<typeof cleanEnv<typeof platekeeperEnv>>;

const KAFKA_CREDENTIAL_VARIABLES = {
  admin: { username: 'KAFKA_ADMIN_USERNAME', password: 'KAFKA_ADMIN_PASSWORD' },
  ingest: { username: 'KAFKA_INGEST_USERNAME', password: 'KAFKA_INGEST_PASSWORD' },
  indexer: { username: 'KAFKA_INDEXER_USERNAME', password: 'KAFKA_INDEXER_PASSWORD' },
  camera: { username: 'KAFKA_CAMERA_USERNAME', password: 'KAFKA_CAMERA_PASSWORD' },
  alerts: { username: 'KAFKA_ALERTS_USERNAME', password: 'KAFKA_ALERTS_PASSWORD' },
} as const satisfies Record<KafkaPrincipal, { username: keyof typeof platekeeperEnv; password: keyof typeof platekeeperEnv }>;

/** The environment variables holding each principal's SASL credentials. */
export function kafkaCredentialVariables(principal: KafkaPrincipal) {
  return KAFKA_CREDENTIAL_VARIABLES[principal];
}

/** A topic layout Kafka would refuse at provisioning time fails at boot instead, naming both variables. */
function layoutProblems(config: LoadedConfig): string[] {
  if (config.TOPIC_MIN_INSYNC_REPLICAS <= config.TOPIC_REPLICATION_FACTOR) return [];
  return [
    `TOPIC_MIN_INSYNC_REPLICAS: ${config.TOPIC_MIN_INSYNC_REPLICAS} is more than TOPIC_REPLICATION_FACTOR (${config.TOPIC_REPLICATION_FACTOR}): no write could ever be acknowledged`,
  ];
}

/** Production refuses secrets anyone can read in this repository, and ones too short to resist guessing. */
function productionSecretProblems(config: LoadedConfig): string[] {
  const problems: string[] = [];
  if (!config.JWT_JWKS_URL) {
    if (config.JWT_SECRET === '') problems.push('JWT_SECRET: required in production (or set JWT_JWKS_URL)');
    else if (PUBLISHED_JWT_SECRETS.includes(config.JWT_SECRET)) problems.push('JWT_SECRET: is a published development value');
    else if (Buffer.byteLength(config.JWT_SECRET) < MIN_JWT_SECRET_BYTES) problems.push(`JWT_SECRET: must be at least ${MIN_JWT_SECRET_BYTES} bytes`);
  }
  if (config.CONSOLE_DEV_SIGN_IN) problems.push('CONSOLE_DEV_SIGN_IN: mints tokens for anyone; never in production');
  if (config.KAFKA_SASL_MECHANISM === 'none') problems.push('KAFKA_SASL_MECHANISM: production Kafka clients must authenticate');
  if (config.KAFKA_SASL_MECHANISM === 'plain' && !config.KAFKA_SSL) problems.push('KAFKA_SASL_MECHANISM: plain sends the password in clear; set KAFKA_SSL=true');
  const published = new Set(Object.values(DEVELOPMENT_KAFKA_PASSWORDS));
  for (const principal of KAFKA_PRINCIPALS) {
    const variable = kafkaCredentialVariables(principal).password;
    const password = config[variable];
    // A process sets only the passwords of the principals it acts as; the Kafka client factory names a missing one.
    if (password === '') continue;
    if (published.has(password)) problems.push(`${variable}: is a published development value`);
    else if (password.length < MIN_KAFKA_PASSWORD_LENGTH) problems.push(`${variable}: must be at least ${MIN_KAFKA_PASSWORD_LENGTH} characters`);
  }
  return problems;
}

/** The schema itself, for the generated reference (docs/configuration.md, `npm run docs:config`). */
export { platekeeperEnv as CONFIGURATION_SCHEMA };

export function kafkaBrokers(config: PlatekeeperConfig): string[] {
  return config.KAFKA_BROKERS.split(',').map((broker) => broker.trim()).filter(Boolean);
}

/** The Elasticsearch nodes of ELASTICSEARCH_URL, in order. */
export function elasticsearchNodes(config: Pick<PlatekeeperConfig, 'ELASTICSEARCH_URL'>): string[] {
  return config.ELASTICSEARCH_URL.split(',').map((node) => node.trim()).filter(Boolean);
}

/** Runs an app's bootstrap; a configuration or start-up failure ends the process with a one-line reason. */
export function bootOrExit(bootstrap: () => Promise<unknown>): void {
  bootstrap().catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
}
