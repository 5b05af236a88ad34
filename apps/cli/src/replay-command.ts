import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createWriteStream, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { createGzip } from 'node:zlib';
import { PlatekeeperConfig } from '@platekeeper/config';
import { createKafka, createProducer } from '@platekeeper/kafka';
import { ReplayMode, parseRamp } from './replay-pacing';
import { ReplayOptions, ReplayResult, ReplayWatch, replayReads, startWatch, writeReplayReport } from './replay';
import { generateStream } from './stream-generator';

export interface ReplayCommandOptions {
  rate?: number;
  ramp?: string;
  recorded?: number;
  loop: number;
  producers: number;
  shard?: string;
  topic: string;
  progress: boolean;
  watchLag: boolean;
  probeCamera?: string;
  probeAgency?: string;
  searchUrl: string;
  report: boolean;
  reportDir: string;
  resultJson?: boolean;
  /** seconds */
  outageTimeout?: number;
  checkpoint?: string;
  resume?: boolean;
}

/** The outage wait and checkpoint options of one replaying process. */
function resilienceOf(options: ReplayCommandOptions): Pick<ReplayOptions, 'outageTimeoutMs' | 'checkpointFile' | 'resume' | 'onWaiting'> {
  return {
    outageTimeoutMs: options.outageTimeout === undefined ? undefined : options.outageTimeout * 1000,
    checkpointFile: options.checkpoint,
    resume: options.resume,
    onWaiting: (waitedMs, error) => console.error(`Kafka is not acknowledging (${error}); waiting (${Math.round(waitedMs / 1000)} s so far)`),
  };
}

const RESULT_PREFIX = 'REPLAY-RESULT ';

export function replayModeOf(options: Pick<ReplayCommandOptions, 'rate' | 'ramp' | 'recorded'>): ReplayMode {
  const chosen = [options.rate, options.ramp, options.recorded].filter((value) => value !== undefined);
  if (chosen.length > 1) throw new Error('choose one of --rate, --ramp and --recorded');
  if (options.rate !== undefined) return { kind: 'rate', perSecond: options.rate };
  if (options.ramp !== undefined) return parseRamp(options.ramp);
  if (options.recorded !== undefined) return { kind: 'recorded', speed: options.recorded };
  return { kind: 'flat-out' };
}

function watchOf(config: PlatekeeperConfig, options: ReplayCommandOptions): ReplayWatch {
  if ((options.probeCamera === undefined) !== (options.probeAgency === undefined)) throw new Error('--probe-camera and --probe-agency go together');
  return {
    lagGroups: options.watchLag
      ? [{ groupId: config.INGEST_GROUP_ID, topic: options.topic }, { groupId: config.INDEXER_GROUP_ID, topic: config.TOPIC_ENRICHED }]
      : undefined,
    freshness: options.probeCamera ? { cameraId: options.probeCamera, agencyId: options.probeAgency!, searchUrl: options.searchUrl } : undefined,
  };
}

/** `cli replay`: one process, or several sharing the file's lines and one schedule, with one report for the run. */
export async function runReplayCommand(config: PlatekeeperConfig, file: string, options: ReplayCommandOptions): Promise<ReplayResult> {
  const mode = replayModeOf(options);
  const reportDirectory = options.report ? resolve(options.reportDir) : undefined;
  const settings = { producers: options.producers };
  if (options.shard) {
    const [index, count] = options.shard.split('/').map(Number);
    const result = await replayReads(config, { file, mode, loops: options.loop, topic: options.topic, progress: false, shard: { index: index - 1, count }, ...resilienceOf(options) });
    if (options.resultJson) {
      const line = { produced: result.produced, seconds: result.seconds, perSecond: result.perSecond, acknowledgedLines: result.acknowledgedLines, resumedAfter: result.resumedAfter };
      process.stdout.write(`${RESULT_PREFIX}${JSON.stringify(line)}\n`);
    }
    return result;
  }
  if (options.producers <= 1) {
    return replayReads(config, {
      file, mode, loops: options.loop, topic: options.topic, progress: options.progress, watch: watchOf(config, options), reportDirectory, reportSettings: settings,
      ...resilienceOf(options),
    });
  }
  return replayWithProducers(config, file, options, mode, reportDirectory);
}

