/**
 * Issue 14.3: suppression of addresses that bounce, against the in-process SMTP fault server, the real worker,
 * PostgreSQL and Temporal: a 550 5.1.1 suppresses the address for the tenant, the next email to it is logged
 * `skipped: suppressed` and never reaches the SMTP server, lifting sends again; an escalation whose recipients are
 * all suppressed says so in the log and tells the administrators; CLI and admin page list, add and lift.
 */
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import pino from 'pino';
import { DocnotifyClient } from '../../src/client';
import type { DocumentStatus } from '../../src/domain/status';
import type { Stores } from '../../src/store';
import type { NotificationRow } from '../../src/store/notifications';
import { buildServer } from '../../src/web/server';
import { runCli } from '../helpers/cli';
import { eventually, sleep, testConfig, uid } from '../helpers/env';
import { accept, reply, SmtpFaultServer } from '../helpers/smtp-fault-server';
import { startTestWorker } from '../helpers/worker';

let fault: SmtpFaultServer;
let worker: Awaited<ReturnType<typeof startTestWorker>>;
let client: DocnotifyClient;
let stores: Stores;
let app: FastifyInstance;

beforeAll(async () => {
  fault = await SmtpFaultServer.start();
  const config = testConfig({ SMTP_URL: fault.url, SMTP_RETRY_FOR: '10m' });
  worker = await startTestWorker(config);
  stores = worker.stores;
  client = await DocnotifyClient.connect({ address: config.TEMPORAL_ADDRESS, taskQueue: config.TASK_QUEUE });
  app = await buildServer({
    config,
    client,
    stores,
    log: pino({ level: 'silent' }),
    sendTest: async () => ({ status: 'skipped' }),
  });
});

afterAll(async () => {
  await app?.close();
  await client?.close();
  await worker?.stop();
  await fault?.close();
});

async function tenantWithRule(opts: { admin?: string; escalateTo?: string[]; status?: DocumentStatus } = {}) {
  const tenantId = uid('tenant');
  const to = `${uid('rcpt')}@example.com`;
  await stores.tenants.put({
    id: tenantId,
    locale: 'en',
    calendar: null,
    calendars: {},
    adminEmails: opts.admin ? [opts.admin] : [],
  });
  await stores.rules.create({
    name: 'Exported notice',
    tenantId,
    trigger: { status: opts.status ?? 'exported' },
    recipients: { assignee: false, addresses: [to] },
    delay: '0s',
    ...(opts.escalateTo ? { escalation: [{ after: '2s', addresses: opts.escalateTo }] } : {}),
  });
  return { tenantId, to };
}

async function exported(tenantId: string, status: DocumentStatus = 'exported'): Promise<string> {
  const documentId = uid('INV');
  await client.sendEvent({ type: 'status_changed', tenantId, documentId, status });
  return documentId;
}

async function finalRow(tenantId: string, documentId: string, kind = 'first', recipient?: string) {
  return eventually(async () => {
    const rows = (await stores.notifications.list({ tenantId, documentId, kind })).filter(
      (r: NotificationRow) => !recipient || r.recipient === recipient,
    );
    return rows.length === 1 && !['sending', 'scheduled'].includes(rows[0].status) ? rows[0] : undefined;
  }, `final ${kind} row of ${documentId}`);
}

/** The workflow has the activity's result (so anything the activity would send has been sent). */
async function workflowSaw(documentId: string, tenantId: string, to: string) {
  return eventually(async () => {
    const v = await client.getState(documentId, tenantId);
    return v.emails.find((e) => e.to === to);
  }, `the workflow's record of the email to ${to}`);
}

