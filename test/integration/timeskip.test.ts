/**
 * Issue 4 on Temporal's time-skipping test server: the REAL document workflow with real durations (business
 * days on the Spanish calendar, days before a due date), activity doubles from test/helpers/timeskip.ts.
 *
 * Instants: the planned ones are read from the `documentState` query (`pending[].at`) and must be exact to the
 * millisecond; the emails' own instants (`emails[].at`, workflow time when the send completed) must lie at or
 * just after them. The server clock keeps running in real time while a workflow task or activity is in flight
 * (it skips only idle time), so the status change lands a little after the instant the test advanced to and a
 * send completes a little after its timer: both are measured (`since`) or bounded (DRIFT_MS), never guessed.
 *
 * The server clock only moves forward, so the cases share one environment and run in order: the calendar
 * case first (it needs a fixed week), the others from "now" on the server clock.
 */
import { randomUUID } from 'node:crypto';
import type { DocumentView } from '../../src/workflows/types';
import {
  DAY,
  HOUR,
  MANAGER,
  emailsOf,
  holidayWeek,
  makeRule,
  madrid,
  showMadrid,
  TimeSkipWorld,
  type Sent,
} from '../helpers/timeskip';

const MINUTE = 60_000;
/** How long after its planned instant an email may be recorded (real time spent in activities and tasks). */
const DRIFT_MS = 3_000;
/** How long after the instant the test advanced to its events may land (first workflow task of a new worker). */
const START_SLACK_MS = 30_000;

let world: TimeSkipWorld;

beforeAll(async () => {
  world = await TimeSkipWorld.start();
}, 120_000);
afterAll(async () => {
  await world?.stop();
});

const newTenant = () => `ts-${randomUUID().slice(0, 8)}`;

async function send(tenantId: string, documentId: string, e: Record<string, unknown>): Promise<string> {
  const { eventId } = await world.client.sendEvent({ tenantId, documentId, documentType: 'invoice', ...e } as never);
  return eventId;
}

async function emails(tenantId: string, documentId: string): Promise<Sent[]> {
  return emailsOf(await world.state(tenantId, documentId));
}

/** The next whole hour on the server clock, plus one hour: a readable start for the elapsed-time cases. */
async function roundStart(): Promise<number> {
  const now = await world.now();
  return Math.ceil(now / HOUR) * HOUR + HOUR;
}

/** When the current status visit began, in workflow time (checked to be just after the nominal instant). */
function sinceOf(view: DocumentView, nominal: number): number {
  const since = Date.parse(view.statusSince!);
  expect(since).toBeGreaterThanOrEqual(nominal);
  expect(since - nominal).toBeLessThan(START_SLACK_MS);
  return since;
}

type Expected = { kind: string; to: string; at: number };
const show = (l: Expected[]) =>
  l.map((e) => `${e.kind} → ${e.to} at ${showMadrid(e.at)} (${new Date(e.at).toISOString()})`);

/** These emails, in this order, each recorded at its planned instant (within DRIFT_MS after it), and no other. */
function expectEmails(actual: Sent[], expected: Expected[]): void {
  const detail = () => `expected:\n     ${show(expected).join('\n     ')}\ngot:\n     ${show(actual).join('\n     ')}`;
  if (actual.length !== expected.length)
    throw new Error(`expected ${expected.length} emails, got ${actual.length}\n${detail()}`);
  actual.forEach((a, i) => {
    const e = expected[i];
    if (a.kind !== e.kind || a.to !== e.to || a.at < e.at || a.at - e.at >= DRIFT_MS)
      throw new Error(`email ${i + 1} is wrong\n${detail()}`);
  });
}

/** The planned notifications of the query: [kind, seq, exact instant]. */
const plannedOf = (view: DocumentView) => view.pending.map((p) => [p.kind, p.seq, Date.parse(p.at)]);

