import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { portOpen } from './isolated-kafka';

/**
 * A KRaft Kafka cluster of a suite's own (plaintext, no users; every node broker and controller), started from the
 * engines deploy/local/stack fetched: broker N on `port + N - 1`, its controller on `controllerPort + N - 1`. A test that
 * has to kill one broker of several does it to this one, never to the shared broker.
 */
export class IsolatedKafkaCluster {
  private readonly processes = new Map<number, ChildProcess>();
  private readonly folder = mkdtempSync(join(tmpdir(), 'platekeeper-kafka-cluster-'));
  private readonly clusterId = randomUUID().replace(/-/g, '').slice(0, 22);
  readonly nodes: number[];

  constructor(readonly port: number, private readonly controllerPort: number, size = 3, private readonly heap = '256m') {
    this.nodes = Array.from({ length: size }, (_, index) => index + 1);
  }

  static enginesAvailable(): boolean {
    return existsSync(libs());
  }

  portOf(node: number): number {
    return this.port + node - 1;
  }

  get brokers(): string {
    return this.nodes.map((node) => `127.0.0.1:${this.portOf(node)}`).join(',');
  }

  private properties(node: number): string {
    const folder = join(this.folder, `node-${node}`);
    const file = join(folder, 'server.properties');
    if (existsSync(file)) return file;
    mkdirSync(join(folder, 'data'), { recursive: true });
    const voters = this.nodes.map((other) => `${other}@127.0.0.1:${this.controllerPort + other - 1}`).join(',');
    const replicas = Math.min(3, this.nodes.length);
    writeFileSync(file, [
      'process.roles=broker,controller', `node.id=${node}`, `controller.quorum.voters=${voters}`,
      `listeners=PLAINTEXT://127.0.0.1:${this.portOf(node)},CONTROLLER://127.0.0.1:${this.controllerPort + node - 1}`,
      `advertised.listeners=PLAINTEXT://127.0.0.1:${this.portOf(node)}`, 'controller.listener.names=CONTROLLER',
      'listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT', 'inter.broker.listener.name=PLAINTEXT',
      `log.dirs=${join(folder, 'data')}`, 'num.partitions=3', `default.replication.factor=${replicas}`,
      `offsets.topic.replication.factor=${replicas}`, 'offsets.topic.num.partitions=3',
      `transaction.state.log.replication.factor=${replicas}`, `transaction.state.log.min.isr=${Math.min(2, replicas)}`,
      `share.coordinator.state.topic.replication.factor=${replicas}`, `share.coordinator.state.topic.min.isr=${Math.min(2, replicas)}`,
      `min.insync.replicas=${Math.min(2, replicas)}`, 'group.initial.rebalance.delay.ms=0', 'auto.leader.rebalance.enable=true',
    ].join('\n'));
    execFileSync('java', ['-Xmx256m', '-cp', `${libs()}/*`, 'kafka.tools.StorageTool', 'format', '--ignore-formatted', '-t', this.clusterId, '-c', file], { stdio: 'ignore' });
    return file;
  }

  /** Starts every node (or the given ones) and waits until each accepts connections. */
  async start(nodes: number[] = this.nodes): Promise<void> {
    for (const node of nodes) {
      if (this.processes.has(node)) continue;
      const properties = this.properties(node);
      const log = openSync(join(this.folder, `kafka-${node}.log`), 'a');
      this.processes.set(node, spawn('java', [`-Xms${this.heap}`, `-Xmx${this.heap}`, '-XX:+UseG1GC', '-cp', `${libs()}/*`, 'kafka.Kafka', properties], {
        stdio: ['ignore', log, log], detached: true,
      }));
    }
    const deadline = Date.now() + 90_000;
    for (const node of nodes) {
      while (!(await portOpen(this.portOf(node)))) {
        if (Date.now() > deadline) throw new Error(`isolated Kafka node ${node} did not open ${this.portOf(node)} within 90 s (log ${this.folder}/kafka-${node}.log)`);
        await new Promise((resolveWait) => setTimeout(resolveWait, 250));
      }
    }
  }

  logOf(node: number): string {
    return join(this.folder, `kafka-${node}.log`);
  }

  /** kill -9 of one node: its connections are refused, its partitions and coordinators fail over to the others. */
  async kill(node: number): Promise<void> {
    const child = this.processes.get(node);
    this.processes.delete(node);
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((resolveExit) => child.once('exit', resolveExit));
    child.kill('SIGKILL');
    await exited;
  }

  async stop(): Promise<void> {
    for (const node of [...this.processes.keys()]) await this.kill(node);
    rmSync(this.folder, { recursive: true, force: true });
  }
}

function libs(): string {
  const cache = resolve(process.env.PLATEKEEPER_CACHE_DIR ?? join(__dirname, '../../.cache'));
  return join(cache, 'engines/kafka/libs');
}
