import { DataSource } from 'typeorm';
import { AdvisoryLockId } from './advisory-locks';
import { Transaction } from './sql';

/** The database as the apps use it beyond the stores: transactions, liveness, and run-once locks. */
export class Database {
  private pinging?: Promise<'up' | 'down'>;

  constructor(private readonly dataSource: DataSource) {}

  /** Runs `work` in one transaction (READ COMMITTED): it commits when `work` resolves and rolls back when it throws. */
  transaction<T>(work: (tx: Transaction) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work);
  }

  /** 'up' when PostgreSQL answers a trivial query within `timeoutMs`, 'down' otherwise (health answers fast either way). */
  ping(timeoutMs = 1_000): Promise<'up' | 'down'> {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<'down'>((resolve) => (timer = setTimeout(() => resolve('down'), timeoutMs)));
    // Concurrent probes share one query: health is not rate-limited, so a flood of probes costs one connection.
    this.pinging ??= this.dataSource.query('SELECT 1').then(() => 'up' as const, () => 'down' as const).finally(() => (this.pinging = undefined));
    return Promise.race([this.pinging, late]).finally(() => clearTimeout(timer));
  }

  /**
   * Runs `work` while holding the session advisory lock `lockId`, if no other session holds it; answers
   * `{ locked: false }` without running it otherwise. The lock is released when `work` ends, however it ends.
   */
  async ifLockFree<T>(lockId: AdvisoryLockId, work: () => Promise<T>): Promise<{ locked: true; value: T } | { locked: false }> {
    const lockHolder = this.dataSource.createQueryRunner();
    await lockHolder.connect();
    try {
      const [{ locked }] = await lockHolder.query('SELECT pg_try_advisory_lock($1) AS locked', [lockId]);
      if (!locked) return { locked: false };
      try {
        return { locked: true, value: await work() };
      } finally {
        await lockHolder.query('SELECT pg_advisory_unlock($1)', [lockId]);
      }
    } finally {
      await lockHolder.release();
    }
  }
}
