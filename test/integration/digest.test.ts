/**
 * Issue 14 points 1 and 4 against the real worker, PostgreSQL, Temporal and an SMTP server (the in-process fault
 * server, which keeps every message): a rule whose reminders go to the digest sends its first notices on their own
 * and no individual reminder; the digest lists the documents still waiting, with their signed action links, oldest
 * and most overdue first, and drops one that was decided; once nothing waits no digest goes out and the person's
 * digest workflow ends. Storm: 200 import_error notices to one person in a minute → at most 10 on their own per
 * window plus summaries, every document in exactly one email, the log naming the summary of each.
 */
import { Client, Connection } from '@temporalio/client';
import { DocnotifyClient } from '../../src/client';
import type { Stores } from '../../src/store';
import { digestSendNowSignal, digestWorkflowId } from '../../src/workflows/messages';
import { eventually, sleep, testConfig, uid } from '../helpers/env';
import { accept, reply, SmtpFaultServer } from '../helpers/smtp-fault-server';
import { runCli } from '../helpers/cli';
import { startTestWorker } from '../helpers/worker';

jest.setTimeout(240_000);

let fault: SmtpFaultServer;
let worker: Awaited<ReturnType<typeof startTestWorker>>;
let client: DocnotifyClient;
let temporal: Client;
let stores: Stores;
const config = () => testConfig({ SMTP_URL: fault.url, STORM_WINDOW: '1m', STORM_LIMIT: '10' });

beforeAll(async () => {
  fault = await SmtpFaultServer.start();
  const c = config();
  worker = await startTestWorker(c);
  stores = worker.stores;
  client = await DocnotifyClient.connect({ address: c.TEMPORAL_ADDRESS, taskQueue: c.TASK_QUEUE });
  temporal = new Client({ connection: await Connection.connect({ address: c.TEMPORAL_ADDRESS }) });
});

afterAll(async () => {
  await client?.close();
  await temporal?.connection.close();
  await worker?.stop();
  await fault?.close();
});

const to = (address: string) => fault.messages.filter((m) => m.to.includes(address));

async function tenant(): Promise<string> {
  const tenantId = uid('tenant');
  await stores.tenants.put({ id: tenantId, locale: 'en', calendar: null, calendars: {}, adminEmails: [] });
  return tenantId;
}

