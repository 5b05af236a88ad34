import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { readFileSync } from 'node:fs';
import { PLATEKEEPER_CONFIG, PlatekeeperConfig, scheduleAtEachSlot } from '@platekeeper/config';
import { AuditCheckpointSlots, AuditRecordStore } from '@platekeeper/persistence';
import { DomainError } from '../errors/domain-error';
import { CheckpointSink, DirectorySink, HttpSink } from './checkpoint-sinks';
import { CheckpointKey, SignedCheckpoint } from './signed-checkpoint';

export const CHECKPOINT_STATUSES = ['consistent', 'truncated', 'diverged', 'bad_signature', 'no_checkpoint', 'not_configured'] as const;
export type CheckpointStatus = (typeof CHECKPOINT_STATUSES)[number];
/** The statuses that mean the chain in the database is not the chain a checkpoint vouched for. */
export const BROKEN_CHECKPOINT_STATUSES: readonly CheckpointStatus[] = ['truncated', 'diverged', 'bad_signature'];

export interface CheckpointCheck {
  status: CheckpointStatus;
  checkpoint: SignedCheckpoint | null;
  chainHeadSeq: string | null;
  problem: string | null;
}

/**
 * Signed checkpoints of the audit chain (docs/audit-checkpoints.md). The chain alone cannot show that its newest
 * records were removed: the head simply moves back. A checkpoint, signed with a key held outside the database and
 * published outside it, fixes the head at a time; verification then finds the checkpoint's record with the same
 * hash, or reports a truncation (or a rewrite) with the checkpoint that proves it.
 */
@Injectable()
export class AuditCheckpoints implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(AuditCheckpoints.name);
  private readonly key?: CheckpointKey;
  private readonly directory?: DirectorySink;
  private readonly sinks: CheckpointSink[] = [];
  private stopSchedule = () => {};

  constructor(
    @Inject(PLATEKEEPER_CONFIG) private readonly config: PlatekeeperConfig,
    private readonly auditRecords: AuditRecordStore,
    private readonly slots: AuditCheckpointSlots,
  ) {
    // Read once at boot: a key file that is missing or not Ed25519 fails the start with its reason.
    if (config.AUDIT_CHECKPOINT_KEY_FILE) this.key = CheckpointKey.fromPem(readFileSync(config.AUDIT_CHECKPOINT_KEY_FILE));
    if (config.AUDIT_CHECKPOINT_DIR) this.sinks.push((this.directory = new DirectorySink(config.AUDIT_CHECKPOINT_DIR)));
    if (config.AUDIT_CHECKPOINT_URL) this.sinks.push(new HttpSink(config.AUDIT_CHECKPOINT_URL));
  }

  onApplicationBootstrap(): void {
    if (this.key === undefined || this.sinks.length === 0 || this.config.AUDIT_CHECKPOINT_MINUTES <= 0) return;
    this.stopSchedule = scheduleAtEachSlot(
      this.config.AUDIT_CHECKPOINT_MINUTES * 60_000, (slotStart) => this.publishForSlot(slotStart),
      (error) => this.logger.error(`audit checkpoint not published: ${error.message}`),
    );
  }

  /** The scheduled checkpoint of one interval: published by whichever instance comes first, skipped by the others. */
  async publishForSlot(slotStart: Date): Promise<boolean> {
    return this.slots.publishOnce(slotStart, () => this.publish());
  }

  onApplicationShutdown(): void {
    this.stopSchedule();
  }

  get publicKeyPem(): string | null {
    return this.key?.publicKeyPem ?? null;
  }

  /** Signs the chain's current head and publishes it to every sink; fails if any sink refuses it. */
  async publish(now = new Date()): Promise<SignedCheckpoint> {
    if (this.key === undefined || this.sinks.length === 0) {
      throw new DomainError('AUDIT.CHECKPOINTS_OFF', 'audit checkpoints are not configured (AUDIT_CHECKPOINT_KEY_FILE and a sink)');
    }
    const head = await this.auditRecords.head();
    if (head === undefined) throw new DomainError('AUDIT.CHECKPOINTS_OFF', 'the audit chain is empty: there is nothing to vouch for yet');
    const checkpoint = this.key.sign({ seq: head.seq, headHash: head.hash, headRecordedAt: head.recordedAt, publishedAt: now.toISOString() });
    await Promise.all(this.sinks.map((sink) => sink.publish(checkpoint)));
    this.logger.log(`audit checkpoint published at seq ${checkpoint.seq}`);
    return checkpoint;
  }

  /** The latest checkpoint in the directory sink, if any: what the transparency page shows. */
  async latest(): Promise<SignedCheckpoint | undefined> {
    return this.directory?.latest();
  }

  /** The chain in the database against the latest published checkpoint. */
  async check(): Promise<CheckpointCheck> {
    const head = await this.auditRecords.head();
    const chainHeadSeq = head?.seq ?? null;
    if (this.key === undefined || this.directory === undefined) return { status: 'not_configured', checkpoint: null, chainHeadSeq, problem: null };
    const checkpoint = await this.directory.latest();
    if (checkpoint === undefined) return { status: 'no_checkpoint', checkpoint: null, chainHeadSeq, problem: null };
    if (!this.key.verifies(checkpoint)) {
      return { status: 'bad_signature', checkpoint, chainHeadSeq, problem: 'the latest checkpoint is not signed by this service\'s checkpoint key' };
    }
    const hash = await this.auditRecords.hashAt(checkpoint.seq);
    if (hash === undefined) {
      const problem = chainHeadSeq === null || BigInt(chainHeadSeq) < BigInt(checkpoint.seq)
        ? `the chain ends at seq ${chainHeadSeq ?? 'none'}, but the checkpoint of ${checkpoint.publishedAt} vouches for seq ${checkpoint.seq}: newest records were removed`
        : `record ${checkpoint.seq}, vouched for by the checkpoint of ${checkpoint.publishedAt}, is missing`;
      return { status: 'truncated', checkpoint, chainHeadSeq, problem };
    }
    if (hash !== checkpoint.headHash) {
      return { status: 'diverged', checkpoint, chainHeadSeq, problem: `record ${checkpoint.seq} no longer has the hash the checkpoint of ${checkpoint.publishedAt} vouches for` };
    }
    return { status: 'consistent', checkpoint, chainHeadSeq, problem: null };
  }
}
