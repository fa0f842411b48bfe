/**
 * SEND_AHEAD on the real stack (dev server, real worker, PostgreSQL, Mailpit): a planned email is prepared before
 * its instant, waits in its activity as a `scheduled` ledger row, and reaches SMTP at the instant, never before.
 * A change to the document before the instant withdraws it (a new status), or moves it (a snooze).
 */
import type { Stores } from '../../src/store';
import { openStores } from '../../src/store';
import { eventually, sleep, testConfig } from '../helpers/env';
import { headers, messagesTo, waitForMail } from '../helpers/mailpit';
import { address, Scenario } from '../helpers/scenario';
import { startTestWorker } from '../helpers/worker';

const DELAY_MS = 8_000;
let stores: Stores;
let worker: Awaited<ReturnType<typeof startTestWorker>>;
let s: Scenario;

beforeAll(async () => {
  const config = testConfig({ SEND_AHEAD: '30s' });
  stores = await openStores(config.DATABASE_URL!, config, { max: 5 });
  worker = await startTestWorker(config, stores);
  s = await Scenario.create(config, stores);
});
afterAll(async () => {
  await s?.close();
  await worker?.stop();
  await stores?.db.end();
});

/** A document whose first notice is planned DELAY_MS after its status change; resolves once it waits as `scheduled`. */
async function scheduledDocument(label: string): Promise<{ documentId: string; to: string; since: number }> {
  const to = address(label);
  await s.rule({
    name: `ahead ${label}`,
    trigger: { status: 'pending_approval' },
    documentType: label,
    delay: `${DELAY_MS / 1000}s`,
    recipients: { assignee: false, addresses: [to] },
  });
  const documentId = `${label}-${Date.now()}`;
  await s.event(documentId, { type: 'status_changed', status: 'pending_approval', documentType: label });
  const since = Date.parse((await eventually(async () => (await s.state(documentId)).statusSince, 'status applied'))!);
  await eventually(
    async () =>
      (await stores.notifications.list({ tenantId: s.tenantId, documentId })).find((r) => r.status === 'scheduled'),
    'a scheduled ledger row',
    15_000,
  );
  return { documentId, to, since };
}

test('an email prepared ahead waits as "scheduled" and reaches SMTP at its instant, not before', async () => {
  const { documentId, to, since } = await scheduledDocument('ontime');
  expect(Date.now()).toBeLessThan(since + DELAY_MS); // prepared well before the instant...
  expect(await messagesTo(to)).toHaveLength(0); // ...and nothing sent yet
  const [mail] = await waitForMail(to, 1, 30_000);
  const rows = await stores.notifications.list({ tenantId: s.tenantId, documentId });
  expect(rows.map((r) => r.status)).toEqual(['sent']);
  // Same host, same clock: SMTP saw it at or after the planned instant (Mailpit's timestamps are to the ms).
  expect(Date.parse(mail.Created)).toBeGreaterThanOrEqual(since + DELAY_MS - 5);
  console.log(`send ahead: ${Date.parse(mail.Created) - (since + DELAY_MS)} ms after the instant at Mailpit`);
  const view = await s.state(documentId);
  expect(view.emails.map((e) => e.status)).toEqual(['sent']);
  // Built ahead of its instant, it is the same message an immediate send builds, dated at the instant.
  const h = await headers(mail.ID);
  expect(h['Message-Id']?.[0]).toBe(rows[0].messageId);
  expect(h['Auto-Submitted']).toEqual(['auto-generated']);
  expect(h['Thread-Index']?.[0]).toMatch(/^[A-Za-z0-9+/=]+$/);
  expect(h['In-Reply-To']).toHaveLength(1);
  expect(Math.abs(Date.parse(h.Date![0]) - (since + DELAY_MS))).toBeLessThan(1_500);
});

test('a status change before the instant withdraws the waiting email: nothing is sent, the ledger row is gone', async () => {
  const { documentId, to, since } = await scheduledDocument('withdrawn');
  await s.status(documentId, 'approved');
  await eventually(
    async () => (await stores.notifications.list({ tenantId: s.tenantId, documentId })).length === 0,
    'the scheduled row withdrawn',
    15_000,
  );
  await sleep(Math.max(0, since + DELAY_MS + 3_000 - Date.now()));
  expect(await messagesTo(to)).toHaveLength(0);
  const view = await s.state(documentId);
  expect(view.history.some((h) => /withdrawn before its time/.test(h.text))).toBe(true);
  expect(view.emails).toHaveLength(0);
});

test('a snooze before the instant moves the waiting reminder: it goes out once, at the new time', async () => {
  const to = address('snoozed');
  await s.rule({
    name: 'ahead snoozed',
    trigger: { status: 'pending_approval' },
    documentType: 'snoozed',
    delay: '0s',
    repeat: { interval: `${DELAY_MS / 1000}s`, maxCount: 1 },
    recipients: { assignee: false, addresses: [to] },
  });
  const documentId = `snoozed-${Date.now()}`;
  await s.event(documentId, { type: 'status_changed', status: 'pending_approval', documentType: 'snoozed' });
  await waitForMail(to, 1, 30_000); // the first notice, at once
  const view = await s.state(documentId);
  const since = Date.parse(view.statusSince!);
  const reminder = await eventually(
    async () =>
      (await stores.notifications.list({ tenantId: s.tenantId, documentId })).find(
        (r) => r.kind === 'reminder' && r.status === 'scheduled',
      ),
    'the reminder scheduled',
    15_000,
  );
  const snoozed = await s.client.snooze(documentId, { taskId: view.task!.id, duration: 'PT6S', actor: to }, s.tenantId);
  expect(snoozed.ok).toBe(true);
  await sleep(Math.max(0, since + DELAY_MS + 2_000 - Date.now()));
  expect(await messagesTo(to)).toHaveLength(1); // not at the old instant
  const mails = await waitForMail(to, 2, 30_000);
  const second = mails.map((m) => Date.parse(m.Created)).sort((a, b) => a - b)[1];
  expect(second).toBeGreaterThanOrEqual(since + DELAY_MS + 6_000 - 5);
  await sleep(2_000);
  expect(await messagesTo(to)).toHaveLength(2);
  const rows = await stores.notifications.list({ tenantId: s.tenantId, documentId });
  expect(rows.find((r) => r.key === reminder.key)?.status).toBe('sent');
  expect(rows.map((r) => r.status).sort()).toEqual(['sent', 'sent']);
});

test('an address suppressed while its email waits: checked before the instant, nothing is sent, the row says why', async () => {
  const { documentId, to, since } = await scheduledDocument('suppressed');
  await stores.suppressions.add(s.tenantId, { email: to, reason: 'bounced meanwhile', source: 'admin' });
  const row = await eventually(
    async () =>
      (await stores.notifications.list({ tenantId: s.tenantId, documentId })).find((r) => r.status === 'skipped'),
    'the waiting row skipped',
    DELAY_MS + 15_000,
  );
  expect(row?.reason).toBe('suppressed');
  // Skipped at its instant (the release), never before it, and never sent.
  expect(Date.parse(row!.updatedAt)).toBeGreaterThanOrEqual(since + DELAY_MS - 5);
  await sleep(1_000);
  expect(await messagesTo(to)).toHaveLength(0);
  const view = await s.state(documentId);
  expect(view.emails.map((e) => e.status)).toEqual(['skipped']);
});