test("a rule in digest mode: first notices on their own, reminders only in the person's digest", async () => {
  const tenantId = await tenant();
  const approver = `${uid('approver')}@example.com`;
  await stores.rules.create({
    name: 'Approval digest',
    tenantId,
    trigger: { status: 'pending_approval' },
    recipients: { assignee: true },
    delay: '0s',
    repeat: { interval: '2s', maxCount: 2 },
    reminderDelivery: 'digest',
    actions: ['approve', 'reject'],
  });
  const docs = [uid('INV'), uid('INV'), uid('INV')];
  for (const [i, documentId] of docs.entries()) {
    await client.sendEvent({ type: 'assigned', tenantId, documentId, assignee: approver });
    // The last one is the most overdue: it must be listed first.
    const dueAt = new Date(Date.now() - (i + 1) * 86_400_000).toISOString();
    await client.sendEvent({ type: 'due_date_set', tenantId, documentId, dueAt });
    await client.sendEvent({ type: 'status_changed', tenantId, documentId, status: 'pending_approval' });
  }
  // The first notices go out; the reminders (2 per document) only reach the ledger, as `skipped: digest`.
  await eventually(async () => (to(approver).length === 3 ? true : undefined), 'three first notices');
  const reminders = await eventually(async () => {
    const rows = (await stores.notifications.list({ tenantId, kind: 'reminder' })).filter(
      (r) => r.recipient === approver,
    );
    return rows.length === 6 ? rows : undefined;
  }, 'six reminders filed');
  expect(reminders.every((r) => r.status === 'skipped' && r.reason === 'digest')).toBe(true);
  await sleep(1_000);
  expect(to(approver)).toHaveLength(3);

  // The digest (asked for now rather than at 08:00): one email, three documents, most overdue first, with links.
  const digest = temporal.workflow.getHandle(digestWorkflowId(tenantId, approver, 'daily'));
  expect((await digest.describe()).status.name).toBe('RUNNING');
  await digest.signal(digestSendNowSignal);
  const first = await eventually(
    async () => to(approver).find((m) => m.subject.includes('3 documents')),
    'digest',
    60_000,
  );
  const html = first.html ?? '';
  const order = docs.map((d) => html.indexOf(d));
  expect(order.every((i) => i > 0)).toBe(true);
  expect(order[2]).toBeLessThan(order[1]);
  expect(order[1]).toBeLessThan(order[0]);
  const links = [...html.matchAll(/href="([^"]*\/actions\/[^"]+)"/g)].map((m) => m[1]);
  expect(links).toHaveLength(6);
  // The log says which digest carried each reminder.
  const filed = (await stores.notifications.list({ tenantId, kind: 'reminder' })).filter(
    (r) => r.recipient === approver,
  );
  expect(filed.every((r) => r.reason === `digest: in ${first.messageId}`)).toBe(true);

  // One document is decided: the next digest lists the other two.
  const task = (await client.getState(docs[2], tenantId)).task!;
  await client.resolveTask(
    docs[2],
    { taskId: task.id, taskVersion: task.version, action: 'approve', actor: approver },
    tenantId,
  );
  // What the CLI shows is what the digest holds; `digest send` asks for the next one now.
  const listed = await runCli(['digest', 'list', approver, '--tenant', tenantId, '--json'], config());
  expect(listed.code).toBe(0);
  expect((JSON.parse(listed.stdout) as { documentId: string }[]).map((r) => r.documentId).sort()).toEqual(
    [...docs].sort(),
  );
  const sent = await runCli(['digest', 'send', approver, '--tenant', tenantId], config());
  expect([sent.code, sent.stdout]).toEqual([0, expect.stringContaining('asked to go out now')]);
  const nobody = await runCli(['digest', 'send', 'nobody@example.com', '--tenant', tenantId], config());
  expect([nobody.code, nobody.stderr]).toEqual([3, expect.stringContaining('no digest runs for nobody@example.com')]);
  const second = await eventually(async () => to(approver).find((m) => m.subject.includes('2 documents')), 'digest 2');
  expect(second.html).toContain(docs[0]);
  expect(second.html).not.toContain(docs[2]);

  // Nothing waits any more: no digest, and the workflow ends.
  for (const d of docs.slice(0, 2))
    await client.sendEvent({ type: 'status_changed', tenantId, documentId: d, status: 'approved' });
  await eventually(async () => {
    const v = await client.getState(docs[1], tenantId);
    return v.awaitingAction ? undefined : true;
  }, 'documents approved');
  const before = to(approver).length;
  await digest.signal(digestSendNowSignal);
  await eventually(
    async () => ((await digest.describe()).status.name === 'COMPLETED' ? true : undefined),
    'digest ends',
  );
  expect(to(approver).length).toBe(before);
});

test("a rule in 'both' mode: reminders go out on their own and are filed for the digest too", async () => {
  const tenantId = await tenant();
  const approver = `${uid('approver')}@example.com`;
  await stores.rules.create({
    name: 'Approval both',
    tenantId,
    trigger: { status: 'pending_approval' },
    recipients: { assignee: true },
    delay: '0s',
    repeat: { interval: '2s', maxCount: 1 },
    reminderDelivery: 'both',
    actions: ['approve'],
  });
  const documentId = uid('INV');
  await client.sendEvent({ type: 'assigned', tenantId, documentId, assignee: approver });
  await client.sendEvent({ type: 'status_changed', tenantId, documentId, status: 'pending_approval' });
  await eventually(async () => (to(approver).length === 2 ? true : undefined), 'first notice and reminder');
  const reminder = await eventually(async () => {
    const rows = await stores.notifications.list({ tenantId, documentId, kind: 'reminder' });
    return rows.length === 1 && rows[0].status === 'sent' ? rows[0] : undefined;
  }, 'the reminder sent');
  expect(reminder.recipient).toBe(approver);
  const filed = await stores.digests.list(tenantId, approver, 'daily');
  expect(filed.map((e) => [e.documentId, e.kind, e.actions])).toEqual([[documentId, 'waiting', ['approve']]]);
});

