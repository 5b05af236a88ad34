import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Hotlists (docs/hotlists.md): lists owned by an agency, their entries (a standing, purpose-bound search for one
 * plate that expires), and the alerts the entries raised with the investigator's disposition. `hotlist_version`
 * is bumped by every change to lists or entries, so the alerts service reloads its in-memory index only when it moved.
 */
export class Hotlists1795801823654 implements MigrationInterface {
  name = 'Hotlists1795801823654';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE hotlists (
        id uuid PRIMARY KEY,
        agency_id varchar(100) NOT NULL REFERENCES agencies(id),
        name varchar(200) NOT NULL,
        description varchar(2000),
        created_by varchar(200) NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (agency_id, name)
      )`);
    await queryRunner.query(`
      CREATE TABLE hotlist_entries (
        id uuid PRIMARY KEY,
        hotlist_id uuid NOT NULL REFERENCES hotlists(id) ON DELETE CASCADE,
        agency_id varchar(100) NOT NULL REFERENCES agencies(id),
        plate varchar(16) NOT NULL,
        plate_folded varchar(16) NOT NULL,
        plate_region varchar(16),
        vehicle jsonb,
        purpose varchar(40) NOT NULL,
        case_number varchar(100) NOT NULL,
        reason varchar(2000) NOT NULL,
        source varchar(20) NOT NULL,
        added_by varchar(200) NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL,
        removed_at timestamptz,
        removed_by varchar(200)
      )`);
    await queryRunner.query(`CREATE INDEX hotlist_entries_hotlist ON hotlist_entries(hotlist_id, created_at)`);
    await queryRunner.query(`CREATE INDEX hotlist_entries_live ON hotlist_entries(expires_at) WHERE removed_at IS NULL`);
    await queryRunner.query(`
      CREATE TABLE hotlist_alerts (
        id uuid PRIMARY KEY,
        entry_id uuid NOT NULL REFERENCES hotlist_entries(id) ON DELETE CASCADE,
        hotlist_id uuid NOT NULL REFERENCES hotlists(id) ON DELETE CASCADE,
        agency_id varchar(100) NOT NULL,
        owner_agency_id varchar(100) NOT NULL,
        read_id varchar(100) NOT NULL,
        match_kind varchar(20) NOT NULL,
        matched_plate varchar(16) NOT NULL,
        read jsonb NOT NULL,
        raised_at timestamptz NOT NULL DEFAULT now(),
        audit_seq bigint,
        disposition varchar(20),
        disposition_note varchar(2000),
        disposition_by varchar(200),
        disposition_at timestamptz,
        UNIQUE (entry_id, owner_agency_id, read_id)
      )`);
    await queryRunner.query(`CREATE INDEX hotlist_alerts_agency ON hotlist_alerts(agency_id, raised_at)`);
    await queryRunner.query(`CREATE TABLE hotlist_version (id int PRIMARY KEY CHECK (id = 1), version bigint NOT NULL)`);
    await queryRunner.query(`INSERT INTO hotlist_version VALUES (1, 0)`);
    await queryRunner.query(`
      CREATE FUNCTION bump_hotlist_version() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        UPDATE hotlist_version SET version = version + 1 WHERE id = 1;
        RETURN NULL;
      END $$`);
    for (const table of ['hotlists', 'hotlist_entries']) {
      await queryRunner.query(`
        CREATE TRIGGER ${table}_bump_hotlist_version AFTER INSERT OR UPDATE OR DELETE ON ${table}
        FOR EACH STATEMENT EXECUTE FUNCTION bump_hotlist_version()`);
    }
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE IF EXISTS hotlist_alerts`);
    await queryRunner.query(`DROP TABLE IF EXISTS hotlist_entries`);
    await queryRunner.query(`DROP TABLE IF EXISTS hotlists`);
    await queryRunner.query(`DROP TABLE IF EXISTS hotlist_version`);
    await queryRunner.query(`DROP FUNCTION IF EXISTS bump_hotlist_version`);
  }
}
