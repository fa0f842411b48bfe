/**
 * Issue 4 on the real stack (Temporal dev server, real worker and activities, PostgreSQL, Mailpit): the
 * reminder/escalation ladder in miniature, with seconds instead of business days.
 *
 * Lateness (email sent vs. its planned instant) is measured and PRINTED, never asserted: it depends on the
 * machine. Planned instants come from the workflow (`statusSince` of the query, the planner's own base);
 * "sent" is the ledger's `sentAt` (PostgreSQL clock) and Mailpit's `Created`, all on this host.
 */
import type { Config } from '../../src/config';
import { openStores, type Stores } from '../../src/store';
import type { NotificationRow } from '../../src/store/notifications';
import { eventually, sleep, testConfig } from '../helpers/env';
import { messagesTo, waitForMail, type MailSummary } from '../helpers/mailpit';
import { address, Scenario } from '../helpers/scenario';
import { startTestWorker } from '../helpers/worker';

const workers: Awaited<ReturnType<typeof startTestWorker>>[] = [];
let stores: Stores;
const scenarios: Scenario[] = [];

beforeAll(async () => {
  const config = testConfig();
  stores = await openStores(config.DATABASE_URL!, config, { max: 5 });
});
afterAll(async () => {
  for (const s of scenarios) await s.close();
  for (const w of workers) await w.stop().catch(() => undefined);
  await stores?.db.end();
});

async function world(config: Config): Promise<{ s: Scenario; worker: Awaited<ReturnType<typeof startTestWorker>> }> {
  const worker = await startTestWorker(config, stores);
  workers.push(worker);
  const s = await Scenario.create(config, stores);
  scenarios.push(s);
  return { s, worker };
}

/** Ledger rows of the document, oldest first. */
async function ledger(tenantId: string, documentId: string): Promise<NotificationRow[]> {
  const rows = await stores.notifications.list({ tenantId, documentId });
  return rows.sort(
    (a, b) => (a.sentAt ?? a.createdAt).localeCompare(b.sentAt ?? b.createdAt) || a.key.localeCompare(b.key),
  );
}

const stripId = (id: string) => id.replace(/^<|>$/g, '');
const label = (r: Pick<NotificationRow, 'kind' | 'seq'>) => (r.kind === 'first' ? 'first' : `${r.kind} ${r.seq}`);

/** Prints planned instant vs. ledger sentAt vs. Mailpit Created for each email, in ms after the status change. */
function printLateness(
  title: string,
  since: number,
  rows: NotificationRow[],
  mail: MailSummary[],
  plannedOffset: (r: NotificationRow) => number,
): void {
  const byId = new Map(mail.map((m) => [stripId(m.MessageID), m]));
  const lines = rows.map((r) => {
    const planned = since + plannedOffset(r);
    const sent = r.sentAt ? Date.parse(r.sentAt) : NaN;
    const m = byId.get(stripId(r.messageId));
    const created = m ? Date.parse(m.Created) : NaN;
    return [
      label(r).padEnd(13),
      r.recipient.split('@')[0].slice(0, 22).padEnd(22),
      String(plannedOffset(r)).padStart(8),
      String(sent - planned).padStart(9),
      String(created - planned).padStart(12),
    ].join(' ');
  });
  console.log(
    `${title}\n${'email'.padEnd(13)} ${'to'.padEnd(22)} ${'planned'.padStart(8)} ${'late(led)'.padStart(9)} ${'late(mailpit)'.padStart(12)}\n${lines.join('\n')}\n(all in ms; planned = after the status change; late = sent − planned)`,
  );
}

