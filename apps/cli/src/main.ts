import 'reflect-metadata';
import { Command, InvalidArgumentError } from 'commander';
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { createGzip } from 'node:zlib';
import { loadConfig } from '@platekeeper/config';
import { createKafka, createProducer, requireTopics } from '@platekeeper/kafka';
import { migrateDatabase } from '@platekeeper/persistence';
import { DEMO_AGENCIES, SHOWCASE_PLATE, seedDemoRegistry } from './demo-world';
import { mintDevelopmentToken } from './mint-token';
import { generateRawReads } from './read-generator';
import { replayReads } from './replay';
import { ReplayInterrupted } from './replay-resilience';
import { printWalkthrough } from './walkthrough';
import { createElasticClient, readsIndexPattern } from '@platekeeper/elastic';
import { normalisePlate } from '@platekeeper/contract';

const config = loadConfig();
const program = new Command('platekeeper').description('Platekeeper developer and load-testing commands');

const positiveInteger = (value: string) => {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed <= 0) throw new InvalidArgumentError('must be a positive integer');
  return parsed;
};
const demoCameraIds = () => DEMO_AGENCIES.flatMap((agency) => agency.cameras.map((camera) => camera.id));

program
  .command('migrate')
  .description('apply pending database migrations')
  .action(async () => {
    const applied = await migrateDatabase(config);
    console.log(applied.length ? `applied ${applied.join(', ')}` : 'database schema is up to date');
  });

program
  .command('mint-token')
  .description('print a development bearer token (HS256, JWT_SECRET)')
  .requiredOption('--agency <id>', 'agency id claim')
  .option('--role <roles...>', 'investigator | agency_admin | platform_admin', ['investigator'])
  .option('--sub <userId>', 'user id claim')
  .option('--ttl <duration>', 'lifetime, e.g. 8h', '8h')
  .action(async (options) => {
    console.log(await mintDevelopmentToken(config, { agencyId: options.agency, roles: options.role, userId: options.sub, expiresIn: options.ttl }));
  });

program
  .command('generate-reads')
  .description('write an NDJSON file of raw reads for the demo cameras (gzipped if it ends in .gz)')
  .requiredOption('--out <file>')
  .option('--count <n>', 'number of reads', positiveInteger, 100_000)
  .option('--seed <n>', 'random seed', positiveInteger, 42)
  .option('--cameras <ids>', 'comma-separated camera ids (default: the demo cameras)')
  .action(async (options) => {
    const cameraIds = options.cameras ? String(options.cameras).split(',') : demoCameraIds();
    const file = createWriteStream(options.out);
    const output = options.out.endsWith('.gz') ? createGzip() : file;
    if (output !== file) output.pipe(file);
    for (const read of generateRawReads({ cameraIds, count: options.count, seed: options.seed, withReadIds: true })) {
      if (!output.write(`${JSON.stringify(read)}\n`)) await once(output, 'drain');
    }
    output.end();
    await once(file, 'close');
    console.log(`wrote ${options.count} reads to ${options.out}`);
  });

program
  .command('replay')
  .description('produce an NDJSON(.gz) file of raw reads onto the raw topic')
  .argument('<file>')
  .option('--rate <readsPerSecond>', 'target rate; default as fast as possible', positiveInteger)
  .option('--topic <topic>', 'target topic', config.TOPIC_RAW)
  .option('--no-progress', 'no progress bar')
  .option('--outage-timeout <seconds>', 'how long to wait out a broker that does not acknowledge before stopping (default REPLAY_OUTAGE_TIMEOUT_MS)', positiveInteger)
  .option('--checkpoint <path>', 'where the count of acknowledged lines is kept (default <file>.replay-checkpoint.json)')
  .option('--resume', 'continue after the lines an earlier run had acknowledged (its checkpoint)')
  .action(async (file, options) => {
    try {
      const result = await replayReads(config, {
        file, ratePerSecond: options.rate, topic: options.topic, progress: options.progress, resume: options.resume, checkpointFile: options.checkpoint,
        outageTimeoutMs: options.outageTimeout === undefined ? undefined : options.outageTimeout * 1000,
        onWaiting: (waitedMs, error) => console.error(`Kafka is not acknowledging (${error}); waiting (${Math.round(waitedMs / 1000)} s so far)`),
      });
      const resumed = result.resumedAfter > 0 ? ` after the ${result.resumedAfter} acknowledged before` : '';
      console.log(`produced ${result.produced} reads${resumed} in ${result.seconds.toFixed(1)} s: ${Math.round(result.ratePerSecond)} reads/s; ${result.acknowledgedLines} lines acknowledged`);
    } catch (error) {
      if (!(error instanceof ReplayInterrupted)) throw error;
      console.error(error.message);
      process.exitCode = 75; // EX_TEMPFAIL: try again later, with --resume
    }
  });

program
  .command('demo')
  .description('register the demo agencies and cameras through the running search API and publish a few thousand demo reads')
  .option('--count <n>', 'number of reads', positiveInteger, 3000)
  .action(async (options) => {
    const platformAdmin = await mintDevelopmentToken(config, { agencyId: 'platekeeper-ops', roles: ['platform_admin'], userId: 'demo-loader' });
    await seedDemoRegistry(`http://${config.SEARCH_HOST}:${config.SEARCH_PORT}`, platformAdmin);
    const kafka = createKafka(config, 'camera', 'demo');
    await requireTopics(kafka, [config.TOPIC_RAW]);
    const producer = createProducer(kafka);
    await producer.connect();
    const reads = [...generateRawReads({ cameraIds: demoCameraIds(), count: options.count, featuredPlates: [SHOWCASE_PLATE] })];
    for (let start = 0; start < reads.length; start += 1000) {
      const messages = reads.slice(start, start + 1000).map((read) => ({ key: String(read.cameraId), value: JSON.stringify(read) }));
      await producer.send({ topic: config.TOPIC_RAW, messages, acks: -1 });
    }
    await producer.disconnect();
    console.log(`registered ${DEMO_AGENCIES.length} agencies and published ${reads.length} reads (showcase plate ${SHOWCASE_PLATE})`);
  });

program
  .command('wait-searchable')
  .description('wait until an agency has indexed reads of a plate (asks Elasticsearch directly, so no search is recorded)')
  .requiredOption('--agency <id>')
  .requiredOption('--plate <plate>')
  .option('--timeout <seconds>', 'give up after', positiveInteger, 180)
  .action(async (options) => {
    const elastic = createElasticClient(config);
    const deadline = Date.now() + options.timeout * 1000;
    const query = { bool: { filter: [{ term: { agencyId: options.agency } }, { term: { plate: normalisePlate(options.plate) } }] } };
    for (;;) {
      const { count } = await elastic
        .count({ index: readsIndexPattern(config.READS_INDEX_PREFIX), query, ignore_unavailable: true, allow_no_indices: true })
        .catch(() => ({ count: 0 }));
      if (count > 0) {
        console.log(`${count} reads of ${options.plate} by ${options.agency} are searchable`);
        break;
      }
      if (Date.now() > deadline) throw new Error(`no reads of ${options.plate} by ${options.agency} became searchable in ${options.timeout} s`);
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    await elastic.close();
  });

program
  .command('walkthrough')
  .description('print ready-to-paste curls for the demo (the Auburn story)')
  .action(() => printWalkthrough(config));

program.parseAsync().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
