/**
 * Every PostgreSQL advisory lock id the services take, in one place so no two concerns share one by accident.
 * - migrations: one process migrates at a time (session lock, `migrateDatabase`).
 * - auditChain: appends serialise, so each record links to the one truly before it (transaction lock, AuditTrail).
 * - retentionSweep: one instance sweeps at a time; the others skip the round (session try-lock, `Database.ifLockFree`).
 * - hotlistPurge: one alerts instance purges ended hotlist entries at a time (session try-lock).
 * - auditCheckpoint: search instances publish a scheduled audit checkpoint one at a time, and only the first of an
 *   interval does (transaction lock, `AuditCheckpointSlots`).
 */
export const ADVISORY_LOCKS = {
  migrations: 727274,
  auditChain: 727275,
  retentionSweep: 727276,
  hotlistPurge: 727290,
  auditCheckpoint: 727291,
} as const;

export type AdvisoryLockId = (typeof ADVISORY_LOCKS)[keyof typeof ADVISORY_LOCKS];
