import { IANAZone } from 'luxon';
import { type Duration } from './duration';

/**
 * Business calendar arithmetic: a pure, deterministic core that runs inside Temporal's workflow sandbox.
 *
 * Conventions used by every function here:
 * - Instants are epoch milliseconds (UTC). Nothing reads the clock: callers pass `now`/instants in.
 * - All calendar rules (working days, working hours, holidays) apply to the local wall clock of one IANA
 *   time zone: the `timeZone` argument when given (e.g. the recipient's zone), else `cal.timeZone`.
 * - A working window is the half-open interval [start, end) of local wall-clock time on a working day
 *   (a day whose ISO weekday is in `workingDays` and whose local date is not in `holidays`). So with
 *   09:00–18:00, 09:00 is a working moment and 18:00 is not.
 * - A local wall-clock time that does not exist (spring-forward DST gap) maps to the first valid instant
 *   after the gap (the transition itself). A repeated local time (fall-back) maps to its first occurrence.
 * - Searches for the next working day stop after {@link MAX_SEARCH_DAYS} days and throw.
 */

/** A business calendar as used by the core (holidays already resolved to local dates). */
export interface BusinessCalendar {
  /** IANA time zone, e.g. 'Europe/Madrid'; used when no recipient time zone is given. */
  timeZone: string;
  /** ISO weekdays that are working days, 1 = Monday … 7 = Sunday, e.g. [1, 2, 3, 4, 5]. */
  workingDays: number[];
  /** Local working window 'HH:mm'–'HH:mm', start < end; end may be '24:00' (end of the day). */
  workingHours: { start: string; end: string };
  /** Local dates 'YYYY-MM-DD' that are not working days. */
  holidays: string[];
}

/** Monday–Friday, 09:00–18:00 UTC, no holidays. */
export const DEFAULT_CALENDAR: BusinessCalendar = Object.freeze({
  timeZone: 'UTC',
  workingDays: Object.freeze([1, 2, 3, 4, 5]) as number[],
  workingHours: Object.freeze({ start: '09:00', end: '18:00' }),
  holidays: Object.freeze([]) as unknown as string[],
});

/** Upper bound, in days, of any search for the next working day (about ten years). */
export const MAX_SEARCH_DAYS = 3660;

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;
const MINUTE_MS = 60_000;
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const HH_MM = /^(\d{2}):(\d{2})$/;

/** A calendar prepared for one time zone. Local dates are "day numbers": whole days since 1970-01-01. */
interface Compiled {
  zone: IANAZone;
  days: Set<number>;
  holidays: Set<number>;
  /** Window bounds as milliseconds after local midnight. */
  startMs: number;
  endMs: number;
}

function parseTime(s: string, field: string): number {
  const m = HH_MM.exec(s);
  const h = m ? Number(m[1]) : NaN;
  const min = m ? Number(m[2]) : NaN;
  if (!m || min > 59 || h > 24 || (h === 24 && min !== 0)) {
    throw new Error(`workingHours.${field} must be 'HH:mm' (00:00–24:00), got "${s}"`);
  }
  return h * HOUR_MS + min * MINUTE_MS;
}

/** Day number of a local 'YYYY-MM-DD' date; throws on anything that is not a real date. */
function dayOf(iso: string): number {
  const m = ISO_DATE.exec(iso);
  if (m) {
    const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
    const ms = Date.UTC(y, mo - 1, d);
    const check = new Date(ms);
    if (check.getUTCFullYear() === y && check.getUTCMonth() === mo - 1 && check.getUTCDate() === d) return ms / DAY_MS;
  }
  throw new Error(`"${iso}" is not a date 'YYYY-MM-DD'`);
}

function compile(cal: BusinessCalendar, timeZone: string | undefined): Compiled {
  const name = timeZone ?? cal.timeZone;
  const zone = IANAZone.create(name);
  if (!zone.isValid) throw new Error(`"${name}" is not a valid IANA time zone`);
  const days = new Set(cal.workingDays.filter((d) => Number.isInteger(d) && d >= 1 && d <= 7));
  if (days.size === 0) throw new Error('calendar has no working days');
  const startMs = parseTime(cal.workingHours.start, 'start');
  const endMs = parseTime(cal.workingHours.end, 'end');
  if (startMs >= endMs) {
    throw new Error(
      `workingHours.start (${cal.workingHours.start}) must be before workingHours.end (${cal.workingHours.end})`,
    );
  }
  return { zone, days, holidays: new Set(cal.holidays.map(dayOf)), startMs, endMs };
}

