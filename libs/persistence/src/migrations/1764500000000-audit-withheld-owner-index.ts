import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `payload->'withheldByOwner' ? agencyId` (which searches a deny rule withheld an agency's matching reads from)
 * is a key-existence test, like `returnedByOwner`; the same kind of default-opclass expression index answers it.
 */
export class AuditWithheldOwnerIndex1764500000000 implements MigrationInterface {
  name = 'AuditWithheldOwnerIndex1764500000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE INDEX IF NOT EXISTS audit_records_withheld_owners ON audit_records USING gin ((payload->'withheldByOwner')) WHERE kind = 'search'`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX IF EXISTS audit_records_withheld_owners`);
  }
}