test('ladder in seconds: first at once, reminders every 3s (max 3), escalation after 9s to the manager; lateness printed', async () => {
  const { s } = await world(testConfig());
  const t = s.tenantId;
  const doc = 'LADDER-1';
  const [ana, boss] = [address('ladder-ana'), address('ladder-boss')];
  await stores.directory.putUser(t, { id: 'boss', email: boss, name: 'Boss', locale: 'en' });
  await stores.directory.putUser(t, { id: 'ana', email: ana, name: 'Ana', locale: 'en', managerId: 'boss' });
  await s.rule({
    name: 'Ladder',
    trigger: { status: 'pending_approval' },
    delay: '0s',
    repeat: { interval: '3s', maxCount: 3 },
    escalation: [{ after: '9s', manager: true }],
  });
  await s.event(doc, { type: 'assigned', assignee: 'ana' });
  await s.status(doc, 'pending_approval');

  const toAna = await waitForMail(ana, 4, 60_000);
  const toBoss = await waitForMail(boss, 1, 30_000);
  await sleep(4000); // one more interval: nothing else comes
  expect((await messagesTo(ana)).length).toBe(4);
  expect((await messagesTo(boss)).length).toBe(1);

  const all = [...toAna, ...toBoss].sort((a, b) => a.Created.localeCompare(b.Created));
  const who = all.map((m) => [m.To[0].Address, m.Subject.replace(/^\[invoice [^\]]+\] /, '')]);
  expect(who.slice(0, 3)).toEqual([
    [ana, 'Approval required'],
    [ana, 'Reminder 1: action required'],
    [ana, 'Reminder 2: action required'],
  ]);
  // Reminder 3 and the escalation fall on the same instant (3 × 3s = 9s): the ladder's order holds, reminder first.
  expect(who.slice(3)).toEqual([
    [ana, 'Reminder 3: action required'],
    [boss, 'Escalation level 1: no response'],
  ]);

  const state = await s.state(doc);
  expect(state.escalationLevel).toBe(1);
  expect(state.pending).toEqual([]);
  const rows = await ledger(t, doc);
  expect(rows.map((r) => [label(r), r.recipient, r.status])).toEqual(
    expect.arrayContaining([
      ['first', ana, 'sent'],
      ['reminder 1', ana, 'sent'],
      ['reminder 2', ana, 'sent'],
      ['reminder 3', ana, 'sent'],
      ['escalation 1', boss, 'sent'],
    ]),
  );
  expect(rows).toHaveLength(5);
  const since = Date.parse(state.statusSince!);
  printLateness(`ladder (order at Mailpit: ${who.map((w) => w[1].split(':')[0]).join(', ')})`, since, rows, all, (r) =>
    r.kind === 'escalation' ? 9000 : r.seq * 3000,
  );
});

test('worker down through several planned moments, then restarted: every overdue email once, in order, none twice', async () => {
  const config = testConfig(); // one task queue for both workers
  const first = await world(config);
  const s = first.s;
  const t = s.tenantId;
  const doc = 'RESTART-1';
  const to = address('restart');
  await s.rule({
    name: 'Restart',
    trigger: { status: 'pending_approval' },
    delay: '0s',
    repeat: { interval: '2s', maxCount: 4 },
    recipients: { assignee: false, addresses: [to] },
  });
  await s.status(doc, 'pending_approval');

  await waitForMail(to, 1, 30_000);
  // Stop once the workflow recorded the first send (its activity finished), while it sleeps towards reminder 1.
  const since = Date.parse(
    (
      await eventually(async () => {
        const v = await s.state(doc);
        return v.emailCount === 1 ? v : undefined;
      }, 'the first email recorded by the workflow')
    ).statusSince!,
  );
  await first.worker.stop();
  const stoppedAt = Date.now();
  const sentBeforeStop = (await messagesTo(to)).length;
  await sleep(10_000); // reminders at 2, 4, 6 and 8 s fall due while nobody polls
  expect((await messagesTo(to)).length).toBe(sentBeforeStop);

  const restartedAt = Date.now();
  const second = await startTestWorker(config, stores);
  workers.push(second);
  await waitForMail(to, 5, 60_000);
  await sleep(3000); // nothing more, nothing twice
  const final = (await messagesTo(to)).sort((a, b) => a.Created.localeCompare(b.Created));
  expect(final).toHaveLength(5);
  expect(final.map((m) => m.Subject.replace(/^\[invoice [^\]]+\] /, ''))).toEqual([
    'Approval required',
    'Reminder 1: action required',
    'Reminder 2: action required',
    'Reminder 3: action required',
    'Reminder 4: action required',
  ]);
  expect(new Set(final.map((m) => m.MessageID)).size).toBe(5);

  // The ledger agrees: five rows, all sent, the same Message-IDs, and the reminders left after the restart.
  const rows = await eventually(async () => {
    const r = await ledger(t, doc);
    return r.length === 5 && r.every((x) => x.status === 'sent') ? r : undefined;
  }, 'five sent ledger rows');
  expect(rows.map(label)).toEqual(['first', 'reminder 1', 'reminder 2', 'reminder 3', 'reminder 4']);
  expect(rows.map((r) => stripId(r.messageId)).sort()).toEqual(final.map((m) => stripId(m.MessageID)).sort());
  expect(rows.every((r) => r.attempts === 1)).toBe(true);
  const afterRestart = rows.filter((r) => Date.parse(r.sentAt!) >= restartedAt);
  expect(afterRestart.length).toBeGreaterThanOrEqual(5 - sentBeforeStop);
  const state = await s.state(doc);
  expect(state.emailCount).toBe(5);
  expect(state.pending).toEqual([]);
  printLateness(
    `restart (worker stopped ${stoppedAt - since} ms after the status change, down ${restartedAt - stoppedAt} ms; ${sentBeforeStop} email(s) before the stop)`,
    since,
    rows,
    final,
    (r) => r.seq * 2000,
  );
});
