/**
 * Digests and storm summaries (issue 14, docs/digest.md): which email goes out now, which one waits for the person's
 * daily digest, which one is folded into a storm summary, and when a digest is due. Pure: no I/O, no clock (instants
 * are passed in), deterministic inside the workflow sandbox.
 */
import { DateTime } from 'luxon';
import { MAX_SEARCH_DAYS, type BusinessCalendar } from './calendar';
import type { SendDecision } from './preferences';

/** How a rule's reminders go out: one email each (today's behaviour), in the recipient's daily digest, or both. */
export const REMINDER_DELIVERIES = ['immediate', 'digest', 'both'] as const;
export type ReminderDelivery = (typeof REMINDER_DELIVERIES)[number];

/** The notification kinds a rule's `reminderDelivery` applies to: the repeated emails, never the first notice. */
export const REMINDER_KINDS: readonly string[] = ['reminder', 'due_soon', 'overdue'];

/**
 * The detail of a send result that went into the digest instead of out: the workflow then counts its recipient among
 * the task's (the digest carries the same action links).
 */
export const IN_DIGEST = 'in the digest';
/** The detail of a send result folded into a storm summary. */
export const IN_SUMMARY = 'in a storm summary';

/** The daily digest's bucket; storm summaries have one bucket per class and window ({@link stormBucket}). */
export const DAILY = 'daily';
export const stormBucket = (cls: string, windowStart: number): string => `storm:${cls}:${windowStart}`;

/** Where one email goes: out now, into the digest, or both. */
export interface Route {
  immediate: boolean;
  digest: boolean;
}

/**
 * The person's preference first (an email they moved to the digest never goes out on its own), then the rule's
 * delivery mode for reminders. `off` never reaches here (the caller skips it).
 */
export function routeEmail(kind: string, delivery: ReminderDelivery | undefined, decision: SendDecision): Route {
  // Turned off: not routed (a held email is skipped at its instant, the others before).
  if (!decision.send) return { immediate: true, digest: false };
  if (decision.mode === 'digest') return { immediate: false, digest: true };
  if (!REMINDER_KINDS.includes(kind) || !delivery || delivery === 'immediate')
    return { immediate: true, digest: false };
  return { immediate: delivery === 'both', digest: true };
}

/** The local time of day digests go out at, unless configured (DIGEST_TIME). */
export const DEFAULT_DIGEST_TIME = '08:00';
/** At most this many documents are listed in one digest email; the rest are counted and linked. */
export const DIGEST_MAX_LISTED = 100;

const HH_MM = /^([01]\d|2[0-3]):([0-5]\d)$/;

/** `HH:mm` → minutes after local midnight; throws naming the problem. */
export function parseTimeOfDay(s: string): number {
  const m = HH_MM.exec(s);
  if (!m) throw new Error(`must be a time of day as HH:mm (00:00–23:59), got "${s}"`);
  return Number(m[1]) * 60 + Number(m[2]);
}

/**
 * The next digest instant strictly after `afterMs`: `time` (HH:mm) on the wall clock of `timeZone` (else the
 * calendar's), on a working day of the calendar (its working days, not a holiday). Working hours do not matter: a
 * digest at 08:00 goes out at 08:00 even when work starts at 09:00. A time that does not exist that day (a DST gap)
 * is taken at the first instant after the gap.
 */
export function nextDigestAt(afterMs: number, cal: BusinessCalendar, time: string, timeZone?: string): number {
  const minutes = parseTimeOfDay(time);
  const zone = timeZone ?? cal.timeZone;
  const holidays = new Set(cal.holidays);
  const days = new Set(cal.workingDays);
  let day = DateTime.fromMillis(afterMs, { zone }).startOf('day');
  for (let i = 0; i <= MAX_SEARCH_DAYS; i++, day = day.plus({ days: 1 })) {
    if (!days.has(day.weekday) || holidays.has(day.toISODate()!)) continue;
    const at = day.set({ hour: Math.floor(minutes / 60), minute: minutes % 60 }).toMillis();
    if (at > afterMs) return at;
  }
  throw new Error(`no working day within ${MAX_SEARCH_DAYS} days of the calendar`);
}

/** One document waiting in (or reported by) a person's digest, as the store keeps it. */
export interface DigestEntry {
  documentId: string;
  /** `waiting`: the person must act (checked against the document at send time); `fyi`: listed once, then done. */
  kind: 'waiting' | 'fyi';
  subject: string;
  status?: string;
  dueAt?: number;
  /** When the document entered the status it waits in (epoch ms); for FYI, when the email would have gone out. */
  since: number;
}

/** A digest entry waits for the person (checked at send time) when the email asks them to act on an open task. */
export const entryKind = (asksToAct: boolean, doc: { task?: unknown; decision?: unknown }): DigestEntry['kind'] =>
  asksToAct && !!doc.task && !doc.decision ? 'waiting' : 'fyi';

/** Oldest and most overdue first: by due date (none last), then by how long it has waited, then by id. */
export function orderEntries<T extends DigestEntry>(entries: T[]): T[] {
  return [...entries].sort(
    (a, b) =>
      (a.dueAt ?? Number.MAX_SAFE_INTEGER) - (b.dueAt ?? Number.MAX_SAFE_INTEGER) ||
      a.since - b.since ||
      a.documentId.localeCompare(b.documentId),
  );
}

/** A storm policy: more than `limit` emails of one class to one person within `windowMs` are summarised. */
export interface StormPolicy {
  limit: number;
  windowMs: number;
}
/** The default: more than 10 error notices in 15 minutes. */
export const DEFAULT_STORM_POLICY: StormPolicy = { limit: 10, windowMs: 15 * 60_000 };

/** The statuses whose emails are error notices, the class storm protection watches. */
export const ERROR_STATUSES: readonly string[] = ['error', 'import_error', 'export_error'];

/**
 * The storm class of an email, or undefined when storms of it are not summarised: the error notices (a status
 * email, first or repeated, of an error status). Action links stay off a summary: each document's own page is linked.
 */
export function stormClass(kind: string, status: string | undefined): string | undefined {
  return (kind === 'first' || kind === 'reminder') && status && ERROR_STATUSES.includes(status)
    ? 'error_notices'
    : undefined;
}

/** The fixed window an instant falls in (windows start at multiples of `windowMs` since the epoch). */
export function stormWindow(atMs: number, policy: StormPolicy): { start: number; end: number } {
  const start = Math.floor(atMs / policy.windowMs) * policy.windowMs;
  return { start, end: start + policy.windowMs };
}

/** Inside a window, the emails ranked 1…limit go out; from limit + 1 on they wait for the window's summary. */
export const summarised = (rank: number, policy: StormPolicy): boolean => rank > policy.limit;

/**
 * An email of a storm class: on its own, or into the window's summary. A retry keeps what its first attempt did:
 * filed (its ledger row `skipped: storm…`), or sent on its own (any other row, read only when it matters).
 */
export function stormRoute(
  rank: number,
  policy: StormPolicy,
  prior: { status: string; reason?: string } | undefined,
): 'alone' | 'summary' {
  if (!summarised(rank, policy)) return 'alone';
  return !prior || (prior.status === 'skipped' && !!prior.reason?.startsWith('storm')) ? 'summary' : 'alone';
}
