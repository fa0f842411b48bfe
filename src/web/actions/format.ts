/** Times and spans of time on the action pages, written as the recipient's emails write them. */
import { formatDate, formatDateTime, formatRelative } from '../../email/format';
import type { Locale } from '../locales';

/** A date and time as the emails print it (`formatDateTime`), in the recipient's time zone. */
export function when(at: string | number, lang: Locale, zone: string): string {
  return formatDateTime(at, { locale: lang, timeZone: zone }) ?? String(at);
}

/** The deadline as the emails print `{{due_date}} ({{due_in}})`: `10.12.2026 (in 3 Tagen)`. */
export function due(at: string, lang: Locale, zone: string): string | undefined {
  const reader = { locale: lang, timeZone: zone };
  const date = formatDate(at, reader);
  const inWords = formatRelative(at, Date.now(), reader);
  return date && inWords ? `${date} (${inWords})` : date;
}

const UNITS: readonly [Intl.NumberFormatOptions['unit'], number][] = [
  ['day', 86_400_000],
  ['hour', 3_600_000],
  ['minute', 60_000],
];

/** A span of time in words ("2 days, 3 hours"), days to minutes, at most two units, in the page's language. */
export function spellDuration(ms: number, lang: Locale): string {
  const inWords = (unit: Intl.NumberFormatOptions['unit'], count: number) =>
    new Intl.NumberFormat(lang, { style: 'unit', unit, unitDisplay: 'long' }).format(count);
  const parts: string[] = [];
  let rest = Math.max(0, Math.round(ms / 60_000) * 60_000);
  for (const [unit, size] of UNITS) {
    const count = Math.floor(rest / size);
    rest -= count * size;
    if (count > 0 && parts.length < 2) parts.push(inWords(unit, count));
  }
  return parts.length > 0 ? parts.join(', ') : inWords('minute', 0);
}
