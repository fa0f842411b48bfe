/**
 * The languages of the pages people reach from an email (action links, preferences, the waiting list), and how a
 * request picks one. Each locale's words live in one catalogue, `./<locale>/`, a module per page.
 */

export const PAGE_LOCALES = ['en', 'es', 'de'] as const;
export type Locale = (typeof PAGE_LOCALES)[number];

export const isLocale = (v: unknown): v is Locale =>
  typeof v === 'string' && (PAGE_LOCALES as readonly string[]).includes(v);

interface RankedTag {
  lang: string;
  q: number;
  position: number;
}

function rankAcceptLanguage(header: string): RankedTag[] {
  return header
    .split(',')
    .map((entry, position) => {
      const [tag, ...params] = entry.trim().split(';');
      const q = params.map((p) => /^\s*q=([\d.]+)\s*$/.exec(p)?.[1]).find((v) => v !== undefined);
      return { lang: tag.trim().toLowerCase().split('-')[0], q: q === undefined ? 1 : Number(q), position };
    })
    .filter((entry) => entry.q > 0)
    .sort((a, b) => b.q - a.q || a.position - b.position);
}

/** `?lang=` (or the form's `lang`) first, then the best `Accept-Language` entry we speak, else English. */
export function pickPageLocale(explicit: unknown, acceptLanguage: string | undefined): Locale {
  const wanted = typeof explicit === 'string' ? explicit.trim().toLowerCase().split(/[-_]/)[0] : undefined;
  if (isLocale(wanted)) return wanted;
  const best = rankAcceptLanguage(acceptLanguage ?? '').find((entry) => isLocale(entry.lang));
  return (best?.lang as Locale | undefined) ?? 'en';
}

/** `{name}` in a catalogue string, from `values` (a missing one is left out), as plain text (titles, footers). */
export const fill = (text: string, values: Record<string, string | number> = {}): string =>
  text.replace(/\{(\w+)\}/g, (_match, name: string) => (values[name] === undefined ? '' : String(values[name])));
