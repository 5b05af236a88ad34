import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kafka } from 'kafkajs';
import { PlatekeeperConfig, loadConfig } from '@platekeeper/config';
import { createKafka } from '@platekeeper/kafka';
import { replayReads } from '../apps/cli/src/replay';
import { ReplayInterrupted } from '../apps/cli/src/replay-resilience';
import { IsolatedKafka } from './support/isolated-kafka';

jest.setTimeout(240_000);

const LINES = 1_500;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The replay through a broker outage, on a Kafka of the suite's own (port 41080; the shared broker is never touched).
 * The broker is frozen (SIGSTOP), so both replays have a send that is never answered, then killed with SIGKILL and
 * started again. A replay bounded shorter than the outage stops within its bound saying how many lines were
 * acknowledged, and `resume` sends exactly the rest; one bounded longer waits it out. One kill, one restart.
 */
describe('replay through a broker outage', () => {
  const kafka = new IsolatedKafka(41080);
  const folder = mkdtempSync(join(tmpdir(), 'platekeeper-replay-outage-'));
  let config: PlatekeeperConfig;
  let admin: ReturnType<Kafka['admin']>;

  const file = (name: string) => {
    const path = join(folder, `${name}.ndjson`);
    const lines = Array.from({ length: LINES }, (_, index) => JSON.stringify({ source: name, line: index, cameraId: `cam-${index % 7}`, plate: `OUT${index}` }));
    writeFileSync(path, `${lines.join('\n')}\n`);
    return path;
  };

  /** Every message of the topic: the file and line number each carries. */
  async function linesIn(topic: string): Promise<Array<{ source: string; line: number }>> {
    const offsets = await admin.fetchTopicOffsets(topic);
    const total = offsets.reduce((sum, partition) => sum + Number(partition.high), 0);
    const consumer = createKafka(config, 'admin', 'outage-reader').consumer({ groupId: `reader-${topic}-${Date.now()}` });
    const lines: Array<{ source: string; line: number }> = [];
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({ eachMessage: async ({ message }) => void lines.push(JSON.parse(message.value!.toString())) });
    const deadline = Date.now() + 60_000;
    while (lines.length < total && Date.now() < deadline) await sleep(200);
    await consumer.disconnect();
    return lines;
  }

  beforeAll(async () => {
    await kafka.start();
    config = loadConfig({ ...process.env, NODE_ENV: 'test', KAFKA_BROKERS: kafka.brokers, KAFKA_SASL_MECHANISM: 'none' });
    admin = createKafka(config, 'admin', 'outage-admin').admin();
    await admin.connect();
  });

  afterAll(async () => {
    await admin?.disconnect().catch(() => undefined);
    await kafka.stop();
  });

  it('through one outage: a replay bounded shorter than it stops with its acknowledged count and resumes exactly the rest; one bounded longer waits it out', async () => {
    const topic = 'replay-outage';
    await admin.createTopics({ waitForLeaders: true, topics: [{ topic, numPartitions: 3, replicationFactor: 1 }] });
    await admin.disconnect();
    const bounded = file('bounded');
    const patient = file('patient');
    const stopping = replayReads(config, { file: bounded, topic, ratePerSecond: 300, progress: false, outageTimeoutMs: 3_000 });
    const waiting = replayReads(config, { file: patient, topic, ratePerSecond: 300, progress: false, outageTimeoutMs: 120_000, sendTimeoutMs: 2_000 });
    await sleep(1_500);
    // First frozen (a send in flight, never answered: as kafkajs leaves one for ~100 s after a SIGKILL), then killed.
    kafka.freeze();
    const outcome = await Promise.race([
      stopping.then(() => 'resolved although Kafka was away longer than its bound', (error: unknown) => error),
      sleep(8_000).then(() => 'still waiting 8 s into an outage it was told to wait out for 3 s'),
    ]);
    await kafka.kill();
    const killedAt = Date.now();
    expect(outcome).toBeInstanceOf(ReplayInterrupted);
    const interrupted = outcome as ReplayInterrupted;
    const acknowledged = interrupted.acknowledgedLines;
    expect(acknowledged).toBeGreaterThan(0);
    expect(acknowledged).toBeLessThan(LINES);
    expect(JSON.parse(readFileSync(`${bounded}.replay-checkpoint.json`, 'utf8'))).toMatchObject({ file: bounded, acknowledgedLines: acknowledged });

    await sleep(Math.max(0, killedAt + 2_000 - Date.now()));
    await kafka.start();
    const restartedAt = Date.now();
    expect((await waiting).acknowledgedLines).toBe(LINES);
    // Its next attempt (at most 10 s apart) goes through a fresh client, not one still in its own reconnect backoff.
    expect(Date.now() - restartedAt).toBeLessThan(20_000);
    const resumed = await replayReads(config, { file: bounded, topic, progress: false, resume: true });
    expect(resumed).toMatchObject({ resumedAfter: acknowledged, produced: LINES - acknowledged, acknowledgedLines: LINES });

    await admin.connect();
    const lines = await linesIn(topic);
    for (const source of ['bounded', 'patient']) {
      const sent = lines.filter((line) => line.source === source);
      expect(new Set(sent.map((line) => line.line)).size).toBe(LINES);
      // Only a batch in flight when Kafka froze can be there twice (written by the broker, never acknowledged to the replay).
      expect(sent.length - LINES).toBeLessThanOrEqual(30);
    }
  });
});
