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
