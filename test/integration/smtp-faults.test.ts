/**
 * Issue 5: SMTP faults against a real in-process SMTP server (test/helpers/smtp-fault-server.ts) and the real
 * worker, PostgreSQL and Temporal. Every case checks the three views of one email: the ledger (notification log),
 * the workflow's `documentState`, and what the SMTP server received.
 */
import { DocnotifyClient } from '../../src/client';
import type { NotificationRow } from '../../src/store/notifications';
import type { Stores } from '../../src/store';
import { runCli } from '../helpers/cli';
import { eventually, sleep, testConfig, uid } from '../helpers/env';
import { accept, delay, dropAfterData, reply, SmtpFaultServer } from '../helpers/smtp-fault-server';
import { startTestWorker } from '../helpers/worker';

let fault: SmtpFaultServer;
let worker: Awaited<ReturnType<typeof startTestWorker>>;
let client: DocnotifyClient;
let stores: Stores;

beforeAll(async () => {
  fault = await SmtpFaultServer.start();
  const config = testConfig({ SMTP_URL: fault.url, SMTP_RETRY_FOR: '10m' });
  worker = await startTestWorker(config);
  stores = worker.stores;
  client = await DocnotifyClient.connect({ address: config.TEMPORAL_ADDRESS, taskQueue: config.TASK_QUEUE });
});

afterAll(async () => {
  await client?.close();
  await worker?.stop();
  await fault?.close();
});

/** A tenant of its own with one rule: "exported" → an email to one unique address, at once. */
async function tenantWithRule(opts: { admin?: string } = {}): Promise<{ tenantId: string; to: string }> {
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
    trigger: { status: 'exported' },
    recipients: { assignee: false, addresses: [to] },
    delay: '0s',
  });
  return { tenantId, to };
}

async function exported(c: DocnotifyClient, tenantId: string): Promise<string> {
  const documentId = uid('INV');
  await c.sendEvent({ type: 'status_changed', tenantId, documentId, status: 'exported' });
  return documentId;
}

/** The ledger row of the document's first email, once it exists (and, with `final`, once it is no longer `sending`). */
async function ledgerRow(
  tenantId: string,
  documentId: string,
  final = true,
  timeoutMs = 30_000,
): Promise<NotificationRow> {
  return eventually(
    async () => {
      const rows = await stores.notifications.list({ tenantId, documentId, kind: 'first' });
      if (rows.length !== 1) return undefined;
      return !final || rows[0].status !== 'sending' ? rows[0] : undefined;
    },
    `ledger row of ${documentId}${final ? ' with a final status' : ''}`,
    timeoutMs,
  );
}

/** The email as the workflow recorded it (`documentState` query), once the activity returned. */
async function workflowEmail(c: DocnotifyClient, tenantId: string, documentId: string, to: string) {
  return eventually(async () => {
    const view = await c.getState(documentId, tenantId);
    const emails = view.emails.filter((e) => e.to === to);
    return emails.length ? { view, emails } : undefined;
  }, `the workflow of ${documentId} to record its email`);
}

describe('temporary replies are retried and the email is delivered once', () => {
  test.each([
    {
      name: '421 at RCPT TO, twice, then 250',
      steps: [reply(421, '4.7.0 try again later'), reply(421, '4.7.0 try again later')],
      attempts: 3,
    },
    {
      name: '450 after DATA (greylisting), then 250',
      steps: [reply(450, '4.2.0 greylisted, come back later', 'data')],
      attempts: 2,
    },
  ])('$name', async ({ steps, attempts }) => {
    const { tenantId, to } = await tenantWithRule();
    fault.script(to, steps, accept);
    const documentId = await exported(client, tenantId);

    const row = await ledgerRow(tenantId, documentId);
    expect(row).toMatchObject({ status: 'sent', recipient: to, attempts });
    expect(row.smtpResponse).toMatch(/^250 /);
    expect(fault.attemptsFor(to)).toHaveLength(attempts);
    expect(fault.deliveredWithId(row.messageId)).toHaveLength(1);
    expect(fault.deliveredTo(to)).toHaveLength(1);
    const { view, emails } = await workflowEmail(client, tenantId, documentId, to);
    expect(emails).toEqual([expect.objectContaining({ status: 'sent', messageId: row.messageId })]);
    expect(view.emailCount).toBe(1);
  });
});

