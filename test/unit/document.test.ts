import fc from 'fast-check';
import {
  applyEvent,
  awaitingAction,
  initialState,
  LIMITS,
  markFired,
  recordEmail,
  type DocState,
} from '../../src/domain/document';
import {
  INTERVENTION_STATUSES,
  STATUSES,
  isIntervention,
  isTerminal,
  type DocumentStatus,
} from '../../src/domain/status';

const MIN = 60_000;
const HOUR = 60 * MIN;
const T0 = Date.parse('2026-03-02T08:00:00Z');
const DOC = 'doc-1';
const iso = (t: number) => new Date(t).toISOString();

type Payload = Record<string, unknown>;
const base = (eventId: string, at: number) => ({ eventId, occurredAt: iso(at), documentId: DOC });
const ev = {
  status: (eventId: string, at: number, status: string, extra: Payload = {}): Payload => ({
    ...base(eventId, at),
    type: 'status_changed',
    status,
    ...extra,
  }),
  assigned: (eventId: string, at: number, assignee: string): Payload => ({
    ...base(eventId, at),
    type: 'assigned',
    assignee,
  }),
  fields: (eventId: string, at: number, fields: Payload): Payload => ({
    ...base(eventId, at),
    type: 'fields_updated',
    fields,
  }),
  due: (eventId: string, at: number, dueAt: number): Payload => ({
    ...base(eventId, at),
    type: 'due_date_set',
    dueAt: iso(dueAt),
  }),
  comment: (eventId: string, at: number, text = 'see page 2'): Payload => ({
    ...base(eventId, at),
    type: 'comment_added',
    author: 'bob',
    text,
  }),
  deleted: (eventId: string, at: number): Payload => ({ ...base(eventId, at), type: 'deleted' }),
};

const fresh = () => initialState('default', DOC, 'invoice');
/** Applies and expects `applied`. */
function apply(s: DocState, payload: Payload, now: number): void {
  expect(applyEvent(s, payload, now)).toBe('applied');
}

describe('initialState', () => {
  it('starts empty', () => {
    expect(initialState('acme', 'd9')).toEqual({
      tenantId: 'acme',
      documentId: 'd9',
      documentType: 'invoice',
      fields: {},
      lastApplied: {},
      seenEventIds: [],
      eventTriggers: [],
      fired: [],
      snoozeMs: 0,
      decisions: [],
      escalationLevel: 0,
      history: [],
      emails: [],
      emailCount: 0,
      deleted: false,
    });
  });
});

