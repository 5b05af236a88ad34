import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The outbox of sharing-change notices (docs/console.md): one row per contact per notice, written in the transaction of
 * the change it tells of, so a committed change always has its notices and a rolled-back one never does. The search
 * service delivers them with retries; `id` is the idempotency key a receiver dedupes on.
 */
export class SharingNoticeOutbox1795803640000 implements MigrationInterface {
  name = 'SharingNoticeOutbox1795803640000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE sharing_notices (
        id uuid PRIMARY KEY,
        agency_id varchar(100) NOT NULL REFERENCES agencies(id),
        sharing_change_id uuid NOT NULL REFERENCES sharing_changes(id),
        event varchar(40) NOT NULL,
        channel varchar(10) NOT NULL,
        destination text NOT NULL,
        payload jsonb NOT NULL,
        status varchar(10) NOT NULL DEFAULT 'pending',
        attempts integer NOT NULL DEFAULT 0,
        next_attempt_at timestamptz NOT NULL DEFAULT now(),
        last_error text,
        created_at timestamptz NOT NULL DEFAULT now(),
        delivered_at timestamptz
      )`);
    await queryRunner.query(`CREATE INDEX sharing_notices_due ON sharing_notices(next_attempt_at) WHERE status = 'pending'`);
    await queryRunner.query(`CREATE INDEX sharing_notices_agency ON sharing_notices(agency_id, created_at DESC)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE IF EXISTS sharing_notices`);
  }
}
