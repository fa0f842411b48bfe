import fc from 'fast-check';
import { nextWorkingMoment, type BusinessCalendar } from '../../src/domain/calendar';
import { applyEvent, awaitingAction, decide, initialState, markFired, type DocState } from '../../src/domain/document';
import { dueNow, plan, stillDue, type PlanContext, type PlannedNotification } from '../../src/domain/plan';
import { ruleInputSchema, type Rule, type RuleInput } from '../../src/domain/rules';
import { isTerminal, STATUSES, type DocumentStatus } from '../../src/domain/status';

const SEC = 1000;
const MIN = 60 * SEC;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
/** Monday 2026-03-02 08:00 UTC. */
const T0 = Date.parse('2026-03-02T08:00:00Z');
const DOC = 'doc-1';
const iso = (t: number) => new Date(t).toISOString();

/** Monday–Friday 09:00–18:00 UTC, no holidays. */
const MON_FRI: BusinessCalendar = {
  timeZone: 'UTC',
  workingDays: [1, 2, 3, 4, 5],
  workingHours: { start: '09:00', end: '18:00' },
  holidays: [],
};

let ruleSeq = 0;
/** A validated rule (defaults: status trigger `pending_approval`, no delay, assignee as recipient). */
function rule(input: Partial<RuleInput> = {}, id = `rule-${++ruleSeq}`): Rule {
  return {
    ...ruleInputSchema.parse({ name: 'Approval', trigger: { status: 'pending_approval' }, ...input }),
    id,
    version: 1,
  };
}

// ---------------------------------------------------------------------------------------------------------
// Events and the simulation helper (mirrors the loop of src/workflows/document.ts)
// ---------------------------------------------------------------------------------------------------------

type Payload = Record<string, unknown>;
const base = (eventId: string, at: number) => ({ eventId, occurredAt: iso(at), documentId: DOC });
const ev = {
  status: (eventId: string, at: number, status: DocumentStatus): Payload => ({
    ...base(eventId, at),
    type: 'status_changed',
    status,
  }),
  assigned: (eventId: string, at: number, assignee: string): Payload => ({
    ...base(eventId, at),
    type: 'assigned',
    assignee,
  }),
  due: (eventId: string, at: number, dueAt: number): Payload => ({
    ...base(eventId, at),
    type: 'due_date_set',
    dueAt: iso(dueAt),
  }),
  comment: (eventId: string, at: number, text = 'please check'): Payload => ({
    ...base(eventId, at),
    type: 'comment_added',
    author: 'bob',
    text,
  }),
  fields: (eventId: string, at: number): Payload => ({
    ...base(eventId, at),
    type: 'fields_updated',
    fields: { total_amount: 12.5 },
  }),
  deleted: (eventId: string, at: number): Payload => ({ ...base(eventId, at), type: 'deleted' }),
};

type Action =
  { do: 'event'; payload: Payload } | { do: 'decide'; action: string; actor?: string } | { do: 'snooze'; ms: number };

/** One email-sending moment the simulation fired, with the document's situation at that moment. */
interface Fired {
  p: PlannedNotification;
  /** Simulated time it fired (>= p.at). */
  at: number;
  status?: DocumentStatus;
  visit?: string;
  decided: boolean;
}

/**
 * Replays a document's life the way the workflow loop does: before every action (and at the end) the
 * clock moves to each planned notification in turn and everything with `at <= now` fires (markFired);
 * after every action the plan is asked again and whatever is due now fires at once.
 */
class Sim {
  readonly state: DocState = initialState('default', DOC, 'invoice');
  now: number;
  readonly fired: Fired[] = [];
  /** Emails counted by `${ruleId}|${kind}|${transitionId}` (rule / kind / recipient visit). */
  readonly counts = new Map<string, number>();
  constructor(
    readonly ctx: PlanContext,
    start = T0,
    readonly onPlan?: (planned: PlannedNotification[], sim: Sim) => void,
  ) {
    this.now = start;
  }

  plan(): PlannedNotification[] {
    const planned = plan(this.state, this.ctx);
    this.onPlan?.(planned, this);
    return planned;
  }

  /** Lets time pass up to `t`, firing each notification when it falls due. */
  advanceTo(t: number): void {
    for (let guard = 0; guard < 10_000; guard++) {
      const planned = this.plan();
      if (planned.length === 0 || planned[0].at > t) break;
      this.now = Math.max(this.now, planned[0].at);
      for (const p of planned.filter((x) => x.at <= this.now)) this.fire(p);
    }
    this.now = Math.max(this.now, t);
  }

  private fire(p: PlannedNotification): void {
    markFired(this.state, p.key);
    if (p.kind === 'escalation') this.state.escalationLevel = Math.max(this.state.escalationLevel, p.seq);
    this.fired.push({
      p,
      at: this.now,
      status: this.state.status,
      visit: this.state.statusEventId,
      decided: !!this.state.task?.decision,
    });
    const k = `${p.ruleId}|${p.kind}|${p.transitionId}`;
    this.counts.set(k, (this.counts.get(k) ?? 0) + 1);
  }

  /** Applies one action at time `t` (after letting time pass up to it), then fires whatever is due now. */
  at(t: number, action: Action): string {
    this.advanceTo(t);
    let result = 'applied';
    switch (action.do) {
      case 'event':
        result = applyEvent(this.state, action.payload, this.now);
        break;
      case 'decide': // what the resolveTask Update does (its validator requires an open, undecided task)
        if (!awaitingAction(this.state)) return 'refused';
        decide(this.state, { action: action.action, actor: action.actor ?? 'alice', at: this.now, via: 'link' });
        break;
      case 'snooze': // what the snooze Update does
        if (!awaitingAction(this.state)) return 'refused';
        this.state.snoozeMs += action.ms;
        break;
    }
    this.advanceTo(this.now);
    return result;
  }

  event(t: number, payload: Payload): string {
    return this.at(t, { do: 'event', payload });
  }

  /** Fired notifications of a kind (optionally of one rule). */
  of(kind: PlannedNotification['kind'], ruleId?: string): Fired[] {
    return this.fired.filter((f) => f.p.kind === kind && (ruleId === undefined || f.p.ruleId === ruleId));
  }
}

const ctxOf = (rules: Rule[], calendar?: BusinessCalendar): PlanContext => ({ rules, calendar });
/** A state in `pending_approval` since T0 (visit `s1`), assigned to alice before that. */
function pendingState(): DocState {
  const s = initialState('default', DOC, 'invoice');
  expect(applyEvent(s, ev.assigned('a0', T0 - HOUR, 'alice'), T0 - HOUR)).toBe('applied');
  expect(applyEvent(s, ev.status('s1', T0, 'pending_approval'), T0)).toBe('applied');
  return s;
}
const keysOf = (ps: PlannedNotification[]) => ps.map((p) => p.key);

// ---------------------------------------------------------------------------------------------------------
// Examples
// ---------------------------------------------------------------------------------------------------------

