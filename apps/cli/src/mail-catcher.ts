import { mkdirSync, writeFileSync } from 'node:fs';
import { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { SMTPServer } from 'smtp-server';

export interface CaughtMail {
  from: string;
  to: string[];
  raw: string;
}

/**
 * A local catch-all SMTP server for the demo and the tests (no auth, no TLS, loopback only): every message it
 * accepts is kept, and written as an .eml file when a directory is given. Sharing-change notices go here by default.
 */
export class CatchAllSmtp {
  readonly messages: CaughtMail[] = [];
  private readonly server: SMTPServer;

  constructor(private readonly directory?: string) {
    if (directory) mkdirSync(directory, { recursive: true });
    this.server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['AUTH', 'STARTTLS'],
      logger: false,
      onData: (stream, session, callback) => {
        const chunks: Buffer[] = [];
        stream.on('data', (chunk: Buffer) => chunks.push(chunk));
        stream.on('end', () => {
          const mail = {
            from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
            to: session.envelope.rcptTo.map((recipient) => recipient.address),
            raw: Buffer.concat(chunks).toString('utf8'),
          };
          this.messages.push(mail);
          if (this.directory) {
            const file = join(this.directory, `${new Date().toISOString().replace(/[:.]/g, '-')}-${this.messages.length}.eml`);
            writeFileSync(file, mail.raw);
            process.stdout.write(`[mail] to ${mail.to.join(', ')}: ${/^Subject: (.*)$/m.exec(mail.raw)?.[1] ?? '(no subject)'} → ${file}\n`);
          }
          callback();
        });
      },
    });
  }

  async start(port = 0, host = '127.0.0.1'): Promise<number> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => resolve());
    });
    return ((this.server as unknown as { server: { address(): AddressInfo } }).server.address()).port;
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
