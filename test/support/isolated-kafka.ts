import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/**
 * A single-broker KRaft Kafka of this suite's own (plaintext, no users), started from the engines deploy/local/stack
 * fetched, on its own ports: a suite that has to stop or freeze Kafka does it to this one, never to the shared broker.
 */
export class IsolatedKafka {
  private process?: ChildProcess;
  private readonly folder = mkdtempSync(join(tmpdir(), 'platekeeper-kafka-'));

  constructor(readonly port: number, private readonly controllerPort = port + 1) {}

  get brokers(): string {
    return `127.0.0.1:${this.port}`;
  }

  static enginesAvailable(): boolean {
    return existsSync(IsolatedKafka.libs());
  }

  private static libs(): string {
    const cache = resolve(process.env.PLATEKEEPER_CACHE_DIR ?? join(__dirname, '../../.cache'));
    return join(cache, 'engines/kafka/libs');
  }

  async start(): Promise<void> {
    const properties = join(this.folder, 'server.properties');
    if (!existsSync(properties)) {
      mkdirSync(join(this.folder, 'data'), { recursive: true });
      writeFileSync(properties, [
        'process.roles=broker,controller', 'node.id=1', `controller.quorum.voters=1@127.0.0.1:${this.controllerPort}`,
        `listeners=PLAINTEXT://127.0.0.1:${this.port},CONTROLLER://127.0.0.1:${this.controllerPort}`,
        `advertised.listeners=PLAINTEXT://127.0.0.1:${this.port}`, 'controller.listener.names=CONTROLLER',
        'listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT', 'inter.broker.listener.name=PLAINTEXT',
        `log.dirs=${join(this.folder, 'data')}`, 'num.partitions=3', 'offsets.topic.replication.factor=1', 'offsets.topic.num.partitions=3',
        'transaction.state.log.replication.factor=1', 'transaction.state.log.min.isr=1', 'share.coordinator.state.topic.replication.factor=1',
        'share.coordinator.state.topic.min.isr=1', 'group.initial.rebalance.delay.ms=0',
      ].join('\n'));
      execFileSync('java', ['-Xmx256m', '-cp', `${IsolatedKafka.libs()}/*`, 'kafka.tools.StorageTool', 'format', '--ignore-formatted', '-t', randomUUID().replace(/-/g, '').slice(0, 22), '-c', properties], { stdio: 'ignore' });
    }
    const log = openSync(join(this.folder, 'kafka.log'), 'a');
    this.process = spawn('java', ['-Xms256m', '-Xmx256m', '-XX:+UseG1GC', '-cp', `${IsolatedKafka.libs()}/*`, 'kafka.Kafka', properties], {
      stdio: ['ignore', log, log], detached: true,
    });
    const deadline = Date.now() + 60_000;
    while (!(await portOpen(this.port))) {
      if (Date.now() > deadline) throw new Error(`isolated Kafka did not open ${this.port} within 60 s (log ${this.folder}/kafka.log)`);
      await new Promise((resolveWait) => setTimeout(resolveWait, 250));
    }
  }

  /** SIGSTOP: the broker holds its connections open and answers nothing (until killed). */
  freeze(): void {
    this.process?.kill('SIGSTOP');
  }

  /** kill -9: the broker is gone, connections are refused. */
  async kill(): Promise<void> {
    const child = this.process;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((resolveExit) => child.once('exit', resolveExit));
    child.kill('SIGKILL');
    await exited;
    this.process = undefined;
  }

  async stop(): Promise<void> {
    await this.kill();
    rmSync(this.folder, { recursive: true, force: true });
  }
}

/** Whether something accepts connections on 127.0.0.1:`port`. */
export function portOpen(port: number): Promise<boolean> {
  return new Promise((resolveOpen) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolveOpen(true);
    });
    socket.once('error', () => resolveOpen(false));
  });
}
