import { MigrationInterface, QueryRunner } from 'typeorm';

export class InitialSchema1764200000000 implements MigrationInterface {
  name = 'InitialSchema1764200000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE agencies (
        id varchar(100) PRIMARY KEY,
        name varchar(200) NOT NULL,
        state char(2) NOT NULL,
        category varchar(40) NOT NULL,
        status varchar(20) NOT NULL DEFAULT 'active',
        retention_days int NOT NULL DEFAULT 30 CHECK (retention_days > 0),
        sharing jsonb NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`
      CREATE TABLE cameras (
        id varchar(200) PRIMARY KEY,
        agency_id varchar(100) NOT NULL REFERENCES agencies(id),
        name varchar(200) NOT NULL,
        lat double precision NOT NULL,
        lon double precision NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`CREATE INDEX cameras_agency_id ON cameras(agency_id)`);
    await queryRunner.query(`
      CREATE TABLE jurisdictions (
        state char(2) PRIMARY KEY,
        deny_out_of_state boolean NOT NULL DEFAULT false,
        deny_categories text[] NOT NULL DEFAULT '{}',
        denied_purposes text[] NOT NULL DEFAULT '{}',
        max_retention_days int CHECK (max_retention_days > 0),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    // One counter bumped by every change that can alter visibility; search instances compare it before each query.
    await queryRunner.query(`CREATE TABLE sharing_world_version (id int PRIMARY KEY CHECK (id = 1), version bigint NOT NULL)`);
    await queryRunner.query(`INSERT INTO sharing_world_version VALUES (1, 0)`);
    await queryRunner.query(`
      CREATE FUNCTION bump_sharing_world_version() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        UPDATE sharing_world_version SET version = version + 1 WHERE id = 1;
        RETURN NULL;
      END $$`);
    for (const table of ['agencies', 'jurisdictions', 'cameras']) {
      await queryRunner.query(`
        CREATE TRIGGER ${table}_bump_sharing_world_version AFTER INSERT OR UPDATE OR DELETE ON ${table}
        FOR EACH STATEMENT EXECUTE FUNCTION bump_sharing_world_version()`);
    }
    await queryRunner.query(`
      CREATE TABLE audit_records (
        seq bigserial PRIMARY KEY,
        recorded_at timestamptz NOT NULL,
        kind varchar(20) NOT NULL,
        action varchar(60) NOT NULL,
        actor_user_id varchar(200) NOT NULL,
        actor_agency_id varchar(100) NOT NULL,
        payload jsonb NOT NULL,
        prev_hash char(64) NOT NULL,
        hash char(64) NOT NULL UNIQUE
      )`);
    await queryRunner.query(`CREATE INDEX audit_records_recorded_at ON audit_records(recorded_at)`);
    await queryRunner.query(`CREATE INDEX audit_records_actor_agency ON audit_records(actor_agency_id, recorded_at)`);
    await queryRunner.query(`CREATE INDEX audit_records_payload ON audit_records USING gin (payload jsonb_path_ops)`);
    // Append-only: the application role can insert but never rewrite history.
    await queryRunner.query(`
      CREATE FUNCTION refuse_audit_rewrite() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'audit_records is append-only';
      END $$`);
    await queryRunner.query(`
      CREATE TRIGGER audit_records_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON audit_records
      FOR EACH STATEMENT EXECUTE FUNCTION refuse_audit_rewrite()`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE audit_records`);
    await queryRunner.query(`DROP FUNCTION refuse_audit_rewrite`);
    await queryRunner.query(`DROP TABLE jurisdictions`);
    await queryRunner.query(`DROP TABLE cameras`);
    await queryRunner.query(`DROP TABLE agencies`);
    await queryRunner.query(`DROP TABLE sharing_world_version`);
    await queryRunner.query(`DROP FUNCTION bump_sharing_world_version`);
  }
}
