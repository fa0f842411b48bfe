import { Pool, type PoolClient } from 'pg';
import { migrate } from './migrate';

export type Db = Pool;

/** Opens a pool and applies pending migrations. */
export async function openDb(databaseUrl: string, opts: { max?: number } = {}): Promise<Db> {
  const pool = new Pool({ connectionString: databaseUrl, max: opts.max ?? 10 });
  pool.on('error', () => undefined); // idle-client errors surface on the next query instead of crashing the process
  await migrate(pool);
  return pool;
}

/** Runs `fn` in one transaction on one connection of the pool. */
export async function inTransaction<T>(db: Db, fn: (tx: PoolClient) => Promise<T>): Promise<T> {
  const tx = await db.connect();
  try {
    await tx.query('BEGIN');
    const result = await fn(tx);
    await tx.query('COMMIT');
    return result;
  } catch (e) {
    await tx.query('ROLLBACK').catch(() => undefined);
    throw e;
  } finally {
    tx.release();
  }
}

/**
 * Runs `fn` while holding a PostgreSQL advisory lock (on a connection of its own): processes that start together on a
 * new database (a worker and a web server, say) then seed it one after the other.
 */
export async function withAdvisoryLock<T>(db: Db, key: number, fn: () => Promise<T>): Promise<T> {
  const lock = await db.connect();
  try {
    await lock.query('SELECT pg_advisory_lock($1)', [key]);
    return await fn();
  } finally {
    await lock.query('SELECT pg_advisory_unlock($1)', [key]).catch(() => undefined);
    lock.release();
  }
}