/** Several producer processes (a rate one process cannot reach); this one watches and writes the report. */
async function replayWithProducers(
  config: PlatekeeperConfig, file: string, options: ReplayCommandOptions, mode: ReplayMode, reportDirectory: string | undefined,
): Promise<ReplayResult> {
  const startedAt = Date.now();
  const producer = createProducer(createKafka(config, 'camera', 'replay-probe'));
  await producer.connect();
  const watch = await startWatch(config, producer, options.topic, watchOf(config, options), startedAt);
  const modeArguments = options.rate !== undefined ? ['--rate', String(options.rate)] : options.ramp ? ['--ramp', options.ramp] : options.recorded ? ['--recorded', String(options.recorded)] : [];
  const children = Array.from({ length: options.producers }, (_, index) => {
    const child = spawn(process.execPath, [
      ...process.execArgv, process.argv[1], 'replay', file, ...modeArguments, '--loop', String(options.loop), '--topic', options.topic,
      '--shard', `${index + 1}/${options.producers}`, '--result-json', '--no-progress', '--no-report',
      // Each shard keeps its own checkpoint (<file>.shard-k-of-n.replay-checkpoint.json) and waits out outages alike.
      ...(options.outageTimeout !== undefined ? ['--outage-timeout', String(options.outageTimeout)] : []), ...(options.resume ? ['--resume'] : []),
    ], { stdio: ['ignore', 'pipe', 'inherit'] });
    let output = '';
    child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    return once(child, 'exit').then(([code]) => {
      const line = output.split('\n').find((text) => text.startsWith(RESULT_PREFIX));
      if (code !== 0 || !line) throw new Error(`producer ${index + 1} exited with ${code}: ${output.slice(-500)}`);
      return JSON.parse(line.slice(RESULT_PREFIX.length)) as Pick<ReplayResult, 'produced' | 'seconds' | 'perSecond' | 'acknowledgedLines' | 'resumedAfter'>;
    });
  });
  const results = await Promise.all(children);
  // The producers' own replay time: their start-up (loading the CLI) is not part of the rate.
  const seconds = Math.max(...results.map((result) => result.seconds));
  const observed = await watch.stop();
  await producer.disconnect();
  const perSecondBySecond = new Map<number, number>();
  for (const { perSecond } of results) for (const [second, count] of perSecond) perSecondBySecond.set(second, (perSecondBySecond.get(second) ?? 0) + count);
  const produced = results.reduce((sum, result) => sum + result.produced, 0);
  const result: ReplayResult = {
    produced, seconds, ratePerSecond: produced / seconds, ...observed,
    acknowledgedLines: results.reduce((sum, shard) => sum + shard.acknowledgedLines, 0),
    resumedAfter: results.reduce((sum, shard) => sum + shard.resumedAfter, 0),
    perSecond: [...perSecondBySecond].sort(([left], [right]) => left - right),
  };
  if (reportDirectory) {
    const replayOptions: ReplayOptions = { file, mode, loops: options.loop, topic: options.topic, reportDirectory, reportSettings: { producers: options.producers } };
    result.report = writeReplayReport(replayOptions, mode, options.loop, new Date(startedAt).toISOString(), result);
  }
  return result;
}

export interface GenerateStreamCommandOptions {
  out: string;
  world: string;
  seed: number;
  count: number;
  agencies: number;
  camerasPerAgency: number;
  days: number;
  start?: string;
  malformed: number;
  misread: number;
  commuters: number;
  convoys: number;
  idPrefix: string;
}

/** `cli generate-stream`: the NDJSON(.gz) stream and the world fixture its cameras belong to. */
export async function generateStreamCommand(options: GenerateStreamCommandOptions): Promise<{ lines: number; agencies: number; cameras: number }> {
  const start = options.start ? new Date(options.start) : new Date(Date.now() - options.days * 86_400_000);
  if (Number.isNaN(start.getTime())) throw new Error(`--start "${options.start}" is not a date`);
  const { world, lines } = generateStream({
    seed: options.seed, count: options.count, agencies: options.agencies, camerasPerAgency: options.camerasPerAgency, start, days: options.days,
    malformedShare: options.malformed, misreadShare: options.misread, commuterShare: options.commuters, convoyShare: options.convoys, idPrefix: options.idPrefix,
  });
  writeFileSync(options.world, `${JSON.stringify(world, null, 2)}\n`);
  const file = createWriteStream(options.out);
  const output = options.out.endsWith('.gz') ? createGzip() : file;
  if (output !== file) output.pipe(file);
  for (const line of lines) {
    if (!output.write(`${line}\n`)) await once(output, 'drain');
  }
  output.end();
  await once(file, 'close');
  return { lines: lines.length, agencies: world.agencies.length, cameras: world.agencies.reduce((sum, agency) => sum + agency.cameras.length, 0) };
}