describe('permanent replies are not retried, are logged, and alert the administrators once per recipient', () => {
  // 5.1.x says the address is bad: it is suppressed (issue 14.3) and the second email never reaches the server.
  test.each([
    { code: 550, message: '5.1.1 <x>: Recipient address rejected: user unknown', suppressed: true },
    { code: 553, message: '5.1.3 mailbox name not allowed', suppressed: true },
    { code: 552, message: '5.2.2 mailbox full', suppressed: false },
  ])('$code $message at RCPT TO', async ({ code, message, suppressed }) => {
    const admin = `${uid('admin')}@example.com`;
    const { tenantId, to } = await tenantWithRule({ admin });
    fault.script(to, [], reply(code, message));
    const documentId = await exported(client, tenantId);

    const row = await ledgerRow(tenantId, documentId);
    expect(row).toMatchObject({ status: 'failed', reason: 'permanent SMTP failure', attempts: 1 });
    expect(row.smtpResponse).toContain(`${code} ${message}`);
    const { view, emails } = await workflowEmail(client, tenantId, documentId, to);
    expect(emails).toEqual([
      expect.objectContaining({ status: 'failed', detail: expect.stringContaining(String(code)) }),
    ]);
    expect(view.emailCount).toBe(0);

    // exactly one alert to the tenant's administrator, itself in the ledger
    const alerts = await eventually(
      async () => (fault.deliveredTo(admin).length ? fault.deliveredTo(admin) : undefined),
      'the admin alert',
    );
    expect(alerts).toHaveLength(1);
    expect(alerts[0].subject).toContain(`Email could not be delivered to ${to}`);
    const alertRow = await stores.notifications.get(`alert/${tenantId}/${to}/${admin}`);
    expect(alertRow).toMatchObject({ status: 'sent', kind: 'smtp_failure_alert', recipient: admin });

    // a second email to the same address: suppressed (5.1.x: skipped, never sent) or failing again (logged, not
    // retried); no second alert either way
    expect(await stores.suppressions.get(tenantId, to)).toEqual(
      suppressed ? expect.objectContaining({ source: 'smtp' }) : undefined,
    );
    const second = await exported(client, tenantId);
    const row2 = await ledgerRow(tenantId, second);
    expect(row2).toMatchObject(
      suppressed ? { status: 'skipped', reason: 'suppressed', attempts: 0 } : { status: 'failed', attempts: 1 },
    );
    await workflowEmail(client, tenantId, second, to); // the activity has returned: any alert would have been sent
    await sleep(300);
    expect(fault.deliveredTo(admin)).toHaveLength(1);
    const failures = suppressed ? 1 : 2;
    expect(fault.attemptsFor(to)).toHaveLength(failures); // one per email sent: no retry
    expect(fault.deliveredTo(to)).toHaveLength(0);
    expect(await stores.notifications.failingRecipients(tenantId)).toEqual([
      expect.objectContaining({ email: to, failures }),
    ]);
    // operators see the failing address from the CLI
    const cli = await runCli(['log', '--failing', '--tenant', tenantId, '--json'], testConfig());
    expect(JSON.parse(cli.stdout)).toEqual([
      expect.objectContaining({ email: to, failures, reason: expect.stringContaining(String(code)) }),
    ]);
  });
});

test("an alert that could not be sent (admin address deferred) goes out at the recipient's next failure, once", async () => {
  const admin = `${uid('admin')}@example.com`;
  const { tenantId, to } = await tenantWithRule({ admin });
  // permanent, but not 5.1.x: the address is not suppressed, so every email tries it again
  fault.script(to, [], reply(552, '5.2.2 mailbox full'));
  fault.script(admin, [reply(451, '4.3.0 try later')], accept);
  const first = await exported(client, tenantId);
  await workflowEmail(client, tenantId, first, to);
  const alertKey = `alert/${tenantId}/${to}/${admin}`;
  expect(await stores.notifications.get(alertKey)).toMatchObject({ status: 'sending' });
  expect(fault.deliveredTo(admin)).toHaveLength(0);

  const second = await exported(client, tenantId);
  await workflowEmail(client, tenantId, second, to);
  expect(await stores.notifications.get(alertKey)).toMatchObject({ status: 'sent', attempts: 2 });
  expect(fault.deliveredTo(admin)).toHaveLength(1);

  const third = await exported(client, tenantId);
  await workflowEmail(client, tenantId, third, to);
  await sleep(300);
  expect(fault.deliveredTo(admin)).toHaveLength(1);
  expect(fault.attemptsFor(admin)).toHaveLength(2);
});

