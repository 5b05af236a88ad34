import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kafka } from 'kafkajs';
import { PlatekeeperConfig, loadConfig } from '@platekeeper/config';
import { createKafka } from '@platekeeper/kafka';
import { replayReads } from '../apps/cli/src/replay';
import { ReplayInterrupted } from '../apps/cli/src/replay-resilience';
import { IsolatedKafka } from './support/isolated-kafka';

jest.setTimeout(180_000);

const LINES = 1_500;

/**
 * The replay through a broker outage, on a Kafka of the suite's own (port 39080, killed with SIGKILL; the shared
 * broker is never touched): a replay waits out an outage shorter than its bound; when the outage outlasts the bound it
 * stops saying how many lines were acknowledged, and `resume` sends exactly the rest. One kill, one restart.
 */
describe('replay through a broker outage', () => {
  const kafka = new IsolatedKafka(39080);
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
    const consumer = createKafka(config, 'admin', 'outage-reader').consumer({ groupId: `reader-${topic}-${Date.now()}` });
    const offsets = await admin.fetchTopicOffsets(topic);
    const total = offsets.reduce((sum, partition) => sum + Number(partition.high), 0);
    const lines: Array<{ source: string; line: number }> = [];
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({ eachMessage: async ({ message }) => void lines.push(JSON.parse(message.value!.toString())) });
    const deadline = Date.now() + 60_000;
    while (lines.length < total && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 200));
    await consumer.disconnect();
    return lines;
  }

  async function createTopic(topic: string): Promise<void> {
    await admin.createTopics({ waitForLeaders: true, topics: [{ topic, numPartitions: 3, replicationFactor: 1 }] });
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
    await createTopic(topic);
    await admin.disconnect();
    const bounded = file('bounded');
    const patient = file('patient');
    const stopping = replayReads(config, { file: bounded, topic, ratePerSecond: 300, progress: false, outageTimeoutMs: 3_000 });
    const waiting = replayReads(config, { file: patient, topic, ratePerSecond: 300, progress: false, outageTimeoutMs: 120_000 });
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    await kafka.kill();
    const interrupted = await stopping.then(() => undefined, (error: unknown) => error);
    expect(interrupted).toBeInstanceOf(ReplayInterrupted);
    const acknowledged = (interrupted as ReplayInterrupted).acknowledgedLines;
    expect(acknowledged).toBeGreaterThan(0);
    expect(acknowledged).toBeLessThan(LINES);
    expect(JSON.parse(readFileSync(`${bounded}.replay-checkpoint.json`, 'utf8'))).toMatchObject({ file: bounded, acknowledgedLines: acknowledged });

    // Down well past the bounded replay's limit (and the old client's retries would have been spent on it).
    await new Promise((resolve) => setTimeout(resolve, 5_000));
    await kafka.start();
    expect((await waiting).acknowledgedLines).toBe(LINES);
    const resumed = await replayReads(config, { file: bounded, topic, progress: false, resume: true });
    expect(resumed).toMatchObject({ resumedAfter: acknowledged, produced: LINES - acknowledged, acknowledgedLines: LINES });

    await admin.connect();
    const lines = await linesIn(topic);
    const count = (source: string) => lines.filter((line) => line.source === source);
    expect(new Set(count('patient').map((line) => line.line)).size).toBe(LINES);
    expect(new Set(count('bounded').map((line) => line.line)).size).toBe(LINES);
    // Only a batch in flight when Kafka died can be there twice (written by the broker, never acknowledged to the replay).
    expect(count('bounded').length - LINES).toBeLessThanOrEqual(30);
  });
});
