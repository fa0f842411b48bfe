/**
 * The cluster tier's crash test: the real Temporal server (PostgreSQL, 4 history shards), two `docnotify worker`
 * processes and two `docnotify serve` processes (src/dev/cluster.ts). 300 documents come in through both web
 * processes; each gets a first email at once and a reminder 30 s later (600 emails). One worker is SIGKILLed
 * mid-run (the cluster starts it again, as `restart: unless-stopped` would). Every email must arrive (counted by
 * Message-ID at Mailpit) exactly once, and every planned reminder must be sent. As in test/integration/crash.test.ts,
 * the one duplicate SMTP itself cannot rule out is allowed: an email whose ledger row was `sending` when the worker
 * died (the server took it, the worker died before recording it; docs/delivery.md).
 *
 * Timing: a send that was running in the killed worker is retried after its 20 s heartbeat timeout; a reminder it held
 * for its instant (SEND_AHEAD) after the scheduled queue's 1-minute heartbeat timeout.
 */
import { DocnotifyClient } from '../../src/client';
import { openStores, type Stores } from '../../src/store';
import { eventually, sleep, uid } from '../helpers/env';
import { api, clusterConfig, clusterEnv, inParallel, mailCount, mailTo } from './helpers';

const DOCUMENTS = 300;
const REMINDER_AFTER = '30s';
const KILL_AT = 100; // emails at Mailpit when worker 1 is killed
const TOTAL = DOCUMENTS * 2;

const env = clusterEnv();
const config = clusterConfig();
let stores: Stores;
let client: DocnotifyClient;

beforeAll(async () => {
  stores = await openStores(env.databaseUrl, config, { max: 4 });
  client = await DocnotifyClient.connect({
    address: env.temporalAddress,
    namespace: env.namespace,
    taskQueue: env.taskQueue,
  });
});
afterAll(async () => {
  await client?.close();
  await stores?.db.end();
});

const isAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