describe('plan: first notice after a delay', () => {
  it('a document that stays in the status gets exactly one first notice, at statusSince + delay', () => {
    const r = rule({ delay: '10m' }, 'r');
    expect(plan(pendingState(), ctxOf([r]))).toEqual([
      expect.objectContaining({
        key: 's1:r:first',
        at: T0 + 10 * MIN,
        kind: 'first',
        seq: 0,
        transitionId: 's1',
        ruleId: 'r',
        ruleVersion: 1,
        template: 'status_pending_approval',
      }),
    ]);
    const sim = new Sim(ctxOf([r]));
    sim.event(T0, ev.status('s1', T0, 'pending_approval'));
    sim.advanceTo(T0 + 30 * DAY);
    expect(sim.fired.map((f) => [f.p.key, f.at])).toEqual([['s1:r:first', T0 + 10 * MIN]]);
    expect(sim.counts.get('r|first|s1')).toBe(1);
  });

  it('delay 0 fires at once; a repeated identical status is not a new visit', () => {
    const r = rule({}, 'r');
    const sim = new Sim(ctxOf([r]));
    sim.event(T0, ev.status('s1', T0, 'pending_approval'));
    expect(sim.fired.map((f) => [f.p.key, f.at])).toEqual([['s1:r:first', T0]]);
    sim.event(T0 + HOUR, ev.status('s2', T0 + HOUR, 'pending_approval'));
    expect(sim.state.statusEventId).toBe('s1');
    sim.advanceTo(T0 + DAY);
    expect(sim.fired).toHaveLength(1);
  });

  it('a status change before the delay ends plans nothing for the old status', () => {
    const r = rule({ delay: '1h' }, 'r');
    const s = pendingState();
    applyEvent(s, ev.status('s2', T0 + 59 * MIN, 'approved'), T0 + 59 * MIN);
    expect(plan(s, ctxOf([r]))).toEqual([]);
    const sim = new Sim(ctxOf([r]));
    sim.event(T0, ev.status('s1', T0, 'pending_approval'));
    sim.event(T0 + 59 * MIN, ev.status('s2', T0 + 59 * MIN, 'approved'));
    sim.advanceTo(T0 + 30 * DAY);
    expect(sim.fired).toEqual([]);
  });

  it('coming back to the status starts a new visit with its own first notice', () => {
    const r = rule({ delay: '1h' }, 'r');
    const sim = new Sim(ctxOf([r]));
    sim.event(T0, ev.status('s1', T0, 'pending_approval'));
    sim.event(T0 + 2 * HOUR, ev.status('s2', T0 + 2 * HOUR, 'on_hold'));
    sim.event(T0 + 3 * HOUR, ev.status('s3', T0 + 3 * HOUR, 'pending_approval'));
    sim.advanceTo(T0 + DAY);
    expect(sim.fired.map((f) => [f.p.key, f.at])).toEqual([
      ['s1:r:first', T0 + HOUR],
      ['s3:r:first', T0 + 4 * HOUR],
    ]);
  });

  it('a business-day delay counts on the calendar', () => {
    const r = rule({ delay: '1 business day' }, 'r');
    const s = pendingState(); // Monday 08:00: counts from Monday 09:00
    expect(plan(s, ctxOf([r], MON_FRI))[0].at).toBe(Date.parse('2026-03-03T09:00:00Z'));
    expect(plan(s, ctxOf([rule({ delay: { businessDays: 3 } }, 'r')], MON_FRI))[0].at).toBe(
      Date.parse('2026-03-05T09:00:00Z'),
    );
  });
});

describe('plan: reminders', () => {
  const sim35 = (maxCount: number) => {
    const r = rule({ repeat: { interval: '1h', maxCount } }, 'r');
    const sim = new Sim(ctxOf([r]));
    sim.event(T0, ev.status('s1', T0, 'pending_approval'));
    sim.advanceTo(T0 + 3.5 * HOUR);
    return sim;
  };

  it('repeat every interval, max 5: after 3.5 intervals 1 first + 3 reminders were sent', () => {
    const sim = sim35(5);
    expect(sim.fired.map((f) => [f.p.key, f.at])).toEqual([
      ['s1:r:first', T0],
      ['s1:r:reminder:1', T0 + HOUR],
      ['s1:r:reminder:2', T0 + 2 * HOUR],
      ['s1:r:reminder:3', T0 + 3 * HOUR],
    ]);
    expect(sim.counts.get('r|reminder|s1')).toBe(3);
    expect(keysOf(sim.plan())).toEqual(['s1:r:reminder:4', 's1:r:reminder:5']);
    sim.advanceTo(T0 + 30 * DAY);
    expect(sim.counts.get('r|reminder|s1')).toBe(5);
  });

  it('max 2: 1 first + 2 reminders, and nothing more however long it waits', () => {
    const sim = sim35(2);
    expect(sim.counts.get('r|first|s1')).toBe(1);
    expect(sim.counts.get('r|reminder|s1')).toBe(2);
    expect(sim.plan()).toEqual([]);
    sim.advanceTo(T0 + 30 * DAY);
    expect(sim.fired).toHaveLength(3);
  });

  it('reminders use the reminder template, count from the first notice (after the delay) and stop on a status change', () => {
    const r = rule({ delay: '30m', repeat: { interval: '1h', maxCount: 5 }, reminderTemplate: 'nudge' }, 'r');
    const p = plan(pendingState(), ctxOf([r]));
    expect(p.map((x) => [x.key, x.at - T0, x.template, x.seq])).toEqual([
      ['s1:r:first', 30 * MIN, 'status_pending_approval', 0],
      ...[1, 2, 3, 4, 5].map((k) => [`s1:r:reminder:${k}`, 30 * MIN + k * HOUR, 'nudge', k]),
    ]);
    const sim = new Sim(ctxOf([r]));
    sim.event(T0, ev.status('s1', T0, 'pending_approval'));
    sim.event(T0 + 2 * HOUR, ev.status('s2', T0 + 2 * HOUR, 'approved'));
    sim.advanceTo(T0 + 30 * DAY);
    expect(sim.fired.map((f) => f.p.key)).toEqual(['s1:r:first', 's1:r:reminder:1']);
  });
});

