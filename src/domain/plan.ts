import { addDuration, nextWorkingMoment, type BusinessCalendar } from './calendar';
import { awaitingAction, type DocState } from './document';
// Types only from rules.ts: its zod schemas stay out of the workflow bundle, where every cached workflow would build
// its own copy of them (the sandbox evaluates modules per workflow).
import type { Rule, RuleSpec } from './rules';
import { snoozeShift } from './snooze';
import { isTerminal } from './status';

/** Template of a rule's first email. */
export function firstTemplate(rule: RuleSpec): string {
  if (rule.template) return rule.template;
  return 'status' in rule.trigger ? `status_${rule.trigger.status}` : rule.trigger.event;
}

/** Does this rule apply to documents of this type? */
export function appliesToType(rule: Pick<RuleSpec, 'documentType'>, documentType: string): boolean {
  return !rule.documentType || rule.documentType === documentType;
}

export type NotificationKind =
  'first' | 'reminder' | 'reassignment' | 'event' | 'escalation' | 'due_soon' | 'overdue' | 'decision';

/** One email-sending moment the document is waiting for. */
export interface PlannedNotification {
  /** Deterministic: transition (an eventId), rule, kind, sequence. Never fired twice. */
  key: string;
  /** Epoch ms. */
  at: number;
  ruleId: string;
  ruleVersion: number;
  kind: NotificationKind;
  /** Reminder number, escalation level, due offset index; 0 for first/event. */
  seq: number;
  /** The eventId this notification descends from. */
  transitionId: string;
  template: string;
  /** One line for operators ("reminder 2 of 'Approval'"). */
  summary: string;
}

export interface PlanContext {
  /** Current rules of the tenant (inactive ones are ignored). */
  rules: Rule[];
  /** Tenant's default business calendar; absent = 24/7. */
  calendar?: BusinessCalendar;
  /** Named calendars a rule may select. */
  calendars?: Record<string, BusinessCalendar>;
  /** The assignee's time zone (working hours are read in it). */
  timeZone?: string;
  /** The tenant's rules version these rules were read at (bumped by every rule or calendar change). */
  rulesVersion?: number;
  /** When they were read (epoch ms). */
  rulesReadAt?: number;
  /** How long before its instant an email is prepared and handed to a waiting activity (SEND_AHEAD); 0 or absent = at the instant. */
  sendAheadMs?: number;
}

/**
 * Everything not yet sent that the document's current state calls for, earliest first.
 * Pure: the same state and context always give the same plan.
 */
/** At the same instant, the ladder's order: the first notice before reminders, reminders before escalations. */
const KIND_ORDER: Record<NotificationKind, number> = {
  first: 0,
  reassignment: 1,
  event: 2,
  reminder: 3,
  due_soon: 4,
  overdue: 5,
  escalation: 6,
  decision: 7,
};

export interface PlanOptions {
  /** Order ties by kind (KIND_ORDER) rather than by key alone. Workflows started before this pass false. @default true */
  tiesByKind?: boolean;
  /**
   * Bound the snooze shift of reminders and escalations (snooze.ts, {@link snoozeShift}): at most the visit's cap,
   * and never past the due date. Runs started before bounded snoozes pass false until they
   * take `patched('bounded-snooze')`. @default true
   */
  boundedSnooze?: boolean;
}

