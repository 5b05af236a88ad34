/**
 * How long a consumer (BatchConsumer, as ingest and the indexer run it) stays unhealthy when one broker of three is
 * SIGKILLed and, `DOWN_S` later, started again. A measurement, not a test: an isolated 3-broker cluster of its own
 * (KAFKA_PORT, default 44092; controllers on KAFKA_CONTROLLER_PORT, default 44192), a producer writing a few messages a
 * second, one consumer in its group; kills the broker that coordinates the group (KILL=coordinator, the default) or the
 * one leading the most partitions (KILL=leader). Prints every change of the consumer's health with the time since the
 * kill, and the time from the broker's return to the consumer's last healthy turn. SIZE=1: a single broker instead;
 * RETRY=old: the clients' retries before docs/faults.md's fix, for comparison; DOWN_S (60), AFTER_S (45) the outage and
 * the watch after it. The engines' jars come from PLATEKEEPER_CACHE_DIR (deploy/local/stack fetched them); its data lives
 * in a temporary folder, deleted at the end.
 *
 *   PLATEKEEPER_CACHE_DIR=... npm run faults:consumer-heal
 */
import { execFileSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { KafkaPrincipal, PlatekeeperConfig, loadConfig } from '@platekeeper/config';
import { BatchConsumer, createKafka as createProjectKafka, createProducer } from '@platekeeper/kafka';
import { IsolatedKafkaCluster } from '../support/isolated-kafka-cluster';

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));
const port = Number(process.env.KAFKA_PORT ?? 44092);
const controllerPort = Number(process.env.KAFKA_CONTROLLER_PORT ?? 44192);
const downMs = Number(process.env.DOWN_S ?? 60) * 1000;
const afterMs = Number(process.env.AFTER_S ?? 45) * 1000;
const killWhich = process.env.KILL ?? 'coordinator';
const topic = 'heal-raw';
/** RETRY=old: the clients' retries before the fix (kafkajs' production cap of 30 s between attempts), for comparison. */
const createKafka = (config: PlatekeeperConfig, principal: KafkaPrincipal, name: string) =>
  process.env.RETRY === 'old'
    ? new Kafka({ clientId: name, brokers: config.KAFKA_BROKERS.split(','), logLevel: logLevel.WARN, retry: { initialRetryTime: 200, retries: 10, restartOnFailure: async () => true } })
    : createProjectKafka(config, principal, name);
const groupId = 'heal-group';

