import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * An agency's time zone (IANA name), for what is judged in local time: the anomaly queue's after-hours window
 * (docs/oversight.md). Existing agencies keep judging in UTC, as before, until an administrator sets theirs.
 */
export class AgencyTimeZone1795804000000 implements MigrationInterface {
  name = 'AgencyTimeZone1795804000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE agencies ADD COLUMN time_zone varchar(64) NOT NULL DEFAULT 'UTC'`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE agencies DROP COLUMN time_zone`);
  }
}
