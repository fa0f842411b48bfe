import type { DocState } from './document';

/**
 * Bounded snoozes (issue 12, point 5). A snooze postpones the reminders and escalations of the open task's status
 * visit by shifting them (`DocState.snoozeMs`). It is bounded three ways:
 *
 * - **one snooze per link**: a link (its id: the fingerprint of its token) snoozes once; a second snooze with the
 *   same link is refused (`SnoozeLinkUsed`). Snoozes without a link id (an API caller) skip this check only;
 * - **a total per status visit**, `SNOOZE_MAX_TOTAL` (default 7 days): a snooze that would take the visit's total
 *   beyond it is **clamped** to what is left; when less than {@link MIN_SNOOZE_MS} is left it is refused
 *   (`SnoozeLimitReached`);
 * - **never past the due date**: the visit's total postponement never reaches past the document's due date — a
 *   reminder due now, shifted by the total, still falls by the due date (a snooze at `now` adds at most
 *   `dueAt − now − already postponed`). A longer one is clamped to that, and refused (`SnoozeDueDate`) when less
 *   than {@link MIN_SNOOZE_MS} is left.
 *
 * The plan applies the same bounds to the shift ({@link snoozeShift}): no reminder or escalation is moved by more
 * than the cap, nor past the due date (also for a shift recorded before these bounds existed).
 * Pure: no clock, no I/O; the workflow passes `now`.
 */

/** `SNOOZE_MAX_TOTAL`'s default: 7 days. */
export const DEFAULT_SNOOZE_MAX_TOTAL_MS = 7 * 86_400_000;
/** A snooze shorter than this is not worth granting: with less left, it is refused rather than clamped. */
export const MIN_SNOOZE_MS = 60_000;
/** Link ids remembered per status visit (oldest dropped first; the total cap still holds for them). */
export const MAX_SNOOZE_LINKS = 200;
/** What a link id looks like (a token fingerprint: hex, or any short URL-safe id). */
export const LINK_ID = /^[A-Za-z0-9_-]{8,64}$/;

export interface SnoozeRequest {
  /** Requested postponement, ms (> 0). */
  requestedMs: number;
  /** The link's id; absent for callers without a link. */
  linkId?: string;
  /** The visit's total cap, ms. @default DEFAULT_SNOOZE_MAX_TOTAL_MS */
  maxTotalMs?: number;
  /** Epoch ms. */
  now: number;
}

/** Why a snooze is refused: the type name the action page maps to its message. */
export type SnoozeRefusal = 'SnoozeLinkUsed' | 'SnoozeLimitReached' | 'SnoozeDueDate';

export type SnoozeDecision =
  | {
      ok: true;
      /** By how much the reminders are actually postponed (≤ requestedMs). */
      snoozedMs: number;
      requestedMs: number;
      /** Set when the snooze was shortened: by the total cap or by the due date. */
      limitedBy?: 'cap' | 'due_date';
      /** The visit's total after this snooze. */
      totalMs: number;
      maxTotalMs: number;
    }
  | { ok: false; type: SnoozeRefusal; reason: string };

/** The cap in force: the request's, else the one recorded with the visit's last snooze, else the default. */
export function snoozeCap(state: Pick<DocState, 'snoozeMaxTotalMs'>, maxTotalMs?: number): number {
  const cap = maxTotalMs ?? state.snoozeMaxTotalMs ?? DEFAULT_SNOOZE_MAX_TOTAL_MS;
  return Number.isFinite(cap) && cap >= 0 ? cap : DEFAULT_SNOOZE_MAX_TOTAL_MS;
}

/** Human-readable ms ("3d 4h", "2h 30m", "45s"), for reasons and history lines. */
export function describeMs(ms: number): string {
  const units: [string, number][] = [
    ['d', 86_400_000],
    ['h', 3_600_000],
    ['m', 60_000],
    ['s', 1000],
  ];
  const parts: string[] = [];
  let rest = Math.max(0, Math.round(ms / 1000) * 1000);
  for (const [u, size] of units) {
    const n = Math.floor(rest / size);
    if (n > 0) parts.push(`${n}${u}`);
    rest -= n * size;
    if (parts.length === 2) break;
  }
  return parts.length > 0 ? parts.join(' ') : '0s';
}

/** Decides a snooze of the open task (the validator and the handler ask the same question). Changes nothing. */
export function decideSnooze(state: DocState, req: SnoozeRequest): SnoozeDecision {
  const maxTotalMs = snoozeCap(state, req.maxTotalMs);
  if (req.linkId !== undefined && (state.snoozeLinks ?? []).includes(req.linkId)) {
    return {
      ok: false,
      type: 'SnoozeLinkUsed',
      reason: 'this link was already used to postpone the reminders; each link postpones them once',
    };
  }
  const used = Math.max(0, state.snoozeMs);
  const capLeft = maxTotalMs - used;
  if (capLeft < MIN_SNOOZE_MS) {
    return {
      ok: false,
      type: 'SnoozeLimitReached',
      reason: `the reminders were already postponed by ${describeMs(used)}, the most allowed (${describeMs(maxTotalMs)} in total)`,
    };
  }
  // A reminder due now, shifted by the visit's total, must still fall by the due date.
  const dueLeft = state.dueAt === undefined ? Infinity : state.dueAt - req.now - used;
  if (dueLeft < MIN_SNOOZE_MS) {
    const why =
      state.dueAt! <= req.now
        ? 'the document is due now'
        : `the reminders are already postponed up to the due date (${new Date(state.dueAt!).toISOString()})`;
    return { ok: false, type: 'SnoozeDueDate', reason: `${why}: reminders are not postponed past the due date` };
  }
  const snoozedMs = Math.min(req.requestedMs, capLeft, dueLeft);
  const limitedBy = snoozedMs >= req.requestedMs ? undefined : dueLeft < capLeft ? 'due_date' : 'cap';
  return {
    ok: true,
    snoozedMs,
    requestedMs: req.requestedMs,
    ...(limitedBy ? { limitedBy } : {}),
    totalMs: used + snoozedMs,
    maxTotalMs,
  };
}

/** Applies a granted snooze: the shift grows, the link is spent, the cap is kept for the plan. */
export function applySnooze(state: DocState, decision: Extract<SnoozeDecision, { ok: true }>, linkId?: string): void {
  state.snoozeMs += decision.snoozedMs;
  state.snoozeMaxTotalMs = decision.maxTotalMs;
  if (linkId !== undefined) {
    const links = [...(state.snoozeLinks ?? []), linkId];
    state.snoozeLinks = links.slice(Math.max(0, links.length - MAX_SNOOZE_LINKS));
  }
}

/**
 * The bounded shift of a reminder or escalation planned (unsnoozed) at `at`: the visit's snooze, at most the cap,
 * and never moving it past the due date (one planned before it waits until the due date at most; one planned after
 * it is not moved at all).
 */
export function snoozeShift(state: Pick<DocState, 'snoozeMs' | 'snoozeMaxTotalMs' | 'dueAt'>, at: number): number {
  let shift = Math.min(Math.max(0, state.snoozeMs), snoozeCap(state));
  if (state.dueAt !== undefined) shift = Math.min(shift, Math.max(0, state.dueAt - at));
  return shift;
}
