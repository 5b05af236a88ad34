import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Sensitive places (docs/sensitive-places.md): geofences jurisdictions and agencies register, inside which no read is
 * kept, and the public count of reads ingest dropped there, per place, camera and day. Places bump the registry version
 * like cameras do, so ingest picks a new place up before its next batch.
 */
export class SensitivePlaces1795803000000 implements MigrationInterface {
  name = 'SensitivePlaces1795803000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE sensitive_places (
        id uuid PRIMARY KEY,
        name varchar(200) NOT NULL,
        kind varchar(40) NOT NULL,
        state char(2),
        agency_id varchar(100) REFERENCES agencies(id),
        lat double precision NOT NULL CHECK (lat BETWEEN -90 AND 90),
        lon double precision NOT NULL CHECK (lon BETWEEN -180 AND 180),
        radius_m double precision NOT NULL CHECK (radius_m > 0 AND radius_m <= 5000),
        camera_rule varchar(10) NOT NULL CHECK (camera_rule IN ('refuse', 'flag')),
        registered_by varchar(200) NOT NULL,
        registered_at timestamptz NOT NULL DEFAULT now(),
        removed_at timestamptz,
        CHECK ((state IS NULL) <> (agency_id IS NULL))
      )`);
    await queryRunner.query(`
      CREATE TRIGGER sensitive_places_bump_sharing_world_version AFTER INSERT OR UPDATE OR DELETE ON sensitive_places
      FOR EACH STATEMENT EXECUTE FUNCTION bump_sharing_world_version()`);
    await queryRunner.query(`
      CREATE TABLE sensitive_place_drops (
        place_id uuid NOT NULL REFERENCES sensitive_places(id),
        camera_id varchar(200) NOT NULL,
        day date NOT NULL,
        dropped bigint NOT NULL CHECK (dropped >= 0),
        PRIMARY KEY (place_id, camera_id, day)
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE sensitive_place_drops`);
    await queryRunner.query(`DROP TABLE sensitive_places`);
  }
}
