import { AddressInfo, Server, Socket, createConnection, createServer } from 'node:net';

/**
 * A local TCP proxy in front of an engine, to take the engine away from one service without touching the engine
 * (the shared engines are never stopped): `refuse()` closes every connection and refuses new ones (a dead engine),
 * `blackhole()` accepts connections and never answers (a hung engine or a cut network), `restore()` forwards again.
 */
export class TcpProxy {
  private server?: Server;
  private mode: 'forward' | 'blackhole' = 'forward';
  private readonly sockets = new Set<Socket>();
  port = 0;

  constructor(private readonly targetHost: string, private readonly targetPort: number) {}

  async start(port = 0): Promise<this> {
    this.server = createServer((client) => this.accept(client));
    await new Promise<void>((resolve, reject) => {
      this.server!.once('error', reject);
      this.server!.listen(port || this.port, '127.0.0.1', () => resolve());
    });
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Connections refused, open ones reset: what a killed engine looks like. */
  async refuse(): Promise<void> {
    this.dropConnections();
    await this.closeServer();
  }

  /** Connections accepted and never answered, open ones stop moving: what a hung engine looks like. */
  async blackhole(): Promise<void> {
    this.mode = 'blackhole';
    this.dropConnections();
    if (!this.server) await this.start();
  }

  async restore(): Promise<void> {
    this.mode = 'forward';
    if (!this.server) await this.start();
  }

  async stop(): Promise<void> {
    this.dropConnections();
    await this.closeServer();
  }

  private accept(client: Socket): void {
    this.sockets.add(client);
    client.on('close', () => this.sockets.delete(client));
    client.on('error', () => undefined);
    if (this.mode === 'blackhole') {
      client.pause();
      return;
    }
    const upstream = createConnection({ host: this.targetHost, port: this.targetPort });
    this.sockets.add(upstream);
    upstream.on('close', () => {
      this.sockets.delete(upstream);
      client.destroy();
    });
    upstream.on('error', () => client.destroy());
    client.on('close', () => upstream.destroy());
    client.pipe(upstream);
    upstream.pipe(client);
  }

  private dropConnections(): void {
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
  }

  private closeServer(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    return new Promise((resolve) => (server ? server.close(() => resolve()) : resolve()));
  }
}
