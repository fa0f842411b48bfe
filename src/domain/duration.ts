import { z } from 'zod';

/**
 * A duration as administrators write it. Elapsed durations are plain milliseconds; business durations
 * are counted on a business calendar (see calendar.ts) and cannot be turned into milliseconds alone.
 */
export type Duration = { kind: 'elapsed'; ms: number } | { kind: 'business'; unit: 'days' | 'hours'; amount: number };

const SHORT = /^(\d+(?:\.\d+)?)\s*(ms|s|sec|secs|seconds?|m|min|mins|minutes?|h|hr|hrs|hours?|d|days?|w|weeks?)$/i;
const BUSINESS = /^(\d+(?:\.\d+)?)\s*business\s*(days?|hours?)$/i;
const ISO =
  /^P(?:(\d+(?:\.\d+)?)W)?(?:(\d+(?:\.\d+)?)D)?(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?$/i;

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

function unitKey(u: string): string {
  const l = u.toLowerCase();
  if (l === 'ms') return 'ms';
  if (l.startsWith('mi') || l === 'm') return 'm';
  return l[0];
}

/**
 * Parses `PT90S`, `P3D`, `90s`, `5m`, `2h`, `3d`, `3 business days`, `4 business hours`, a number of
 * milliseconds, or `{ businessDays: 3 }` / `{ businessHours: 4 }` / `{ ms: 1000 }`.
 * Throws an Error whose message says what is wrong; callers add the field name.
 */
export function parseDuration(input: unknown): Duration {
  if (typeof input === 'number') {
    if (!Number.isFinite(input) || input < 0) throw new Error('must be a non-negative number of milliseconds');
    return { kind: 'elapsed', ms: Math.round(input) };
  }
  if (input && typeof input === 'object') {
    const o = input as Record<string, unknown>;
    if (o.kind === 'elapsed' && typeof o.ms === 'number') return parseDuration(o.ms);
    if (o.kind === 'business' && (o.unit === 'days' || o.unit === 'hours')) return business(o.amount, o.unit);
    if ('businessDays' in o) return business(o.businessDays, 'days');
    if ('businessHours' in o) return business(o.businessHours, 'hours');
    if ('ms' in o) return parseDuration(o.ms);
    throw new Error('must be a duration such as "PT90S", "5m", "3 business days" or { businessDays: 3 }');
  }
  if (typeof input !== 'string' || input.trim() === '') {
    throw new Error('must be a duration such as "PT90S", "5m", "3 business days" or { businessDays: 3 }');
  }
  const s = input.trim();
  const b = BUSINESS.exec(s);
  if (b) return business(Number(b[1]), b[2].toLowerCase().startsWith('d') ? 'days' : 'hours');
  const m = SHORT.exec(s);
  if (m) return finite(Math.round(Number(m[1]) * UNIT_MS[unitKey(m[2])]), s);
  const iso = ISO.exec(s);
  if (iso && s.length > 1 && s.toUpperCase() !== 'PT') {
    const [, w, d, h, mi, sec] = iso.map((x) => (x === undefined ? 0 : Number(x)));
    return finite(Math.round(w * UNIT_MS.w + d * UNIT_MS.d + h * UNIT_MS.h + mi * UNIT_MS.m + sec * UNIT_MS.s), s);
  }
  throw new Error(`"${s}" is not a duration (use e.g. "PT90S", "90s", "5m", "2h", "3d" or "3 business days")`);
}

/** A run of digits can overflow to Infinity, which no timer can wait for. */
function finite(ms: number, s: string): Duration {
  if (!Number.isFinite(ms)) throw new Error(`"${s.length > 40 ? `${s.slice(0, 40)}…` : s}" is too long a duration`);
  return { kind: 'elapsed', ms };
}

function business(amount: unknown, unit: 'days' | 'hours'): Duration {
  if (typeof amount !== 'number' || !Number.isFinite(amount) || amount < 0) {
    throw new Error(`business ${unit} must be a non-negative number`);
  }
  return { kind: 'business', unit, amount };
}

/** Milliseconds of an elapsed duration; business durations need a calendar. */
export function elapsedMs(d: Duration): number | undefined {
  return d.kind === 'elapsed' ? d.ms : undefined;
}

/** Human form, e.g. "90s", "2h", "3 business days". */
export function formatDuration(d: Duration): string {
  if (d.kind === 'business') return `${d.amount} business ${d.amount === 1 ? d.unit.slice(0, -1) : d.unit}`;
  const ms = d.ms;
  for (const [u, f] of [
    ['d', UNIT_MS.d],
    ['h', UNIT_MS.h],
    ['m', UNIT_MS.m],
    ['s', UNIT_MS.s],
  ] as const) {
    if (ms >= f && ms % f === 0) return `${ms / f}${u}`;
  }
  return `${ms}ms`;
}

/** zod schema: accepts any input form above and yields a normalized Duration. */
export const durationSchema = z.unknown().transform((v, ctx) => {
  try {
    return parseDuration(v);
  } catch (e) {
    ctx.addIssue({ code: 'custom', message: (e as Error).message });
    return z.NEVER;
  }
});