function coordinatorOf(cluster: IsolatedKafkaCluster): number {
  const cache = resolve(process.env.PLATEKEEPER_CACHE_DIR ?? join(__dirname, '../../.cache'));
  const output = execFileSync('java', ['-Xmx128m', '-cp', `${cache}/engines/kafka/libs/*`, 'org.apache.kafka.tools.consumer.group.ConsumerGroupCommand',
    '--bootstrap-server', cluster.brokers, '--describe', '--group', groupId, '--state'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  const match = /\((\d+)\)/.exec(output);
  if (!match) throw new Error(`no coordinator in: ${output}`);
  return Number(match[1]);
}

/** SIZE=1: one broker, killed and restarted (the consumer's reconnect backoff alone, without a failover). */
const size = Number(process.env.SIZE ?? 3);
const cluster = new IsolatedKafkaCluster(port, controllerPort, size);

async function main(): Promise<void> {
  const t0 = Date.now();
  const say = (text: string) => console.log(`[heal ${((Date.now() - t0) / 1000).toFixed(1).padStart(6)} s] ${text}`);
  await cluster.start();
  say(`cluster up: ${cluster.brokers}`);
  const config = loadConfig({ ...process.env, NODE_ENV: 'test', KAFKA_BROKERS: cluster.brokers, KAFKA_SASL_MECHANISM: 'none', JWT_SECRET: 'x' });
  const admin = createKafka(config, 'admin', 'heal-admin').admin();
  await admin.connect();
  // The brokers may not all have registered yet: until they have, a topic of replication factor 3 cannot be created.
  for (let attempt = 1; ; attempt++) {
    try {
      if ((await admin.describeCluster()).brokers.length === size) break;
    } catch (error) {
      if (attempt > 120) throw error;
    }
    await sleep(500);
  }
  await admin.createTopics({ waitForLeaders: false, topics: [topic, `${topic}-out`].map((name) => ({ topic: name, numPartitions: 3, replicationFactor: Math.min(3, size), configEntries: [{ name: 'min.insync.replicas', value: String(Math.min(2, size)) }] })) });
  while ((await admin.fetchTopicMetadata({ topics: [topic, `${topic}-out`] }).catch(() => undefined))?.topics.every((t) => t.partitions.every((p) => p.leader >= 0)) !== true) await sleep(500);
  const producer = createProducer(createKafka(config, 'camera', 'heal-producer'));
  await producer.connect();
  let sent = 0;
  let producing = true;
  void (async () => {
    while (producing) {
      await producer.send({ topic, acks: -1, messages: [{ value: String(sent) }] }).then(() => sent++, () => undefined);
      await sleep(200);
    }
  })();
  let consumed = 0;
  const consumer = new BatchConsumer(createKafka(config, 'ingest', 'heal-consumer'), {
    groupId, topic, maxBytesPerPartition: 1_000_000, sessionTimeoutMs: config.KAFKA_SESSION_TIMEOUT_MS, heartbeatIntervalMs: config.KAFKA_HEARTBEAT_INTERVAL_MS,
    stallMs: config.CONSUMER_STALL_MS,
    // As ingest does: each batch is written to a second topic (acks=all) before it counts as handled.
    handleBatch: async (batch, { producer: own }) => {
      await own.send({ topic: `${topic}-out`, acks: -1, messages: batch.messages.map((message) => ({ value: message.value })) });
      consumed += batch.messages.length;
    },
  });
  consumer.begin();
  while (!consumer.health.healthy) await sleep(200);
  await sleep(5_000);
  say(`consuming (${consumed} so far)`);

  const metadata = await admin.fetchTopicMetadata({ topics: [topic] });
  const leads = new Map<number, number>();
  for (const partition of metadata.topics[0].partitions) leads.set(partition.leader, (leads.get(partition.leader) ?? 0) + 1);
  const coordinator = size === 1 ? 1 : coordinatorOf(cluster);
  const leader = [...leads.entries()].sort((a, b) => b[1] - a[1])[0][0];
  const victim = killWhich === 'leader' ? leader : killWhich === 'coordinator' ? coordinator : Number(killWhich);
  say(`group coordinator: broker ${coordinator}; most partitions led by broker ${leader}; killing broker ${victim}`);

  let last = '';
  let killedAt = 0;
  let backAt = 0;
  let lastUnhealthyAt = 0;
  const watch = setInterval(() => {
    const report = consumer.health.report();
    const since = killedAt ? `${((Date.now() - killedAt) / 1000).toFixed(1)} s after the kill` : '';
    const line = `${report.state}${report.lastError ? ` (${report.lastError.slice(0, 120)})` : ''}`;
    if (!consumer.health.healthy) lastUnhealthyAt = Date.now();
    if (line !== last) say(`health ${line} ${since}; consumed ${consumed}`);
    last = line;
  }, 250);

  await cluster.kill(victim);
  killedAt = Date.now();
  say(`killed broker ${victim}`);
  await sleep(downMs);
  const consumedBeforeReturn = consumed;
  await cluster.start([victim]);
  backAt = Date.now();
  say(`broker ${victim} accepts connections again`);
  // When the cluster serves again (a fresh client's metadata request for the topic answered with a leader for every
  // partition): the least any client can take, to tell the broker's own start from the consumer's delay.
  const fresh = createKafka(config, 'admin', 'heal-fresh').admin();
  let servingAfterMs: number | undefined;
  void (async () => {
    await fresh.connect().catch(() => undefined);
    while (servingAfterMs === undefined && Date.now() - backAt < afterMs) {
      const metadata = await fresh.fetchTopicMetadata({ topics: [topic] }).catch(() => undefined);
      if (metadata?.topics[0].partitions.every((partition) => partition.leader >= 0)) servingAfterMs = Date.now() - backAt;
      else await sleep(200);
    }
    await fresh.disconnect().catch(() => undefined);
  })();
  await sleep(afterMs);
  clearInterval(watch);
  producing = false;
  const healedAfterReturn = lastUnhealthyAt > backAt ? (lastUnhealthyAt - backAt) / 1000 : 0;
  say(`a fresh client was served ${servingAfterMs === undefined ? 'never' : `${(servingAfterMs / 1000).toFixed(1)} s`} after the broker's return`);
  const until = lastUnhealthyAt < killedAt ? 'never unhealthy after the kill' : `unhealthy until ${((lastUnhealthyAt - killedAt) / 1000).toFixed(1)} s after the kill`;
  say(`RESULT ${until}, ${healedAfterReturn.toFixed(1)} s after the broker's return; sent ${sent}, consumed ${consumed} (${consumedBeforeReturn} before the return)`);
  await consumer.stop();
  await producer.disconnect();
  await admin.disconnect();
  await cluster.stop();
  process.exit(0);
}

main().catch(async (error) => {
  console.error(error);
  await cluster.stop();
  process.exit(1);
});