export function plan(state: DocState, ctx: PlanContext, options: PlanOptions = {}): PlannedNotification[] {
  const out: PlannedNotification[] = [];
  const fired = new Set(state.fired);
  const add = (p: PlannedNotification) => {
    if (!fired.has(p.key)) out.push(p);
  };
  const bounded = options.boundedSnooze ?? true;
  /** A reminder or escalation planned at `t` (before snoozes), snoozed, in working time. */
  const snoozed = (t: number, working: (t: number) => number): number => {
    if (!bounded) return working(t + state.snoozeMs);
    const shift = snoozeShift(state, t);
    const at = working(t + shift);
    // Working time must not carry a snoozed email past the due date either: then it goes at the due date.
    return shift > 0 && state.dueAt !== undefined && at > state.dueAt ? Math.max(working(t), state.dueAt) : at;
  };
  const rules = ctx.rules.filter(
    (r) => r.active && r.tenantId === state.tenantId && appliesToType(r, state.documentType),
  );
  const terminal = isTerminal(state.status);
  const decision = state.task?.decision;
  // Kept in `decisions`, so a status change arriving before the confirmation went out loses nothing.
  for (const d of state.decisions ?? []) {
    add({
      key: `${d.taskId}:decision`,
      at: d.decision.at,
      ruleId: '',
      ruleVersion: 0,
      kind: 'decision',
      seq: 0,
      transitionId: d.taskId,
      template: 'decision_confirmation',
      summary: `confirmation of ${d.decision.action} by ${d.decision.actor}`,
    });
  }

  for (const rule of rules) {
    const cal = (rule.calendar && ctx.calendars?.[rule.calendar]) || ctx.calendar;
    const working = (t: number) => (cal ? nextWorkingMoment(t, cal, ctx.timeZone) : t);
    const base = { ruleId: rule.id, ruleVersion: rule.version };

    if ('event' in rule.trigger) {
      if (terminal || decision) continue; // after a decision only its confirmation goes out
      for (const e of state.eventTriggers) {
        if (e.type !== rule.trigger.event) continue;
        add({
          ...base,
          key: `${e.eventId}:${rule.id}:event`,
          at: addDuration(e.at, rule.delay, cal, ctx.timeZone),
          kind: 'event',
          seq: 0,
          transitionId: e.eventId,
          template: firstTemplate(rule),
          summary: `${rule.trigger.event} notice of '${rule.name}'`,
        });
      }
      continue;
    }

    if (rule.trigger.status !== state.status || state.statusSince === undefined || !state.statusEventId) continue;
    const decided = !!state.task?.decision;
    if (decided) continue;
    const visit = state.statusEventId;
    const since = state.statusSince;
    const first = addDuration(since, rule.delay, cal, ctx.timeZone);
    add({
      ...base,
      key: `${visit}:${rule.id}:first`,
      at: first,
      kind: 'first',
      seq: 0,
      transitionId: visit,
      template: firstTemplate(rule),
      summary: `first notice of '${rule.name}'`,
    });
    if (terminal) continue;

    // Only a reassignment after the first notice's time: an earlier one is told by the first notice itself.
    if (
      rule.resendOnReassignment &&
      state.assigneeEventId &&
      state.assigneeSince !== undefined &&
      state.assigneeSince > first &&
      fired.has(`${visit}:${rule.id}:first`)
    ) {
      add({
        ...base,
        key: `${state.assigneeEventId}:${rule.id}:reassignment`,
        at: state.assigneeSince,
        kind: 'reassignment',
        seq: 0,
        transitionId: state.assigneeEventId,
        template: firstTemplate(rule),
        summary: `'${rule.name}' to new assignee ${state.assignee ?? ''}`,
      });
    }

    // Reminder k falls one interval after reminder k-1 moved into working time, so reminders that fall outside
    // working time do not pile up at the next working moment (the chain ignores snoozes; the shift is added after).
    const chain: number[] = [first];
    if (rule.repeat) {
      for (let k = 1; k <= rule.repeat.maxCount + 1; k++)
        chain.push(working(addDuration(chain[k - 1], rule.repeat.interval, cal, ctx.timeZone)));
      for (let k = 1; k <= rule.repeat.maxCount; k++) {
        add({
          ...base,
          key: `${visit}:${rule.id}:reminder:${k}`,
          at: snoozed(chain[k], working),
          kind: 'reminder',
          seq: k,
          transitionId: visit,
          template: rule.reminderTemplate,
          summary: `reminder ${k} of '${rule.name}'`,
        });
      }
    }

    rule.escalation.forEach((level, i) => {
      let at: number | undefined;
      if (level.after) at = addDuration(since, level.after, cal, ctx.timeZone);
      else if (level.afterReminders !== undefined && rule.repeat && level.afterReminders <= rule.repeat.maxCount)
        at = chain[level.afterReminders + 1];
      if (at === undefined) return;
      add({
        ...base,
        key: `${visit}:${rule.id}:escalation:${i + 1}`,
        at: snoozed(at, working),
        kind: 'escalation',
        seq: i + 1,
        transitionId: visit,
        template: level.template,
        summary: `escalation level ${i + 1} of '${rule.name}' to ${escalationTargets(level)}`,
      });
    });

    const due = rule.dueReminders;
    if (due && state.dueAt !== undefined && state.dueEventId && state.dueSetAt !== undefined && awaitingAction(state)) {
      const dueAt = state.dueAt;
      const dueKey = `${state.dueEventId}:${rule.id}`;
      due.before.forEach((offset, i) => {
        if (offset.kind !== 'elapsed') return;
        const raw = dueAt - offset.ms;
        // Already past when the due date was set, or before this visit began (the reminders wait for an open
        // task): nothing stale is sent.
        if (raw < Math.max(state.dueSetAt!, since)) return;
        const shifted = working(raw);
        add({
          ...base,
          key: `${dueKey}:due_soon:${i + 1}`,
          at: shifted <= dueAt ? shifted : raw,
          kind: 'due_soon',
          seq: i + 1,
          transitionId: state.dueEventId!,
          template: 'due_soon',
          summary: `due-date reminder ${i + 1} of '${rule.name}'`,
        });
      });
      if (due.overdue) {
        add({
          ...base,
          key: `${dueKey}:overdue:0`,
          at: dueAt,
          kind: 'overdue',
          seq: 0,
          transitionId: state.dueEventId,
          template: 'overdue',
          summary: `overdue notice of '${rule.name}'`,
        });
        if (due.repeatOverdue) {
          let t = dueAt;
          for (let k = 1; k <= due.repeatOverdue.maxCount; k++) {
            t = working(addDuration(t, due.repeatOverdue.interval, cal, ctx.timeZone)); // no pile-up, as for reminders
            // Past before this visit began or before the due date was set: the overdue notice itself says it
            // (else a due date set days late would send every missed repeat at once).
            if (t < Math.max(since, state.dueSetAt!)) continue;
            add({
              ...base,
              key: `${dueKey}:overdue:${k}`,
              at: t,
              kind: 'overdue',
              seq: k,
              transitionId: state.dueEventId,
              template: 'overdue',
              summary: `overdue notice ${k + 1} of '${rule.name}'`,
            });
          }
        }
      }
    }
  }
  const byKind = options.tiesByKind ?? true;
  return out.sort(
    (a, b) => a.at - b.at || (byKind ? KIND_ORDER[a.kind] - KIND_ORDER[b.kind] : 0) || a.key.localeCompare(b.key),
  );
}

