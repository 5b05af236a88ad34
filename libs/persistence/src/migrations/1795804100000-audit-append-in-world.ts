import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The search's record also vouches for the world its answer was decided in (docs/performance.md, "The speculative
 * world-version check"). Like `audit_append_group`, one round trip: under the chain lock, the group is inserted only if
 * the caller's expected head is still the newest record **and** every record's world version (NULL: decided under no
 * world, e.g. a refusal) is still `sharing_world_version`. Otherwise nothing is inserted and the function answers the
 * real head and the current world version, so the caller can drop the records decided in an older world (their
 * searches are run again in the new one) and chain the rest again. A volatile plpgsql function takes a fresh snapshot
 * per statement, so both the head and the version are read after the lock: a sharing change committed before the lock
 * was granted is seen, and a change record (appended under the same lock in its change's transaction) is ordered
 * before every search record that was decided without it.
 */
export class AuditAppendInWorld1795804100000 implements MigrationInterface {
  name = 'AuditAppendInWorld1795804100000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE FUNCTION audit_append_group_in_world(
        lock_key bigint, expected_prev_hash text, world_versions bigint[], recorded_ats timestamptz[], kinds text[], actions text[],
        actor_user_ids text[], actor_agency_ids text[], payloads text[], prev_hashes text[], hashes text[]
      ) RETURNS TABLE (seq text, hash text, head_hash text, world_version text) LANGUAGE plpgsql VOLATILE AS $fn$
      DECLARE
        current_head text;
        current_world bigint;
        inserted_seqs bigint[];
        inserted_hashes text[];
      BEGIN
        PERFORM pg_advisory_xact_lock(lock_key);
        SELECT r.hash INTO current_head FROM audit_records r ORDER BY r.seq DESC LIMIT 1;
        current_head := COALESCE(current_head, repeat('0', 64));
        SELECT w.version INTO current_world FROM sharing_world_version w WHERE w.id = 1;
        IF current_head <> expected_prev_hash
           OR EXISTS (SELECT 1 FROM unnest(world_versions) AS decided(version) WHERE decided.version < current_world) THEN
          RETURN QUERY SELECT NULL::text, NULL::text, current_head, current_world::text;
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
        RETURN QUERY SELECT unnest(inserted_seqs)::text, unnest(inserted_hashes), NULL::text, current_world::text;
      END
      $fn$`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      'DROP FUNCTION IF EXISTS audit_append_group_in_world(bigint, text, bigint[], timestamptz[], text[], text[], text[], text[], text[], text[], text[])',
    );
  }
}