test('ladder on the Spanish business calendar: first Fri 17:00, reminders Mon/Wed/Thu 17:00 (Tue holiday), escalation Thu 17:00, then nothing', async () => {
  const t = newTenant();
  const doc = 'INV-LADDER';
  const assignee = 'ana@example.com';
  // Friday 2026-12-04 (Sunday 6 and Tuesday 8 December are holidays) while that is ahead; later a week of the same shape.
  const week = holidayWeek(await world.now());
  const rule = makeRule(t, {
    name: 'Validate',
    trigger: { status: 'ready_for_validation' },
    delay: '0s',
    repeat: { interval: '1 business day', maxCount: 3 },
    escalation: [{ after: '3 business days', manager: true }],
  });
  world.context(t, { rules: [rule], calendar: week.calendar, timeZone: 'Europe/Madrid' });

  const friday = madrid(`${week.friday}T17:00`);
  if (week.friday === '2026-12-04') expect(new Date(friday).toISOString()).toBe('2026-12-04T16:00:00.000Z'); // CET = UTC+1
  await world.advanceTo(friday);
  await send(t, doc, { type: 'assigned', assignee });
  await send(t, doc, { type: 'status_changed', status: 'ready_for_validation' });
  await world.advance(MINUTE);

  // The status change lands a moment after 17:00:00 (real time runs while the events are handled); business days
  // keep that time of day, so every planned instant is the nominal 17:00 one plus the same offset.
  const view = await world.state(t, doc);
  const since = sinceOf(view, friday);
  const at = (local: string) => madrid(local) + (since - friday);
  const [mon, wed, thu] = [week.monday, week.wednesday, week.thursday].map((d) => at(`${d}T17:00`));
  expect(plannedOf(view)).toEqual([
    ['reminder', 1, mon],
    ['reminder', 2, wed],
    ['reminder', 3, thu],
    ['escalation', 1, thu],
  ]);
  const first = { kind: 'first', to: assignee, at: since };
  const r1 = { kind: 'reminder', to: assignee, at: mon };
  const r2 = { kind: 'reminder', to: assignee, at: wed };
  const r3 = { kind: 'reminder', to: assignee, at: thu };
  const esc = { kind: 'escalation', to: MANAGER, at: thu };
  expectEmails(emailsOf(view), [first]);

  // Step through the week: nothing before each planned instant, the email right at it.
  await world.advanceTo(madrid(`${week.monday}T16:59`));
  expectEmails(await emails(t, doc), [first]);
  await world.advanceTo(madrid(`${week.monday}T17:01`));
  expectEmails(await emails(t, doc), [first, r1]);
  await world.advanceTo(madrid(`${week.wednesday}T16:59`)); // through the Tuesday holiday
  expectEmails(await emails(t, doc), [first, r1]);
  await world.advanceTo(madrid(`${week.wednesday}T17:01`));
  expectEmails(await emails(t, doc), [first, r1, r2]);
  await world.advanceTo(madrid(`${week.thursday}T16:59`));
  expectEmails(await emails(t, doc), [first, r1, r2]);
  await world.advanceTo(madrid(`${week.thursday}T17:01`));
  const all = await emails(t, doc);
  // Reminder 3 and the escalation share an instant: either may be recorded first.
  expectEmails(
    all.filter((e) => e.kind !== 'escalation'),
    [first, r1, r2, r3],
  );
  expectEmails(
    all.filter((e) => e.kind === 'escalation'),
    [esc],
  );
  expect((await world.state(t, doc)).escalationLevel).toBe(1);

  // Nothing more through the end of the month (the document still waits; the ladder is exhausted).
  await world.advanceTo(madrid(`${week.thursday}T00:00`) + 22 * DAY);
  const end = await world.state(t, doc);
  expect(emailsOf(end)).toHaveLength(5);
  expect(end.escalationLevel).toBe(1);
  expect(end.pending).toEqual([]);
  expect(end.status).toBe('ready_for_validation');
  expect(end.awaitingAction).toBe(true);
});

