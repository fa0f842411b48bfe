import {
  documentEventSchema,
  describeIssues,
  eventLimitIssues,
  fieldsOverflow,
  type DocumentEvent,
  type FieldValue,
} from './events';
import { isIntervention, isTerminal, type DocumentStatus } from './status';

/** Bounds that keep a long-lived document's state (and so its history payloads) small. */
export const LIMITS = {
  seenEventIds: 1000,
  history: 100,
  emails: 100,
  fired: 1000,
  eventTriggers: 20,
  decisions: 20,
} as const;

export type Aspect = 'status' | 'assignee' | 'fields' | 'due' | 'comment';

export interface HistoryEntry {
  at: number;
  kind: 'event' | 'ignored' | 'rejected' | 'email' | 'decision' | 'snooze' | 'escalation' | 'info';
  text: string;
  eventId?: string;
}

export interface EmailRecord {
  key: string;
  kind: string;
  to: string;
  status: 'sent' | 'failed' | 'skipped';
  at: number;
  messageId?: string;
  detail?: string;
}

export interface TaskDecision {
  action: string;
  actor: string;
  at: number;
  reason?: string;
  via: 'link' | 'api' | 'pipeline';
}

/** The human task opened while the document waits in an intervention status. */
export interface OpenTask {
  /** Stable per status visit. */
  id: string;
  /** Bumped on reassignment: links sent before it are stale. */
  version: number;
  status: DocumentStatus;
  openedAt: number;
  /** Addresses that received a link for this task. */
  recipients: string[];
  decision?: TaskDecision;
}

/** Everything the document workflow knows; plain data, carried across continue-as-new. */
export interface DocState {
  tenantId: string;
  documentId: string;
  documentType: string;
  status?: DocumentStatus;
  previousStatus?: DocumentStatus;
  statusSince?: number;
  /** eventId of the status change that started this status visit: the "transition" of ledger keys. */
  statusEventId?: string;
  statusReason?: string;
  errorMessage?: string;
  assignee?: string;
  assigneeEventId?: string;
  assigneeSince?: number;
  fields: Record<string, FieldValue>;
  dueAt?: number;
  dueEventId?: string;
  dueSetAt?: number;
  lastComment?: { author: string; text: string; at: number; eventId: string };
  /** occurredAt (ms) of the last applied event per aspect. */
  lastApplied: Partial<Record<Aspect, number>>;
  seenEventIds: string[];
  /** Events that may trigger event rules (`assigned`, `comment_added`). */
  eventTriggers: { eventId: string; type: 'assigned' | 'comment_added'; at: number }[];
  /** Keys of notifications already fired (never planned again). */
  fired: string[];
  /** Snooze shift (ms) of reminders and escalations in this status visit. */
  snoozeMs: number;
  /** Ids of the links that snoozed in this status visit: each link snoozes once (snooze.ts). Absent before the first. */
  snoozeLinks?: string[];
  /** The total snooze cap (ms, SNOOZE_MAX_TOTAL) in force at this visit's last snooze; the plan bounds the shift by it. */
  snoozeMaxTotalMs?: number;
  task?: OpenTask;
  /** Decisions whose confirmation and webhook may still be pending (kept after the task closes). */
  decisions: { taskId: string; decision: TaskDecision }[];
  escalationLevel: number;
  history: HistoryEntry[];
  emails: EmailRecord[];
  emailCount: number;
  deleted: boolean;
}

export function initialState(tenantId: string, documentId: string, documentType = 'invoice'): DocState {
  return {
    tenantId,
    documentId,
    documentType,
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
  };
}

function pushBounded<T>(list: T[], item: T, max: number): void {
  list.push(item);
  if (list.length > max) list.splice(0, list.length - max);
}

/**
 * An escalation fired: the level rises (never falls), and a level that hands the task to someone else reassigns it
 * (the task's version moves on, so links to the previous assignee stop working).
 */
export function applyEscalation(state: DocState, level: number, reassignTo: string | undefined, at: number): void {
  state.escalationLevel = Math.max(state.escalationLevel, level);
  record(state, { at, kind: 'escalation', text: `escalation level ${level}` });
  if (reassignTo && reassignTo !== state.assignee) {
    state.assignee = reassignTo;
    if (state.task) state.task.version += 1;
    record(state, { at, kind: 'info', text: `reassigned to ${reassignTo} by escalation` });
  }
}

export function record(state: DocState, entry: HistoryEntry): void {
  pushBounded(state.history, entry, LIMITS.history);
}

const ASPECT: Record<DocumentEvent['type'], Aspect> = {
  status_changed: 'status',
  deleted: 'status',
  assigned: 'assignee',
  fields_updated: 'fields',
  due_date_set: 'due',
  comment_added: 'comment',
};

export type ApplyResult = 'applied' | 'duplicate' | 'stale' | 'rejected' | 'other_document';

/**
 * Applies one raw `documentEvent` payload. Bad data is recorded and ignored (never throws);
 * a repeated eventId is ignored; an event older than the last applied one of its aspect is recorded, not applied.
 */
export interface ApplyOptions {
  /** Refuse events over EVENT_LIMITS (control characters, instants out of range, too many or too large fields). Runs started before these limits pass false. @default true */
  bounded?: boolean;
}