describe('applyEvent: bad, foreign, repeated and stale events', () => {
  it.each([
    ['unknown status', ev.status('e1', T0, 'bogus'), 'status'],
    ['missing eventId', { type: 'assigned', occurredAt: iso(T0), documentId: DOC, assignee: 'bob' }, 'eventId'],
    ['bad occurredAt', { ...ev.status('e1', T0, 'received'), occurredAt: 'yesterday' }, 'occurredAt'],
    ['unknown type', { ...base('e1', T0), type: 'exploded' }, 'type'],
    ['unknown field', { ...ev.status('e1', T0, 'received'), colour: 'red' }, 'colour'],
    ['code as a field value', ev.fields('e1', T0, { total: { $gt: 1 } }), 'fields.total'],
  ])('%s: rejected, recorded in history, nothing applied', (_name, payload, field) => {
    const s = fresh();
    const before = structuredClone(s);
    expect(applyEvent(s, payload, T0)).toBe('rejected');
    expect(s.history).toEqual([{ at: T0, kind: 'rejected', text: expect.stringContaining(field) }]);
    expect({ ...s, history: [] }).toEqual(before);
  });

  it('never throws, whatever arrives', () => {
    fc.assert(
      fc.property(fc.anything(), (raw) => {
        const s = fresh();
        expect(['rejected', 'other_document', 'applied', 'stale', 'duplicate']).toContain(applyEvent(s, raw, T0));
      }),
      { numRuns: 300 },
    );
    for (const raw of [
      undefined,
      null,
      0,
      '',
      [],
      new Date(),
      Symbol('x'),
      () => 1,
      Object.create(null),
      { type: 'deleted' },
    ]) {
      expect(applyEvent(fresh(), raw, T0)).toBe('rejected');
    }
  });

  it('keeps the rejection text short', () => {
    const s = fresh();
    applyEvent(
      s,
      {
        ...ev.status('e1', T0, 'received'),
        ...Object.fromEntries(Array.from({ length: 200 }, (_, i) => [`extra_field_${i}`, i])),
      },
      T0,
    );
    expect(s.history[0].text.length).toBeLessThanOrEqual(500);
  });

  it('an event for another document or tenant is recorded and ignored', () => {
    const s = fresh();
    expect(applyEvent(s, { ...ev.status('e1', T0, 'received'), documentId: 'doc-2' }, T0)).toBe('other_document');
    expect(applyEvent(s, { ...ev.status('e2', T0, 'received'), tenantId: 'acme' }, T0)).toBe('other_document');
    expect(s.status).toBeUndefined();
    expect(s.history.map((h) => [h.kind, h.eventId])).toEqual([
      ['rejected', 'e1'],
      ['rejected', 'e2'],
    ]);
  });

  it('a repeated eventId is a duplicate and changes nothing (not even history)', () => {
    const s = fresh();
    apply(s, ev.status('e1', T0, 'pending_approval'), T0);
    const before = structuredClone(s);
    expect(applyEvent(s, ev.status('e1', T0 + HOUR, 'approved'), T0 + HOUR)).toBe('duplicate');
    expect(applyEvent(s, ev.assigned('e1', T0 + HOUR, 'bob'), T0 + HOUR)).toBe('duplicate');
    expect(s).toEqual(before);
  });

  it('an event older than the last applied one of its aspect is stale: recorded, not applied; later re-delivery is a duplicate', () => {
    const s = fresh();
    apply(s, ev.status('e1', T0, 'pending_approval'), T0);
    expect(applyEvent(s, ev.status('e0', T0 - MIN, 'received'), T0 + MIN)).toBe('stale');
    expect(s.status).toBe('pending_approval');
    expect(s.statusEventId).toBe('e1');
    expect(s.history.at(-1)).toEqual({
      at: T0 + MIN,
      kind: 'ignored',
      eventId: 'e0',
      text: expect.stringContaining('older than the last applied status change'),
    });
    expect(applyEvent(s, ev.status('e0', T0 - MIN, 'received'), T0 + 2 * MIN)).toBe('duplicate');
    // `deleted` is a status change too.
    expect(applyEvent(s, ev.deleted('x0', T0 - MIN), T0 + 2 * MIN)).toBe('stale');
    expect(s.deleted).toBe(false);
  });

  it('aspects are independent: an older assignment still applies after a newer status change', () => {
    const s = fresh();
    apply(s, ev.status('e1', T0, 'pending_approval'), T0);
    apply(s, ev.assigned('a1', T0 - HOUR, 'alice'), T0 + MIN);
    apply(s, ev.fields('f1', T0 - HOUR, { invoice_id: 'INV-1' }), T0 + MIN);
    apply(s, ev.due('d1', T0 - HOUR, T0 + 48 * HOUR), T0 + MIN);
    apply(s, ev.comment('c1', T0 - HOUR), T0 + MIN);
    expect(applyEvent(s, ev.assigned('a0', T0 - 2 * HOUR, 'zed'), T0 + MIN)).toBe('stale');
    expect(s.assignee).toBe('alice');
    expect(s.lastApplied).toEqual({
      status: T0,
      assignee: T0 - HOUR,
      fields: T0 - HOUR,
      due: T0 - HOUR,
      comment: T0 - HOUR,
    });
  });

  it('an event with the same occurredAt as the last applied one is applied', () => {
    const s = fresh();
    apply(s, ev.status('e1', T0, 'pending_approval'), T0);
    apply(s, ev.status('e2', T0, 'on_hold'), T0 + MIN);
    expect(s.status).toBe('on_hold');
  });
});

