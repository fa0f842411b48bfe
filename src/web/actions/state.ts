/** What the action pages read about a link's document: its state, the task's decision, the recipient's time zone. */
import { calendarTimeZone, readerZone } from '../../email/format';
import { NotFoundError } from '../../errors';
import type { LinkClaims } from '../../links/token';
import type { DocumentView } from '../../workflows/types';
import type { ActionContext } from './context';

/** Who decided a task, how and when. */
export interface Decision {
  action: string;
  actor: string;
  /** ISO string (documentState) or epoch ms (an AlreadyDecided refusal's details). */
  at: string | number;
  reason?: string;
}

/** Where the link's task stands, for pages that change nothing. */
export type TaskState =
  { kind: 'open' } | { kind: 'decided'; decision: Decision } | { kind: 'reassigned' } | { kind: 'stale' };

/** The document's state, or `undefined` when docnotify does not know it (other failures are thrown). */
export async function loadState(ctx: ActionContext, claims: LinkClaims): Promise<DocumentView | undefined> {
  try {
    return await ctx.client.getState(claims.documentId, claims.tenantId);
  } catch (error) {
    if (error instanceof NotFoundError) return undefined;
    throw error;
  }
}

/** Who decided the link's task, also after the document moved on to another status. */
export function decisionOf(view: DocumentView | undefined, taskId: string): Decision | undefined {
  if (!view) return undefined;
  if (view.task?.id === taskId && view.task.decision) return view.task.decision;
  return (view.decisions ?? []).find((decision) => decision.taskId === taskId);
}

/** Mirrors the Update validator's order, for pages that change nothing. */
export function taskState(view: DocumentView, claims: LinkClaims): TaskState {
  const task = view.task;
  const decided = decisionOf(view, claims.taskId);
  if (decided) return { kind: 'decided', decision: decided };
  if (!task || task.id !== claims.taskId) return { kind: 'stale' };
  if (task.version !== claims.taskVersion) return { kind: 'reassigned' };
  if (!view.awaitingAction || view.finished) return { kind: 'stale' };
  return { kind: 'open' };
}

/**
 * The recipient's time zone from the directory (times on pages are shown in it), else the tenant calendar's, else
 * UTC: the zone the recipient's emails are formatted in.
 */
export async function zoneOf(ctx: ActionContext, claims: LinkClaims): Promise<string> {
  try {
    const own = (await ctx.stores.directory.resolve(claims.tenantId, claims.recipient))[0]?.timeZone;
    return readerZone(own ?? calendarTimeZone((await ctx.stores.tenants.get(claims.tenantId)).calendar));
  } catch {
    return 'UTC';
  }
}

/** The document's state and the recipient's time zone, read together. */
export const stateAndZone = (ctx: ActionContext, claims: LinkClaims): Promise<[DocumentView | undefined, string]> =>
  Promise.all([loadState(ctx, claims), zoneOf(ctx, claims)]);
