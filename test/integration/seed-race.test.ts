/**
 * Processes that start together on a new database (the cluster tier's workers and web servers, a compose file's
 * services) seed it once: before the seeding ran under an advisory lock, the second one failed with
 * `a rule named "Ready for validation" already exists` (found by the cluster tier in CI).
 */
import { Client } from 'pg';
import { openStores } from '../../src/store';
import { stackEnv, uid } from '../helpers/env';

test('four processes opening a new database at once: all start, tenant default has its rules once', async () => {
  const admin = new Client({ connectionString: stackEnv().databaseUrl });
  await admin.connect();
  const name = uid('seedrace').replace(/-/g, '_');
  await admin.query(`CREATE DATABASE ${name}`);
  const url = new URL(stackEnv().databaseUrl);
  url.pathname = `/${name}`;
  try {
    const all = await Promise.all(
      Array.from({ length: 4 }, () => openStores(url.toString(), { DEFAULT_LOCALE: 'en' }, { max: 3 })),
    );
    try {
      const names = (await all[0].rules.list('default')).map((r) => r.name);
      expect(names.length).toBeGreaterThanOrEqual(8);
      expect(new Set(names).size).toBe(names.length);
    } finally {
      await Promise.all(all.map((s) => s.db.end()));
    }
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS ${name}`);
    await admin.end();
  }
});
