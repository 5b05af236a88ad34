import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Governed sharing changes (docs/console.md): an agency's rules for widening its sharing (two-person approval,
 * a notice period), who is told of every change, and the changes themselves with who proposed, approved, applied
 * or cancelled them. A widening waits here as steps (add/remove/set) so it applies to the policy as it is then.
 */
export class GovernedSharing1795801924174 implements MigrationInterface {
  name = 'GovernedSharing1795801924174';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE agency_governance (
        agency_id varchar(100) PRIMARY KEY REFERENCES agencies(id),
        two_person_approval boolean NOT NULL DEFAULT false,
        notice_period_minutes integer NOT NULL DEFAULT 0,
        notify_emails jsonb NOT NULL DEFAULT '[]',
        notify_webhooks jsonb NOT NULL DEFAULT '[]',
        public_location_decimals integer NOT NULL DEFAULT 2,
        updated_at timestamptz NOT NULL DEFAULT now(),
        updated_by varchar(200) NOT NULL
      )`);
    await queryRunner.query(`
      CREATE TABLE sharing_changes (
        id uuid PRIMARY KEY,
        agency_id varchar(100) NOT NULL REFERENCES agencies(id),
        direction varchar(10) NOT NULL,
        status varchar(20) NOT NULL,
        steps jsonb NOT NULL,
        proposed_by varchar(200) NOT NULL,
        proposed_at timestamptz NOT NULL DEFAULT now(),
        approved_by varchar(200),
        approved_at timestamptz,
        effective_at timestamptz,
        applied_at timestamptz,
        cancelled_by varchar(200),
        cancelled_at timestamptz
      )`);
    await queryRunner.query(`CREATE INDEX sharing_changes_agency ON sharing_changes(agency_id, proposed_at DESC)`);
    await queryRunner.query(`CREATE INDEX sharing_changes_due ON sharing_changes(effective_at) WHERE status = 'scheduled'`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE IF EXISTS sharing_changes`);
    await queryRunner.query(`DROP TABLE IF EXISTS agency_governance`);
  }
}