describe('plan: resend on reassignment', () => {
  it('with resendOnReassignment the new assignee is told at once (after the first notice went out)', () => {
    const r = rule({ resendOnReassignment: true, repeat: { interval: '1d', maxCount: 3 } }, 'r');
    const sim = new Sim(ctxOf([r]), T0 - 2 * HOUR);
    sim.event(T0 - HOUR, ev.assigned('a0', T0 - HOUR, 'alice'));
    sim.event(T0, ev.status('s1', T0, 'pending_approval'));
    expect(sim.state.task?.version).toBe(1);
    sim.event(T0 + 2 * HOUR, ev.assigned('a1', T0 + 2 * HOUR, 'bob'));
    expect(sim.state.task?.version).toBe(2);
    expect(sim.fired.map((f) => [f.p.key, f.p.kind, f.at])).toEqual([
      ['s1:r:first', 'first', T0],
      ['a1:r:reassignment', 'reassignment', T0 + 2 * HOUR],
    ]);
    // Reminders keep their schedule.
    expect(sim.plan()[0]).toMatchObject({ key: 's1:r:reminder:1', at: T0 + DAY });
  });

  it('without resendOnReassignment nothing extra is sent', () => {
    const r = rule({ repeat: { interval: '1d', maxCount: 3 } }, 'r');
    const sim = new Sim(ctxOf([r]));
    sim.event(T0, ev.status('s1', T0, 'pending_approval'));
    sim.event(T0 + 2 * HOUR, ev.assigned('a1', T0 + 2 * HOUR, 'bob'));
    sim.advanceTo(T0 + 12 * HOUR);
    expect(sim.fired.map((f) => f.p.key)).toEqual(['s1:r:first']);
  });

  it('a reassignment before the first notice is not resent: the first notice itself goes to the new assignee', () => {
    const r = rule({ delay: '1h', resendOnReassignment: true }, 'r');
    const s = pendingState();
    applyEvent(s, ev.assigned('a1', T0 + 10 * MIN, 'bob'), T0 + 10 * MIN);
    expect(keysOf(plan(s, ctxOf([r])))).toEqual(['s1:r:first']);
    const sim = new Sim(ctxOf([r]));
    sim.event(T0, ev.status('s1', T0, 'pending_approval'));
    sim.event(T0 + 10 * MIN, ev.assigned('a1', T0 + 10 * MIN, 'bob'));
    sim.advanceTo(T0 + DAY);
    expect(sim.fired.map((f) => f.p.key)).toEqual(['s1:r:first']);
  });

  it('an assignment that came with the status change (same moment) is not a reassignment', () => {
    const r = rule({ resendOnReassignment: true }, 'r');
    const sim = new Sim(ctxOf([r]));
    sim.event(T0, ev.status('s1', T0, 'pending_approval'));
    sim.event(T0, ev.assigned('a1', T0, 'bob'));
    sim.advanceTo(T0 + DAY);
    expect(sim.fired.map((f) => f.p.key)).toEqual(['s1:r:first']);
  });
});

describe('plan: decisions', () => {
  it('a decision stops reminders, escalations and due-date reminders: only the confirmation is planned', () => {
    const r = rule(
      {
        repeat: { interval: '1h', maxCount: 5 },
        escalation: [{ after: '2h', manager: true }],
        dueReminders: { before: ['1h'], overdue: true },
      },
      'r',
    );
    const ev2 = rule({ trigger: { event: 'comment_added' }, delay: '30m' }, 'c');
    const sim = new Sim(ctxOf([r, ev2]));
    sim.event(T0, ev.status('s1', T0, 'pending_approval'));
    sim.event(T0 + 10 * MIN, ev.due('d1', T0 + 10 * MIN, T0 + 5 * HOUR));
    sim.event(T0 + 90 * MIN, ev.comment('c1', T0 + 90 * MIN));
    expect(sim.at(T0 + 100 * MIN, { do: 'decide', action: 'approve', actor: 'alice' })).toBe('applied');
    expect(sim.fired.map((f) => f.p.key)).toEqual(['s1:r:first', 's1:r:reminder:1', 's1:decision']);
    expect(sim.of('decision')[0]).toMatchObject({
      at: T0 + 100 * MIN,
      p: { template: 'decision_confirmation', transitionId: 's1' },
    });
    // Later events of the same visit plan nothing either.
    sim.event(T0 + 3 * HOUR, ev.assigned('a9', T0 + 3 * HOUR, 'carol'));
    sim.event(T0 + 4 * HOUR, ev.comment('c2', T0 + 4 * HOUR));
    sim.event(T0 + 4 * HOUR, ev.due('d2', T0 + 4 * HOUR, T0 + 2 * DAY));
    expect(sim.plan()).toEqual([]);
    sim.advanceTo(T0 + 30 * DAY);
    expect(sim.fired.map((f) => f.p.key)).toEqual(['s1:r:first', 's1:r:reminder:1', 's1:decision']);
  });

  it('the next status visit plans again', () => {
    const r = rule({ trigger: { status: 'pending_second_approval' } }, 'r2');
    const sim = new Sim(ctxOf([rule({}, 'r1'), r]));
    sim.event(T0, ev.status('s1', T0, 'pending_approval'));
    sim.at(T0 + HOUR, { do: 'decide', action: 'approve' });
    sim.event(T0 + 2 * HOUR, ev.status('s2', T0 + 2 * HOUR, 'pending_second_approval'));
    expect(sim.fired.map((f) => f.p.key)).toEqual(['s1:r1:first', 's1:decision', 's2:r2:first']);
    expect(awaitingAction(sim.state)).toBe(true);
  });

  it('at the same instant the ladder order holds: reminder before escalation (ties by key only for old runs)', () => {
    const state = initialState('default', DOC);
    applyEvent(state, ev.status('s1', T0, 'pending_approval'), T0);
    const r = rule({ repeat: { interval: '1h', maxCount: 3 }, escalation: [{ after: '3h', manager: true }] }, 'r');
    const kinds = (p: PlannedNotification[]) => p.filter((x) => x.at === T0 + 3 * HOUR).map((x) => x.kind);
    expect(kinds(plan(state, ctxOf([r])))).toEqual(['reminder', 'escalation']);
    expect(kinds(plan(state, ctxOf([r]), { tiesByKind: false }))).toEqual(['escalation', 'reminder']);
  });

  it('a status change that arrives before the confirmation went out loses neither confirmation nor webhook', () => {
    const state = initialState('default', DOC);
    expect(applyEvent(state, ev.status('s1', T0, 'pending_approval'), T0)).toBe('applied');
    decide(state, { action: 'approve', actor: 'ana', at: T0 + HOUR, via: 'link' });
    applyEvent(state, ev.status('s2', T0 + HOUR, 'approved'), T0 + HOUR);
    expect(state.task).toBeUndefined();
    const planned = plan(state, ctxOf([rule({}, 'r1')]));
    expect(planned.map((p) => [p.key, p.kind, p.transitionId])).toEqual([['s1:decision', 'decision', 's1']]);
  });
});

describe('plan: snooze', () => {
  it('shifts the next reminder and the escalations by exactly the snooze', () => {
    const r = rule(
      {
        repeat: { interval: '1h', maxCount: 3 },
        escalation: [
          { after: '5h', manager: true },
          { afterReminders: 2, roles: ['lead'] },
        ],
      },
      'r',
    );
    const sim = new Sim(ctxOf([r]));
    sim.event(T0, ev.status('s1', T0, 'pending_approval'));
    sim.advanceTo(T0 + 90 * MIN); // first and reminder 1 sent
    const before = new Map(sim.plan().map((p) => [p.key, p.at]));
    expect(before.get('s1:r:reminder:2')).toBe(T0 + 2 * HOUR);
    expect(before.get('s1:r:escalation:2')).toBe(T0 + 3 * HOUR); // one interval after reminder 2
    sim.at(T0 + 90 * MIN, { do: 'snooze', ms: 45 * MIN });
    const after = new Map(sim.plan().map((p) => [p.key, p.at]));
    const rank = (key: string) => (key.includes(':reminder:') ? 0 : 1); // at the same instant reminders come before escalations
    expect([...after.keys()]).toEqual(
      [...before.keys()].sort((a, b) => after.get(a)! - after.get(b)! || rank(a) - rank(b) || a.localeCompare(b)),
    );
    for (const [key, at] of before) expect(after.get(key)! - at).toBe(45 * MIN);
    sim.advanceTo(T0 + 2 * HOUR + 44 * MIN);
    expect(sim.of('reminder')).toHaveLength(1);
    sim.advanceTo(T0 + 2 * HOUR + 45 * MIN);
    expect(sim.of('reminder').map((f) => f.at)).toEqual([T0 + HOUR, T0 + 2 * HOUR + 45 * MIN]);
  });

  it('snoozes add up and end with the status visit', () => {
    const r = rule({ repeat: { interval: '1h', maxCount: 3 } }, 'r');
    const s = pendingState();
    s.snoozeMs = 30 * MIN;
    s.snoozeMs += 15 * MIN;
    expect(plan(s, ctxOf([r])).find((p) => p.seq === 1)?.at).toBe(T0 + HOUR + 45 * MIN);
    applyEvent(s, ev.status('s2', T0 + MIN, 'on_hold'), T0 + MIN);
    expect(s.snoozeMs).toBe(0);
  });
});

