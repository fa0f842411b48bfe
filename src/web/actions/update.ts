/**
 * The Update a person's click runs: `resolveTask` for a decision, `snooze` for a snooze. The workflow's validator has
 * the last word on stale, reassigned, expired or already-decided tasks.
 */
import type { DecisionOutcome } from '../../client';
import { snoozeMaxTotalMs } from '../../config';
import { Failure } from '../../domain/failures';
import { tokenFingerprint } from '../../links/redact';
import type { LinkClaims } from '../../links/token';
import type { SnoozeResult } from '../../workflows/types';
import type { ActionContext } from './context';
import { loadState, taskState } from './state';
import type { Decidable, SnoozeChoice } from './words';

/** The checked form input of an Update: a decision (a rejection with its reason) or a snooze's duration. */
export type UpdateInput = { action: 'snooze'; duration: SnoozeChoice } | { action: Decidable; reason?: string };

/** The Update's refusal, as the client reports it. */
export type Refusal = Extract<DecisionOutcome<unknown>, { ok: false }>;

/** What the Update did: when it decided, or the snooze's result and the next reminder; else why it refused. */
export type Outcome = { ok: true; at?: string; nextNotificationAt?: string; snooze?: SnoozeResult } | Refusal;

/** Postpones the reminders: once per link (its token's fingerprint), within this deployment's SNOOZE_MAX_TOTAL. */
async function snooze(ctx: ActionContext, claims: LinkClaims, token: string, duration: SnoozeChoice): Promise<Outcome> {
  // The snooze Update has no task version; refuse a reassigned link here (resolveTask's validator does it there).
  const view = await loadState(ctx, claims);
  const task = view ? taskState(view, claims) : ({ kind: 'stale' } as const);
  if (task.kind === 'reassigned') return { ok: false, reason: 'reassigned', type: Failure.Reassigned };
  const snoozed = await ctx.client.snooze(
    claims.documentId,
    {
      taskId: claims.taskId,
      taskVersion: claims.taskVersion,
      duration,
      actor: claims.recipient,
      expiresAt: claims.expiresAt,
      linkId: tokenFingerprint(token),
      maxTotalMs: snoozeMaxTotalMs(ctx.config),
    },
    claims.tenantId,
  );
  return snoozed.ok
    ? { ok: true, nextNotificationAt: snoozed.result.nextNotificationAt, snooze: snoozed.result }
    : snoozed;
}

/** Decides the task as the link's recipient (`via: 'link'`). */
async function decide(ctx: ActionContext, claims: LinkClaims, action: Decidable, reason?: string): Promise<Outcome> {
  const resolved = await ctx.client.resolveTask(
    claims.documentId,
    {
      taskId: claims.taskId,
      taskVersion: claims.taskVersion,
      action,
      actor: claims.recipient,
      reason: action === 'reject' ? reason : undefined,
      expiresAt: claims.expiresAt,
      via: 'link',
    },
    claims.tenantId,
  );
  return resolved.ok ? { ok: true, at: resolved.result.at } : resolved;
}

/** Runs the link's Update with the checked input. */
export function runUpdate(ctx: ActionContext, claims: LinkClaims, token: string, input: UpdateInput): Promise<Outcome> {
  return input.action === 'snooze'
    ? snooze(ctx, claims, token, input.duration)
    : decide(ctx, claims, input.action, input.reason);
}
