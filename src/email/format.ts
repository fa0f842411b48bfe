/**
 * How values are printed for people: dates, date-times, relative due dates, amounts and numbers in the reader's
 * language and time zone. One module for the emails (`templateValues`), the action pages and the admin pages, so the
 * same value prints the same way everywhere. Pure: `Intl` and luxon, no I/O; the clock is a parameter.
 *
 * What `Intl` (Node's full ICU) prints, for 2026-12-10 and 1234.5 EUR:
 * - en: `12/10/2026`, `€1,234.50`, `in 3 days`
 * - es: `10/12/2026`, `1234,50 €` (es groups only from 5 digits on), `dentro de 3 días`
 * - de: `10.12.2026`, `1.234,50 €` (a no-break space before `€`), `in 3 Tagen`
 */
import { DateTime, IANAZone } from 'luxon';

/** Who reads the value: a BCP 47 language (`en`, `es`, `de`, `de-AT`) and an IANA time zone. */
export interface Reader {
  locale: string;
  timeZone?: string;
}

/** A language `Intl` knows (else `en`): a stored locale such as `xx` must never make formatting throw. */
export function intlLocale(locale: string | undefined): string {
  if (!locale) return 'en';
  try {
    return Intl.getCanonicalLocales(locale)[0] ?? 'en';
  } catch {
    return 'en';
  }
}

/** A valid IANA time zone, else `UTC`. */
export function readerZone(zone: string | undefined): string {
  return zone && IANAZone.isValidZone(zone) ? zone : 'UTC';
}

/** The time zone of a tenant's stored calendar config (`{ timeZone: 'Europe/Madrid', ... }`), if it has one. */
export function calendarTimeZone(calendar: unknown): string | undefined {
  const z = (calendar as { timeZone?: unknown } | null | undefined)?.timeZone;
  return typeof z === 'string' ? z : undefined;
}

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;

/**
 * A date-time value as an instant: a Date, epoch ms, or an ISO-8601 string. A date without a time
 * (`2026-12-10`) is a calendar date and is returned with `dateOnly` (printed as written, in no time zone).
 */
function instant(value: unknown): { ms: number; dateOnly: boolean } | undefined {
  if (value instanceof Date)
    return Number.isNaN(value.getTime()) ? undefined : { ms: value.getTime(), dateOnly: false };
  if (typeof value === 'number') return Number.isFinite(value) ? { ms: value, dateOnly: false } : undefined;
  if (typeof value !== 'string' || value.trim() === '') return undefined;
  const s = value.trim();
  if (DATE_ONLY.test(s)) {
    const d = DateTime.fromISO(s, { zone: 'UTC' });
    return d.isValid ? { ms: d.toMillis(), dateOnly: true } : undefined;
  }
  const d = DateTime.fromISO(s, { setZone: true });
  return d.isValid ? { ms: d.toMillis(), dateOnly: false } : undefined;
}

/**
 * A date: `10.12.2026` (de), `10/12/2026` (es), `12/10/2026` (en). An instant is shown as the date it is in the
 * reader's time zone; a calendar date (`2026-12-10`) as written. Anything that is not a date is returned as given
 * (`undefined` for an empty value).
 */
export function formatDate(value: unknown, reader: Reader): string | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  const at = instant(value);
  if (!at) return String(value);
  return new Intl.DateTimeFormat(intlLocale(reader.locale), {
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    timeZone: at.dateOnly ? 'UTC' : readerZone(reader.timeZone),
  }).format(at.ms);
}

/**
 * A date and time in the reader's time zone, with the zone: `10.12.2026, 11:00 (Europe/Berlin)`,
 * `12/10/2026, 10:00 AM (UTC)`. Not a date: returned as given.
 */
export function formatDateTime(value: unknown, reader: Reader): string | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  const at = instant(value);
  if (!at) return String(value);
  if (at.dateOnly) return formatDate(value, reader);
  const zone = readerZone(reader.timeZone);
  const text = new Intl.DateTimeFormat(intlLocale(reader.locale), {
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    timeZone: zone,
  }).format(at.ms);
  return `${text} (${zone})`;
}

/**
 * How far an instant is from `now`, in words: `in 3 days`, `dentro de 3 días`, `in 3 Tagen`, `hace 2 días`,
 * `vor 2 Stunden`. Days from 24 hours on, hours from 1 hour on, else minutes; rounded.
 */
export function formatRelative(value: unknown, now: number, reader: Pick<Reader, 'locale'>): string | undefined {
  const at = instant(value);
  if (!at) return undefined;
  const ms = at.ms - now;
  const abs = Math.abs(ms);
  const [unit, size]: [Intl.RelativeTimeFormatUnit, number] =
    abs >= 86_400_000 ? ['day', 86_400_000] : abs >= 3_600_000 ? ['hour', 3_600_000] : ['minute', 60_000];
  const n = Math.round(abs / size);
  return new Intl.RelativeTimeFormat(intlLocale(reader.locale), { numeric: 'always' }).format(ms < 0 ? -n : n, unit);
}

/** A number as given (`1234.5`, `"1234.50"`), or undefined when it is not one (`"1,234.50"`, `"abc"`). */
function toNumber(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value !== 'string' || !/^\s*-?\d+(\.\d+)?\s*$/.test(value)) return undefined;
  return Number(value);
}

const isCurrency = (c: unknown): c is string => typeof c === 'string' && /^[A-Z]{3}$/.test(c);

function currencyFormat(locale: string, currency: string, display: 'symbol' | 'none'): Intl.NumberFormat | undefined {
  try {
    const f = new Intl.NumberFormat(intlLocale(locale), { style: 'currency', currency });
    if (display === 'symbol') return f;
    const digits = f.resolvedOptions().maximumFractionDigits;
    return new Intl.NumberFormat(intlLocale(locale), { minimumFractionDigits: digits, maximumFractionDigits: digits });
  } catch {
    return undefined; // an unknown currency code
  }
}

/**
 * An amount with its currency: `€1,234.50` (en), `1234,50 €` (es), `1.234,50 €` (de). A value that is not a
 * plain number, or a currency that is not an ISO 4217 code, is shown as given (`1,234.50 EUR`).
 */
export function formatAmount(value: unknown, currency: unknown, reader: Pick<Reader, 'locale'>): string | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  const n = toNumber(value);
  const f = n !== undefined && isCurrency(currency) ? currencyFormat(reader.locale, currency, 'symbol') : undefined;
  if (f && n !== undefined) return f.format(n);
  return `${String(value)}${typeof currency === 'string' && currency ? ` ${currency}` : ''}`;
}

/**
 * An amount without its currency, with the currency's decimals when it is known: `1,234.50` (en), `1234,50` (es),
 * `1.234,50` (de). Not a plain number: shown as given.
 */
export function formatAmountNumber(
  value: unknown,
  currency: unknown,
  reader: Pick<Reader, 'locale'>,
): string | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  const n = toNumber(value);
  if (n === undefined) return String(value);
  const f = isCurrency(currency) ? currencyFormat(reader.locale, currency, 'none') : undefined;
  return (f ?? new Intl.NumberFormat(intlLocale(reader.locale), { maximumFractionDigits: 20 })).format(n);
}

/** A number: `12,345` (en), `12.345` (es, de). Not a number: as given; empty stays empty. */
export function formatNumber(value: unknown, reader: Pick<Reader, 'locale'>): string {
  if (value === undefined || value === null || value === '') return '';
  const n = toNumber(value);
  return n === undefined ? String(value) : new Intl.NumberFormat(intlLocale(reader.locale)).format(n);
}
