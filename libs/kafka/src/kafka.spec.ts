import { Kafka } from 'kafkajs';
import { loadConfig } from '@platekeeper/config';
import { createKafka } from './kafka';

jest.mock('kafkajs', () => ({ ...jest.requireActual('kafkajs'), Kafka: jest.fn() }));
// eslint-disable-next-line @typescript-eslint/no-require-imports
const createRetry = require('kafkajs/src/retry');
// What kafkajs merges a client's `retry` into outside tests (under jest it silently takes milder test defaults).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const productionDefaults = require('kafkajs/src/retry/defaults');

/** When each attempt of a kafkajs retrier built from `retry` as in production runs, if every attempt fails. */
async function attemptTimes(retry: object): Promise<number[]> {
  const times: number[] = [];
  const retrier = createRetry({ ...productionDefaults, ...retry });
  const outcome = retrier(async () => {
    times.push(Date.now());
    throw Object.assign(new Error('connect ECONNREFUSED'), { retriable: true });
  }).catch((error: Error) => error);
  await jest.runAllTimersAsync();
  await outcome;
  return times;
}

describe('createKafka retries', () => {
  beforeEach(() => jest.useFakeTimers({ now: 0 }));
  afterEach(() => jest.useRealTimers());

  it('never wait more than 1 s between attempts, so a client is back within a second of its broker, yet outlast a short failover', async () => {
    const config = loadConfig({ NODE_ENV: 'test', KAFKA_SASL_MECHANISM: 'none', JWT_SECRET: 'unit' });
    createKafka(config, 'ingest');
    const retry = (Kafka as unknown as jest.Mock).mock.calls[0][0].retry;
    const times = await attemptTimes(retry);
    const gaps = times.slice(1).map((time, index) => time - times[index]);
    // Before: kafkajs' production cap, up to 30 s between two attempts (ingest 503 for 25 s after its broker was back).
    expect(Math.max(...gaps)).toBeLessThanOrEqual(1_000);
    expect(times[times.length - 1] - times[0]).toBeGreaterThanOrEqual(5_000);
    expect(await retry.restartOnFailure(new Error('crash'))).toBe(true);
  });
});