describe('applyEvent: status visits and tasks', () => {
  it('a status change starts a new visit: event id, now (not occurredAt), reason, previous status', () => {
    const s = fresh();
    apply(s, ev.status('e1', T0, 'received'), T0 + 5);
    apply(
      s,
      ev.status('e2', T0 + MIN, 'error', { reason: 'OCR failed', errorMessage: 'timeout', actor: 'ocr' }),
      T0 + 2 * MIN,
    );
    expect(s).toMatchObject({
      status: 'error',
      previousStatus: 'received',
      statusEventId: 'e2',
      statusSince: T0 + 2 * MIN,
      statusReason: 'OCR failed',
      errorMessage: 'timeout',
    });
    expect(s.history.at(-1)).toEqual({
      at: T0 + 2 * MIN,
      kind: 'event',
      eventId: 'e2',
      text: 'status → error by ocr (OCR failed)',
    });
    apply(s, ev.status('e3', T0 + 3 * MIN, 'processing'), T0 + 3 * MIN);
    expect(s.statusReason).toBeUndefined();
    expect(s.errorMessage).toBeUndefined();
  });

  it('resets snooze and escalation level, and opens a task only in intervention statuses', () => {
    for (const status of STATUSES) {
      const s = fresh();
      apply(s, ev.status('e1', T0, status === 'received' ? 'processing' : 'received'), T0);
      s.snoozeMs = HOUR;
      s.escalationLevel = 2;
      apply(s, ev.status('e2', T0 + MIN, status), T0 + MIN);
      expect(s.snoozeMs).toBe(0);
      expect(s.escalationLevel).toBe(0);
      if (isIntervention(status)) {
        expect(s.task).toEqual({ id: 'e2', version: 1, status, openedAt: T0 + MIN, recipients: [] });
        expect(awaitingAction(s)).toBe(true);
      } else {
        expect(s.task).toBeUndefined();
        expect(awaitingAction(s)).toBe(false);
      }
    }
    expect(INTERVENTION_STATUSES).toHaveLength(7);
  });

  it('the same status again is not a new visit: task, snooze and visit are kept', () => {
    const s = fresh();
    apply(s, ev.status('e1', T0, 'pending_approval'), T0);
    s.snoozeMs = HOUR;
    s.task!.recipients.push('alice@example.com');
    const task = structuredClone(s.task);
    apply(s, ev.status('e2', T0 + MIN, 'pending_approval'), T0 + MIN);
    expect(s).toMatchObject({ statusEventId: 'e1', statusSince: T0, snoozeMs: HOUR, task });
  });

  it('a decision ends awaiting action; a new intervention status opens a new task', () => {
    const s = fresh();
    apply(s, ev.status('e1', T0, 'pending_approval'), T0);
    s.task!.decision = { action: 'approve', actor: 'alice', at: T0 + MIN, via: 'link' };
    expect(awaitingAction(s)).toBe(false);
    apply(s, ev.status('e2', T0 + 2 * MIN, 'pending_second_approval'), T0 + 2 * MIN);
    expect(s.task).toEqual({
      id: 'e2',
      version: 1,
      status: 'pending_second_approval',
      openedAt: T0 + 2 * MIN,
      recipients: [],
    });
    expect(awaitingAction(s)).toBe(true);
  });

  it('deleted: terminal status deleted, flag set, event triggers dropped', () => {
    const s = fresh();
    apply(s, ev.status('e1', T0, 'pending_approval'), T0);
    apply(s, ev.comment('c1', T0 + MIN), T0 + MIN);
    expect(s.eventTriggers).toHaveLength(1);
    apply(s, ev.deleted('x1', T0 + 2 * MIN), T0 + 2 * MIN);
    expect(s).toMatchObject({
      status: 'deleted',
      statusEventId: 'x1',
      deleted: true,
      eventTriggers: [],
      task: undefined,
    });
    expect(isTerminal(s.status)).toBe(true);
  });

  it('terminal statuses drop pending event triggers and collect no new ones', () => {
    for (const status of ['exported', 'rejected', 'deleted'] as DocumentStatus[]) {
      const s = fresh();
      apply(s, ev.assigned('a1', T0, 'alice'), T0);
      apply(s, ev.status('e1', T0 + MIN, status), T0 + MIN);
      expect(s.eventTriggers).toEqual([]);
      apply(s, ev.assigned('a2', T0 + 2 * MIN, 'bob'), T0 + 2 * MIN);
      apply(s, ev.comment('c1', T0 + 2 * MIN), T0 + 2 * MIN);
      expect(s.eventTriggers).toEqual([]);
      expect(s.assignee).toBe('bob');
      expect(s.lastComment).toMatchObject({ eventId: 'c1' });
    }
  });
});

