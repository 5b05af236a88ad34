import 'reflect-metadata';
import { Command, InvalidArgumentError } from 'commander';
import { createWriteStream, readFileSync } from 'node:fs';
import { once } from 'node:events';
import { createGzip } from 'node:zlib';
import { loadConfig } from '@platekeeper/config';
import { createKafka, createProducer, requireTopics } from '@platekeeper/kafka';
import { migrateDatabase } from '@platekeeper/persistence';
import { DEMO_AGENCIES, DemoAgency, SHOWCASE_PLATE, seedDemoRegistry } from './demo-world';
import { mintDevelopmentToken } from '@platekeeper/config';
import { generateRawReads } from './read-generator';
import { generateStreamCommand, runReplayCommand } from './replay-command';
import { ReplayInterrupted } from './replay-resilience';
import { printWalkthrough } from './walkthrough';
import { CatchAllSmtp } from './mail-catcher';
import { createElasticClient, readsIndexPattern } from '@platekeeper/elastic';
import { normalisePlate } from '@platekeeper/contract';

const config = loadConfig();
const program = new Command('platekeeper').description('Platekeeper developer and load-testing commands');

const positiveInteger = (value: string) => {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed <= 0) throw new InvalidArgumentError('must be a positive integer');
  return parsed;
};
const positiveNumber = (value: string) => {
  const parsed = Number(value);
  if (!Number.isFinite(parsed) || parsed <= 0) throw new InvalidArgumentError('must be a positive number');
  return parsed;
};
const share = (value: string) => {
  const parsed = Number(value);
  if (!Number.isFinite(parsed) || parsed < 0 || parsed > 1) throw new InvalidArgumentError('must be a share between 0 and 1');
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
  .description('produce an NDJSON(.gz) file of raw reads onto the raw topic, paced, watched, with an HTML + JSON report (docs/load-testing.md)')
  .argument('<file>')
  .option('--rate <readsPerSecond>', 'fixed rate; default as fast as possible', positiveInteger)
  .option('--ramp <from:to:seconds>', 'rate rising (or falling) linearly, e.g. 100:5000:120, then held')
  .option('--recorded <speed>', 'the file\'s own capturedAt spacing divided by speed (1 = real time, 60 = an hour a minute)', positiveNumber)
  .option('--loop <n>', 'replay the file n times', positiveInteger, 1)
  .option('--producers <n>', 'producer processes sharing the lines and the schedule', positiveInteger, 1)
  .option('--shard <k/n>', 'internal: produce only the k-th of n shares of the lines')
  .option('--result-json', 'internal: print the result as one JSON line')
  .option('--topic <topic>', 'target topic', config.TOPIC_RAW)
  .option('--no-progress', 'no progress bar')
  .option('--no-watch-lag', 'do not sample the ingest and indexer consumer lag (needs the admin principal)')
  .option('--probe-camera <id>', 'measure freshness with probe reads on this registered camera...')
  .option('--probe-agency <id>', '...searched for through the API as an investigator of its owner')
  .option('--search-url <url>', 'search API for freshness probes', `http://${config.SEARCH_HOST}:${config.SEARCH_PORT}`)
  .option('--report-dir <dir>', 'where the HTML + JSON report of the run goes', '.cache/replay')
  .option('--no-report', 'write no report')
  .option('--outage-timeout <seconds>', 'how long to wait out a broker that does not acknowledge before stopping (default REPLAY_OUTAGE_TIMEOUT_MS)', positiveInteger)
  .option('--checkpoint <path>', 'where the count of acknowledged lines is kept (default <file>.replay-checkpoint.json)')
  .option('--resume', 'continue after the lines an earlier run had acknowledged (its checkpoint)')
  .action(async (file, options) => {
    try {
      const result = await runReplayCommand(config, file, options);
      if (options.resultJson) return;
      const resumed = result.resumedAfter > 0 ? ` after the ${result.resumedAfter} acknowledged before` : '';
      console.log(`produced ${result.produced} reads${resumed} in ${result.seconds.toFixed(1)} s: ${Math.round(result.ratePerSecond)} reads/s; ${result.acknowledgedLines} lines acknowledged`);
      if (result.report) console.log(`report: ${result.report.html} (${result.report.json})`);
    } catch (error) {
      if (!(error instanceof ReplayInterrupted)) throw error;
      console.error(error.message);
      process.exitCode = 75; // EX_TEMPFAIL: try again later, with --resume
    }
  });

program
  .command('generate-stream')
  .description('write a seeded, realistic raw-read stream (NDJSON, .gz to compress) and the world fixture of its agencies and cameras')
  .requiredOption('--out <file>', 'the stream')
  .option('--world <file>', 'agencies and cameras of the stream (register them with register-world)', 'world.json')
  .option('--seed <n>', 'random seed: the same seed and options give the same file', positiveInteger, 42)
  .option('--count <n>', 'lines', positiveInteger, 100_000)
  .option('--agencies <n>', 'agencies, spread over several states', positiveInteger, 20)
  .option('--cameras-per-agency <n>', 'cameras of each agency', positiveInteger, 5)
  .option('--days <n>', 'days the stream covers', positiveInteger, 7)
  .option('--start <date>', 'first day (default: --days ago)')
  .option('--malformed <share>', 'share of malformed lines', share, 0.01)
  .option('--misread <share>', 'share of OCR misreads (true plate among the candidates)', share, 0.05)
  .option('--commuters <share>', 'share of commuter reads', share, 0.2)
  .option('--convoys <share>', 'share of convoy reads', share, 0.02)
  .option('--id-prefix <prefix>', 'in agency and camera ids', 'gen')
  .action(async (options) => {
    const written = await generateStreamCommand(options);
    console.log(`wrote ${written.lines} lines to ${options.out}, ${written.agencies} agencies and ${written.cameras} cameras to ${options.world}`);
  });

program
  .command('register-world')
  .description('register the agencies and cameras of a world fixture (generate-stream --world) through the running search API')
  .argument('<world.json>')
  .action(async (file) => {
    const world = JSON.parse(readFileSync(file, 'utf8')) as { agencies: DemoAgency[] };
    const platformAdmin = await mintDevelopmentToken(config, { agencyId: 'platekeeper-ops', roles: ['platform_admin'], userId: 'world-loader' });
    await seedDemoRegistry(`http://${config.SEARCH_HOST}:${config.SEARCH_PORT}`, platformAdmin, world.agencies);
    console.log(`registered ${world.agencies.length} agencies and their cameras`);
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
  .command('demo-searches')
  .description("run a few recorded searches of the showcase plate by other agencies, so the console's monthly review of the demo has a month to show")
  .action(async () => {
    const base = `http://${config.SEARCH_HOST}:${config.SEARCH_PORT}`;
    const searches = [
      { agencyId: 'us-cbp-blaine', userId: 'agent.demo@cbp', scope: 'national', purpose: 'criminal_investigation', caseNumber: 'BP-DEMO-1' },
      { agencyId: 'wa-seattle-pd', userId: 'det.demo@seattle', scope: 'statewide', purpose: 'stolen_vehicle', caseNumber: 'SPD-DEMO-1' },
      { agencyId: 'or-portland-pb', userId: 'det.demo@portland', scope: 'national', purpose: 'missing_person', caseNumber: 'PPB-DEMO-1' },
    ];
    for (const { agencyId, userId, ...search } of searches) {
      const token = await mintDevelopmentToken(config, { agencyId, roles: ['investigator'], userId });
      const response = await fetch(`${base}/v1/searches`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ ...search, reason: 'demo: vehicle seen near an incident', plate: SHOWCASE_PLATE }),
      });
      const answer = (await response.json()) as { total?: number };
      if (!response.ok) throw new Error(`${agencyId}'s demo search answered ${response.status}: ${JSON.stringify(answer)}`);
      console.log(`${agencyId} searched ${SHOWCASE_PLATE} (${search.scope}): ${answer.total} reads`);
    }
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

program
  .command('mail-catcher')
  .description('a local catch-all SMTP server for sharing-change notices (demo): writes each message to --dir')
  .option('--port <port>', 'port on 127.0.0.1', positiveInteger, 2525)
  .option('--dir <dir>', 'where each message is written as an .eml file', '.cache/mail')
  .action(async (options: { port: number; dir: string }) => {
    const catcher = new CatchAllSmtp(options.dir);
    const port = await catcher.start(options.port);
    process.stdout.write(`[mail] catching every message on smtp://127.0.0.1:${port}, written to ${options.dir}\n`);
    await new Promise<void>((resolve) => process.once('SIGTERM', resolve));
    await catcher.stop();
  });

program.parseAsync().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
