/**
 * Issue 10: a rule edit with many documents open answers at once, and the tenant's rules fan-out workflow tells
 * every affected document within the documented bound (N / RULES_FANOUT_RATE + 30 s), durably.
 */
import type { FastifyInstance } from 'fastify';
import { DocnotifyClient } from '../../src/client';
import { createLogger } from '../../src/log';
import type { Stores } from '../../src/store';
import { buildServer } from '../../src/web/server';
import { documentStateQuery } from '../../src/workflows/messages';
import { eventually, testConfig, uid } from '../helpers/env';
import { startTestWorker } from '../helpers/worker';

const N = 500;
const config = testConfig({ RULES_FANOUT_RATE: '50' });
let app: FastifyInstance;
let stores: Stores;
let client: DocnotifyClient;
let stopWorker: () => Promise<void>;

beforeAll(async () => {
  const w = await startTestWorker(config);
  stores = w.stores;
  stopWorker = w.stop;
  client = await DocnotifyClient.connect({ address: config.TEMPORAL_ADDRESS, taskQueue: config.TASK_QUEUE });
  app = await buildServer({
    config,
    client,
    stores,
    log: createLogger('silent'),
    sendTest: async () => ({ status: 'skipped' }),
  });
});
afterAll(async () => {
  await app?.close();
  await client?.close();
  await stopWorker?.();
});

async function inParallel<T>(items: T[], limit: number, fn: (t: T) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < items.length) await fn(items[next++]);
    }),
  );
}

test(`with ${N} open documents a rule edit answers in under 1 s, and every document takes the new rules version within N / rate + 30 s`, async () => {
  const tenant = uid('fan');
  const spec = {
    name: 'Approval',
    trigger: { status: 'pending_approval' },
    delay: '3d',
    repeat: { interval: '1d', maxCount: 3 },
    recipients: { assignee: false, addresses: ['fan@example.com'] },
  };
  const rule = await stores.rules.create(spec, tenant);
  // A document in another status is outside the change's scope: it is not woken.
  await client.sendEvent({ type: 'status_changed', tenantId: tenant, documentId: 'OTHER', status: 'on_hold' });
  const ids = Array.from({ length: N }, (_, i) => `D${i + 1}`);
  await inParallel(ids, 16, (documentId) =>
    client.sendEvent({ type: 'status_changed', tenantId: tenant, documentId, status: 'pending_approval' }),
  );
  await eventually(
    async () =>
      (
        await client.temporal.workflow.count(
          `TenantId = '${tenant}' AND DocumentStatus = 'pending_approval' AND NextNotificationAt > '2000-01-01T00:00:00Z'`,
        )
      ).count >= N,
    `${N} documents planned`,
    120_000,
    1000,
  );
  const before = await stores.rulesVersions.current(tenant);

  const t0 = Date.now();
  const res = await app.inject({
    method: 'PUT',
    url: `/api/v1/rules/${rule.id}?tenant=${tenant}`,
    headers: { authorization: `Bearer ${config.API_TOKEN}` },
    payload: { ...spec, repeat: { interval: '2d', maxCount: 3 } },
  });
  const httpMs = Date.now() - t0;
  expect(res.statusCode).toBe(200);
  expect(httpMs).toBeLessThan(1000);
  const version = await stores.rulesVersions.current(tenant);
  expect(version).toBe(before + 1);

  const boundMs = (N / config.RULES_FANOUT_RATE + 30) * 1000;
  const fanOut = await client.temporal.workflow.getHandle(`rules-fanout/${tenant}`).result();
  expect(fanOut).toMatchObject({ version, told: N });
  const pending = new Set(ids);
  await eventually(
    async () => {
      await inParallel([...pending], 16, async (id) => {
        const view = await client.temporal.workflow.getHandle(`document/${tenant}/${id}`).query(documentStateQuery);
        if ((view.rulesVersion ?? 0) >= version) pending.delete(id);
      });
      return pending.size === 0;
    },
    `every document on rules version ${version}`,
    boundMs,
    1000,
  );
  expect(Date.now() - t0).toBeLessThan(boundMs);
  // The new interval is in every plan: the first reminder two days after the first notice.
  const sample = await client.getState('D1', tenant);
  const first = Date.parse(sample.pending.find((p) => p.kind === 'first')!.at);
  expect(Date.parse(sample.pending.find((p) => p.kind === 'reminder')!.at) - first).toBe(2 * 86_400_000);
  // Nothing was told twice, and the document outside the scope still plans with the version it read.
  expect((await client.getState('OTHER', tenant)).rulesVersion).toBe(before);
  expect(await stores.rulesVersions.pending(tenant)).toBeUndefined();
});

test('a change committed while no fan-out could start is told by the next one (the outbox)', async () => {
  const tenant = uid('fan');
  const spec = {
    name: 'Approval',
    trigger: { status: 'pending_approval' },
    delay: '3d',
    recipients: { assignee: false, addresses: ['fan@example.com'] },
  };
  const rule = await stores.rules.create(spec, tenant);
  await client.sendEvent({ type: 'status_changed', tenantId: tenant, documentId: 'A', status: 'pending_approval' });
  await eventually(
    async () => (await client.getState('A', tenant)).rulesVersion === 1,
    'document A planned with version 1',
  );
  // As if the web server died between the commit and the fan-out: the store records the change, nobody starts it.
  await stores.rules.update(tenant, rule.id, { ...spec, delay: '4d' });
  expect(await stores.rulesVersions.pending(tenant)).toMatchObject({ version: 2 });
  // A later change (here a calendar edit through the API) starts the fan-out, which tells both, at version 3.
  const res = await app.inject({
    method: 'PUT',
    url: `/api/v1/tenants/${tenant}`,
    headers: { authorization: `Bearer ${config.API_TOKEN}` },
    payload: { locale: 'en' },
  });
  expect(res.statusCode).toBe(200);
  await eventually(async () => (await client.getState('A', tenant)).rulesVersion === 3, 'document A on version 3');
  const a = await client.getState('A', tenant);
  expect(Date.parse(a.pending[0].at) - Date.parse(a.statusSince!)).toBe(4 * 86_400_000);
  expect(await stores.rulesVersions.pending(tenant)).toBeUndefined();
});
