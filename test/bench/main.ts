import 'reflect-metadata';
import { Command, InvalidArgumentError } from 'commander';

/** Benchmarks: separate commands, not tests; each reports its figures as ratios to a baseline measured in the same run. */
const program = new Command('platekeeper-bench').description('Platekeeper benchmarks on the local engines');

const positiveInteger = (value: string) => {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed <= 0) throw new InvalidArgumentError('must be a positive integer');
  return parsed;
};

const wholeNumber = (value: string) => {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 0) throw new InvalidArgumentError('must be a whole number');
  return parsed;
};

/** `200000,2m,10M` style lists; k and m suffixes for thousands and millions. */
const positiveIntegers = (value: string) =>
  value.split(',').map((item) => {
    const match = /^(\d+(?:\.\d+)?)([kKmM]?)$/.exec(item.trim());
    const parsed = match ? Math.round(Number(match[1]) * ({ k: 1e3, m: 1e6 }[match[2].toLowerCase()] ?? 1)) : Number.NaN;
    if (!Number.isInteger(parsed) || parsed <= 0) throw new InvalidArgumentError(`"${item}" is not a positive integer (k/m suffixes allowed)`);
    return parsed;
  });

program
  .command('search')
  .description('search latency at national scale through the API vs the same query straight to Elasticsearch, and audit append cost')
  .option('--agencies <n,...>', 'agencies in the bench world; several (comma-separated) run one world after the other', positiveIntegers, [7000])
  .option('--reads <n,...>', 'corpus sizes; several (comma-separated) grow one corpus and measure at each size', positiveIntegers, [200_000])
  .option('--iterations <n>', 'measured plates per size (each searched local and national, API and ES-direct, partial, fuzzy)', positiveInteger, 200)
  .option('--designs', 'also time the candidate visibility filters straight against Elasticsearch', false)
  .option('--force-merge <segments>', 'merge each index to this many segments after loading (0: as loaded)', wholeNumber, 0)
  .option('--keep', 'leave the corpus in Elasticsearch afterwards', false)
  .option('--reuse-corpus', 'measure the corpus a --keep run of the same world and largest size left, without reloading it', false)
  .action(async (options) => {
    const { runSearchBench } = await import('./search-bench');
    await runSearchBench(options);
    process.exit(0);
  });

program
  .command('search-load')
  .description('search throughput with many clients (autocannon): the API vs the same queries straight to Elasticsearch, then past saturation')
  .option('--agencies <n>', 'agencies in the bench world', positiveInteger, 1000)
  .option('--reads <n>', 'reads in the corpus', positiveInteger, 200_000)
  .option('--clients <n,...>', 'concurrent clients per step', positiveIntegers, [1, 16, 64])
  .option('--seconds <n>', 'length of each step', positiveInteger, 10)
  .option('--overload-clients <n>', 'clients of the last step, past saturation', positiveInteger, 256)
  .option('--max-in-flight <n>', 'SEARCH_MAX_IN_FLIGHT of the search process', positiveInteger, 128)
  .option('--keep', 'leave the corpus in Elasticsearch afterwards', false)
  .action(async (options) => {
    const { runSearchLoadBench } = await import('./search-load-bench');
    await runSearchLoadBench(options);
    process.exit(0);
  });

program
  .command('pipeline')
  .description('ingest+indexer against the best raw Elasticsearch bulk of the same reads, freshness at 50%/90% of the maximum rate, 2+2 vs 1+1; HTML + JSON report in .cache/bench')
  .option('--reads <n>', 'raw reads the pipeline drains (the maximum rate)', positiveInteger, 100_000)
  .option('--sweep-reads <n>', 'reads per raw-bulk setting', positiveInteger, 40_000)
  .option('--sweep-concurrency <list>', 'raw-bulk requests in flight to try', positiveIntegers, [1, 2, 4])
  .option('--sweep-batch-reads <list>', 'raw-bulk reads per request to try', positiveIntegers, [1_000, 5_000])
  .option('--sweep-refresh <list>', 'refresh intervals during the raw bulk to try', (value: string) => value.split(','), ['1s', '-1'])
  .option('--partitions <n>', 'partitions of the run\'s topics (TOPIC_PARTITIONS)', positiveInteger, 4)
  .option('--freshness-seconds <n>', 'seconds of paced load at 50% and at 90% of the maximum rate (0: skip)', wholeNumber, 20)
  .option('--no-scaling', 'skip the 2+2 instances run')
  .action(async (options) => {
    const { runPipelineBench } = await import('./pipeline-bench');
    await runPipelineBench(options);
    process.exit(0);
  });

program
  .command('gateway')
  .description('camera gateway throughput (vendor payloads over HTTP → raw topic) vs the replay CLI producing straight to Kafka')
  .option('--seconds <n>', 'seconds each posting format is driven for', positiveInteger, 15)
  .option('--connections <n>', 'concurrent HTTP connections', positiveInteger, 32)
  .option('--reads <n>', 'reads in the replay baseline', positiveInteger, 100_000)
  .action(async (options) => {
    const { runGatewayBench } = await import('./gateway-bench');
    await runGatewayBench(options);
    process.exit(0);
  });

program
  .command('hotlists')
  .description('pipeline throughput with live hotlist entries vs without, and read-to-alert vs read-to-searchable p99 (issue 12)')
  .option('--reads <n>', 'raw reads produced for each throughput phase', positiveInteger, 100_000)
  .option('--entries <n>', 'live hotlist entries while matching', positiveInteger, 100_000)
  .option('--rounds <n>', 'alternating rounds of the pipeline alone and with the alerts service', positiveInteger, 2)
  .option('--probes <n>', 'paced probe reads, each matching an entry, for the latency percentiles', positiveInteger, 300)
  .option('--probe-rate <n>', 'probe reads per second', positiveInteger, 20)
  .action(async (options) => {
    const { runHotlistBench } = await import('./hotlist-bench');
    await runHotlistBench(options);
    process.exit(0);
  });

program.parseAsync().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