/** Local wall-clock time of an instant, as milliseconds since 1970-01-01T00:00 local. */
function wallOf(c: Compiled, t: number): number {
  return t + c.zone.offset(t) * MINUTE_MS;
}

/**
 * The instant at which the local wall clock reads `wall`. A time inside a DST gap gives the first
 * instant after the gap; a repeated time gives its first (earlier) occurrence.
 */
function instantOf(c: Compiled, wall: number): number {
  // UTC offsets lie within −12h…+14h, so the answer lies in [wall − 14h, wall + 12h]; assume at most one
  // offset change in that span (true for every real zone).
  const before = c.zone.offset(wall - 14 * HOUR_MS);
  const after = c.zone.offset(wall + 12 * HOUR_MS);
  const valid = [before, after].map((o) => wall - o * MINUTE_MS).filter((t) => wallOf(c, t) === wall);
  if (valid.length > 0) return Math.min(...valid);
  // Spring-forward gap (after > before): the transition lies in (wall − after, wall − before].
  let lo = wall - after * MINUTE_MS;
  let hi = wall - before * MINUTE_MS;
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (c.zone.offset(mid) === before) lo = mid;
    else hi = mid;
  }
  return hi;
}

function isWorkingDay(c: Compiled, day: number): boolean {
  const isoWeekday = ((((day + 3) % 7) + 7) % 7) + 1; // day 0 (1970-01-01) was a Thursday
  return c.days.has(isoWeekday) && !c.holidays.has(day);
}

/** The working window of a local day, or undefined if the day is not working (or DST empties it). */
function windowOf(c: Compiled, day: number): { start: number; end: number } | undefined {
  if (!isWorkingDay(c, day)) return undefined;
  const start = instantOf(c, day * DAY_MS + c.startMs);
  const end = instantOf(c, day * DAY_MS + c.endMs);
  return start < end ? { start, end } : undefined;
}

/** The next working moment at or after `t`, with the end of its working window. */
function nextWindow(c: Compiled, t: number): { at: number; end: number } {
  const first = Math.floor(wallOf(c, t) / DAY_MS);
  for (let day = first; day <= first + MAX_SEARCH_DAYS; day++) {
    const w = windowOf(c, day);
    if (w && t < w.end) return { at: Math.max(t, w.start), end: w.end };
  }
  throw new Error(`calendar has no working moment within ${MAX_SEARCH_DAYS} days`);
}

function nextWorking(c: Compiled, t: number): number {
  return nextWindow(c, t).at;
}

function nextWorkingDay(c: Compiled, day: number): number {
  for (let d = day + 1; d <= day + MAX_SEARCH_DAYS; d++) if (isWorkingDay(c, d)) return d;
  throw new Error(`calendar has no working day within ${MAX_SEARCH_DAYS} days`);
}

function checkAmount(amount: number, unit: string): void {
  if (!Number.isFinite(amount) || amount < 0)
    throw new Error(`business ${unit} must be a non-negative number, got ${amount}`);
}

function addHours(c: Compiled, startMs: number, hours: number): number {
  let remaining = Math.round(hours * HOUR_MS);
  let w = nextWindow(c, startMs);
  while (remaining >= w.end - w.at) {
    remaining -= w.end - w.at;
    w = nextWindow(c, w.end);
  }
  return w.at + remaining;
}

/**
 * Whether `instantMs` (epoch ms) falls inside a working window [start, end) of a working day, on the wall
 * clock of `timeZone ?? cal.timeZone`.
 */
export function isWorkingMoment(instantMs: number, cal: BusinessCalendar, timeZone?: string): boolean {
  const c = compile(cal, timeZone);
  const w = windowOf(c, Math.floor(wallOf(c, instantMs) / DAY_MS));
  return w !== undefined && w.start <= instantMs && instantMs < w.end;
}

/**
 * The instant itself if it is a working moment, else the start of the next working window (in
 * `timeZone ?? cal.timeZone`). Epoch ms in and out.
 * @throws Error('calendar has no working days') if `workingDays` is empty, or if no working day exists
 *   within {@link MAX_SEARCH_DAYS} days (e.g. everything is a holiday).
 */
export function nextWorkingMoment(instantMs: number, cal: BusinessCalendar, timeZone?: string): number {
  return nextWorking(compile(cal, timeZone), instantMs);
}

