import 'reflect-metadata';
import { Command, InvalidArgumentError } from 'commander';

/** Benchmarks: separate commands, not tests; each reports its figures as ratios to a baseline measured in the same run. */
const program = new Command('platekeeper-bench').description('Platekeeper benchmarks on the local engines');

const positiveInteger = (value: string) => {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed <= 0) throw new InvalidArgumentError('must be a positive integer');
  return parsed;
};

program
  .command('search')
  .description('search latency at national scale through the API vs the same query straight to Elasticsearch, and audit append cost')
  .option('--agencies <n>', 'agencies in the bench world', positiveInteger, 7000)
  .option('--reads <n>', 'enriched reads indexed', positiveInteger, 200_000)
  .option('--iterations <n>', 'measured plates (each searched local and national, API and ES-direct)', positiveInteger, 200)
  .action(async (options) => {
    const { runSearchBench } = await import('./search-bench');
    await runSearchBench(options);
    process.exit(0);
  });

program
  .command('pipeline')
  .description('ingest+indexer throughput vs a raw kafkajs consumer and raw Elasticsearch bulk, on run-unique topics and indices')
  .option('--reads <n>', 'raw reads produced', positiveInteger, 100_000)
  .action(async (options) => {
    const { runPipelineBench } = await import('./pipeline-bench');
    await runPipelineBench(options);
    process.exit(0);
  });

program.parseAsync().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
