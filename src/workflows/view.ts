import {
  defineSearchAttributeKey,
  type SearchAttributeUpdatePair,
  type TypedSearchAttributes,
} from '@temporalio/common';
import { awaitingAction, type DocState } from '../domain/document';
import { isSaneInstant } from '../domain/events';
import type { PlannedNotification } from '../domain/plan';
import type { DocumentSnapshot, DocumentView } from './types';

/** The custom search attributes of product.md ("Temporal"). */
export const SA = {
  DocumentId: defineSearchAttributeKey('DocumentId', 'KEYWORD'),
  TenantId: defineSearchAttributeKey('TenantId', 'KEYWORD'),
  DocumentType: defineSearchAttributeKey('DocumentType', 'KEYWORD'),
  DocumentStatus: defineSearchAttributeKey('DocumentStatus', 'KEYWORD'),
  Assignee: defineSearchAttributeKey('Assignee', 'KEYWORD'),
  AwaitingAction: defineSearchAttributeKey('AwaitingAction', 'BOOL'),
  EscalationLevel: defineSearchAttributeKey('EscalationLevel', 'INT'),
  NextNotificationAt: defineSearchAttributeKey('NextNotificationAt', 'DATETIME'),
  DueAt: defineSearchAttributeKey('DueAt', 'DATETIME'),
};

const iso = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms).toISOString());

/** Search attribute values for the current state; `null` clears an attribute. */
/** A Datetime attribute's value: an instant Temporal refuses (say, the year 10000 of a bad OCR) is left unset, never sent. */
const searchableDate = (ms: number | undefined): Date | null =>
  ms !== undefined && isSaneInstant(ms) ? new Date(ms) : null;

export function searchAttributesFor(state: DocState, nextAt: number | undefined): SearchAttributeUpdatePair[] {
  return [
    { key: SA.DocumentId, value: state.documentId },
    { key: SA.TenantId, value: state.tenantId },
    { key: SA.DocumentType, value: state.documentType },
    { key: SA.DocumentStatus, value: state.status ?? null },
    { key: SA.Assignee, value: state.assignee ?? null },
    { key: SA.AwaitingAction, value: awaitingAction(state) },
    { key: SA.EscalationLevel, value: state.escalationLevel },
    { key: SA.NextNotificationAt, value: searchableDate(nextAt) },
    { key: SA.DueAt, value: searchableDate(state.dueAt) },
  ];
}

/**
 * The pairs of `wanted` whose value differs from `current` (what the run last upserted, or was started with):
 * each upsert is a visibility write and, on Temporal Cloud, a billed action, so unchanged values are not sent.
 */
export function searchAttributeChanges(
  wanted: SearchAttributeUpdatePair[],
  current: TypedSearchAttributes,
): SearchAttributeUpdatePair[] {
  const same = (a: unknown, b: unknown) =>
    a instanceof Date && b instanceof Date ? a.getTime() === b.getTime() : a === b;
  return wanted.filter(({ key, value }) => !same(value ?? undefined, current.get(key) ?? undefined));
}

/** What activities need to address and render an email about the document now. */
export function snapshotOf(state: DocState): DocumentSnapshot {
  const d = state.task?.decision;
  return {
    tenantId: state.tenantId,
    documentId: state.documentId,
    documentType: state.documentType,
    status: state.status,
    previousStatus: state.previousStatus,
    assignee: state.assignee,
    fields: { ...state.fields },
    dueAt: iso(state.dueAt),
    statusReason: state.statusReason,
    errorMessage: state.errorMessage,
    comment: state.lastComment ? { author: state.lastComment.author, text: state.lastComment.text } : undefined,
    escalationLevel: state.escalationLevel,
    task: state.task ? { id: state.task.id, version: state.task.version } : undefined,
    decision: d ? { action: d.action, actor: d.actor, at: new Date(d.at).toISOString(), reason: d.reason } : undefined,
  };
}

/**
 * The document as a notification's email shows it: for a decision's confirmation, the decision of its task (even
 * if the status moved on since); otherwise the document now.
 */
export function notificationSnapshot(state: DocState, p: PlannedNotification): DocumentSnapshot {
  const s = snapshotOf(state);
  if (p.kind !== 'decision') return s;
  const d = state.decisions.find((x) => x.taskId === p.transitionId)?.decision;
  return d
    ? {
        ...s,
        task: { id: p.transitionId, version: s.task?.id === p.transitionId ? s.task.version : 0 },
        decision: { action: d.action, actor: d.actor, at: new Date(d.at).toISOString(), reason: d.reason },
      }
    : s;
}

/** The `documentState` query's answer. */
export function viewOf(
  state: DocState,
  planned: PlannedNotification[],
  finished: boolean,
  rules?: { version?: number; readAt?: number },
): DocumentView {
  const t = state.task;
  return {
    tenantId: state.tenantId,
    documentId: state.documentId,
    documentType: state.documentType,
    status: state.status,
    previousStatus: state.previousStatus,
    statusSince: iso(state.statusSince),
    assignee: state.assignee,
    fields: state.fields,
    dueAt: iso(state.dueAt),
    awaitingAction: awaitingAction(state),
    escalationLevel: state.escalationLevel,
    task: t
      ? {
          id: t.id,
          version: t.version,
          status: t.status,
          recipients: t.recipients,
          openedAt: new Date(t.openedAt).toISOString(),
          decision: snapshotOf(state).decision,
        }
      : undefined,
    decisions: (state.decisions ?? []).map((d) => ({
      taskId: d.taskId,
      action: d.decision.action,
      actor: d.decision.actor,
      at: new Date(d.decision.at).toISOString(),
      reason: d.decision.reason,
    })),
    pending: planned.map((p) => ({ ...p, at: new Date(p.at).toISOString() })),
    nextNotificationAt: iso(planned[0]?.at),
    emails: state.emails.map((e) => ({ ...e, at: new Date(e.at).toISOString() })),
    emailCount: state.emailCount,
    rulesVersion: rules?.version,
    rulesReadAt: iso(rules?.readAt),
    history: state.history.map((h) => ({ ...h, at: new Date(h.at).toISOString() })),
    finished,
  };
}