/**
 * Adds `days` business days to `startMs` (epoch ms), on the wall clock of `timeZone ?? cal.timeZone`.
 *
 * 1. If the start is not a working moment, it first moves to the next working moment (start of the next
 *    working window).
 * 2. The whole part of `days` steps over that many working days, keeping the local time of day (so the
 *    wall-clock time is preserved across DST changes); weekends and holidays are skipped.
 * 3. The result moves to the next working moment if needed (e.g. the kept time falls into a DST gap).
 * 4. A fractional part counts as that fraction of the nominal window length in business hours
 *    (0.5 day with 09:00–18:00 = 4.5 business hours), added with {@link addBusinessHours}.
 *
 * Example (Mon–Fri 09:00–18:00 Europe/Madrid, Spanish national holidays): Friday 2026-12-04 17:00 + 1 =
 * Monday 2026-12-07 17:00; + 2 = Wednesday 2026-12-09 17:00 (8 December is a holiday); + 3 = Thursday
 * 2026-12-10 17:00. Saturday 2026-12-12 10:00 + 1 = Tuesday 2026-12-15 09:00 (moves to Monday 09:00 first).
 * `days = 0` gives the next working moment. The result is always a working moment.
 * @throws Error if `days` is negative or not finite, or the calendar has no working days.
 */
export function addBusinessDays(startMs: number, days: number, cal: BusinessCalendar, timeZone?: string): number {
  checkAmount(days, 'days');
  const c = compile(cal, timeZone);
  const t = nextWorking(c, startMs);
  const wall = wallOf(c, t);
  let day = Math.floor(wall / DAY_MS);
  const timeOfDay = wall - day * DAY_MS;
  const whole = Math.floor(days);
  for (let i = 0; i < whole; i++) day = nextWorkingDay(c, day);
  const result = nextWorking(c, instantOf(c, day * DAY_MS + timeOfDay));
  const fraction = days - whole;
  return fraction > 0 ? addHours(c, result, (fraction * (c.endMs - c.startMs)) / HOUR_MS) : result;
}

/**
 * Adds `hours` business hours to `startMs` (epoch ms): only time inside working windows is consumed
 * (real elapsed time, so a window that contains a DST change counts its true length). Starts from the
 * next working moment; when the hours run out exactly at the end of a window the result is the start of
 * the next window, so the result is always a working moment. Example (09:00–18:00): 17:00 + 2 business
 * hours = 10:00 on the next working day; 17:00 + 1 = 09:00 on the next working day. Precision: 1 ms.
 * @throws Error if `hours` is negative or not finite, or the calendar has no working days.
 */
export function addBusinessHours(startMs: number, hours: number, cal: BusinessCalendar, timeZone?: string): number {
  checkAmount(hours, 'hours');
  return addHours(compile(cal, timeZone), startMs, hours);
}

/**
 * Applies a {@link Duration} to `startMs` (epoch ms). Elapsed durations add plain milliseconds with no
 * calendar shift; business durations use {@link addBusinessDays} / {@link addBusinessHours} on `cal`
 * (or {@link DEFAULT_CALENDAR} when `cal` is undefined) in `timeZone ?? cal.timeZone`.
 */
export function addDuration(
  startMs: number,
  d: Duration,
  cal: BusinessCalendar | undefined,
  timeZone?: string,
): number {
  if (d.kind === 'elapsed') return startMs + d.ms;
  const calendar = cal ?? DEFAULT_CALENDAR;
  return d.unit === 'days'
    ? addBusinessDays(startMs, d.amount, calendar, timeZone)
    : addBusinessHours(startMs, d.amount, calendar, timeZone);
}

/**
 * Number of working days (working weekday and not a holiday) strictly after `fromIsoDate` up to and
 * including `toIsoDate` (local dates 'YYYY-MM-DD'); 0 when `toIsoDate <= fromIsoDate`. A brute-force
 * reference for tests; the time zone and working hours play no part.
 */
export function countWorkingDays(fromIsoDate: string, toIsoDate: string, cal: BusinessCalendar): number {
  const c = compile({ ...cal, timeZone: 'UTC' }, undefined);
  const to = dayOf(toIsoDate);
  let n = 0;
  for (let d = dayOf(fromIsoDate) + 1; d <= to; d++) if (isWorkingDay(c, d)) n++;
  return n;
}