describe('applyEvent: assignment, fields, due date, comments', () => {
  it('reassignment bumps the task version; the same assignee again does not', () => {
    const s = fresh();
    apply(s, ev.assigned('a1', T0, 'alice'), T0);
    expect(s).toMatchObject({ assignee: 'alice', assigneeEventId: 'a1', assigneeSince: T0 });
    apply(s, ev.status('e1', T0 + MIN, 'pending_approval'), T0 + MIN);
    expect(s.task?.version).toBe(1);
    apply(s, ev.assigned('a2', T0 + 2 * MIN, 'bob'), T0 + 3 * MIN);
    expect(s.task?.version).toBe(2);
    expect(s).toMatchObject({ assignee: 'bob', assigneeEventId: 'a2', assigneeSince: T0 + 3 * MIN });
    apply(s, ev.assigned('a3', T0 + 4 * MIN, 'bob'), T0 + 4 * MIN);
    expect(s.task?.version).toBe(2);
    expect(s.assigneeEventId).toBe('a2');
    expect(s.eventTriggers.map((e) => [e.eventId, e.type, e.at])).toEqual([
      ['a1', 'assigned', T0],
      ['a2', 'assigned', T0 + 3 * MIN],
    ]);
  });

  it('a decided task keeps its version on reassignment', () => {
    const s = fresh();
    apply(s, ev.status('e1', T0, 'pending_approval'), T0);
    s.task!.decision = { action: 'reject', actor: 'alice', at: T0, reason: 'duplicate', via: 'api' };
    apply(s, ev.assigned('a1', T0 + MIN, 'bob'), T0 + MIN);
    expect(s.task?.version).toBe(1);
  });

  it('fields merge, due date and comment are stored; documentType follows the event', () => {
    const s = fresh();
    apply(s, ev.fields('f1', T0, { invoice_id: 'INV-1', total_amount: 10 }), T0);
    apply(
      s,
      { ...ev.fields('f2', T0 + MIN, { total_amount: 12.5, paid: false, note: null }), documentType: 'credit_note' },
      T0 + MIN,
    );
    expect(s.fields).toEqual({ invoice_id: 'INV-1', total_amount: 12.5, paid: false, note: null });
    expect(s.documentType).toBe('credit_note');
    apply(s, ev.due('d1', T0 + MIN, Date.parse('2026-04-01T00:00:00+02:00')), T0 + 2 * MIN);
    expect(s).toMatchObject({ dueAt: Date.parse('2026-03-31T22:00:00Z'), dueEventId: 'd1', dueSetAt: T0 + 2 * MIN });
    apply(s, ev.comment('c1', T0 + MIN, 'hello'), T0 + 3 * MIN);
    expect(s.lastComment).toEqual({ author: 'bob', text: 'hello', at: T0 + 3 * MIN, eventId: 'c1' });
    expect(s.eventTriggers).toEqual([{ eventId: 'c1', type: 'comment_added', at: T0 + 3 * MIN }]);
  });
});

describe('bounded state', () => {
  it('seen event ids, history and event triggers stay within their limits', () => {
    const s = fresh();
    const n = LIMITS.seenEventIds + 50;
    for (let i = 0; i < n; i++) applyEvent(s, ev.comment(`c${i}`, T0 + i), T0 + i);
    expect(s.seenEventIds).toHaveLength(LIMITS.seenEventIds);
    expect(s.seenEventIds.at(-1)).toBe(`c${n - 1}`);
    expect(s.history).toHaveLength(LIMITS.history);
    expect(s.eventTriggers).toHaveLength(LIMITS.eventTriggers);
    expect(s.eventTriggers.at(-1)?.eventId).toBe(`c${n - 1}`);
  });

  it('markFired records a key once; recordEmail counts sent emails only', () => {
    const s = fresh();
    markFired(s, 'k1');
    markFired(s, 'k1');
    markFired(s, 'k2');
    expect(s.fired).toEqual(['k1', 'k2']);
    recordEmail(s, { key: 'k1', kind: 'first', to: 'a@example.com', status: 'sent', at: T0 });
    recordEmail(s, { key: 'k2', kind: 'first', to: 'b@example.com', status: 'failed', at: T0 });
    expect(s.emails).toHaveLength(2);
    expect(s.emailCount).toBe(1);
  });
});

