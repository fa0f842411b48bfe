import Holidays from 'date-holidays';

/**
 * Holiday types kept as non-working days. date-holidays also reports 'bank', 'school', 'optional' and
 * 'observance' days (e.g. Easter Sunday, Mother's Day in ES); those are ordinary working days here.
 * Substitute days that date-holidays marks as 'public' (e.g. "día sustituto") are kept.
 */
export const KEPT_HOLIDAY_TYPES: readonly string[] = ['public'];

/** Whether date-holidays knows `country` (ISO 3166-1 alpha-2, case-insensitive, e.g. 'ES'). */
export function isKnownCountry(country: string): boolean {
  return Object.hasOwn(new Holidays().getCountries(), country.toUpperCase());
}

/**
 * Region codes date-holidays knows for `country` (its "states", ISO 3166-2 suffixes, e.g. 'MD' for
 * Madrid in 'ES'); empty when the country has none or is unknown.
 */
export function knownRegions(country: string): string[] {
  return Object.keys(new Holidays().getStates(country.toUpperCase()) ?? {});
}

/**
 * Public holidays of `country` (and `region`, a date-holidays state code such as 'MD') for the years
 * `fromYear`..`toYear` inclusive, as local dates 'YYYY-MM-DD', sorted and unique. Only holidays of the
 * types in {@link KEPT_HOLIDAY_TYPES} ('public') are returned; a holiday lasting several days
 * contributes each of its dates.
 * @throws Error naming the country/region when date-holidays does not know it, or if fromYear > toYear.
 */
export function resolveHolidays(
  country: string,
  region: string | undefined,
  fromYear: number,
  toYear: number,
): string[] {
  if (!isKnownCountry(country)) throw new Error(`unknown holiday country "${country}"`);
  if (region !== undefined && !knownRegions(country).includes(region.toUpperCase())) {
    throw new Error(`unknown holiday region "${region}" for country ${country.toUpperCase()}`);
  }
  if (!Number.isInteger(fromYear) || !Number.isInteger(toYear) || fromYear > toYear) {
    throw new Error(`invalid holiday year range ${fromYear}..${toYear}`);
  }
  const hd =
    region === undefined
      ? new Holidays(country.toUpperCase())
      : new Holidays(country.toUpperCase(), region.toUpperCase());
  const dates = new Set<string>();
  for (let year = fromYear; year <= toYear; year++) {
    for (const h of hd.getHolidays(year)) {
      if (!KEPT_HOLIDAY_TYPES.includes(h.type)) continue;
      const first = Date.parse(`${h.date.slice(0, 10)}T00:00:00Z`);
      const span = Math.max(1, Math.round((h.end.getTime() - h.start.getTime()) / 86_400_000));
      for (let i = 0; i < span; i++) dates.add(new Date(first + i * 86_400_000).toISOString().slice(0, 10));
    }
  }
  return [...dates].sort();
}
