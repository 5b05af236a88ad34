import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Who owned each camera, and where it stood, over time: ingest attributes a read to the interval that contains
 * its capture time, so a camera move never hands earlier reads to the new owner. A trigger on `cameras` keeps
 * the history, so no writer (the API, SQL scripts, the demo) can change a camera without leaving its trace.
 */
export class CameraHistory1764400000000 implements MigrationInterface {
  name = 'CameraHistory1764400000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE camera_history (
        camera_id varchar(200) NOT NULL,
        agency_id varchar(100) NOT NULL REFERENCES agencies(id),
        lat double precision NOT NULL,
        lon double precision NOT NULL,
        valid_from timestamptz NOT NULL,
        valid_to timestamptz,
        PRIMARY KEY (camera_id, valid_from),
        CHECK (valid_to IS NULL OR valid_to >= valid_from)
      )`);
    await queryRunner.query(`CREATE UNIQUE INDEX camera_history_one_open_interval ON camera_history(camera_id) WHERE valid_to IS NULL`);
    // A camera's first interval reaches back forever: reads it buffered before it was registered belong to its first owner.
    await queryRunner.query(`
      INSERT INTO camera_history (camera_id, agency_id, lat, lon, valid_from)
      SELECT id, agency_id, lat, lon, '-infinity' FROM cameras`);
    await queryRunner.query(`
      CREATE FUNCTION record_camera_history() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'UPDATE' AND NEW.id IS DISTINCT FROM OLD.id THEN
          RAISE EXCEPTION 'a camera id never changes (% → %)', OLD.id, NEW.id;
        END IF;
        IF TG_OP = 'UPDATE' AND (NEW.agency_id, NEW.lat, NEW.lon) IS NOT DISTINCT FROM (OLD.agency_id, OLD.lat, OLD.lon) THEN
          RETURN NULL;
        END IF;
        IF TG_OP = 'INSERT' AND NOT EXISTS (SELECT 1 FROM camera_history WHERE camera_id = NEW.id) THEN
          INSERT INTO camera_history (camera_id, agency_id, lat, lon, valid_from) VALUES (NEW.id, NEW.agency_id, NEW.lat, NEW.lon, '-infinity');
          RETURN NULL;
        END IF;
        -- A second change in one transaction replaces the interval the first one opened at the same instant.
        DELETE FROM camera_history WHERE camera_id = COALESCE(NEW.id, OLD.id) AND valid_to IS NULL AND valid_from = now();
        UPDATE camera_history SET valid_to = now() WHERE camera_id = COALESCE(NEW.id, OLD.id) AND valid_to IS NULL;
        IF TG_OP <> 'DELETE' THEN
          INSERT INTO camera_history (camera_id, agency_id, lat, lon, valid_from) VALUES (NEW.id, NEW.agency_id, NEW.lat, NEW.lon, now());
        END IF;
        RETURN NULL;
      END $$`);
    await queryRunner.query(`
      CREATE TRIGGER cameras_record_history AFTER INSERT OR UPDATE OR DELETE ON cameras
      FOR EACH ROW EXECUTE FUNCTION record_camera_history()`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TRIGGER cameras_record_history ON cameras`);
    await queryRunner.query(`DROP FUNCTION record_camera_history`);
    await queryRunner.query(`DROP TABLE camera_history`);
  }
}