describe('plan: escalation', () => {
  it('levels after a duration and after N unanswered reminders', () => {
    const r = rule(
      {
        repeat: { interval: '1h', maxCount: 3 },
        escalation: [
          { after: '90m', manager: true },
          { afterReminders: 3, addresses: ['boss@example.com'], template: 'escalation_2' },
        ],
      },
      'r',
    );
    const esc = plan(pendingState(), ctxOf([r])).filter((p) => p.kind === 'escalation');
    expect(esc.map((p) => [p.key, p.at - T0, p.seq, p.template])).toEqual([
      ['s1:r:escalation:1', 90 * MIN, 1, 'escalation'],
      ['s1:r:escalation:2', 4 * HOUR, 2, 'escalation_2'],
    ]);
  });

  it('afterReminders beyond maxCount is refused by the schema, and a stored one plans nothing', () => {
    expect(() =>
      rule({ repeat: { interval: '1h', maxCount: 2 }, escalation: [{ afterReminders: 3, manager: true }] }),
    ).toThrow(/afterReminders/);
    const r = rule(
      { repeat: { interval: '1h', maxCount: 2 }, escalation: [{ afterReminders: 2, manager: true }] },
      'r',
    );
    r.escalation[0].afterReminders = 3;
    expect(plan(pendingState(), ctxOf([r])).filter((p) => p.kind === 'escalation')).toEqual([]);
  });

  it('with a calendar, afterReminders counts one interval after the (moved) reminder N', () => {
    const FRI_17 = Date.parse('2026-03-06T17:00:00Z');
    const s = initialState('default', DOC, 'invoice');
    applyEvent(s, ev.status('s1', FRI_17, 'pending_approval'), FRI_17);
    const r = rule(
      { repeat: { interval: '2h', maxCount: 1 }, escalation: [{ afterReminders: 1, manager: true }] },
      'r',
    );
    expect(plan(s, ctxOf([r], MON_FRI)).map((p) => [p.key, iso(p.at)])).toEqual([
      ['s1:r:first', iso(FRI_17)],
      ['s1:r:reminder:1', '2026-03-09T09:00:00.000Z'],
      ['s1:r:escalation:1', '2026-03-09T11:00:00.000Z'],
    ]);
  });
});

describe('plan: due-date reminders', () => {
  const dueRule = (extra: Partial<RuleInput> = {}) =>
    rule({ dueReminders: { before: ['3d', '1d', '2h'], overdue: true }, ...extra }, 'r');
  const dueAt = T0 + 10 * DAY;

  it('3 days, 1 day and 2 hours before dueAt, and an overdue notice at dueAt', () => {
    const s = pendingState();
    applyEvent(s, ev.due('d1', T0 + HOUR, dueAt), T0 + HOUR);
    const p = plan(s, ctxOf([dueRule()])).filter((x) => x.kind !== 'first');
    expect(p.map((x) => [x.key, x.at, x.kind, x.seq, x.template, x.transitionId])).toEqual([
      ['d1:r:due_soon:1', dueAt - 3 * DAY, 'due_soon', 1, 'due_soon', 'd1'],
      ['d1:r:due_soon:2', dueAt - DAY, 'due_soon', 2, 'due_soon', 'd1'],
      ['d1:r:due_soon:3', dueAt - 2 * HOUR, 'due_soon', 3, 'due_soon', 'd1'],
      ['d1:r:overdue:0', dueAt, 'overdue', 0, 'overdue', 'd1'],
    ]);
    const sim = new Sim(ctxOf([dueRule()]));
    sim.event(T0, ev.status('s1', T0, 'pending_approval'));
    sim.event(T0 + HOUR, ev.due('d1', T0 + HOUR, dueAt));
    sim.advanceTo(T0 + 60 * DAY);
    expect(sim.fired.map((f) => [f.p.key, f.at])).toEqual([
      ['s1:r:first', T0],
      ['d1:r:due_soon:1', dueAt - 3 * DAY],
      ['d1:r:due_soon:2', dueAt - DAY],
      ['d1:r:due_soon:3', dueAt - 2 * HOUR],
      ['d1:r:overdue:0', dueAt],
    ]);
  });

  it('offsets already past when the due date was set are skipped; overdue repeats follow the interval', () => {
    const r = dueRule({
      dueReminders: { before: ['3d', '1d', '2h'], overdue: true, repeatOverdue: { interval: '1d', maxCount: 2 } },
    });
    const s = pendingState();
    const soon = T0 + 2 * DAY;
    applyEvent(s, ev.due('d1', T0 + HOUR, soon), T0 + HOUR);
    expect(
      plan(s, ctxOf([r]))
        .filter((x) => x.kind !== 'first')
        .map((x) => [x.key, x.at]),
    ).toEqual([
      ['d1:r:due_soon:2', soon - DAY],
      ['d1:r:due_soon:3', soon - 2 * HOUR],
      ['d1:r:overdue:0', soon],
      ['d1:r:overdue:1', soon + DAY],
      ['d1:r:overdue:2', soon + 2 * DAY],
    ]);
  });

  it('a new dueAt replans: pending reminders of the old date disappear, the new date gets its own keys', () => {
    const sim = new Sim(ctxOf([dueRule()]));
    sim.event(T0, ev.status('s1', T0, 'pending_approval'));
    sim.event(T0 + HOUR, ev.due('d1', T0 + HOUR, dueAt));
    sim.advanceTo(dueAt - 2 * DAY); // 3d reminder sent
    const later = dueAt + 5 * DAY;
    sim.event(dueAt - 2 * DAY, ev.due('d2', dueAt - 2 * DAY, later));
    expect(keysOf(sim.plan())).toEqual(['d2:r:due_soon:1', 'd2:r:due_soon:2', 'd2:r:due_soon:3', 'd2:r:overdue:0']);
    expect(sim.plan()[0].at).toBe(later - 3 * DAY);
    sim.advanceTo(later + DAY);
    expect(sim.fired.filter((f) => f.p.kind !== 'first').map((f) => f.p.key)).toEqual([
      'd1:r:due_soon:1',
      'd2:r:due_soon:1',
      'd2:r:due_soon:2',
      'd2:r:due_soon:3',
      'd2:r:overdue:0',
    ]);
  });

  it('times that passed before the document started waiting are not sent late: one overdue notice, then the future repeats', () => {
    const r = dueRule({
      dueReminders: { before: ['3d', '1d'], overdue: true, repeatOverdue: { interval: '1d', maxCount: 3 } },
    });
    const sim = new Sim(ctxOf([r]));
    sim.event(T0, ev.status('s0', T0, 'processing'));
    sim.event(T0, ev.due('d1', T0, T0 + 4 * DAY));
    const entered = T0 + 5 * DAY + HOUR; // after due_soon 1 and 2, overdue:0 and overdue:1
    sim.event(entered, ev.status('s1', entered, 'pending_approval'));
    expect(sim.fired.map((f) => [f.p.key, f.at])).toEqual([
      ['d1:r:overdue:0', entered],
      ['s1:r:first', entered],
    ]); // overdue:0 is planned at dueAt: earliest first
    sim.advanceTo(T0 + 30 * DAY);
    expect(sim.fired.slice(2).map((f) => [f.p.key, f.at])).toEqual([
      ['d1:r:overdue:2', T0 + 6 * DAY],
      ['d1:r:overdue:3', T0 + 7 * DAY],
    ]);
  });

  it('due-date reminders need an open task: none outside intervention statuses or after a decision', () => {
    const s = pendingState();
    applyEvent(s, ev.due('d1', T0 + HOUR, dueAt), T0 + HOUR);
    const r = dueRule({ trigger: { status: 'approved' } });
    applyEvent(s, ev.status('s2', T0 + 2 * HOUR, 'approved'), T0 + 2 * HOUR);
    expect(keysOf(plan(s, ctxOf([r])))).toEqual(['s2:r:first']);
  });
});