export function applyEvent(state: DocState, raw: unknown, now: number, options: ApplyOptions = {}): ApplyResult {
  const parsed = documentEventSchema.safeParse(raw);
  if (!parsed.success) {
    record(state, {
      at: now,
      kind: 'rejected',
      text: `bad event ignored: ${describeIssues(parsed.error)}`.slice(0, 500),
    });
    return 'rejected';
  }
  const e = parsed.data;
  if (options.bounded ?? true) {
    // What passed the schema but would wedge the workflow (payloads over Temporal's limits, a search attribute it
    // refuses, a byte PostgreSQL refuses) is recorded and dropped: the document's other events and emails go on.
    const issues = eventLimitIssues(raw);
    const overflow =
      issues.length === 0 && e.type === 'fields_updated' ? fieldsOverflow(state.fields, e.fields) : undefined;
    if (issues.length > 0 || overflow) {
      const why = overflow ?? issues.map((i) => `${i.path}: ${i.message}`).join('; ');
      record(state, { at: now, kind: 'rejected', text: `${e.type} ignored: ${why}`.slice(0, 500) });
      return 'rejected';
    }
  }
  if (e.documentId !== state.documentId || e.tenantId !== state.tenantId) {
    record(state, {
      at: now,
      kind: 'rejected',
      eventId: e.eventId,
      text: `event for ${e.tenantId}/${e.documentId} ignored`,
    });
    return 'other_document';
  }
  if (state.seenEventIds.includes(e.eventId)) return 'duplicate';
  pushBounded(state.seenEventIds, e.eventId, LIMITS.seenEventIds);
  const at = Date.parse(e.occurredAt);
  const aspect = ASPECT[e.type];
  const last = state.lastApplied[aspect];
  if (last !== undefined && at < last) {
    record(state, {
      at: now,
      kind: 'ignored',
      eventId: e.eventId,
      text: `${describe(e)} is older than the last applied ${aspect} change; recorded, not applied`,
    });
    return 'stale';
  }
  state.lastApplied[aspect] = at;
  if (e.documentType) state.documentType = e.documentType;
  record(state, { at: now, kind: 'event', eventId: e.eventId, text: describe(e) });
  switch (e.type) {
    case 'status_changed':
      changeStatus(state, e.status, e.eventId, now, e.reason, e.errorMessage);
      break;
    case 'deleted':
      state.deleted = true;
      changeStatus(state, 'deleted', e.eventId, now);
      break;
    case 'assigned':
      if (e.assignee !== state.assignee) {
        state.assignee = e.assignee;
        state.assigneeEventId = e.eventId;
        state.assigneeSince = now;
        if (state.task && !state.task.decision) state.task.version += 1;
        if (!isTerminal(state.status))
          pushBounded(state.eventTriggers, { eventId: e.eventId, type: 'assigned', at: now }, LIMITS.eventTriggers);
      }
      break;
    case 'fields_updated':
      Object.assign(state.fields, e.fields);
      break;
    case 'due_date_set':
      if (Date.parse(e.dueAt) === state.dueAt) break; // the same date again: nothing to replan (no second overdue notice)
      state.dueAt = Date.parse(e.dueAt);
      state.dueEventId = e.eventId;
      state.dueSetAt = now;
      break;
    case 'comment_added':
      state.lastComment = { author: e.author, text: e.text, at: now, eventId: e.eventId };
      if (!isTerminal(state.status))
        pushBounded(state.eventTriggers, { eventId: e.eventId, type: 'comment_added', at: now }, LIMITS.eventTriggers);
      break;
  }
  return 'applied';
}

/** Enters a new status visit (a repeated identical status is not a new visit). */
function changeStatus(
  state: DocState,
  status: DocumentStatus,
  eventId: string,
  now: number,
  reason?: string,
  errorMessage?: string,
): void {
  if (state.status === status) return;
  state.previousStatus = state.status;
  state.status = status;
  state.statusSince = now;
  state.statusEventId = eventId;
  state.statusReason = reason;
  state.errorMessage = errorMessage;
  state.snoozeMs = 0;
  delete state.snoozeLinks;
  delete state.snoozeMaxTotalMs;
  state.escalationLevel = 0;
  state.task = isIntervention(status) ? { id: eventId, version: 1, status, openedAt: now, recipients: [] } : undefined;
  if (isTerminal(status)) state.eventTriggers = [];
}

function describe(e: DocumentEvent): string {
  switch (e.type) {
    case 'status_changed':
      return `status → ${e.status}${e.actor ? ` by ${e.actor}` : ''}${e.reason ? ` (${e.reason})` : ''}`;
    case 'assigned':
      return `assigned to ${e.assignee}`;
    case 'fields_updated':
      return `fields updated: ${Object.keys(e.fields).join(', ')}`;
    case 'due_date_set':
      return `due date set to ${e.dueAt}`;
    case 'comment_added':
      return `comment by ${e.author}`;
    case 'deleted':
      return 'deleted';
  }
}

/** Is a person expected to act now? (the `AwaitingAction` search attribute) */
export function awaitingAction(state: DocState): boolean {
  return isIntervention(state.status) && !!state.task && !state.task.decision;
}

export function markFired(state: DocState, key: string): void {
  if (!state.fired.includes(key)) pushBounded(state.fired, key, LIMITS.fired);
}

/** A notification withdrawn before its instant may be planned again (at its new time, if the plan still has it). */
export function unmarkFired(state: DocState, key: string): void {
  state.fired = state.fired.filter((k) => k !== key);
}

/** Records the decision of the open task; its confirmation and webhook are planned from `decisions`. */
export function decide(state: DocState, decision: TaskDecision): void {
  if (!state.task) return;
  state.task.decision = decision;
  pushBounded(state.decisions, { taskId: state.task.id, decision }, LIMITS.decisions);
}

export function recordEmail(state: DocState, email: EmailRecord): void {
  pushBounded(state.emails, email, LIMITS.emails);
  if (email.status === 'sent') state.emailCount += 1;
}
