import { Pool } from 'pg';
import { migrate } from './migrate';

export type Db = Pool;

/** Opens a pool and applies pending migrations. */
export async function openDb(databaseUrl: string, opts: { max?: number } = {}): Promise<Db> {
  const pool = new Pool({ connectionString: databaseUrl, max: opts.max ?? 10 });
  pool.on('error', () => undefined); // idle-client errors surface on the next query instead of crashing the process
  await migrate(pool);
  return pool;
}
