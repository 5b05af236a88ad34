import { DataSource } from 'typeorm';
import { ADVISORY_LOCKS } from './advisory-locks';

/**
 * The `audit_checkpoint_slots` table: which intervals of the checkpoint schedule have their checkpoint, so that however
 * many search instances run, exactly one publishes per interval.
 */
export class AuditCheckpointSlots {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Runs `publish` for the slot starting at `slotStart` unless a checkpoint was already published for it, under the
   * checkpoint advisory lock (transaction-scoped, so instances take their turn); answers whether this call published.
   * If `publish` throws, nothing is recorded and the next instance to try the slot publishes it.
   */
  async publishOnce(slotStart: Date, publish: () => Promise<{ seq: string; publishedAt: string }>): Promise<boolean> {
    return this.dataSource.transaction(async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock($1)', [ADVISORY_LOCKS.auditCheckpoint]);
      const [taken] = await tx.query('SELECT 1 FROM audit_checkpoint_slots WHERE slot_start = $1', [slotStart]);
      if (taken !== undefined) return false;
      const checkpoint = await publish();
      await tx.query('INSERT INTO audit_checkpoint_slots (slot_start, seq, published_at) VALUES ($1, $2::bigint, $3)', [
        slotStart, checkpoint.seq, checkpoint.publishedAt,
      ]);
      return true;
    });
  }
}