test('invoice due in 5 days: reminders at due−3d and due−1d; approved after the second → only the confirmation, nothing at due−2h or due', async () => {
  const t = newTenant();
  const doc = 'INV-DUE';
  const assignee = 'bob@example.com';
  world.context(t, {
    rules: [
      makeRule(t, {
        name: 'Approve',
        trigger: { status: 'pending_approval' },
        dueReminders: { before: ['3d', '1d', '2h'], overdue: true },
      }),
    ],
  });

  const t0 = await roundStart();
  const dueAt = t0 + 5 * DAY;
  await world.advanceTo(t0);
  await send(t, doc, { type: 'assigned', assignee });
  await send(t, doc, { type: 'status_changed', status: 'pending_approval' });
  await send(t, doc, { type: 'due_date_set', dueAt: new Date(dueAt).toISOString() });
  await world.advance(MINUTE);

  const view = await world.state(t, doc);
  const since = sinceOf(view, t0);
  expect(view.dueAt).toBe(new Date(dueAt).toISOString());
  // Due-date reminders count back from the due date itself: exact instants, whatever the real-time offset.
  expect(plannedOf(view)).toEqual([
    ['due_soon', 1, dueAt - 3 * DAY],
    ['due_soon', 2, dueAt - DAY],
    ['due_soon', 3, dueAt - 2 * HOUR],
    ['overdue', 0, dueAt],
  ]);
  const first = { kind: 'first', to: assignee, at: since };
  const soon1 = { kind: 'due_soon', to: assignee, at: dueAt - 3 * DAY };
  const soon2 = { kind: 'due_soon', to: assignee, at: dueAt - DAY };
  expectEmails(emailsOf(view), [first]);

  await world.advanceTo(dueAt - 3 * DAY - MINUTE);
  expectEmails(await emails(t, doc), [first]);
  await world.advanceTo(dueAt - 3 * DAY + MINUTE);
  expectEmails(await emails(t, doc), [first, soon1]);
  await world.advanceTo(dueAt - DAY - MINUTE);
  expectEmails(await emails(t, doc), [first, soon1]);
  await world.advanceTo(dueAt - DAY + HOUR);
  const before = await world.state(t, doc);
  expectEmails(emailsOf(before), [first, soon1, soon2]);

  // The approver acts from the email: the resolveTask Update with the task's id and version from the query.
  const task = before.task!;
  const decided = await world.client.resolveTask(
    doc,
    { taskId: task.id, taskVersion: task.version, action: 'approve', actor: assignee, via: 'link' },
    t,
  );
  expect(decided).toMatchObject({ ok: true, result: { taskId: task.id, action: 'approve', actor: assignee } });
  const decidedAt = Date.parse((decided as { result: { at: string } }).result.at);
  expect(decidedAt - (dueAt - DAY + HOUR)).toBeLessThan(START_SLACK_MS);

  await world.advanceTo(dueAt + 5 * DAY);
  const after = await world.state(t, doc);
  expectEmails(emailsOf(after), [first, soon1, soon2, { kind: 'decision', to: assignee, at: decidedAt }]);
  expect(after.pending).toEqual([]);
  expect(after.awaitingAction).toBe(false);
  expect(after.task?.decision).toMatchObject({ action: 'approve', actor: assignee });
  expect(
    world.decisions.filter((d) => d.snapshot.tenantId === t).map((d) => [d.key, d.snapshot.decision?.action]),
  ).toEqual([[`${task.id}:decision`, 'approve']]);
});