describe('plan: business calendar (Mon–Fri 09:00–18:00 UTC)', () => {
  const FRI_16 = Date.parse('2026-03-06T16:00:00Z');
  const MON_09 = Date.parse('2026-03-09T09:00:00Z');
  const stateAt = (t: number) => {
    const s = initialState('default', DOC, 'invoice');
    applyEvent(s, ev.status('s1', t, 'pending_approval'), t);
    return s;
  };

  it('reminders that would fall outside working time move to the next working moment, one interval apart', () => {
    const r = rule({ repeat: { interval: '4h', maxCount: 4 } }, 'r');
    const p = plan(stateAt(FRI_16), ctxOf([r], MON_FRI));
    expect(p.map((x) => [x.key, iso(x.at)])).toEqual([
      ['s1:r:first', iso(FRI_16)], // the first notice is not moved (only reminders and escalations are)
      ['s1:r:reminder:1', iso(MON_09)], // Friday 20:00 → Monday 09:00
      ['s1:r:reminder:2', iso(MON_09 + 4 * HOUR)], // not also Monday 09:00: one interval after reminder 1
      ['s1:r:reminder:3', iso(MON_09 + 8 * HOUR)],
      ['s1:r:reminder:4', '2026-03-10T09:00:00.000Z'], // Monday 17:00 + 4h = 21:00 → Tuesday 09:00
    ]);
    // Without a calendar nothing moves.
    expect(plan(stateAt(FRI_16), ctxOf([r])).map((x) => x.at - FRI_16)).toEqual([
      0,
      4 * HOUR,
      8 * HOUR,
      12 * HOUR,
      16 * HOUR,
    ]);
  });

  it('a rule may name its own calendar; escalations and snoozed reminders move too', () => {
    const r = rule(
      { repeat: { interval: '1h', maxCount: 1 }, escalation: [{ after: '3h', manager: true }], calendar: 'office' },
      'r',
    );
    const s = stateAt(FRI_16);
    s.snoozeMs = 30 * MIN; // reminder 1 at 17:30 (working), escalation at 19:30 → Monday 09:00
    const p = plan(s, { rules: [r], calendars: { office: MON_FRI } });
    expect(p.map((x) => [x.key, iso(x.at)])).toEqual([
      ['s1:r:first', iso(FRI_16)],
      ['s1:r:reminder:1', iso(FRI_16 + 90 * MIN)],
      ['s1:r:escalation:1', iso(MON_09)],
    ]);
  });

  it('business-day reminders skip the weekend', () => {
    const r = rule({ repeat: { interval: '1 business day', maxCount: 2 } }, 'r');
    expect(plan(stateAt(FRI_16), ctxOf([r], MON_FRI)).map((x) => iso(x.at))).toEqual([
      iso(FRI_16),
      '2026-03-09T16:00:00.000Z',
      '2026-03-10T16:00:00.000Z',
    ]);
  });

  it('overdue repeats over a weekend move to working time one interval apart', () => {
    const r = rule(
      { dueReminders: { before: [], overdue: true, repeatOverdue: { interval: '1d', maxCount: 3 } } },
      'r',
    );
    const s = stateAt(Date.parse('2026-03-02T10:00:00Z'));
    applyEvent(
      s,
      ev.due('d1', Date.parse('2026-03-02T11:00:00Z'), Date.parse('2026-03-06T10:00:00Z')),
      Date.parse('2026-03-02T11:00:00Z'),
    );
    expect(
      plan(s, ctxOf([r], MON_FRI))
        .filter((x) => x.kind === 'overdue')
        .map((x) => iso(x.at)),
    ).toEqual([
      '2026-03-06T10:00:00.000Z',
      '2026-03-09T09:00:00.000Z',
      '2026-03-10T09:00:00.000Z',
      '2026-03-11T09:00:00.000Z',
    ]);
  });

  it('a due-date reminder moved past the due date keeps its raw time', () => {
    const r = rule({ dueReminders: { before: ['1d'], overdue: false } }, 'r');
    const s = stateAt(Date.parse('2026-03-05T10:00:00Z'));
    const due = Date.parse('2026-03-09T08:00:00Z'); // Monday 08:00: 1 day before is Sunday 08:00
    applyEvent(s, ev.due('d1', Date.parse('2026-03-05T11:00:00Z'), due), Date.parse('2026-03-05T11:00:00Z'));
    expect(
      plan(s, ctxOf([r], MON_FRI))
        .filter((x) => x.kind === 'due_soon')
        .map((x) => iso(x.at)),
    ).toEqual([iso(due - DAY)]);
  });
});

