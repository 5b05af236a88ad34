import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `payload->'returnedByOwner' ? agencyId` (which searches returned an agency's reads) is a key-existence test that
 * the jsonb_path_ops index on payload cannot answer; this default-opclass expression index can.
 */
export class AuditReturnedOwnerIndex1764300000000 implements MigrationInterface {
  name = 'AuditReturnedOwnerIndex1764300000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE INDEX IF NOT EXISTS audit_records_returned_owners ON audit_records USING gin ((payload->'returnedByOwner')) WHERE kind = 'search'`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX IF EXISTS audit_records_returned_owners`);
  }
}
