import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The whole-payload `jsonb_path_ops` GIN index answers only containment (`@>`, `@?`, `@@`), and no query asks one: the
 * audit listing and the usage report test keys of `returnedByOwner`/`withheldByOwner` (their own expression indexes)
 * and read `searchId` through its btree. Yet every search record paid to index every path of its payload, under the
 * chain's lock. Without it, 16 concurrent writers appended 1.08× as many records per second (docs/performance.md).
 */
export class DropAuditPayloadIndex1795804200000 implements MigrationInterface {
  name = 'DropAuditPayloadIndex1795804200000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP INDEX IF EXISTS audit_records_payload');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('CREATE INDEX IF NOT EXISTS audit_records_payload ON audit_records USING gin (payload jsonb_path_ops)');
  }
}
