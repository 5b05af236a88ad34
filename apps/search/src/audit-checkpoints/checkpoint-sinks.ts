import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { SignedCheckpoint } from './signed-checkpoint';

/** Where checkpoints go, outside the database: an attacker who rewrites the database does not also hold these. */
export interface CheckpointSink {
  readonly name: string;
  publish(checkpoint: SignedCheckpoint): Promise<void>;
}

const LATEST = 'latest.json';

/** A directory (a mounted bucket, another host's share): one file per checkpoint and `latest.json`, each written atomically. */
export class DirectorySink implements CheckpointSink {
  readonly name = 'directory';

  constructor(private readonly directory: string) {}

  async publish(checkpoint: SignedCheckpoint): Promise<void> {
    await mkdir(this.directory, { recursive: true });
    const text = `${JSON.stringify(checkpoint, null, 2)}\n`;
    const file = `checkpoint-${checkpoint.seq.padStart(20, '0')}-${Date.parse(checkpoint.publishedAt)}.json`;
    await this.writeAtomically(file, text);
    await this.writeAtomically(LATEST, text);
  }

  /** The latest checkpoint published here, or undefined when none was (or it cannot be read as one). */
  async latest(): Promise<SignedCheckpoint | undefined> {
    try {
      const parsed = JSON.parse(await readFile(join(this.directory, LATEST), 'utf8'));
      return typeof parsed?.seq === 'string' && typeof parsed?.headHash === 'string' ? (parsed as SignedCheckpoint) : undefined;
    } catch {
      return undefined;
    }
  }

  private async writeAtomically(file: string, text: string): Promise<void> {
    const temporary = join(this.directory, `.${file}.${process.pid}.tmp`);
    await writeFile(temporary, text, 'utf8');
    await rename(temporary, join(this.directory, file));
  }
}

/** An HTTP endpoint (a transparency log, another organisation's notary) that receives each checkpoint as JSON. */
export class HttpSink implements CheckpointSink {
  readonly name = 'http';

  constructor(private readonly url: string) {}

  async publish(checkpoint: SignedCheckpoint): Promise<void> {
    const response = await fetch(this.url, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(checkpoint), signal: AbortSignal.timeout(10_000),
    });
    if (!response.ok) throw new Error(`checkpoint sink ${this.url} answered ${response.status}`);
  }
}
