/**
 * Storm protection's ranks under concurrency (real PostgreSQL): 50 sends of one window at once get the ranks 1…50,
 * each once, so no more than the limit go out on their own; a retry keeps its rank.
 */
import { openStores, type Stores } from '../../src/store';
import { stackEnv, uid } from '../helpers/env';

let stores: Stores;
beforeAll(async () => {
  stores = await openStores(stackEnv().databaseUrl, { DEFAULT_LOCALE: 'en' }, { max: 20 });
});
afterAll(async () => {
  await stores?.db.end();
});

test('50 concurrent sends of one window get the ranks 1…50; a retry gets its own again; another window starts at 1', async () => {
  const tenantId = uid('tenant');
  const keys = Array.from({ length: 50 }, (_, i) => `${tenantId}/DOC-${i}/k/ops@example.com`);
  const ranks = await Promise.all(
    keys.map((k) => stores.digests.stormRank(tenantId, 'Ops@Example.com', 'error_notices', 0, k)),
  );
  expect([...ranks].sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
  const again = await Promise.all(
    keys.slice(0, 5).map((k) => stores.digests.stormRank(tenantId, 'ops@example.com', 'error_notices', 0, k)),
  );
  expect(again).toEqual(ranks.slice(0, 5));
  expect(await stores.digests.stormRank(tenantId, 'ops@example.com', 'error_notices', 900_000, `${tenantId}/x`)).toBe(
    1,
  );
});
