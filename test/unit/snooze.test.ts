import { readFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { loadConfig, snoozeMaxTotalMs } from '../../src/config';
import { applyEvent, initialState, type DocState } from '../../src/domain/document';
import { plan, type PlanContext } from '../../src/domain/plan';
import { ruleInputSchema, type Rule } from '../../src/domain/rules';
import {
  applySnooze,
  decideSnooze,
  DEFAULT_SNOOZE_MAX_TOTAL_MS,
  describeMs,
  MAX_SNOOZE_LINKS,
  MIN_SNOOZE_MS,
  snoozeShift,
  type SnoozeDecision,
} from '../../src/domain/snooze';

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
/** Monday 2026-03-02 08:00 UTC. */
const T0 = Date.parse('2026-03-02T08:00:00Z');
const DOC = 'doc-1';
const iso = (t: number) => new Date(t).toISOString();

/** A document in `pending_approval` since T0 (visit `s1`), optionally due at `dueAt`. */
function pending(dueAt?: number): DocState {
  const s = initialState('default', DOC, 'invoice');
  applyEvent(
    s,
    { eventId: 'a1', occurredAt: iso(T0 - HOUR), documentId: DOC, type: 'assigned', assignee: 'alice@example.com' },
    T0 - HOUR,
  );
  if (dueAt !== undefined)
    applyEvent(
      s,
      { eventId: 'd1', occurredAt: iso(T0 - MIN), documentId: DOC, type: 'due_date_set', dueAt: iso(dueAt) },
      T0 - MIN,
    );
  applyEvent(
    s,
    { eventId: 's1', occurredAt: iso(T0), documentId: DOC, type: 'status_changed', status: 'pending_approval' },
    T0,
  );
  return s;
}

/** Decides and, when granted, applies (what the snooze Update does). */
function snooze(
  s: DocState,
  requestedMs: number,
  linkId: string | undefined,
  now: number,
  maxTotalMs?: number,
): SnoozeDecision {
  const d = decideSnooze(s, { requestedMs, linkId, now, maxTotalMs });
  if (d.ok) applySnooze(s, d, linkId);
  return d;
}

describe('decideSnooze: one snooze per link', () => {
  it('grants the first snooze of a link and refuses the second, naming why; the state does not move', () => {
    const s = pending();
    expect(snooze(s, DAY, 'link-aaaaaaaa', T0)).toEqual({
      ok: true,
      snoozedMs: DAY,
      requestedMs: DAY,
      totalMs: DAY,
      maxTotalMs: DEFAULT_SNOOZE_MAX_TOTAL_MS,
    });
    const before = structuredClone(s);
    const again = snooze(s, HOUR, 'link-aaaaaaaa', T0 + MIN);
    expect(again).toEqual({ ok: false, type: 'SnoozeLinkUsed', reason: expect.stringContaining('already used') });
    expect(s).toEqual(before);
    expect(snooze(s, HOUR, 'link-bbbbbbbb', T0 + MIN)).toMatchObject({
      ok: true,
      snoozedMs: HOUR,
      totalMs: DAY + HOUR,
    });
    expect(s.snoozeLinks).toEqual(['link-aaaaaaaa', 'link-bbbbbbbb']);
  });

  it('callers without a link id are bounded by the total only', () => {
    const s = pending();
    expect(snooze(s, DAY, undefined, T0)).toMatchObject({ ok: true });
    expect(snooze(s, DAY, undefined, T0)).toMatchObject({ ok: true, totalMs: 2 * DAY });
    expect(s.snoozeLinks).toBeUndefined();
  });

  it('a new status visit (a new task) starts with no spent links and a fresh total', () => {
    const s = pending();
    snooze(s, 7 * DAY, 'link-aaaaaaaa', T0);
    applyEvent(
      s,
      { eventId: 's2', occurredAt: iso(T0 + HOUR), documentId: DOC, type: 'status_changed', status: 'on_hold' },
      T0 + HOUR,
    );
    applyEvent(
      s,
      {
        eventId: 's3',
        occurredAt: iso(T0 + 2 * HOUR),
        documentId: DOC,
        type: 'status_changed',
        status: 'pending_approval',
      },
      T0 + 2 * HOUR,
    );
    expect(s.snoozeLinks).toBeUndefined();
    expect(snooze(s, DAY, 'link-aaaaaaaa', T0 + 2 * HOUR)).toMatchObject({ ok: true, snoozedMs: DAY, totalMs: DAY });
  });

  it('remembers at most MAX_SNOOZE_LINKS link ids (the total still bounds the rest)', () => {
    const s = pending();
    for (let i = 0; i < MAX_SNOOZE_LINKS + 5; i++)
      expect(snooze(s, MIN, `link-${String(i).padStart(8, '0')}`, T0)).toMatchObject({ ok: true });
    expect(s.snoozeLinks).toHaveLength(MAX_SNOOZE_LINKS);
    expect(s.snoozeLinks?.at(-1)).toBe(`link-${String(MAX_SNOOZE_LINKS + 4).padStart(8, '0')}`);
  });
});

describe('decideSnooze: the total cap (clamped, then refused)', () => {
  it('4 × 3 days through four links: 3d, 3d, then clamped to 1d, then refused — 7 days in all, not 12', () => {
    const s = pending();
    const answers = ['l1', 'l2', 'l3', 'l4'].map((l) => snooze(s, 3 * DAY, `link-${l}-xxxx`, T0));
    expect(answers).toEqual([
      { ok: true, snoozedMs: 3 * DAY, requestedMs: 3 * DAY, totalMs: 3 * DAY, maxTotalMs: 7 * DAY },
      { ok: true, snoozedMs: 3 * DAY, requestedMs: 3 * DAY, totalMs: 6 * DAY, maxTotalMs: 7 * DAY },
      { ok: true, snoozedMs: DAY, requestedMs: 3 * DAY, limitedBy: 'cap', totalMs: 7 * DAY, maxTotalMs: 7 * DAY },
      {
        ok: false,
        type: 'SnoozeLimitReached',
        reason: 'the reminders were already postponed by 7d, the most allowed (7d in total)',
      },
    ]);
    expect(s.snoozeMs).toBe(7 * DAY);
  });

  it('takes the cap the caller gives (SNOOZE_MAX_TOTAL) and keeps it for the plan', () => {
    const s = pending();
    expect(snooze(s, 3 * DAY, 'link-aaaaaaaa', T0, 2 * DAY)).toMatchObject({
      ok: true,
      snoozedMs: 2 * DAY,
      limitedBy: 'cap',
      maxTotalMs: 2 * DAY,
    });
    expect(s.snoozeMaxTotalMs).toBe(2 * DAY);
    expect(snooze(s, HOUR, 'link-bbbbbbbb', T0)).toMatchObject({ ok: false, type: 'SnoozeLimitReached' });
  });

  it('refuses rather than grants less than a minute', () => {
    const s = pending();
    expect(snooze(s, 7 * DAY - 30_000, 'link-aaaaaaaa', T0)).toMatchObject({ ok: true });
    expect(snooze(s, HOUR, 'link-bbbbbbbb', T0)).toMatchObject({ ok: false, type: 'SnoozeLimitReached' });
  });

  it('never lets the total pass the cap, whatever the sequence of snoozes', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            ms: fc.integer({ min: 1, max: 10 * DAY }),
            link: fc.integer({ min: 0, max: 5 }),
            after: fc.integer({ min: 0, max: DAY }),
          }),
          { maxLength: 30 },
        ),
        fc.integer({ min: MIN, max: 10 * DAY }),
        (requests, cap) => {
          const s = pending();
          let now = T0;
          const used = new Set<number>();
          for (const r of requests) {
            now += r.after;
            const d = snooze(s, r.ms, `link-${r.link}-xxxxx`, now, cap);
            if (used.has(r.link)) expect(d).toMatchObject({ ok: false, type: 'SnoozeLinkUsed' });
            if (d.ok) {
              used.add(r.link);
              expect(d.snoozedMs).toBeLessThanOrEqual(r.ms);
              if (d.snoozedMs < r.ms)
                expect({ snoozedMs: d.snoozedMs >= MIN, limitedBy: d.limitedBy }).toEqual({
                  snoozedMs: true,
                  limitedBy: 'cap',
                });
            }
            expect(s.snoozeMs).toBeLessThanOrEqual(cap);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('decideSnooze: never past the due date', () => {
  it('a 3-day snooze two days before the due date is clamped to the time left; then nothing is left', () => {
    const due = T0 + 2 * DAY;
    const s = pending(due);
    expect(snooze(s, 3 * DAY, 'link-aaaaaaaa', T0)).toEqual({
      ok: true,
      snoozedMs: 2 * DAY,
      requestedMs: 3 * DAY,
      limitedBy: 'due_date',
      totalMs: 2 * DAY,
      maxTotalMs: 7 * DAY,
    });
    // Another link, at once or later: the total already reaches the due date.
    for (const now of [T0, T0 + DAY, due - 30_000]) {
      expect(snooze(s, HOUR, `link-${now}`, now)).toEqual({
        ok: false,
        type: 'SnoozeDueDate',
        reason: `the reminders are already postponed up to the due date (${iso(due)}): reminders are not postponed past the due date`,
      });
    }
    expect(snooze(s, HOUR, 'link-cccccccc', due + HOUR)).toEqual({
      ok: false,
      type: 'SnoozeDueDate',
      reason: 'the document is due now: reminders are not postponed past the due date',
    });
    expect(s.snoozeMs).toBe(2 * DAY);
  });

  it('the tighter of cap and due date wins, and the answer names it', () => {
    const s = pending(T0 + 20 * DAY);
    expect(snooze(s, 3 * DAY, 'link-aaaaaaaa', T0)).toMatchObject({ ok: true, snoozedMs: 3 * DAY });
    expect(snooze(s, 3 * DAY, 'link-bbbbbbbb', T0 + 5 * DAY)).toMatchObject({ ok: true, snoozedMs: 3 * DAY });
    // 1d left of the cap, 20 - 8 - 6 = 6d left before the due date
    expect(snooze(s, 3 * DAY, 'link-cccccccc', T0 + 8 * DAY)).toMatchObject({
      ok: true,
      snoozedMs: DAY,
      limitedBy: 'cap',
    });
    const t = pending(T0 + 10 * DAY);
    expect(snooze(t, 3 * DAY, 'link-aaaaaaaa', T0)).toMatchObject({ ok: true, snoozedMs: 3 * DAY });
    // 4d left of the cap, 10 - 5 - 3 = 2d left before the due date
    expect(snooze(t, 3 * DAY, 'link-bbbbbbbb', T0 + 5 * DAY)).toMatchObject({
      ok: true,
      snoozedMs: 2 * DAY,
      limitedBy: 'due_date',
      totalMs: 5 * DAY,
    });
  });

  it('never lets a reminder due now be postponed past the due date, whatever the sequence of snoozes', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -DAY, max: 12 * DAY }),
        fc.array(fc.record({ ms: fc.integer({ min: 1, max: 5 * DAY }), after: fc.integer({ min: 0, max: 2 * DAY }) }), {
          maxLength: 20,
        }),
        (dueOffset, requests) => {
          const s = pending(T0 + dueOffset);
          let now = T0;
          requests.forEach((r, i) => {
            now += r.after;
            const d = snooze(s, r.ms, `link-${i}-xxxxx`, now);
            if (d.ok) expect(now + s.snoozeMs).toBeLessThanOrEqual(T0 + dueOffset);
          });
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('snoozeShift and the plan: reminders and escalations bounded by the same cap and the due date', () => {
  const rule: Rule = {
    ...ruleInputSchema.parse({
      name: 'Approval',
      trigger: { status: 'pending_approval' },
      repeat: { interval: '1d', maxCount: 3 },
      escalation: [{ afterReminders: 1, addresses: ['boss@example.com'] }],
    }),
    id: 'r1',
    version: 1,
  };
  const ctx: PlanContext = { rules: [rule] };
  const at = (s: DocState, key: string, bounded = true) =>
    plan(s, ctx, { boundedSnooze: bounded }).find((p) => p.key === `s1:r1:${key}`)?.at;

  it('a 12-day shift recorded before the bounds moves reminders and the escalation by 7 days only (unbounded runs: 12)', () => {
    const s = pending();
    s.snoozeMs = 12 * DAY; // what four 3-day snoozes did before this change
    expect(snoozeShift(s, T0 + DAY)).toBe(7 * DAY);
    expect(at(s, 'reminder:1')).toBe(T0 + DAY + 7 * DAY);
    expect(at(s, 'escalation:1')).toBe(T0 + 2 * DAY + 7 * DAY);
    expect(at(s, 'reminder:1', false)).toBe(T0 + DAY + 12 * DAY);
    expect(at(s, 'escalation:1', false)).toBe(T0 + 2 * DAY + 12 * DAY);
  });

  it('a smaller recorded cap bounds the shift too', () => {
    const s = pending();
    s.snoozeMs = 3 * DAY;
    s.snoozeMaxTotalMs = DAY;
    expect(at(s, 'escalation:1')).toBe(T0 + 3 * DAY);
  });

  it('nothing is moved past the due date: what was before it waits until it at most, what was after it is not moved', () => {
    const due = T0 + 2 * DAY + 12 * HOUR;
    const s = pending(due);
    s.snoozeMs = 3 * DAY;
    expect(at(s, 'reminder:1')).toBe(due); // T0+1d+3d would be past the due date
    expect(at(s, 'escalation:1')).toBe(due);
    expect(at(s, 'reminder:3')).toBe(T0 + 3 * DAY); // planned after the due date: not moved
    expect(at(s, 'reminder:1', false)).toBe(T0 + 4 * DAY);
    expect(at(s, 'reminder:3', false)).toBe(T0 + 6 * DAY);
  });

  it('with a business calendar, working time does not carry a snoozed reminder past the due date', () => {
    const calendar = {
      timeZone: 'UTC',
      workingDays: [1, 2, 3, 4, 5],
      workingHours: { start: '09:00', end: '18:00' },
      holidays: [],
    };
    const due = Date.parse('2026-03-04T20:00:00Z'); // Wednesday evening, outside working hours
    const s = pending(due);
    s.snoozeMs = 3 * DAY;
    const r1 = plan(s, { rules: [rule], calendar }).find((p) => p.key === 's1:r1:reminder:1')!.at;
    expect(r1).toBe(due);
  });

  it('without a snooze the bounded plan is the plan as before', () => {
    fc.assert(
      fc.property(fc.option(fc.integer({ min: -5 * DAY, max: 10 * DAY }), { nil: undefined }), (dueOffset) => {
        const s = pending(dueOffset === undefined ? undefined : T0 + dueOffset);
        expect(plan(s, ctx, { boundedSnooze: true })).toEqual(plan(s, ctx, { boundedSnooze: false }));
      }),
      { numRuns: 100 },
    );
  });

  it('a granted snooze moves the next reminder by what it says, never past the due date', () => {
    const due = T0 + 2 * DAY;
    const s = pending(due);
    const d = snooze(s, 3 * DAY, 'link-aaaaaaaa', T0 + HOUR);
    expect(d).toMatchObject({ ok: true, snoozedMs: 2 * DAY - HOUR });
    // reminder 1 (T0+1d) waits until the due date; reminder 2 and the escalation (T0+2d, at the due date) and
    // reminder 3 (after it) are not moved
    expect([at(s, 'reminder:1'), at(s, 'reminder:2'), at(s, 'escalation:1'), at(s, 'reminder:3')]).toEqual([
      due,
      due,
      due,
      T0 + 3 * DAY,
    ]);
  });
});

describe('describeMs', () => {
  it.each([
    [0, '0s'],
    [45_000, '45s'],
    [90 * MIN, '1h 30m'],
    [3 * DAY + 4 * HOUR + 5 * MIN, '3d 4h'],
    [7 * DAY, '7d'],
  ])('%d ms → %s', (ms, text) => {
    expect(describeMs(ms)).toBe(text);
  });
});

it('MIN_SNOOZE_MS is one minute', () => {
  expect(MIN_SNOOZE_MS).toBe(MIN);
});

describe('SNOOZE_MAX_TOTAL', () => {
  it('defaults to 7d, is read like the other durations, and is named when wrong', () => {
    expect(snoozeMaxTotalMs(loadConfig({}))).toBe(7 * DAY);
    expect(snoozeMaxTotalMs(loadConfig({ SNOOZE_MAX_TOTAL: 'P2D' }))).toBe(2 * DAY);
    expect(snoozeMaxTotalMs(loadConfig({ SNOOZE_MAX_TOTAL: '36h' }))).toBe(36 * HOUR);
    for (const bad of ['forever', '2 business days', '30s', '0'])
      expect(() => loadConfig({ SNOOZE_MAX_TOTAL: bad })).toThrow(
        /SNOOZE_MAX_TOTAL: must be an elapsed duration of at least 1 minute/,
      );
  });

  it('has its row in the README configuration table', () => {
    expect(readFileSync(path.join(__dirname, '..', '..', 'README.md'), 'utf8')).toMatch(
      /^\| `SNOOZE_MAX_TOTAL` \| `7d` \| .+\|$/m,
    );
  });
});