test('snooze 1 day after the first reminder: the next reminders move by exactly one day', async () => {
  const t = newTenant();
  const doc = 'INV-SNOOZE';
  const assignee = 'carla@example.com';
  world.context(t, {
    rules: [
      makeRule(t, {
        name: 'Snoozable',
        trigger: { status: 'pending_approval' },
        delay: '0s',
        repeat: { interval: '1d', maxCount: 3 },
      }),
    ],
  });

  const t0 = await roundStart();
  await world.advanceTo(t0);
  await send(t, doc, { type: 'assigned', assignee });
  await send(t, doc, { type: 'status_changed', status: 'pending_approval' });
  await world.advance(MINUTE);
  const since = sinceOf(await world.state(t, doc), t0);
  const first = { kind: 'first', to: assignee, at: since };
  const r = (k: number, shift = 0) => ({ kind: 'reminder', to: assignee, at: since + k * DAY + shift });

  await world.advanceTo(t0 + DAY + HOUR);
  const view = await world.state(t, doc);
  expectEmails(emailsOf(view), [first, r(1)]);
  expect(plannedOf(view)).toEqual([
    ['reminder', 2, since + 2 * DAY],
    ['reminder', 3, since + 3 * DAY],
  ]);

  const snoozed = await world.client.snooze(doc, { taskId: view.task!.id, duration: '1d', actor: assignee }, t);
  expect(snoozed).toEqual({
    ok: true,
    result: {
      taskId: view.task!.id,
      snoozedMs: DAY,
      requestedMs: DAY,
      totalSnoozedMs: DAY,
      maxTotalMs: 7 * DAY,
      nextNotificationAt: new Date(since + 3 * DAY).toISOString(),
    },
  });
  expect(plannedOf(await world.state(t, doc))).toEqual([
    ['reminder', 2, since + 3 * DAY],
    ['reminder', 3, since + 4 * DAY],
  ]);

  await world.advanceTo(t0 + 3 * DAY - MINUTE); // the old instant of reminder 2 passed: nothing
  expectEmails(await emails(t, doc), [first, r(1)]);
  await world.advanceTo(t0 + 3 * DAY + MINUTE);
  expectEmails(await emails(t, doc), [first, r(1), r(2, DAY)]);
  await world.advanceTo(t0 + 10 * DAY);
  expectEmails(await emails(t, doc), [first, r(1), r(2, DAY), r(3, DAY)]);
});

test("a new dueAt replans everything: the old date's offsets are not sent, the new date's are", async () => {
  const t = newTenant();
  const doc = 'INV-REPLAN';
  const assignee = 'dario@example.com';
  world.context(t, {
    rules: [
      makeRule(t, {
        name: 'Due',
        trigger: { status: 'pending_approval' },
        dueReminders: { before: ['3d', '1d'], overdue: true },
      }),
    ],
  });

  const t0 = await roundStart();
  const oldDue = t0 + 5 * DAY;
  const newDue = t0 + 10 * DAY;
  await world.advanceTo(t0);
  await send(t, doc, { type: 'assigned', assignee });
  await send(t, doc, { type: 'status_changed', status: 'pending_approval' });
  const oldEvent = await send(t, doc, { type: 'due_date_set', dueAt: new Date(oldDue).toISOString() });
  await world.advance(MINUTE);
  const since = sinceOf(await world.state(t, doc), t0);
  const first = { kind: 'first', to: assignee, at: since };
  const oldSoon1 = { kind: 'due_soon', to: assignee, at: oldDue - 3 * DAY };

  await world.advanceTo(oldDue - 3 * DAY + HOUR); // the first due reminder of the old date went out
  expectEmails(await emails(t, doc), [first, oldSoon1]);
  const newEvent = await send(t, doc, { type: 'due_date_set', dueAt: new Date(newDue).toISOString() });
  await world.advance(MINUTE);
  const view = await world.state(t, doc);
  expect(view.pending.map((p) => [p.key, Date.parse(p.at)])).toEqual([
    [`${newEvent}:${view.pending[0].ruleId}:due_soon:1`, newDue - 3 * DAY],
    [`${newEvent}:${view.pending[0].ruleId}:due_soon:2`, newDue - DAY],
    [`${newEvent}:${view.pending[0].ruleId}:overdue:0`, newDue],
  ]);

  await world.advanceTo(newDue + 5 * DAY); // through the old due−1d and due, and the new ones
  const all = await emails(t, doc);
  expectEmails(all, [
    first,
    oldSoon1,
    { kind: 'due_soon', to: assignee, at: newDue - 3 * DAY },
    { kind: 'due_soon', to: assignee, at: newDue - DAY },
    { kind: 'overdue', to: assignee, at: newDue },
  ]);
  expect(all.slice(1).map((e) => e.key.split(':')[0].split('/').pop())).toEqual([
    oldEvent,
    newEvent,
    newEvent,
    newEvent,
  ]);
});