test('connection lost after the server took the message (RFC 1047): the retry re-sends with the same Message-ID', async () => {
  const { tenantId, to } = await tenantWithRule();
  fault.script(to, [dropAfterData], accept);
  const documentId = await exported(client, tenantId);

  // The server has the message, docnotify did not hear the 250: the ledger stays `sending` until the retry.
  await eventually(async () => fault.deliveredTo(to).length === 1, 'the first copy to reach the server');
  const during = await ledgerRow(tenantId, documentId, false);
  expect(during).toMatchObject({ status: 'sending', attempts: 1 });

  const row = await ledgerRow(tenantId, documentId);
  expect(row).toMatchObject({ status: 'sent', attempts: 2 });
  const copies = fault.deliveredWithId(row.messageId);
  // The documented gap: two copies, ONE Message-ID (receiving systems can collapse them by that id).
  expect(copies.map((m) => m.outcome)).toEqual(['dropped', 'accepted']);
  expect(fault.deliveredTo(to)).toHaveLength(2);
  expect(new Set(fault.deliveredTo(to).map((m) => m.messageId))).toEqual(new Set([row.messageId]));
  const { view, emails } = await workflowEmail(client, tenantId, documentId, to);
  expect(emails).toEqual([expect.objectContaining({ status: 'sent', messageId: row.messageId })]);
  expect(view.emailCount).toBe(1);
});

test('slow server (250 after 3 s): one attempt, no duplicate', async () => {
  const { tenantId, to } = await tenantWithRule();
  fault.script(to, [delay(3000)], accept);
  const t0 = Date.now();
  const documentId = await exported(client, tenantId);

  const row = await ledgerRow(tenantId, documentId);
  expect(Date.now() - t0).toBeGreaterThanOrEqual(3000);
  expect(row).toMatchObject({ status: 'sent', attempts: 1 });
  expect(row.smtpResponse).toContain('queued (slowly)');
  expect(fault.attemptsFor(to)).toHaveLength(1);
  expect(fault.deliveredWithId(row.messageId)).toHaveLength(1);
  const { emails } = await workflowEmail(client, tenantId, documentId, to);
  expect(emails).toEqual([expect.objectContaining({ status: 'sent', messageId: row.messageId })]);
});

test('temporary failures for longer than SMTP_RETRY_FOR: the email is marked failed (no alert: the address is not at fault)', async () => {
  const config = testConfig({ SMTP_URL: fault.url, SMTP_RETRY_FOR: '3s' });
  const short = await startTestWorker(config, stores);
  const c = await DocnotifyClient.connect({ address: config.TEMPORAL_ADDRESS, taskQueue: config.TASK_QUEUE });
  try {
    const admin = `${uid('admin')}@example.com`;
    const { tenantId, to } = await tenantWithRule({ admin });
    fault.script(to, [], reply(451, '4.3.0 mail system busy'));
    const documentId = await exported(c, tenantId);

    // attempts at ~0 s, ~2 s, ~6 s (backoff 2 s × 2): the third is past the 3 s window
    const row = await ledgerRow(tenantId, documentId, true, 30_000);
    expect(row).toMatchObject({ status: 'failed', reason: 'temporary SMTP failures for longer than 3s', attempts: 3 });
    expect(row.smtpResponse).toContain('451 4.3.0 mail system busy');
    expect(fault.attemptsFor(to)).toHaveLength(3);
    const { emails } = await workflowEmail(c, tenantId, documentId, to);
    expect(emails).toEqual([expect.objectContaining({ status: 'failed' })]);
    expect(fault.deliveredTo(admin)).toHaveLength(0);
  } finally {
    await c.close();
    await short.stop();
  }
});

test('the relay refuses our login (535): retried like a connection failure, never blamed on the recipient', async () => {
  const relay = await SmtpFaultServer.start({ password: 'right-password' });
  const config = testConfig({
    SMTP_URL: `smtp://docnotify:wrong-password@127.0.0.1:${relay.port}`,
    SMTP_RETRY_FOR: '3s',
  });
  const w = await startTestWorker(config, stores);
  const c = await DocnotifyClient.connect({ address: config.TEMPORAL_ADDRESS, taskQueue: config.TASK_QUEUE });
  try {
    const admin = `${uid('admin')}@example.com`;
    const { tenantId, to } = await tenantWithRule({ admin });
    const documentId = await exported(c, tenantId);
    const row = await ledgerRow(tenantId, documentId, true, 30_000);
    expect(row).toMatchObject({
      status: 'failed',
      recipient: to,
      reason: 'temporary SMTP failures for longer than 3s',
    });
    expect(row.attempts).toBeGreaterThanOrEqual(2);
    expect(row.smtpResponse).toMatch(/535 5\.7\.8.*\(EAUTH\)/);
    expect(relay.logins.length).toBeGreaterThanOrEqual(2);
    expect(relay.messages).toHaveLength(0);
    // the address did nothing wrong: not marked failing, no alert
    expect(await stores.notifications.failingRecipients(tenantId)).toEqual([]);
    expect(relay.deliveredTo(admin)).toHaveLength(0);
    expect(fault.deliveredTo(admin)).toHaveLength(0);
  } finally {
    await c.close();
    await w.stop();
    await relay.close();
  }
});
