import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Legal-basis rules (docs/legal-basis.md): a state's warrant window, minimum offense levels and declaration rule
 * beside its other limits, and the declarations searcher agencies file with owners. Declarations bump the sharing
 * world's version like every other input of the visibility rule, so filing or revoking one is in force on the next search.
 */
export class LegalBasis1795801819910 implements MigrationInterface {
  name = 'LegalBasis1795801819910';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE jurisdictions
        ADD COLUMN legal_reference_after_hours integer CHECK (legal_reference_after_hours > 0),
        ADD COLUMN minimum_offense_levels jsonb NOT NULL DEFAULT '{}'::jsonb,
        ADD COLUMN declaration_required_for text[] NOT NULL DEFAULT '{}'`);
    await queryRunner.query(`
      CREATE TABLE searcher_declarations (
        id uuid PRIMARY KEY,
        owner_agency_id varchar(100) NOT NULL REFERENCES agencies(id),
        searcher_agency_id varchar(100) NOT NULL REFERENCES agencies(id),
        document_ref varchar(500) NOT NULL,
        signer varchar(200) NOT NULL,
        purposes text[] NOT NULL,
        expires_at timestamptz NOT NULL,
        filed_by varchar(200) NOT NULL,
        filed_at timestamptz NOT NULL DEFAULT now(),
        revoked_at timestamptz,
        revoked_by varchar(200)
      )`);
    await queryRunner.query(`CREATE INDEX searcher_declarations_owner ON searcher_declarations(owner_agency_id, filed_at)`);
    await queryRunner.query(`
      CREATE TRIGGER searcher_declarations_bump_sharing_world_version AFTER INSERT OR UPDATE OR DELETE ON searcher_declarations
      FOR EACH STATEMENT EXECUTE FUNCTION bump_sharing_world_version()`);
    // GET /v1/audit/searches/{id}/explain finds a search's record by its id.
    await queryRunner.query(`CREATE INDEX audit_records_search_id ON audit_records ((payload->>'searchId')) WHERE kind = 'search'`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX audit_records_search_id`);
    await queryRunner.query(`DROP TABLE searcher_declarations`);
    await queryRunner.query(`
      ALTER TABLE jurisdictions DROP COLUMN legal_reference_after_hours, DROP COLUMN minimum_offense_levels, DROP COLUMN declaration_required_for`);
  }
}
