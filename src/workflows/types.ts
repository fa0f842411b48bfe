import type { DocState, EmailRecord, HistoryEntry, OpenTask } from '../domain/document';
import type { PlannedNotification } from '../domain/plan';
import type { FieldValue } from '../domain/events';

/** Input of the document workflow: ids at first start, the carried state after continue-as-new. */
export interface DocumentWorkflowInput {
  tenantId: string;
  documentId: string;
  documentType?: string;
  state?: DocState;
  /**
   * Behaviour version the run started with (`WORKFLOW_VERSION` for runs started by the client since version 5;
   * absent in older runs, whose behaviours follow their `patched()` markers).
   */
  version?: number;
  /** Continue-as-new after this many history events (or when Temporal suggests it). @default 1000 (5000 in runs started before version 5) */
  maxHistoryEvents?: number;
}

export interface ResolveTaskInput {
  taskId: string;
  taskVersion: number;
  action: 'approve' | 'reject' | 'validate';
  /** Who decides (the link's recipient, or an API caller). */
  actor: string;
  reason?: string;
  /** The link's expiry (epoch ms); the validator refuses an expired one. */
  expiresAt?: number;
  via?: 'link' | 'api';
}

export interface ResolveTaskResult {
  taskId: string;
  action: string;
  actor: string;
  at: string;
}

export interface SnoozeInput {
  taskId: string;
  /** The link's task version: a link sent before a reassignment is refused. */
  taskVersion?: number;
  /** Duration string ("1d", "PT2H") or milliseconds. */
  duration: string | number;
  actor: string;
  expiresAt?: number;
  /**
   * The link's id (the action page sends the fingerprint of the link's token): each link snoozes once. Absent for
   * callers without a link (they are bounded by the total only).
   */
  linkId?: string;
  /** The total snooze cap of a status visit, ms (the action page sends SNOOZE_MAX_TOTAL). @default 7 days */
  maxTotalMs?: number;
}

/** The `rulesChanged` signal's argument: the tenant's rules version after an administrator's change. */
export interface RulesChangedNotice {
  version: number;
}

export interface SnoozeResult {
  taskId: string;
  /** By how much the reminders were actually postponed (less than asked when the cap or the due date limited it). */
  snoozedMs: number;
  /** What was asked for (absent from runs started before bounded snoozes). */
  requestedMs?: number;
  /** Why `snoozedMs` is less than `requestedMs`: the visit's total cap or the due date. */
  limitedBy?: 'cap' | 'due_date';
  /** The status visit's total snooze after this one, and its cap (ms). */
  totalSnoozedMs?: number;
  maxTotalMs?: number;
  nextNotificationAt?: string;
}

/** Everything a template or page needs to know about a document at one moment. */
export interface DocumentSnapshot {
  tenantId: string;
  documentId: string;
  documentType: string;
  status?: string;
  previousStatus?: string;
  assignee?: string;
  fields: Record<string, FieldValue>;
  dueAt?: string;
  statusReason?: string;
  errorMessage?: string;
  comment?: { author: string; text: string };
  escalationLevel: number;
  task?: { id: string; version: number };
  decision?: { action: string; actor: string; at: string; reason?: string };
}

/** The `documentState` query's answer. */
export interface DocumentView {
  tenantId: string;
  documentId: string;
  documentType: string;
  status?: string;
  previousStatus?: string;
  statusSince?: string;
  assignee?: string;
  fields: Record<string, FieldValue>;
  dueAt?: string;
  awaitingAction: boolean;
  escalationLevel: number;
  task?: Omit<OpenTask, 'openedAt' | 'decision'> & { openedAt: string; decision?: DocumentSnapshot['decision'] };
  /** Recent decisions by task, kept after the status moved on (a second click still shows who decided). */
  decisions: ({ taskId: string } & NonNullable<DocumentSnapshot['decision']>)[];
  pending: (Omit<PlannedNotification, 'at'> & { at: string })[];
  nextNotificationAt?: string;
  emails: (Omit<EmailRecord, 'at'> & { at: string })[];
  emailCount: number;
  /** The tenant's rules version this run last planned with (absent before it read any, or on older runs). */
  rulesVersion?: number;
  /** When this run read the rules last. */
  rulesReadAt?: string;
  history: (Omit<HistoryEntry, 'at'> & { at: string })[];
  finished: boolean;
}
