/**
 * Issue 10: the rules fan-out never outruns the workers. While a document's workflow task waits on the server longer
 * than RULES_FANOUT_MAX_LAG, it signals nobody; once a worker drains the queue it tells every document. Real
 * documents (started with no worker polling their queue, so their first workflow tasks wait), the real server's
 * view of their pending tasks, the fan-out activity run with the real client.
 */
import { MockActivityEnvironment } from '@temporalio/testing';
import { createFanOutActivities, pendingTaskAgeMs } from '../../src/activities/fanout';
import { DocnotifyClient } from '../../src/client';
import { workflowIdFor } from '../../src/domain/events';
import { createLogger } from '../../src/log';
import { openStores, type Stores } from '../../src/store';
import { eventually, sleep, testConfig, uid } from '../helpers/env';
import { startTestWorker } from '../helpers/worker';

const config = testConfig({ TASK_QUEUE: uid('backpressure') });
let stores: Stores;
let client: DocnotifyClient;

beforeAll(async () => {
  stores = await openStores(config.DATABASE_URL!, config, { max: 3 });
  client = await DocnotifyClient.connect({ address: config.TEMPORAL_ADDRESS, taskQueue: config.TASK_QUEUE });
});
afterAll(async () => {
  await client?.close();
  await stores?.db.end();
});

test('the fan-out waits while the workers are behind, and tells every document once they caught up', async () => {
  const tenant = uid('bp');
  await stores.rules.create(
    {
      name: 'Approval',
      trigger: { status: 'pending_approval' },
      delay: '3d',
      recipients: { assignee: false, addresses: ['bp@example.com'] },
    },
    tenant,
  );
  const ids = ['A', 'B', 'C'];
  for (const documentId of ids)
    await client.sendEvent({ type: 'status_changed', tenantId: tenant, documentId, status: 'pending_approval' });
  // Nobody polls the queue yet: the documents' first workflow tasks wait there.
  await eventually(
    async () => (await pendingTaskAgeMs(client.temporal, workflowIdFor(tenant, 'A'))) > 1500,
    "document A's workflow task waiting longer than 1.5 s",
  );
  // The documents are found by visibility (they run, with their tenant's search attributes).
  await eventually(
    async () =>
      (await client.temporal.workflow.count(`TenantId = '${tenant}' AND ExecutionStatus = 'Running'`)).count === 3,
    'the 3 documents in visibility',
  );

  const fanOut = createFanOutActivities({
    rulesVersions: stores.rulesVersions,
    ratePerSecond: 100,
    maxLagMs: 1000,
    log: createLogger('silent'),
  });
  const env = new MockActivityEnvironment(undefined, { client: client.temporal });
  let heartbeats = 0;
  env.on('heartbeat', () => (heartbeats += 1));
  let finished = false;
  const started = Date.now();
  const run = env.run(fanOut.tellRulesChange, { tenantId: tenant }).finally(() => (finished = true));

  await sleep(4000);
  expect(finished).toBe(false);
  expect(heartbeats).toBeGreaterThan(0); // it waits, and says so (a retry would resume from there)
  for (const documentId of ids) expect(await rulesSignals(documentId)).toBe(0);

  const worker = await startTestWorker(config, stores);
  try {
    const result = await run;
    expect(result).toEqual({ version: 1, told: 3 });
    expect(Date.now() - started).toBeGreaterThan(4000);
    for (const documentId of ids) expect(await rulesSignals(documentId)).toBe(1);
    expect(await stores.rulesVersions.pending(tenant)).toBeUndefined();
  } finally {
    await worker.stop();
  }

  async function rulesSignals(documentId: string): Promise<number> {
    const handle = client.temporal.workflow.getHandle(workflowIdFor(tenant, documentId));
    const history = await handle.fetchHistory();
    return (history.events ?? []).filter(
      (e) => e.workflowExecutionSignaledEventAttributes?.signalName === 'rulesChanged',
    ).length;
  }
}, 120_000);