test('after a 550 5.1.1 the next email to the address is not sent (the server sees no RCPT) and is logged skipped; lifting sends again', async () => {
  const { tenantId, to } = await tenantWithRule();
  fault.script(to, [reply(550, '5.1.1 <x>: Recipient address rejected: user unknown')], accept);

  const first = await exported(tenantId);
  expect(await finalRow(tenantId, first)).toMatchObject({ status: 'failed', reason: 'permanent SMTP failure' });
  expect(fault.attemptsFor(to)).toHaveLength(1);
  const suppression = await stores.suppressions.get(tenantId, to);
  expect(suppression).toMatchObject({ email: to, source: 'smtp' });
  expect(suppression!.reason).toContain('550 5.1.1');

  const second = await exported(tenantId);
  const row = await finalRow(tenantId, second);
  expect(row).toMatchObject({ status: 'skipped', reason: 'suppressed', recipient: to, attempts: 0 });
  expect(await workflowSaw(second, tenantId, to)).toMatchObject({ status: 'skipped' });
  await sleep(300);
  expect(fault.attemptsFor(to)).toHaveLength(1); // the server saw nothing of the second email
  expect(fault.deliveredTo(to)).toHaveLength(0);

  // operators see it, and lift it, from the CLI
  const listed = await runCli(['suppressions', 'list', '--tenant', tenantId, '--json'], testConfig());
  expect(JSON.parse(listed.stdout)).toEqual([expect.objectContaining({ email: to, source: 'smtp' })]);
  const lifted = await runCli(['suppressions', 'lift', to, '--tenant', tenantId], testConfig());
  expect(lifted.code).toBe(0);
  expect(await stores.suppressions.get(tenantId, to)).toBeUndefined();
  expect((await stores.audit.list(tenantId, { limit: 5 }))[0]).toMatchObject({
    action: 'suppression.lift',
    entityId: to,
    actor: 'cli',
  });

  const third = await exported(tenantId);
  expect(await finalRow(tenantId, third)).toMatchObject({ status: 'sent' });
  expect(fault.attemptsFor(to)).toHaveLength(2);
  expect(fault.deliveredTo(to)).toHaveLength(1);
});

test('other permanent failures (5.2.2 mailbox full) fail the email but do not suppress the address', async () => {
  const { tenantId, to } = await tenantWithRule();
  fault.script(to, [reply(552, '5.2.2 mailbox full')], accept);
  const first = await exported(tenantId);
  expect(await finalRow(tenantId, first)).toMatchObject({ status: 'failed' });
  expect(await stores.suppressions.get(tenantId, to)).toBeUndefined();
  const second = await exported(tenantId);
  expect(await finalRow(tenantId, second)).toMatchObject({ status: 'sent' });
  expect(fault.deliveredTo(to)).toHaveLength(1);
});

test('a suppression is per tenant and per address, in any case; CLI add refuses a bad address', async () => {
  const { tenantId, to } = await tenantWithRule();
  const other = await tenantWithRule();
  const added = await runCli(
    ['suppressions', 'add', to.toUpperCase(), '--tenant', tenantId, '--reason', 'left the company'],
    testConfig(),
  );
  expect(added.code).toBe(0);
  expect(JSON.parse(added.stdout)).toMatchObject({ email: to, source: 'admin', reason: 'left the company' });
  const bad = await runCli(['suppressions', 'add', 'not-an-address', '--tenant', tenantId], testConfig());
  expect(bad.code).not.toBe(0);
  expect(bad.stderr).toContain('email must be an email address');

  const doc = await exported(tenantId);
  expect(await finalRow(tenantId, doc)).toMatchObject({ status: 'skipped', reason: 'suppressed' });
  // the same address in another tenant still gets its email
  await stores.rules.create({
    name: 'Exported notice 2',
    tenantId: other.tenantId,
    trigger: { status: 'exported' },
    recipients: { assignee: false, addresses: [to] },
    delay: '0s',
  });
  const otherDoc = await exported(other.tenantId);
  expect(await finalRow(other.tenantId, otherDoc, 'first', to)).toMatchObject({ status: 'sent' });
  expect(fault.attemptsFor(to)).toHaveLength(1);
});