describe('applyEvent: properties', () => {
  const stepArb = fc.record({
    kind: fc.constantFrom('status', 'assigned', 'comment', 'due', 'deleted', 'dup'),
    status: fc.constantFrom(...STATUSES),
    who: fc.constantFrom('alice', 'bob'),
    gap: fc.integer({ min: 0, max: 120 }).map((m) => m * MIN),
    age: fc.integer({ min: -60, max: 60 }).map((m) => m * MIN),
  });

  it('status and task follow the newest applied status change; task versions only grow within a visit', () => {
    fc.assert(
      fc.property(fc.array(stepArb, { maxLength: 40 }), (steps) => {
        const s = fresh();
        let now = T0;
        let lastStatus: { status: DocumentStatus; at: number } | undefined;
        let n = 0;
        for (const st of steps) {
          now += st.gap;
          const occurred = now + st.age;
          const dup = st.kind === 'dup' && n > 0;
          const id = dup ? `e${n}` : `e${++n}`;
          const visit = s.statusEventId;
          const version = s.task?.version ?? 0;
          const payload =
            st.kind === 'assigned'
              ? ev.assigned(id, occurred, st.who)
              : st.kind === 'comment'
                ? ev.comment(id, occurred)
                : st.kind === 'due'
                  ? ev.due(id, occurred, occurred + HOUR)
                  : st.kind === 'deleted'
                    ? ev.deleted(id, occurred)
                    : ev.status(id, occurred, st.status);
          const result = applyEvent(s, payload, now);
          if (dup) expect(result).toBe('duplicate');
          const newStatus =
            st.kind === 'deleted' ? 'deleted' : st.kind === 'status' || st.kind === 'dup' ? st.status : undefined;
          if (result === 'applied' && newStatus) {
            expect(occurred).toBeGreaterThanOrEqual(lastStatus?.at ?? -Infinity);
            lastStatus = { status: newStatus, at: occurred };
          }
          if (newStatus && result === 'stale') expect(occurred).toBeLessThan(lastStatus!.at);
          expect(s.status).toBe(lastStatus?.status);
          expect(!!s.task).toBe(isIntervention(s.status));
          if (s.task) expect(s.task.status).toBe(s.status);
          if (s.statusEventId === visit && s.task) expect(s.task.version).toBeGreaterThanOrEqual(version);
          if (isTerminal(s.status)) expect(s.eventTriggers).toEqual([]);
        }
      }),
      { numRuns: 200 },
    );
  });
});

describe('due_date_set', () => {
  it('the same due date again keeps the plan (no replanning, no second overdue notice)', () => {
    const state = initialState('default', 'SAME');
    const base = { documentId: 'SAME', type: 'due_date_set', dueAt: '2026-12-10T10:00:00Z' };
    expect(
      applyEvent(
        state,
        { ...base, eventId: 'd1', occurredAt: '2026-12-01T10:00:00Z' },
        Date.parse('2026-12-01T10:00:00Z'),
      ),
    ).toBe('applied');
    expect(
      applyEvent(
        state,
        { ...base, eventId: 'd2', occurredAt: '2026-12-11T10:00:00Z' },
        Date.parse('2026-12-11T10:00:00Z'),
      ),
    ).toBe('applied');
    expect(state.dueEventId).toBe('d1');
    expect(
      applyEvent(
        state,
        { ...base, dueAt: '2026-12-20T10:00:00Z', eventId: 'd3', occurredAt: '2026-12-12T10:00:00Z' },
        Date.parse('2026-12-12T10:00:00Z'),
      ),
    ).toBe('applied');
    expect(state.dueEventId).toBe('d3');
  });
});
