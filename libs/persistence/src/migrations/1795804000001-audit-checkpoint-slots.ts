import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * One row per interval of the audit checkpoint schedule that has its checkpoint (docs/audit-checkpoints.md): the search
 * instance that publishes first for a slot records it here, under the checkpoint advisory lock, and the others skip it.
 */
export class AuditCheckpointSlots1795804000001 implements MigrationInterface {
  name = 'AuditCheckpointSlots1795804000001';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE audit_checkpoint_slots (
        slot_start timestamptz PRIMARY KEY,
        seq bigint NOT NULL,
        published_at timestamptz NOT NULL
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE audit_checkpoint_slots');
  }
}