/**
 * The notifications of a plan to fire at `now`: those due by then, or within `aheadMs` of it (fired ahead and held for
 * their instant, SEND_AHEAD), in the plan's order.
 */
export function dueNow(planned: PlannedNotification[], now: number, aheadMs: number): PlannedNotification[] {
  return planned.filter((p) => p.at <= now + aheadMs);
}

/**
 * Is a notification fired ahead of its instant still called for, no later than planned? False once the document
 * moved on (a decision, a new status, a snooze that moved it later): the email waiting for that instant is withdrawn.
 */
export function stillDue(
  state: DocState,
  ctx: PlanContext,
  fired: PlannedNotification,
  options: PlanOptions = {},
): boolean {
  const unfired = { ...state, fired: state.fired.filter((k) => k !== fired.key) };
  const again = plan(unfired, ctx, options).find((p) => p.key === fired.key);
  return again !== undefined && again.at <= fired.at;
}

/** Whom an escalation level reaches, in words: `manager, role ap, boss@example.com`. */
function escalationTargets(level: { manager?: boolean; roles: string[]; addresses: string[] }): string {
  const roles = level.roles.map((role) => `role ${role}`);
  return [level.manager ? 'manager' : '', ...roles, ...level.addresses].filter(Boolean).join(', ');
}
