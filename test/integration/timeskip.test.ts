/**
 * Issue 4 on Temporal's time-skipping test server: the REAL document workflow with real durations (business
 * days on the Spanish calendar, days before a due date), activity doubles from test/helpers/timeskip.ts.
 * Instants are read from the workflow's own record (`documentState.emails[].at`, workflow time).
 *
 * The server clock only moves forward, so the cases run in order within one environment: the calendar case
 * first (it needs a fixed week), the others from "now" on the server clock.
 */
import { randomUUID } from 'node:crypto';
import { DAY, HOUR, MANAGER, emailsOf, makeRule, madrid, showMadrid, spanishCalendar, TimeSkipWorld, type Sent } from '../helpers/timeskip';

const MINUTE = 60_000;
/**
 * Workflow time runs on while a workflow task or activity is in flight (the server skips only idle time),
 * so an email is recorded a few real milliseconds after its timer: allowed drift. Every calendar mistake
 * this file looks for is hours or days.
 */
const DRIFT_MS = 5_000;

let world: TimeSkipWorld;

beforeAll(async () => {
  world = await TimeSkipWorld.start();
}, 120_000);
afterAll(async () => {
  await world?.stop();
});

const tenant = () => `ts-${randomUUID().slice(0, 8)}`;

async function send(tenantId: string, documentId: string, e: Record<string, unknown>): Promise<void> {
  await world.client.sendEvent({ tenantId, documentId, documentType: 'invoice', ...e } as never);
}

async function emails(tenantId: string, documentId: string): Promise<Sent[]> {
  return emailsOf(await world.state(tenantId, documentId));
}

/** Each email was recorded at its expected instant (within the drift), in this order, and nothing else. */
function expectAt(actual: Sent[], expected: { kind: string; to: string; at: number }[]): void {
  const show = (l: { kind: string; to: string; at: number }[]) => l.map((e) => `${e.kind} → ${e.to} at ${showMadrid(e.at)}`);
  if (process.env.TIMESKIP_DEBUG) console.log(show(actual).join('\n'), actual.map((a, i) => a.at - (expected[i]?.at ?? NaN)));
  if (actual.length !== expected.length) throw new Error(`expected ${expected.length} emails:\n     ${show(expected).join('\n     ')}\ngot ${actual.length}:\n     ${show(actual).join('\n     ')}`);
  actual.forEach((a, i) => {
    const e = expected[i];
    const ok = a.kind === e.kind && a.to === e.to && a.at >= e.at && a.at - e.at < DRIFT_MS;
    if (!ok) throw new Error(`email ${i + 1}: expected ${show([e])[0]}, got ${show([a])[0]}\nall: ${show(actual).join('\n     ')}`);
  });
}

test('ladder on the Spanish business calendar: first Fri 17:00, reminders Mon/Wed/Thu 17:00 (Tue 8 Dec holiday), escalation Thu 17:00, then nothing', async () => {
  const t = tenant();
  const doc = 'INV-LADDER';
  const assignee = 'ana@example.com';
  const rule = makeRule(t, {
    name: 'Validate', trigger: { status: 'ready_for_validation' }, delay: '0s',
    repeat: { interval: '1 business day', maxCount: 3 }, escalation: [{ after: '3 business days', manager: true }],
  });
  world.context(t, { rules: [rule], calendar: spanishCalendar(), timeZone: 'Europe/Madrid' });

  const friday = madrid('2026-12-04T17:00');
  const now = await world.now();
  if (now > friday) throw new Error(`the server clock (${new Date(now).toISOString()}) is already past Friday 2026-12-04 17:00 Madrid`);
  await world.advanceTo(friday);
  await send(t, doc, { type: 'assigned', assignee });
  await send(t, doc, { type: 'status_changed', status: 'ready_for_validation' });

  const first = { kind: 'first', to: assignee, at: friday };
  const r1 = { kind: 'reminder', to: assignee, at: madrid('2026-12-07T17:00') };
  const r2 = { kind: 'reminder', to: assignee, at: madrid('2026-12-09T17:00') };
  const r3 = { kind: 'reminder', to: assignee, at: madrid('2026-12-10T17:00') };
  const esc = { kind: 'escalation', to: MANAGER, at: madrid('2026-12-10T17:00') };

  await world.advance(MINUTE);
  expectAt(await emails(t, doc), [first]);
  // Step through the week: nothing before each planned instant, the email right at it.
  await world.advanceTo(madrid('2026-12-07T16:59'));
  expectAt(await emails(t, doc), [first]);
  await world.advanceTo(madrid('2026-12-07T17:01'));
  expectAt(await emails(t, doc), [first, r1]);
  await world.advanceTo(madrid('2026-12-09T16:59')); // through the holiday of Tuesday 8 December
  expectAt(await emails(t, doc), [first, r1]);
  await world.advanceTo(madrid('2026-12-09T17:01'));
  expectAt(await emails(t, doc), [first, r1, r2]);
  await world.advanceTo(madrid('2026-12-10T17:01'));
  const all = await emails(t, doc);
  // Reminder 3 and the escalation fall on the same instant: either order is right.
  expectAt(all.filter((e) => e.kind === 'reminder' || e.kind === 'first'), [first, r1, r2, r3]);
  expectAt(all.filter((e) => e.kind === 'escalation'), [esc]);

  await world.advanceTo(madrid('2027-01-01T00:00'));
  const view = await world.state(t, doc);
  expect(emailsOf(view)).toHaveLength(5);
  expect(view.escalationLevel).toBe(1);
  expect(view.pending).toEqual([]);
  expect(view.status).toBe('ready_for_validation');
});
