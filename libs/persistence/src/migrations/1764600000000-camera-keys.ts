import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Camera gateway credentials (docs/gateway.md): one API key per camera or recognition agent, issued by its owner's
 * admin. Only the key's sha256 is stored (the key is 32 random bytes, so a fast hash is enough); `cameras` maps the
 * vendor's camera ids to registered Platekeeper cameras, with the time zone of vendors that send local times.
 */
export class CameraKeys1764600000000 implements MigrationInterface {
  name = 'CameraKeys1764600000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE camera_keys (
        id uuid PRIMARY KEY,
        agency_id varchar(100) NOT NULL REFERENCES agencies(id),
        name varchar(200) NOT NULL,
        format varchar(40) NOT NULL,
        cameras jsonb NOT NULL,
        key_hash char(64) NOT NULL UNIQUE,
        created_at timestamptz NOT NULL DEFAULT now(),
        rotated_at timestamptz,
        revoked_at timestamptz
      )`);
    await queryRunner.query(`CREATE INDEX camera_keys_agency_id ON camera_keys(agency_id)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE IF EXISTS camera_keys`);
  }
}
