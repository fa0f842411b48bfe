/**
 * Found by the chaos suite (docs/chaos.md): PostgreSQL shutting down just after the SMTP server's 250 made the
 * ledger update (`sending` → `sent`) fail; the error was handled like an SMTP failure, the activity failed, and its
 * retry found the row `sending` and sent a second copy. The update is now retried while the activity lives.
 * Here the worker's ledger refuses the first updates to `sent` with the error PostgreSQL gives on a shutdown.
 */
import { DocnotifyClient } from '../../src/client';
import { openStores, type Stores } from '../../src/store';
import { eventually, sleep, testConfig, uid } from '../helpers/env';
import { SmtpFaultServer } from '../helpers/smtp-fault-server';
import { startTestWorker } from '../helpers/worker';

let fault: SmtpFaultServer;
let worker: Awaited<ReturnType<typeof startTestWorker>>;
let client: DocnotifyClient;
let stores: Stores;
let workerStores: Stores;
let refuseSent = 0;
let refused = 0;

beforeAll(async () => {
  fault = await SmtpFaultServer.start();
  const config = testConfig({ SMTP_URL: fault.url, LOG_LEVEL: 'error' });
  stores = await openStores(config.DATABASE_URL!, config, { max: 2 });
  workerStores = await openStores(config.DATABASE_URL!, config, { max: 5 });
  const finish = workerStores.notifications.finish.bind(workerStores.notifications);
  workerStores.notifications.finish = async (key, status, detail) => {
    if (status === 'sent' && refuseSent > 0) {
      refuseSent--;
      refused++;
      throw Object.assign(new Error('terminating connection due to administrator command'), {
        code: '57P01',
        severity: 'FATAL',
      });
    }
    return finish(key, status, detail);
  };
  worker = await startTestWorker(config, workerStores);
  client = await DocnotifyClient.connect({ address: config.TEMPORAL_ADDRESS, taskQueue: config.TASK_QUEUE });
});

afterAll(async () => {
  await client?.close();
  await worker?.stop();
  await workerStores?.db.end();
  await stores?.db.end();
  await fault?.close();
});

test('the ledger refuses the update to `sent` three times after the 250: one copy, row sent after 1 attempt', async () => {
  const tenantId = uid('tenant');
  const to = `${uid('rcpt')}@example.com`;
  await stores.tenants.put({ id: tenantId, locale: 'en', calendar: null, calendars: {}, adminEmails: [] });
  await stores.rules.create({
    name: 'Exported notice',
    tenantId,
    trigger: { status: 'exported' },
    recipients: { assignee: false, addresses: [to] },
    delay: '0s',
  });
  refuseSent = 3;
  const documentId = uid('INV');
  await client.sendEvent({ type: 'status_changed', tenantId, documentId, status: 'exported' });

  const row = await eventually(
    async () => {
      const rows = await stores.notifications.list({ tenantId, documentId });
      return rows.length === 1 && rows[0].status === 'sent' ? rows[0] : undefined;
    },
    'the ledger row sent',
    60_000,
  );
  await sleep(5_000); // an activity retry (2 s) would have sent the second copy by now
  expect(refused).toBe(3);
  expect(fault.deliveredTo(to)).toHaveLength(1);
  expect(fault.attemptsFor(to)).toHaveLength(1);
  expect(row.attempts).toBe(1);
  const view = await client.getState(documentId, tenantId);
  expect(view.emailCount).toBe(1);
  expect(view.emails.map((e) => e.status)).toEqual(['sent']);
}, 90_000);
