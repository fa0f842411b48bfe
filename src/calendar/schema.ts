import { IANAZone, DateTime } from 'luxon';
import { z } from 'zod';
import { type BusinessCalendar } from '../domain/calendar';
import { isKnownCountry, knownRegions, resolveHolidays } from './holidays';

const HH_MM = /^([01]\d|2[0-3]):[0-5]\d$/;
const weekday = 'workingDays entries must be whole numbers 1 (Mon) to 7 (Sun)';

/** 'HH:mm' from 00:00 to 23:59; the end of the window may also be '24:00' (end of the day). */
const timeOfDay = (field: 'start' | 'end') =>
  z.string().superRefine((v, ctx) => {
    if (!HH_MM.test(v) && !(field === 'end' && v === '24:00')) {
      ctx.addIssue({
        code: 'custom',
        message: `workingHours.${field} must be a time 'HH:mm' between 00:00 and ${field === 'end' ? '24:00' : '23:59'}, got "${v}"`,
      });
    }
  });

const workingHoursSchema = z
  .strictObject({ start: timeOfDay('start').default('09:00'), end: timeOfDay('end').default('18:00') })
  .superRefine((h, ctx) => {
    // 'HH:mm' strings of valid times compare like the times themselves.
    if (HH_MM.test(h.start) && (HH_MM.test(h.end) || h.end === '24:00') && h.start >= h.end) {
      ctx.addIssue({
        code: 'custom',
        path: ['end'],
        message: `workingHours.end (${h.end}) must be later than workingHours.start (${h.start})`,
      });
    }
  });

const holidaySourceSchema = z
  .strictObject({
    country: z.string().transform((v) => v.trim().toUpperCase()),
    region: z
      .string()
      .transform((v) => v.trim().toUpperCase())
      .optional(),
  })
  .superRefine((h, ctx) => {
    if (!isKnownCountry(h.country)) {
      ctx.addIssue({
        code: 'custom',
        path: ['country'],
        message: `holidays.country "${h.country}" is not a country known to date-holidays (use an ISO code such as "ES")`,
      });
    } else if (h.region !== undefined && !knownRegions(h.country).includes(h.region)) {
      const known = knownRegions(h.country);
      ctx.addIssue({
        code: 'custom',
        path: ['region'],
        message: `holidays.region "${h.region}" is not a region of ${h.country}${known.length ? ` (known: ${known.join(', ')})` : ' (it has no regions)'}`,
      });
    }
  });

/**
 * A business calendar as the administrator enters it. Defaults: `workingDays` [1, 2, 3, 4, 5]
 * (Mon–Fri), `workingHours` 09:00–18:00. `holidays` names a date-holidays country (ISO code, e.g. 'ES')
 * and optional region (date-holidays state code, e.g. 'MD'), both upper-cased; only 'public' holidays are
 * used (see resolveHolidays). `extraHolidays` adds local dates 'YYYY-MM-DD'. Unknown keys are rejected.
 * Every issue message names its field; {@link formatCalendarConfigError} prefixes the zod path.
 */
export const calendarConfigSchema = z.strictObject({
  timeZone: z.string().superRefine((v, ctx) => {
    if (!IANAZone.isValidZone(v)) {
      ctx.addIssue({ code: 'custom', message: `timeZone "${v}" is not a valid IANA time zone (e.g. "Europe/Madrid")` });
    }
  }),
  workingDays: z
    .array(z.number({ error: weekday }).int({ error: weekday }).min(1, { error: weekday }).max(7, { error: weekday }), {
      error: 'workingDays must be an array of ISO weekdays 1 (Mon) to 7 (Sun)',
    })
    .superRefine((days, ctx) => {
      if (days.length === 0)
        ctx.addIssue({ code: 'custom', message: 'workingDays must list at least one working day' });
      const dupes = days.filter((d, i) => days.indexOf(d) !== i);
      if (dupes.length)
        ctx.addIssue({ code: 'custom', message: `workingDays lists ${[...new Set(dupes)].join(', ')} more than once` });
    })
    .default(() => [1, 2, 3, 4, 5]),
  workingHours: workingHoursSchema.default({ start: '09:00', end: '18:00' }),
  holidays: holidaySourceSchema.optional(),
  extraHolidays: z
    .array(
      z.string().superRefine((v, ctx) => {
        if (!/^\d{4}-\d{2}-\d{2}$/.test(v) || !DateTime.fromISO(v, { zone: 'utc' }).isValid) {
          ctx.addIssue({ code: 'custom', message: `extraHolidays entry "${v}" is not a real date 'YYYY-MM-DD'` });
        }
      }),
    )
    .optional(),
});

/** The administrator's calendar after validation and defaults. */
export type CalendarConfig = z.output<typeof calendarConfigSchema>;

/** One line per issue: `path: message`, e.g. `workingHours.end: workingHours.end (08:00) must be later …`. */
export function formatCalendarConfigError(error: z.ZodError): string[] {
  return error.issues.map((i) => `${i.path.length ? i.path.join('.') : '(calendar)'}: ${i.message}`);
}

/** Parses the administrator's calendar; throws an Error listing every issue (see formatCalendarConfigError). */
export function parseCalendarConfig(input: unknown): CalendarConfig {
  const r = calendarConfigSchema.safeParse(input);
  if (!r.success) throw new Error(`invalid business calendar:\n${formatCalendarConfigError(r.error).join('\n')}`);
  return r.data;
}

/**
 * The core calendar for a validated config: its holidays (public holidays of the country/region for
 * `fromYear`..`toYear` inclusive, plus `extraHolidays`) resolved to sorted, unique local dates.
 */
export function toBusinessCalendar(config: CalendarConfig, fromYear: number, toYear: number): BusinessCalendar {
  const resolved = config.holidays
    ? resolveHolidays(config.holidays.country, config.holidays.region, fromYear, toYear)
    : [];
  return {
    timeZone: config.timeZone,
    workingDays: [...config.workingDays].sort((a, b) => a - b),
    workingHours: { start: config.workingHours.start, end: config.workingHours.end },
    holidays: [...new Set([...resolved, ...(config.extraHolidays ?? [])])].sort(),
  };
}