describe('plan: event rules, terminal statuses, rule selection', () => {
  it('assigned and comment_added rules fire after their delay, keyed by the event', () => {
    const a = rule({ trigger: { event: 'assigned' } }, 'ra');
    const c = rule({ trigger: { event: 'comment_added' }, delay: '5m' }, 'rc');
    const sim = new Sim(ctxOf([a, c]));
    sim.event(T0, ev.status('s1', T0, 'received'));
    sim.event(T0 + MIN, ev.assigned('a1', T0 + MIN, 'bob'));
    sim.event(T0 + 2 * MIN, ev.assigned('a2', T0 + 2 * MIN, 'bob')); // same assignee: not an assignment
    sim.event(T0 + 3 * MIN, ev.comment('c1', T0 + 3 * MIN));
    sim.advanceTo(T0 + DAY);
    expect(sim.fired.map((f) => [f.p.key, f.p.kind, f.at])).toEqual([
      ['a1:ra:event', 'event', T0 + MIN],
      ['c1:rc:event', 'event', T0 + 8 * MIN],
    ]);
  });

  it('terminal statuses plan only first notices of rules for that status', () => {
    const term = rule(
      {
        trigger: { status: 'exported' },
        delay: '1m',
        repeat: { interval: '1h', maxCount: 3 },
        escalation: [{ after: '2h', manager: true }],
      },
      'rt',
    );
    const pending = rule({ repeat: { interval: '1h', maxCount: 3 }, dueReminders: { before: ['1h'] } }, 'rp');
    const evRule = rule({ trigger: { event: 'comment_added' }, delay: '1h' }, 're');
    const sim = new Sim(ctxOf([term, pending, evRule]));
    sim.event(T0, ev.status('s1', T0, 'pending_approval'));
    sim.event(T0 + MIN, ev.due('d1', T0 + MIN, T0 + DAY));
    sim.event(T0 + 2 * MIN, ev.comment('c1', T0 + 2 * MIN));
    sim.event(T0 + 10 * MIN, ev.status('s2', T0 + 10 * MIN, 'exported'));
    expect(keysOf(sim.plan())).toEqual(['s2:rt:first']);
    sim.event(T0 + 20 * MIN, ev.comment('c2', T0 + 20 * MIN));
    sim.event(T0 + 30 * MIN, ev.assigned('a1', T0 + 30 * MIN, 'bob'));
    sim.advanceTo(T0 + 30 * DAY);
    expect(sim.fired.map((f) => f.p.key)).toEqual(['s1:rp:first', 's2:rt:first']);
  });

  it('a deleted event enters the terminal status deleted', () => {
    const del = rule({ trigger: { status: 'deleted' } }, 'rd');
    const sim = new Sim(ctxOf([del, rule({ repeat: { interval: '1h', maxCount: 2 } }, 'rp')]));
    sim.event(T0, ev.status('s1', T0, 'pending_approval'));
    sim.event(T0 + 10 * MIN, ev.deleted('x1', T0 + 10 * MIN));
    sim.advanceTo(T0 + DAY);
    expect(sim.fired.map((f) => f.p.key)).toEqual(['s1:rp:first', 'x1:rd:first']);
    expect(sim.state.deleted).toBe(true);
  });

  it('inactive rules and rules of other tenants or document types plan nothing', () => {
    const rules = [
      rule({ active: false }, 'inactive'),
      rule({ tenantId: 'acme' }, 'other-tenant'),
      rule({ documentType: 'contract' }, 'other-type'),
      rule({ trigger: { event: 'assigned' }, active: false }, 'inactive-event'),
      rule({ documentType: 'invoice' }, 'invoice'),
      rule({ documentType: '' }, 'any-type'),
    ];
    const s = pendingState();
    s.eventTriggers.push({ eventId: 'a0', type: 'assigned', at: T0 });
    expect(keysOf(plan(s, ctxOf(rules)))).toEqual(['s1:any-type:first', 's1:invoice:first']);
  });

  it('is pure: does not change the state and gives the same answer twice', () => {
    const r = rule(
      {
        repeat: { interval: '1h', maxCount: 3 },
        escalation: [{ after: '2h', manager: true }],
        dueReminders: { before: ['1d'] },
      },
      'r',
    );
    const s = pendingState();
    applyEvent(s, ev.due('d1', T0, T0 + 3 * DAY), T0);
    const snapshot = structuredClone(s);
    const a = plan(s, ctxOf([r], MON_FRI));
    expect(s).toEqual(snapshot);
    expect(plan(s, ctxOf([r], MON_FRI))).toEqual(a);
    expect(plan(snapshot, ctxOf([r], MON_FRI))).toEqual(a);
  });
});

// ---------------------------------------------------------------------------------------------------------
// Properties over random rule sets and random event sequences
// ---------------------------------------------------------------------------------------------------------

const statusArb = fc.constantFrom(...STATUSES);
const minutes = (max: number, min = 0) => fc.integer({ min, max }).map((m) => `${m}m`);

const ruleInputArb: fc.Arbitrary<RuleInput> = fc
  .record({
    active: fc.oneof({ weight: 3, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }),
    tenantId: fc.constantFrom('default', 'default', 'default', 'acme'),
    documentType: fc.constantFrom(null, null, 'invoice', 'contract'),
    trigger: fc.oneof(
      { weight: 3, arbitrary: statusArb.map((status) => ({ status })) },
      { weight: 1, arbitrary: fc.constantFrom('assigned', 'comment_added').map((event) => ({ event })) },
    ),
    delay: fc.oneof(
      minutes(240),
      fc.constant('0s'),
      fc.integer({ min: 0, max: 2 }).map((d) => `${d} business days`),
    ),
    repeat: fc.option(
      fc.record({
        interval: fc.oneof(minutes(2 * 24 * 60, 1), fc.constant('1 business day')),
        maxCount: fc.integer({ min: 1, max: 5 }),
      }),
      { nil: null },
    ),
    resendOnReassignment: fc.boolean(),
    escalation: fc.array(
      fc.oneof(
        minutes(3 * 24 * 60).map((after) => ({ after, manager: true })),
        fc.integer({ min: 1, max: 6 }).map((afterReminders) => ({ afterReminders, roles: ['lead'] })),
      ),
      { maxLength: 3 },
    ),
    dueReminders: fc.option(
      fc.record({
        before: fc.array(minutes(5 * 24 * 60, 1), { maxLength: 3 }),
        overdue: fc.boolean(),
        repeatOverdue: fc.option(
          fc.record({ interval: minutes(24 * 60, 10), maxCount: fc.integer({ min: 1, max: 3 }) }),
          { nil: undefined },
        ),
      }),
      { nil: null },
    ),
  })
  .map((r) => {
    const statusTrigger = 'status' in r.trigger;
    return {
      ...r,
      name: 'Random rule',
      // Combinations the schema rejects are turned into valid ones.
      escalation: r.escalation.map((l) => {
        if (!('afterReminders' in l)) return l;
        return r.repeat
          ? { ...l, afterReminders: Math.min(l.afterReminders, r.repeat.maxCount) }
          : { after: '1h', roles: l.roles };
      }),
      dueReminders: statusTrigger ? r.dueReminders : null,
    } as RuleInput;
  });

const rulesArb = fc
  .array(ruleInputArb, { minLength: 1, maxLength: 5 })
  .map((inputs) => inputs.map((input, i) => rule(input, `r${i}`)));

type Step =
  | { t: 'status'; status: DocumentStatus }
  | { t: 'assign'; who: string }
  | { t: 'due'; offsetMin: number }
  | { t: 'comment' }
  | { t: 'fields' }
  | { t: 'deleted' }
  | { t: 'decide' }
  | { t: 'snooze'; min: number }
  | { t: 'stale'; status: DocumentStatus; agoMin: number }
  | { t: 'duplicate'; status: DocumentStatus }
  | { t: 'bad' };