test(`${DOCUMENTS} documents × (first email + reminder) on the real server, a worker SIGKILLed mid-run: every email once, every reminder sent`, async () => {
  const t0 = Date.now();
  const tenant = uid('ckill');
  const to = `${tenant}@example.com`;
  const [web1, web2] = env.webUrls;
  const rule = await api<{ id: string }>(web1, 'POST', `/rules?tenant=${tenant}`, {
    name: 'Approval',
    trigger: { status: 'pending_approval' },
    delay: '0s',
    repeat: { interval: REMINDER_AFTER, maxCount: 1 },
    recipients: { assignee: false, addresses: [to] },
  });
  expect(rule.id).toBeTruthy();

  // Events through both web processes, 16 at a time.
  const documents = Array.from({ length: DOCUMENTS }, (_, i) => `INV-${String(i + 1).padStart(3, '0')}`);
  await inParallel(documents, 16, (documentId, i) =>
    api(i % 2 ? web2 : web1, 'POST', `/documents/${documentId}/events`, {
      type: 'status_changed',
      tenantId: tenant,
      status: 'pending_approval',
    }),
  );
  const tIngested = Date.now();

  // Kill worker 1 once KILL_AT emails arrived.
  await eventually(async () => (await mailCount(to)) >= KILL_AT, `${KILL_AT} emails at Mailpit`, 120_000, 100);
  const victim = env.workerPids[0];
  expect(isAlive(victim)).toBe(true);
  process.kill(victim, 'SIGKILL');
  await eventually(async () => !isAlive(victim), `worker pid ${victim} gone`, 10_000, 50);
  const tKilled = Date.now();
  // The killed worker writes nothing more: a row of its that is `sending` now stays so until a retry claims it.
  const atKill = await stores.notifications.list({ tenantId: tenant, limit: 1000 });
  const sendingAtKill = new Set(atKill.filter((r) => r.status === 'sending').map((r) => r.messageId));
  const mailpitAtKill = await mailCount(to);

  const rows = await eventually(
    async () => {
      const r = await stores.notifications.list({ tenantId: tenant, status: 'sent', limit: 1000 });
      return r.length >= TOTAL ? r : undefined;
    },
    `${TOTAL} sent ledger rows`,
    240_000,
    1000,
  );
  await sleep(1000); // Mailpit stores the last message
  const tDone = Date.now();

  const mails = await mailTo(to);
  const byId = new Map<string, number>();
  for (const m of mails) byId.set(`<${m.MessageID}>`, (byId.get(`<${m.MessageID}>`) ?? 0) + 1);
  const duplicated = [...byId].filter(([, n]) => n > 1).map(([id]) => id);
  const all = await stores.notifications.list({ tenantId: tenant, limit: 1000 });
  const restarted = await eventually(
    async () =>
      (await fetch(`${env.workerMetricsUrls[0]}/healthz`).then(
        (r) => r.ok,
        () => false,
      )) || undefined,
    'worker 1 healthy again (restarted by the cluster)',
    60_000,
    500,
  ).then(
    () => 'healthy again',
    () => 'not healthy again',
  );

  console.log(
    [
      `cluster crash test: ${DOCUMENTS} documents × (first + reminder after ${REMINDER_AFTER}) = ${TOTAL} emails, 2 workers, real Temporal server on PostgreSQL`,
      `  ingest through 2 web processes: ${((tIngested - t0) / 1000).toFixed(1)} s`,
      `  worker 1 (pid ${victim}) SIGKILLed ${((tKilled - tIngested) / 1000).toFixed(1)} s after ingest: ${mailpitAtKill} at Mailpit, ledger ${atKill.filter((r) => r.status === 'sent').length} sent / ${sendingAtKill.size} sending / ${atKill.filter((r) => r.status === 'scheduled').length} scheduled`,
      `  at the end: ${mails.length} messages at Mailpit, ${byId.size} distinct Message-IDs, ${mails.length - byId.size} duplicate(s)${duplicated.length ? ` (${duplicated.join(', ')})` : ''}`,
      `  ledger: ${all.filter((r) => r.status === 'sent').length} sent (${all.filter((r) => r.kind === 'reminder').length} reminders), attempts > 1 on ${all.filter((r) => r.attempts > 1).length} row(s); worker 1 ${restarted}`,
      `  total ${((tDone - t0) / 1000).toFixed(1)} s (kill → all sent ${((tDone - tKilled) / 1000).toFixed(1)} s)`,
    ].join('\n'),
  );

  expect(mailpitAtKill).toBeLessThan(TOTAL); // the kill landed mid-run
  expect(all).toHaveLength(TOTAL);
  expect(rows).toHaveLength(TOTAL);
  expect(all.filter((r) => r.kind === 'first')).toHaveLength(DOCUMENTS);
  expect(all.filter((r) => r.kind === 'reminder' && r.seq === 1)).toHaveLength(DOCUMENTS);
  expect(new Set(all.map((r) => r.documentId)).size).toBe(DOCUMENTS);
  // Every email arrived, none unknown; a second copy only where the kill fell between SMTP and the ledger.
  expect(new Set(byId.keys())).toEqual(new Set(all.map((r) => r.messageId)));
  for (const id of duplicated) {
    expect(sendingAtKill).toContain(id);
    expect(byId.get(id)).toBe(2);
  }
  expect(mails.length - byId.size).toBeLessThanOrEqual(sendingAtKill.size);

  // The workflows agree: two emails each, nothing left planned.
  await inParallel(documents, 16, async (documentId) => {
    const view = await eventually(
      async () => {
        const v = await client.getState(documentId, tenant);
        return v.emailCount === 2 && v.pending.length === 0 ? v : undefined;
      },
      `${documentId}: 2 emails recorded, nothing pending`,
      30_000,
      500,
    );
    expect(view.emailCount).toBe(2);
  });
}, 360_000);
