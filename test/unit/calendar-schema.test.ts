import { KEPT_HOLIDAY_TYPES, resolveHolidays } from '../../src/calendar/holidays';
import {
  calendarConfigSchema,
  formatCalendarConfigError,
  parseCalendarConfig,
  toBusinessCalendar,
} from '../../src/calendar/schema';

/** The `path: message` lines for an invalid config (fails the test if the config is valid). */
function errorsOf(input: unknown): string[] {
  const r = calendarConfigSchema.safeParse(input);
  if (r.success) throw new Error(`expected ${JSON.stringify(input)} to be rejected`);
  return formatCalendarConfigError(r.error);
}

describe('calendarConfigSchema', () => {
  it('applies defaults: Mon–Fri, 09:00–18:00, no holidays', () => {
    expect(calendarConfigSchema.parse({ timeZone: 'Europe/Madrid' })).toEqual({
      timeZone: 'Europe/Madrid',
      workingDays: [1, 2, 3, 4, 5],
      workingHours: { start: '09:00', end: '18:00' },
    });
  });

  it('accepts a full config and normalizes country/region case', () => {
    const c = calendarConfigSchema.parse({
      timeZone: 'America/New_York',
      workingDays: [1, 2, 3, 4],
      workingHours: { start: '08:30', end: '24:00' },
      holidays: { country: 'es', region: 'md' },
      extraHolidays: ['2026-12-24', '2028-02-29'],
    });
    expect(c.holidays).toEqual({ country: 'ES', region: 'MD' });
  });

  it('names the field for a bad time zone', () => {
    expect(errorsOf({ timeZone: 'Mars/Olympus' })).toEqual([
      expect.stringMatching(/^timeZone: .*"Mars\/Olympus".*not a valid IANA time zone/),
    ]);
    expect(errorsOf({})).toEqual([expect.stringMatching(/^timeZone: /)]);
  });

  it('names the field for bad hours', () => {
    expect(errorsOf({ timeZone: 'UTC', workingHours: { start: '25:00', end: '18:00' } })).toEqual([
      expect.stringMatching(/^workingHours\.start: .*'HH:mm'.*"25:00"/),
    ]);
    expect(errorsOf({ timeZone: 'UTC', workingHours: { start: '09:00', end: '9:60' } })).toEqual([
      expect.stringMatching(/^workingHours\.end: .*"9:60"/),
    ]);
    expect(errorsOf({ timeZone: 'UTC', workingHours: { start: '18:00', end: '09:00' } })).toEqual([
      expect.stringMatching(/^workingHours\.end: .*must be later than workingHours\.start/),
    ]);
    expect(errorsOf({ timeZone: 'UTC', workingHours: { start: '09:00', end: '09:00' } })).toEqual([
      expect.stringMatching(/^workingHours\.end: .*later/),
    ]);
  });

  it('names the field for empty, out-of-range or repeated working days', () => {
    expect(errorsOf({ timeZone: 'UTC', workingDays: [] })).toEqual([
      expect.stringMatching(/^workingDays: .*at least one working day/),
    ]);
    expect(errorsOf({ timeZone: 'UTC', workingDays: [1, 8] })).toEqual([
      expect.stringMatching(/^workingDays\.1: .*1 \(Mon\) to 7 \(Sun\)/),
    ]);
    expect(errorsOf({ timeZone: 'UTC', workingDays: [1, 2, 2] })).toEqual([
      expect.stringMatching(/^workingDays: .*2 more than once/),
    ]);
  });

  it('names the field for an unknown country or region', () => {
    expect(errorsOf({ timeZone: 'UTC', holidays: { country: 'XX' } })).toEqual([
      expect.stringMatching(/^holidays\.country: .*"XX"/),
    ]);
    expect(errorsOf({ timeZone: 'UTC', holidays: { country: 'ES', region: 'ZZ' } })).toEqual([
      expect.stringMatching(/^holidays\.region: .*"ZZ" is not a region of ES .*MD/),
    ]);
  });

  it('names the field for an extra holiday that is not a real date', () => {
    expect(errorsOf({ timeZone: 'UTC', extraHolidays: ['2026-12-24', '2026-02-30', 'tomorrow'] })).toEqual([
      expect.stringMatching(/^extraHolidays\.1: .*"2026-02-30"/),
      expect.stringMatching(/^extraHolidays\.2: .*"tomorrow"/),
    ]);
  });

  it('rejects unknown keys (typos) and reports every problem at once', () => {
    expect(errorsOf({ timeZone: 'UTC', workingHour: {} })).toEqual([expect.stringMatching(/workingHour/)]);
    expect(() => parseCalendarConfig({ timeZone: 'Mars/Olympus', workingDays: [] })).toThrow(
      /timeZone: [^]*workingDays: /,
    );
  });
});

describe('resolveHolidays', () => {
  it('ES 2026 national public holidays include 8 and 25 December (and not observances)', () => {
    const es = resolveHolidays('ES', undefined, 2026, 2026);
    expect(es).toEqual(expect.arrayContaining(['2026-01-01', '2026-12-08', '2026-12-25']));
    expect(es).not.toContain('2026-04-05'); // Easter Sunday is an 'observance'
    expect(es).not.toContain('2026-12-07'); // the Constitution Day substitute is regional only
    expect(KEPT_HOLIDAY_TYPES).toEqual(['public']);
  });

  it('adds regional holidays, sorted and unique over several years', () => {
    const md = resolveHolidays('es', 'md', 2026, 2027);
    expect(md).toContain('2026-05-02'); // Día de la Comunidad de Madrid
    expect(md).toContain('2027-12-08');
    expect(md).toEqual([...new Set(md)].sort());
    expect(md.every((d) => /^\d{4}-\d{2}-\d{2}$/.test(d))).toBe(true);
  });

  it('throws on an unknown country or region', () => {
    expect(() => resolveHolidays('XX', undefined, 2026, 2026)).toThrow(/"XX"/);
    expect(() => resolveHolidays('ES', 'ZZ', 2026, 2026)).toThrow(/"ZZ"/);
    expect(() => resolveHolidays('ES', undefined, 2027, 2026)).toThrow(/year range/);
  });
});

describe('toBusinessCalendar', () => {
  it('resolves country holidays plus extra holidays into the core calendar', () => {
    const cal = toBusinessCalendar(
      parseCalendarConfig({
        timeZone: 'Europe/Madrid',
        workingDays: [5, 1, 2, 3, 4],
        holidays: { country: 'ES' },
        extraHolidays: ['2026-12-24', '2026-12-25'],
      }),
      2026,
      2026,
    );
    expect(cal.timeZone).toBe('Europe/Madrid');
    expect(cal.workingDays).toEqual([1, 2, 3, 4, 5]);
    expect(cal.workingHours).toEqual({ start: '09:00', end: '18:00' });
    expect(cal.holidays).toEqual(expect.arrayContaining(['2026-12-08', '2026-12-24', '2026-12-25']));
    expect(cal.holidays).toEqual([...new Set(cal.holidays)].sort());
  });

  it('has no holidays without a country or extra dates', () => {
    expect(toBusinessCalendar(parseCalendarConfig({ timeZone: 'UTC' }), 2026, 2030).holidays).toEqual([]);
  });
});