const stepArb: fc.Arbitrary<Step> = fc.oneof(
  { weight: 6, arbitrary: statusArb.map((status) => ({ t: 'status' as const, status })) },
  {
    weight: 3,
    arbitrary: fc.constantFrom('alice', 'bob', 'carol@example.com').map((who) => ({ t: 'assign' as const, who })),
  },
  {
    weight: 2,
    arbitrary: fc.integer({ min: -24 * 60, max: 6 * 24 * 60 }).map((offsetMin) => ({ t: 'due' as const, offsetMin })),
  },
  { weight: 2, arbitrary: fc.constant({ t: 'comment' as const }) },
  { weight: 1, arbitrary: fc.constant({ t: 'fields' as const }) },
  { weight: 1, arbitrary: fc.constant({ t: 'deleted' as const }) },
  { weight: 3, arbitrary: fc.constant({ t: 'decide' as const }) },
  { weight: 2, arbitrary: fc.integer({ min: 1, max: 24 * 60 }).map((min) => ({ t: 'snooze' as const, min })) },
  {
    weight: 1,
    arbitrary: fc
      .record({ status: statusArb, agoMin: fc.integer({ min: 1, max: 3 * 24 * 60 }) })
      .map((s) => ({ t: 'stale' as const, ...s })),
  },
  { weight: 1, arbitrary: statusArb.map((status) => ({ t: 'duplicate' as const, status })) },
  { weight: 1, arbitrary: fc.constant({ t: 'bad' as const }) },
);

/** Time steps: mostly minutes to hours, sometimes days. */
const gapArb = fc.oneof(
  fc.constant(0),
  fc.integer({ min: 1, max: 6 * 60 }).map((m) => m * MIN),
  fc.integer({ min: 1, max: (4 * DAY) / MIN }).map((m) => m * MIN),
);
const scenarioArb = fc.record({
  rules: rulesArb,
  calendar: fc.boolean(),
  steps: fc.array(fc.tuple(gapArb, stepArb), { minLength: 1, maxLength: 25 }),
});

type Scenario = { rules: Rule[]; calendar: boolean; steps: [number, Step][] };

/** Runs a scenario through the simulation, checking plan-level invariants on every plan, and returns it. */
function run(sc: Scenario, checkPlan: (planned: PlannedNotification[], sim: Sim) => void): Sim {
  const sim = new Sim(ctxOf(sc.rules, sc.calendar ? MON_FRI : undefined), T0, checkPlan);
  let t = T0;
  let n = 0;
  let lastId: string | undefined;
  for (const [gap, step] of sc.steps) {
    t += gap;
    const id = `e${++n}`;
    switch (step.t) {
      case 'status':
        sim.event(t, ev.status(id, t, step.status));
        lastId = id;
        break;
      case 'assign':
        sim.event(t, ev.assigned(id, t, step.who));
        break;
      case 'due':
        sim.event(t, ev.due(id, t, t + step.offsetMin * MIN));
        break;
      case 'comment':
        sim.event(t, ev.comment(id, t));
        break;
      case 'fields':
        sim.event(t, ev.fields(id, t));
        break;
      case 'deleted':
        sim.event(t, ev.deleted(id, t));
        break;
      case 'decide':
        sim.at(t, { do: 'decide', action: 'approve' });
        break;
      case 'snooze':
        sim.at(t, { do: 'snooze', ms: step.min * MIN });
        break;
      case 'stale':
        sim.event(t, ev.status(id, t - step.agoMin * MIN, step.status));
        break;
      case 'duplicate':
        if (lastId) expect(sim.event(t, ev.status(lastId, t, step.status))).toBe('duplicate');
        break;
      case 'bad':
        expect(sim.event(t, { ...ev.status(id, t, 'received'), status: 'nope' })).toBe('rejected');
        break;
    }
  }
  sim.advanceTo(t + 60 * DAY);
  return sim;
}

const noPlanCheck = () => undefined;
const RUNS = { numRuns: 150 };

