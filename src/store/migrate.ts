import type { Pool } from 'pg';
import { Umzug, type UmzugStorage } from 'umzug';
import { initial } from './migrations/001_initial';
import { rulesVersions } from './migrations/002_rules_versions';
import { scheduledEmails } from './migrations/003_scheduled_emails';
import { documentSubscribers } from './migrations/004_document_subscribers';
import { access } from './migrations/005_access';
import { suppressions } from './migrations/006_suppressions';
import { preferences } from './migrations/007_preferences';
import { digests } from './migrations/008_digests';
import { templateVersions } from './migrations/009_template_versions';

import type { Migration } from './migration';

export type { Migration };

/** Every migration, in order. Add new ones at the end; never edit an applied one. */
export const MIGRATIONS: Migration[] = [
  initial,
  rulesVersions,
  scheduledEmails,
  documentSubscribers,
  access,
  suppressions,
  preferences,
  digests,
  templateVersions,
];

/** umzug storage in a table of the same database. */
function pgStorage(pool: Pool): UmzugStorage {
  return {
    async logMigration({ name }) {
      await pool.query('INSERT INTO docnotify_migrations (name) VALUES ($1)', [name]);
    },
    async unlogMigration({ name }) {
      await pool.query('DELETE FROM docnotify_migrations WHERE name = $1', [name]);
    },
    async executed() {
      const r = await pool.query<{ name: string }>('SELECT name FROM docnotify_migrations ORDER BY name');
      return r.rows.map((x) => x.name);
    },
  };
}

/**
 * Applies pending migrations. Safe to run from several processes at once: an advisory lock serializes them.
 * @returns the names of the migrations applied now.
 */
export async function migrate(pool: Pool): Promise<string[]> {
  const client = await pool.connect();
  try {
    await client.query('SELECT pg_advisory_lock(4242001)');
    await client.query(
      'CREATE TABLE IF NOT EXISTS docnotify_migrations (name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())',
    );
    const umzug = new Umzug({
      migrations: MIGRATIONS.map((m) => ({
        name: m.name,
        up: async () => {
          await client.query('BEGIN');
          try {
            await client.query(m.up);
            await client.query('COMMIT');
          } catch (e) {
            await client.query('ROLLBACK');
            throw e;
          }
        },
      })),
      storage: pgStorage(pool),
      logger: undefined,
    });
    const applied = await umzug.up();
    return applied.map((m) => m.name);
  } finally {
    await client.query('SELECT pg_advisory_unlock(4242001)').catch(() => undefined);
    client.release();
  }
}