test('a due date set 3 days late with daily overdue repeats: one overdue notice at once, then only the repeats still ahead', async () => {
  const t = newTenant();
  const doc = 'INV-LATE-DUE';
  const assignee = 'elena@example.com';
  world.context(t, {
    rules: [
      makeRule(t, {
        name: 'Late due',
        trigger: { status: 'pending_approval' },
        dueReminders: { before: ['1d'], overdue: true, repeatOverdue: { interval: '1d', maxCount: 5 } },
      }),
    ],
  });

  const t0 = await roundStart();
  const dueAt = t0 + DAY;
  await world.advanceTo(t0);
  await send(t, doc, { type: 'assigned', assignee });
  await send(t, doc, { type: 'status_changed', status: 'pending_approval' });
  await world.advance(MINUTE);
  const since = sinceOf(await world.state(t, doc), t0);

  await world.advanceTo(t0 + 4 * DAY + 30 * MINUTE); // the pipeline learns the due date 3 days after it passed
  const dueEvent = await send(t, doc, { type: 'due_date_set', dueAt: new Date(dueAt).toISOString() });
  await world.advance(MINUTE);
  const view = await world.state(t, doc);
  const setAt = Date.parse(view.history.find((h) => h.eventId === dueEvent)!.at);
  // Repeats 1–3 (t0+2d … t0+4d) passed before the date was known: not sent late, and not all at once.
  expect(plannedOf(view)).toEqual([
    ['overdue', 4, dueAt + 4 * DAY],
    ['overdue', 5, dueAt + 5 * DAY],
  ]);

  await world.advanceTo(t0 + 10 * DAY);
  const overdue = (at: number) => ({ kind: 'overdue', to: assignee, at });
  const sent = await emails(t, doc);
  expectEmails(sent, [
    { kind: 'first', to: assignee, at: since },
    overdue(setAt),
    overdue(dueAt + 4 * DAY),
    overdue(dueAt + 5 * DAY),
  ]);
  expect(sent.slice(1).map((e) => e.key.split(':').pop()!.split('/')[0])).toEqual(['0', '4', '5']);
});

test('a calendar the planner cannot use is recorded, the document is planned around the clock, and no workflow task fails', async () => {
  const t = newTenant();
  const doc = 'INV-BADCAL';
  const assignee = 'dora@example.com';
  const broken = {
    timeZone: 'Europe/Madrid',
    workingDays: [],
    workingHours: { start: '09:00', end: '18:00' },
    holidays: [],
  };
  world.context(t, {
    rules: [
      makeRule(t, {
        name: 'Broken calendar',
        trigger: { status: 'pending_approval' },
        delay: '0s',
        repeat: { interval: '1 business day', maxCount: 2 },
      }),
    ],
    calendar: broken,
  });

  const t0 = await roundStart();
  await world.advanceTo(t0);
  await send(t, doc, { type: 'assigned', assignee });
  await send(t, doc, { type: 'status_changed', status: 'pending_approval' });
  await world.advance(MINUTE);
  const view = await world.state(t, doc);
  expect(emailsOf(view).map((e) => e.kind)).toEqual(['first']);
  expect(view.history.some((h) => h.kind === 'rejected' && /calendar has no working days/.test(h.text))).toBe(true);
  const history = await world.client.temporal.workflow.getHandle(`document/${t}/${doc}`).fetchHistory();
  expect(history.events?.some((e) => e.workflowTaskFailedEventAttributes)).toBe(false);
});