describe('plan: properties over random rules and event sequences', () => {
  it('(a) nothing but first notices of the terminal status’s own rules is sent while the status is terminal', () => {
    fc.assert(
      fc.property(scenarioArb, (sc) => {
        const sim = run(sc, noPlanCheck);
        const byId = new Map(sc.rules.map((r) => [r.id, r]));
        for (const f of sim.fired) {
          if (!isTerminal(f.status)) continue;
          const r = byId.get(f.p.ruleId);
          expect({ key: f.p.key, kind: f.p.kind, status: f.status }).toEqual({
            key: f.p.key,
            kind: 'first',
            status: r && 'status' in r.trigger ? r.trigger.status : 'n/a',
          });
        }
      }),
      RUNS,
    );
  });

  it('(b) at most 1 + maxCount first and reminder emails per rule and status visit; each sent while still in that visit', () => {
    fc.assert(
      fc.property(scenarioArb, (sc) => {
        const sim = run(sc, noPlanCheck);
        for (const r of sc.rules) {
          const perVisit = new Map<string, number>();
          for (const f of sim.fired) {
            if (f.p.ruleId !== r.id || (f.p.kind !== 'first' && f.p.kind !== 'reminder')) continue;
            perVisit.set(f.p.transitionId, (perVisit.get(f.p.transitionId) ?? 0) + 1);
            expect(f.visit).toBe(f.p.transitionId);
            expect('status' in r.trigger && r.trigger.status).toBe(f.status);
          }
          for (const count of perVisit.values()) expect(count).toBeLessThanOrEqual(1 + (r.repeat?.maxCount ?? 0));
        }
        for (const f of sim.fired) {
          if (f.p.kind === 'escalation') expect(f.visit).toBe(f.p.transitionId);
        }
      }),
      RUNS,
    );
  });

  it('(c) inactive rules and rules of another tenant or document type send nothing', () => {
    fc.assert(
      fc.property(scenarioArb, (sc) => {
        const sim = run(sc, noPlanCheck);
        const silent = new Set(
          sc.rules
            .filter((r) => !r.active || r.tenantId !== 'default' || (r.documentType && r.documentType !== 'invoice'))
            .map((r) => r.id),
        );
        expect(sim.fired.filter((f) => silent.has(f.p.ruleId)).map((f) => f.p.key)).toEqual([]);
      }),
      RUNS,
    );
  });

  it('(d) each key fires at most once, never before its time, and fired keys are never planned again', () => {
    fc.assert(
      fc.property(scenarioArb, (sc) => {
        const sim = run(sc, (planned, s) => {
          const fired = new Set(s.state.fired);
          expect(planned.filter((p) => fired.has(p.key))).toEqual([]);
          expect(new Set(keysOf(planned)).size).toBe(planned.length);
        });
        const keys = sim.fired.map((f) => f.p.key);
        expect(new Set(keys).size).toBe(keys.length);
        for (const f of sim.fired) expect(f.at).toBeGreaterThanOrEqual(f.p.at);
      }),
      RUNS,
    );
  });

  it('(e) the plan is sorted by time, deterministic and leaves the state untouched', () => {
    fc.assert(
      fc.property(scenarioArb, (sc) => {
        run(sc, (planned, s) => {
          for (let i = 1; i < planned.length; i++) expect(planned[i - 1].at).toBeLessThanOrEqual(planned[i].at);
          if (s.state.snoozeMs === 0) {
            // Without a snooze, a rule's reminders are strictly one after another (no pile-up at a working moment).
            for (const r of s.ctx.rules) {
              const ats = planned.filter((p) => p.ruleId === r.id && p.kind === 'reminder').map((p) => p.at);
              expect(new Set(ats).size).toBe(ats.length);
            }
          }
          const copy = structuredClone(s.state);
          expect(plan(copy, s.ctx)).toEqual(planned);
          expect(copy).toEqual(s.state);
        });
      }),
      { numRuns: 60 },
    );
  });

  it('(f) after a decision only the decision confirmation is planned for that visit', () => {
    fc.assert(
      fc.property(scenarioArb, (sc) => {
        const sim = run(sc, (planned, s) => {
          const task = s.state.task;
          if (!task?.decision) return;
          expect(planned.filter((p) => p.key !== `${task.id}:decision`).map((p) => p.key)).toEqual([]);
        });
        for (const f of sim.fired) if (f.decided) expect(f.p.kind).toBe('decision');
      }),
      RUNS,
    );
  });

  it('(g) a reassignment notice is only sent for an assignment made after the first notice went out', () => {
    // Random rule sets rarely hit this; focus on one resending rule and a stream of assignments.
    const focused = fc
      .record({
        delayMin: fc.integer({ min: 0, max: 120 }),
        steps: fc.array(
          fc.tuple(
            fc.integer({ min: 0, max: 90 }).map((m) => m * MIN),
            fc.oneof(
              {
                weight: 4,
                arbitrary: fc
                  .constantFrom('alice', 'bob', 'carol@example.com')
                  .map((who): Step => ({ t: 'assign', who })),
              },
              {
                weight: 1,
                arbitrary: fc
                  .constantFrom<DocumentStatus>('pending_approval', 'on_hold')
                  .map((status): Step => ({ t: 'status', status })),
              },
            ),
          ),
          { maxLength: 15 },
        ),
      })
      .map(({ delayMin, steps }): Scenario => ({
        rules: [
          rule({ delay: `${delayMin}m`, resendOnReassignment: true, repeat: { interval: '1h', maxCount: 2 } }, 'r0'),
        ],
        calendar: false,
        steps: [[0, { t: 'status', status: 'pending_approval' }], ...steps],
      }));
    fc.assert(
      fc.property(fc.oneof(scenarioArb, focused), (sc) => {
        const sim = run(sc, noPlanCheck);
        for (const f of sim.fired.filter((x) => x.p.kind === 'reassignment')) {
          const first = sim.fired.find(
            (x) => x.p.kind === 'first' && x.p.ruleId === f.p.ruleId && x.p.transitionId === f.visit,
          );
          expect(first).toBeDefined();
          expect(f.p.at).toBeGreaterThan(first!.at);
        }
      }),
      RUNS,
    );
  });

  it('(h) with a calendar, a rule’s reminders are at working moments, at least one interval apart', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 14 * 24 * 60 }),
        fc.integer({ min: 1, max: 36 * 60 }),
        fc.integer({ min: 1, max: 8 }),
        fc.integer({ min: 0, max: 600 }),
        (startMin, intervalMin, maxCount, delayMin) => {
          const t = T0 + startMin * MIN;
          const s = initialState('default', DOC, 'invoice');
          applyEvent(s, ev.status('s1', t, 'pending_approval'), t);
          const r = rule({ delay: `${delayMin}m`, repeat: { interval: `${intervalMin}m`, maxCount } }, 'r');
          const ats = plan(s, ctxOf([r], MON_FRI))
            .filter((p) => p.kind === 'reminder')
            .map((p) => p.at);
          expect(ats).toHaveLength(maxCount);
          let prev = t + delayMin * MIN;
          for (const at of ats) {
            expect(at - prev).toBeGreaterThanOrEqual(intervalMin * MIN);
            expect(nextWorkingMoment(at, MON_FRI)).toBe(at);
            prev = at;
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('(i) nothing is sent late (after its time) except the overdue notice and event notices held back by a decision', () => {
    fc.assert(
      fc.property(scenarioArb, (sc) => {
        const sim = run(sc, noPlanCheck);
        const late = sim.fired.filter(
          (f) => f.at > f.p.at && !(f.p.kind === 'overdue' && f.p.seq === 0) && f.p.kind !== 'event',
        );
        expect(late.map((f) => [f.p.key, iso(f.p.at), iso(f.at)])).toEqual([]);
      }),
      RUNS,
    );
  });
});

// ---------------------------------------------------------------------------------------------------------
// stillDue: is an email fired ahead of its instant (SEND_AHEAD) still called for?
// ---------------------------------------------------------------------------------------------------------

describe('stillDue', () => {
  const ctx = (): PlanContext => ({
    rules: [
      rule(
        {
          delay: '1h',
          repeat: { interval: '1d', maxCount: 2 },
          recipients: { assignee: false, addresses: ['a@example.com'], roles: [], fields: [] },
        },
        'r-ahead',
      ),
    ],
  });
  function pending(): { state: DocState; c: PlanContext; first: PlannedNotification } {
    const state = initialState('default', DOC);
    applyEvent(state, ev.status('e1', T0, 'pending_approval'), T0);
    const c = ctx();
    const first = plan(state, c)[0];
    markFired(state, first.key); // fired ahead, waiting for its instant
    return { state, c, first };
  }

  test('an unrelated change keeps it due', () => {
    const { state, c, first } = pending();
    applyEvent(state, ev.fields('e2', T0 + MIN), T0 + MIN);
    expect(stillDue(state, c, first)).toBe(true);
  });

  test('a new status or a decision withdraws it', () => {
    const moved = pending();
    applyEvent(moved.state, ev.status('e2', T0 + MIN, 'approved'), T0 + MIN);
    expect(stillDue(moved.state, moved.c, moved.first)).toBe(false);
    const decided = pending();
    decide(decided.state, { action: 'approve', actor: 'a@example.com', at: T0 + MIN, via: 'link' });
    expect(stillDue(decided.state, decided.c, decided.first)).toBe(false);
  });

  test('a snooze that moves a reminder later withdraws it (it is planned again at the new time)', () => {
    const { state, c } = pending();
    const reminder = plan(state, c)[0];
    expect(reminder.kind).toBe('reminder');
    markFired(state, reminder.key);
    expect(stillDue(state, c, reminder)).toBe(true);
    state.snoozeMs += HOUR;
    expect(stillDue(state, c, reminder)).toBe(false);
  });
});

describe('dueNow', () => {
  const at = (key: string, t: number) => ({ key, at: t }) as unknown as PlannedNotification;
  test('keeps, in plan order, what is due by now or within the send-ahead window', () => {
    const planned = [at('a', 1_000), at('b', 5_000), at('c', 2_000), at('d', 9_000)];
    expect(dueNow(planned, 1_000, 0).map((p) => p.key)).toEqual(['a']);
    expect(dueNow(planned, 1_000, 4_000).map((p) => p.key)).toEqual(['a', 'b', 'c']);
    expect(dueNow(planned, 0, 0)).toEqual([]);
  });
});
