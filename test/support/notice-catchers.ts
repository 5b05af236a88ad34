import { createServer } from 'node:http';
import { AddressInfo } from 'node:net';

export { CatchAllSmtp, CaughtMail } from '../../apps/cli/src/mail-catcher';

/** An HTTP endpoint that records every JSON body POSTed to it. */
export class WebhookCatcher {
  readonly bodies: any[] = [];
  private readonly server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      this.bodies.push(JSON.parse(Buffer.concat(chunks).toString('utf8')));
      response.writeHead(204).end();
    });
  });

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', () => resolve()));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/hook`;
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

/**
 * A webhook receiver as a careful integrator writes one: answers 503 to its first `failFirst` deliveries, and keeps
 * each notice once by its `Idempotency-Key` however often it arrives. `listen(port)` can bring it up late, on a port
 * reserved before (a receiver that is down until later).
 */
export class DedupingWebhookReceiver {
  /** Every delivery that reached the receiver, accepted or not. */
  readonly arrivals: Array<{ key: string | undefined; accepted: boolean }> = [];
  /** What the receiver kept: one body per idempotency key. */
  readonly kept = new Map<string, any>();
  private readonly server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const key = request.headers['idempotency-key'] as string | undefined;
      const accepted = this.arrivals.filter((arrival) => !arrival.accepted).length >= this.failFirst;
      this.arrivals.push({ key, accepted });
      if (!accepted) return void response.writeHead(503).end();
      if (key !== undefined && !this.kept.has(key)) this.kept.set(key, JSON.parse(Buffer.concat(chunks).toString('utf8')));
      response.writeHead(204).end();
    });
  });

  /** Deliveries to refuse before accepting any; a test may change it while the receiver runs. */
  constructor(public failFirst = 0) {}

  /** A free port on 127.0.0.1 that nothing listens on yet. */
  static async freePort(): Promise<number> {
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', () => resolve()));
    const { port } = probe.address() as AddressInfo;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    return port;
  }

  async listen(port = 0): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(port, '127.0.0.1', () => resolve()));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/notices`;
  }

  stop(): Promise<void> {
    return new Promise((resolve) => (this.server.listening ? this.server.close(() => resolve()) : resolve()));
  }
}