test("an escalation whose recipients are all suppressed says so in the log and tells the tenant's administrators", async () => {
  const admin = `${uid('admin')}@example.com`;
  const boss = `${uid('boss')}@example.com`;
  const { tenantId } = await tenantWithRule({ admin, escalateTo: [boss], status: 'pending_approval' });
  await stores.suppressions.add(tenantId, { email: boss, reason: 'test', source: 'bounce' });

  const doc = await exported(tenantId, 'pending_approval');
  const esc = await finalRow(tenantId, doc, 'escalation', boss);
  expect(esc).toMatchObject({ status: 'skipped', reason: 'suppressed' });
  const note = await finalRow(tenantId, doc, 'escalation', '-');
  expect(note.reason).toBe(`escalation level 1 reaches no one: every recipient is suppressed (${boss})`);
  const alerts = await eventually(
    async () => (fault.deliveredTo(admin).length ? fault.deliveredTo(admin) : undefined),
    'the administrators’ alert',
  );
  expect(alerts).toHaveLength(1);
  expect(alerts[0].subject).toContain(boss);
  expect(fault.attemptsFor(boss)).toHaveLength(0);
});

/** An admin page visitor with a cookie jar. */
function browser() {
  const jar = new Map<string, string>();
  const remember = (res: LightMyRequestResponse) => {
    for (const c of res.cookies as { name: string; value: string; maxAge?: number }[]) {
      if (c.maxAge === 0 || c.value === '') jar.delete(c.name);
      else jar.set(c.name, c.value);
    }
    return res;
  };
  const cookie = () => [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
  const remoteAddress = `10.9.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}`;
  return {
    get: async (url: string) =>
      remember(await app.inject({ method: 'GET', url, remoteAddress, headers: { cookie: cookie() } })),
    post: async (url: string, fields: Record<string, string>) =>
      remember(
        await app.inject({
          method: 'POST',
          url,
          remoteAddress,
          headers: { cookie: cookie(), 'content-type': 'application/x-www-form-urlencoded' },
          payload: new URLSearchParams(fields).toString(),
        }),
      ),
  };
}
const csrfOf = (body: string) => /name="_csrf" value="([^"]+)"/.exec(body)![1];

test('the admin page lists, adds (validated, with CSRF) and lifts suppressions, each change audited', async () => {
  const { tenantId, to } = await tenantWithRule();
  const user = `${uid('ana')}@a.example`;
  const password = 'correct horse battery staple';
  await stores.admins.put({ tenantId, username: user, password });
  const b = browser();
  const form = await b.get('/admin/sign-in');
  const signed = await b.post('/admin/sign-in', { _csrf: csrfOf(form.body), next: '/admin/rules', user, password });
  expect(signed.statusCode).toBe(303);

  const empty = await b.get('/admin/suppressions');
  expect(empty.statusCode).toBe(200);
  expect(empty.body).toContain('No suppressed addresses');

  // without the CSRF token nothing changes
  const forged = await b.post('/admin/suppressions', { email: to });
  expect(forged.statusCode).toBe(403);
  expect(await stores.suppressions.get(tenantId, to)).toBeUndefined();

  const invalid = await b.post('/admin/suppressions', { _csrf: csrfOf(empty.body), email: 'nope' });
  expect(invalid.statusCode).toBe(400);
  expect(invalid.body).toContain('email must be an email address');

  const added = await b.post('/admin/suppressions', { _csrf: csrfOf(empty.body), email: to, reason: 'left' });
  expect(added.statusCode).toBe(303);
  const list = await b.get('/admin/suppressions');
  expect(list.body).toContain(to);
  expect(list.body).toContain('Administrator');
  expect(await stores.suppressions.get(tenantId, to)).toMatchObject({ source: 'admin', reason: 'left' });

  const confirm = await b.get(`/admin/suppressions/lift?email=${encodeURIComponent(to)}`);
  expect(confirm.body).toContain('Lift suppression');
  const lift = await b.post('/admin/suppressions/lift', { _csrf: csrfOf(confirm.body), email: to });
  expect(lift.statusCode).toBe(303);
  expect(await stores.suppressions.get(tenantId, to)).toBeUndefined();
  const audit = await stores.audit.list(tenantId, { limit: 5 });
  expect(audit.slice(0, 2).map((a) => a.action)).toEqual(['suppression.lift', 'suppression.add']);
  expect(audit[0].actor).toContain(user);
});
