import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A search's record in one round trip (docs/performance.md): the caller chains a group of records onto the head it
 * expects; under the chain lock the function checks that head is still the newest record and inserts the group, or
 * inserts nothing and answers the real head so the caller can chain again. A volatile plpgsql function takes a fresh
 * snapshot per statement, so the head is read after the lock, as the transaction-per-group append did. The group is
 * numbered in chain order or the whole statement fails.
 */
export class AuditAppendGroup1795802271811 implements MigrationInterface {
  name = 'AuditAppendGroup1795802271811';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE FUNCTION audit_append_group(
        lock_key bigint, expected_prev_hash text, recorded_ats timestamptz[], kinds text[], actions text[],
        actor_user_ids text[], actor_agency_ids text[], payloads text[], prev_hashes text[], hashes text[]
      ) RETURNS TABLE (seq text, hash text, head_hash text) LANGUAGE plpgsql VOLATILE AS $fn$
      DECLARE
        current_head text;
        inserted_seqs bigint[];
        inserted_hashes text[];
      BEGIN
        PERFORM pg_advisory_xact_lock(lock_key);
        SELECT r.hash INTO current_head FROM audit_records r ORDER BY r.seq DESC LIMIT 1;
        current_head := COALESCE(current_head, repeat('0', 64));
        IF current_head <> expected_prev_hash THEN
          RETURN QUERY SELECT NULL::text, NULL::text, current_head;
          RETURN;
        END IF;
        WITH inserted AS (
          INSERT INTO audit_records (recorded_at, kind, action, actor_user_id, actor_agency_id, payload, prev_hash, hash)
          SELECT record.recorded_at, record.kind, record.action, record.actor_user_id, record.actor_agency_id,
                 record.payload::jsonb, record.prev_hash, record.hash
          FROM unnest(recorded_ats, kinds, actions, actor_user_ids, actor_agency_ids, payloads, prev_hashes, hashes)
            WITH ORDINALITY AS record(recorded_at, kind, action, actor_user_id, actor_agency_id, payload, prev_hash, hash, position)
          ORDER BY record.position
          RETURNING audit_records.seq, audit_records.hash
        )
        SELECT array_agg(inserted.seq ORDER BY inserted.seq), array_agg(inserted.hash::text ORDER BY inserted.seq)
          INTO inserted_seqs, inserted_hashes FROM inserted;
        IF inserted_hashes IS DISTINCT FROM hashes THEN
          RAISE EXCEPTION 'audit records were not numbered in chain order';
        END IF;
        RETURN QUERY SELECT unnest(inserted_seqs)::text, unnest(inserted_hashes), NULL::text;
      END
      $fn$`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP FUNCTION IF EXISTS audit_append_group(bigint, text, timestamptz[], text[], text[], text[], text[], text[], text[], text[])`);
  }
}