test('storm: 200 import_error notices in a minute → at most 10 a window on their own, the rest in summaries, each document once', async () => {
  const tenantId = await tenant();
  const operator = `${uid('ops')}@example.com`;
  await stores.rules.create({
    name: 'Import errors',
    tenantId,
    trigger: { status: 'import_error' },
    recipients: { assignee: false, addresses: [operator] },
    delay: '0s',
  });
  const docs = Array.from({ length: 200 }, () => uid('IMP'));
  const started = Date.now();
  await Promise.all(
    docs.map((documentId) =>
      client.sendEvent({ type: 'status_changed', tenantId, documentId, status: 'import_error' }),
    ),
  );
  // Every document's notice either went out or was filed; the summaries follow at the end of their window.
  await eventually(
    async () => {
      const rows = await stores.notifications.list({ tenantId, kind: 'first', limit: 1000 });
      return rows.length === 200 && rows.every((r) => r.status === 'sent' || r.reason?.startsWith('storm: in summary'))
        ? rows
        : undefined;
    },
    'every notice sent or summarised',
    200_000,
    1_000,
  );
  const mails = to(operator);
  const single = mails.filter((m) => !m.subject.includes('more error notice'));
  const summaries = mails.filter((m) => m.subject.includes('more error notice'));
  const windows = new Set(
    (await stores.notifications.list({ tenantId, kind: 'first', limit: 1000 })).map((r) =>
      Math.floor(Date.parse(r.createdAt) / 60_000),
    ),
  );
  expect(single.length).toBeLessThanOrEqual(10 * windows.size);
  expect(summaries.length).toBeGreaterThanOrEqual(1);
  expect(summaries.length).toBeLessThanOrEqual(windows.size);
  // Every document in exactly one email.
  for (const d of docs) {
    const carrying = mails.filter((m) => m.subject.includes(d) || (m.html ?? '').includes(d));
    expect({ d, n: carrying.length }).toEqual({ d, n: 1 });
  }
  expect(Date.now() - started).toBeLessThan(200_000);
});

test('storm: a summary the server refuses for good is tried once, and its emails say so in the log', async () => {
  const tenantId = await tenant();
  const operator = `${uid('ops')}@example.com`;
  // The first 10 notices are taken; everything after them (the summary) is refused for good.
  fault.script(
    operator,
    Array.from({ length: 10 }, () => accept),
    reply(552, '5.2.2 mailbox full'),
  );
  await stores.rules.create({
    name: 'Export errors',
    tenantId,
    trigger: { status: 'export_error' },
    recipients: { assignee: false, addresses: [operator] },
    delay: '0s',
  });
  const docs = Array.from({ length: 15 }, () => uid('EXP'));
  // All 15 in one storm window (1 minute): start early in one, so that more than 10 meet there.
  if (Date.now() % 60_000 > 30_000) await sleep(60_000 - (Date.now() % 60_000) + 500);
  for (const documentId of docs)
    await client.sendEvent({ type: 'status_changed', tenantId, documentId, status: 'export_error' });
  const rows = await eventually(
    async () => {
      const all = await stores.notifications.list({ tenantId, kind: 'first', limit: 100 });
      const settled = all.filter((r) => r.status === 'sent' || r.reason?.startsWith('storm: summary not sent'));
      return all.length === 15 && settled.length === 15 ? all : undefined;
    },
    'every notice sent or its summary given up',
    150_000,
    1_000,
  );
  const summarised = rows.filter((r) => r.status !== 'sent');
  expect(summarised.length).toBeGreaterThanOrEqual(1);
  expect(summarised.every((r) => r.reason!.includes('failed'))).toBe(true);
  await sleep(5_000);
  // One summary per window touched, each tried once: no summary after summary.
  const summaryAttempts = fault.attempts.filter((a) => a.address === operator && a.code === 552);
  const windows = new Set(summarised.map((r) => Math.floor(Date.parse(r.createdAt) / 60_000)));
  expect(summaryAttempts.length).toBe(windows.size);
});
