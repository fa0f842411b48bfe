/**
 * Issue 14, the digest's schedule on Temporal's time-skipping test server: the REAL digest workflow, its two
 * activities doubled (the person's schedule; a send that reports how many documents still wait). Four months of
 * days in seconds: one digest per working day at 08:00 Madrid through the DST change of March 2027 and Spain's
 * holidays, none on a weekend, and none once nothing waits.
 */
import { DateTime } from 'luxon';
import { digestAddedSignal, digestWorkflowId } from '../../src/workflows/messages';
import { DAY, spanishCalendar, TimeSkipWorld } from '../helpers/timeskip';

jest.setTimeout(180_000);

let world: TimeSkipWorld;
beforeAll(async () => {
  world = await TimeSkipWorld.start();
});
afterAll(async () => {
  await world?.stop();
});

const local = (t: number) => DateTime.fromMillis(t, { zone: 'Europe/Madrid' });

/** What filing a first entry does: signal-with-start of the person's digest. */
const startDigest = (tenantId: string, recipient: string) =>
  world.env.client.workflow.signalWithStart('digestWorkflow', {
    workflowId: digestWorkflowId(tenantId, recipient, 'daily'),
    taskQueue: world.taskQueue,
    args: [{ tenantId, recipient, bucket: 'daily' }],
    signal: digestAddedSignal,
    signalArgs: [],
  });

test('one digest per working day at 08:00 Madrid, through a DST change and holidays; none once nothing waits', async () => {
  const calendar = spanishCalendar(2026, 2029);
  world.digestSchedule = { calendar, timeZone: 'Europe/Madrid', time: '08:00' };
  world.digestWaiting = 40;
  const start = await world.now();
  const tenantId = 'ts-digest';
  const recipient = 'approver@example.com';
  await startDigest(tenantId, recipient);
  // Past the first DST change after now (the last Sunday of March) by a week.
  // The first DST change after now: the last Sunday of March.
  let springForward = DateTime.fromObject({ year: local(start).year, month: 3, day: 31 }, { zone: 'Europe/Madrid' });
  if (springForward.toMillis() - 7 * DAY < start) springForward = springForward.plus({ years: 1 });
  while (springForward.weekday !== 7) springForward = springForward.minus({ days: 1 });
  const until = springForward.toMillis() + 7 * DAY;
  await world.advanceTo(until);

  const sends = world.digests.map((d) => d.scheduledAt);
  expect(sends.length).toBeGreaterThan(60);
  // Every send at 08:00 Madrid on a working day, the slot it was planned for, one per day.
  const holidays = new Set(calendar.holidays);
  for (const d of world.digests) {
    const at = local(d.input.slot);
    expect(at.toFormat('HH:mm')).toBe('08:00');
    expect(at.weekday).toBeLessThanOrEqual(5);
    expect(holidays.has(at.toISODate()!)).toBe(false);
    expect(Math.abs(d.scheduledAt - d.input.slot)).toBeLessThan(60_000);
  }
  const days = world.digests.map((d) => local(d.input.slot).toISODate()!);
  expect(new Set(days).size).toBe(days.length);
  // Every working day between the first digest and the last has one.
  for (let t = local(start).plus({ days: 1 }).startOf('day'); t.toMillis() < until - DAY; t = t.plus({ days: 1 })) {
    const working = t.weekday <= 5 && !holidays.has(t.toISODate()!);
    expect({ day: t.toISODate(), digest: days.includes(t.toISODate()!) }).toEqual({
      day: t.toISODate(),
      digest: working,
    });
  }
  // 08:00 is 07:00 UTC before the change and 06:00 UTC after it.
  const utcHours = new Set(world.digests.map((d) => new Date(d.input.slot).getUTCHours()));
  expect(utcHours).toEqual(new Set([7, 6]));
  // At least one holiday fell on a weekday in the range and got no digest.
  const skippedHolidays = calendar.holidays.filter(
    (h) => h > local(start).toISODate()! && h < local(until).toISODate()! && DateTime.fromISO(h).weekday <= 5,
  );
  expect(skippedHolidays.length).toBeGreaterThan(0);

  // Nothing waits any more: the next digest finds nothing, sends nothing, and the workflow ends.
  world.digestWaiting = 0;
  const before = world.digests.length;
  await world.advance(4 * DAY);
  expect(world.digests.length).toBe(before + 1);
  const handle = world.env.client.workflow.getHandle(digestWorkflowId(tenantId, recipient, 'daily'));
  expect((await handle.describe()).status.name).toBe('COMPLETED');
  await world.advance(5 * DAY);
  expect(world.digests.length).toBe(before + 1);
});

test('a calendar without a working day (bad data) never fails the digest: it goes out every day at its time', async () => {
  world.digestSchedule = {
    calendar: {
      timeZone: 'Europe/Madrid',
      workingDays: [],
      workingHours: { start: '09:00', end: '18:00' },
      holidays: [],
    },
    timeZone: 'Europe/Madrid',
    time: '08:00',
  };
  world.digestWaiting = 3;
  const tenantId = 'ts-digest-bad';
  const recipient = 'someone@example.com';
  const before = world.digests.length;
  await startDigest(tenantId, recipient);
  await world.advance(7 * DAY + 3_600_000);
  const mine = world.digests.slice(before).filter((d) => d.input.tenantId === tenantId);
  expect(mine.length).toBeGreaterThanOrEqual(7);
  expect(new Set(mine.map((d) => local(d.input.slot).toFormat('HH:mm')))).toEqual(new Set(['08:00']));
  const handle = world.env.client.workflow.getHandle(digestWorkflowId(tenantId, recipient, 'daily'));
  expect((await handle.describe()).status.name).toBe('RUNNING');
  world.digestWaiting = 0;
  await world.advance(2 * DAY);
});
