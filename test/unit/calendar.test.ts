import fc from 'fast-check';
import { DateTime } from 'luxon';
import {
  addBusinessDays,
  addBusinessHours,
  addDuration,
  type BusinessCalendar,
  countWorkingDays,
  DEFAULT_CALENDAR,
  isWorkingMoment,
  nextWorkingMoment,
} from '../../src/domain/calendar';
import { resolveHolidays } from '../../src/calendar/holidays';

const MADRID = 'Europe/Madrid';
const NEW_YORK = 'America/New_York';

/** Epoch ms of a local wall-clock time 'YYYY-MM-DDTHH:mm' in `zone`. */
const at = (local: string, zone = MADRID): number => DateTime.fromISO(local, { zone }).toMillis();
/** Local ISO form of an instant, e.g. '2026-12-07T17:00:00.000+01:00'. */
const iso = (t: number, zone = MADRID): string => DateTime.fromMillis(t, { zone }).toISO()!;
const localDate = (t: number, zone: string): string => DateTime.fromMillis(t, { zone }).toISODate()!;
const timeOfDay = (t: number, zone: string): string => DateTime.fromMillis(t, { zone }).toFormat('HH:mm:ss.SSS');

const spain: BusinessCalendar = {
  timeZone: MADRID,
  workingDays: [1, 2, 3, 4, 5],
  workingHours: { start: '09:00', end: '18:00' },
  holidays: resolveHolidays('ES', undefined, 2026, 2027),
};

describe('business calendar: Madrid, December 2026 (Spanish national holidays)', () => {
  const fri17 = at('2026-12-04T17:00');

  it('uses national holidays: 8 December is one, 7 December is not', () => {
    expect(spain.holidays).toContain('2026-12-08');
    expect(spain.holidays).not.toContain('2026-12-07');
  });

  it('Friday 17:00 + 1 business day = Monday 17:00', () => {
    expect(iso(addBusinessDays(fri17, 1, spain))).toBe('2026-12-07T17:00:00.000+01:00');
  });

  it('one more business day skips the 8 December holiday: Wednesday 17:00', () => {
    expect(iso(addBusinessDays(addBusinessDays(fri17, 1, spain), 1, spain))).toBe('2026-12-09T17:00:00.000+01:00');
    expect(iso(addBusinessDays(fri17, 2, spain))).toBe('2026-12-09T17:00:00.000+01:00');
  });

  it('Friday 17:00 + 3 business days = Thursday 17:00', () => {
    expect(iso(addBusinessDays(fri17, 3, spain))).toBe('2026-12-10T17:00:00.000+01:00');
  });

  it('a Saturday start first moves to the next working moment (Monday 09:00), then adds', () => {
    expect(iso(addBusinessDays(at('2026-12-12T10:00'), 1, spain))).toBe('2026-12-15T09:00:00.000+01:00');
    // Saturday 5 December: Monday 7th 09:00, then one day skipping the 8th.
    expect(iso(addBusinessDays(at('2026-12-05T10:00'), 1, spain))).toBe('2026-12-09T09:00:00.000+01:00');
    expect(iso(addBusinessDays(at('2026-12-12T10:00'), 0, spain))).toBe('2026-12-14T09:00:00.000+01:00');
  });

  it('a start after working hours also moves to the next window first', () => {
    expect(iso(addBusinessDays(at('2026-12-10T19:30'), 1, spain))).toBe('2026-12-14T09:00:00.000+01:00');
    expect(iso(addBusinessDays(at('2026-12-10T07:00'), 1, spain))).toBe('2026-12-11T09:00:00.000+01:00');
  });

  it('fractional days count half the window (4.5 business hours) per 0.5 day', () => {
    expect(iso(addBusinessDays(fri17, 0.5, spain))).toBe('2026-12-07T12:30:00.000+01:00');
    expect(iso(addBusinessDays(fri17, 1.5, spain))).toBe('2026-12-09T12:30:00.000+01:00');
  });

  it('business hours overflow the end of the window into the next working day', () => {
    expect(iso(addBusinessHours(at('2026-12-10T17:00'), 2, spain))).toBe('2026-12-11T10:00:00.000+01:00');
    expect(iso(addBusinessHours(fri17, 2, spain))).toBe('2026-12-07T10:00:00.000+01:00');
    expect(iso(addBusinessHours(at('2026-12-07T17:00'), 2, spain))).toBe('2026-12-09T10:00:00.000+01:00');
    expect(iso(addBusinessHours(at('2026-12-10T09:00'), 4.5, spain))).toBe('2026-12-10T13:30:00.000+01:00');
    expect(iso(addBusinessHours(at('2026-12-10T09:00'), 18, spain))).toBe('2026-12-14T09:00:00.000+01:00');
  });

  it('hours that end exactly at the window end give the start of the next window', () => {
    expect(iso(addBusinessHours(at('2026-12-10T17:00'), 1, spain))).toBe('2026-12-11T09:00:00.000+01:00');
  });

  it('working moments are the half-open window [09:00, 18:00) on working days', () => {
    expect(isWorkingMoment(at('2026-12-10T09:00'), spain)).toBe(true);
    expect(isWorkingMoment(at('2026-12-10T17:59'), spain)).toBe(true);
    expect(isWorkingMoment(at('2026-12-10T18:00'), spain)).toBe(false);
    expect(isWorkingMoment(at('2026-12-10T08:59'), spain)).toBe(false);
    expect(isWorkingMoment(at('2026-12-08T12:00'), spain)).toBe(false);
    expect(isWorkingMoment(at('2026-12-12T12:00'), spain)).toBe(false);
    expect(iso(nextWorkingMoment(at('2026-12-10T12:34'), spain))).toBe('2026-12-10T12:34:00.000+01:00');
    expect(iso(nextWorkingMoment(at('2026-12-07T18:00'), spain))).toBe('2026-12-09T09:00:00.000+01:00');
  });

  it('countWorkingDays counts days strictly after the start up to and including the end', () => {
    expect(countWorkingDays('2026-12-04', '2026-12-10', spain)).toBe(3);
    expect(countWorkingDays('2026-12-04', '2026-12-04', spain)).toBe(0);
    expect(countWorkingDays('2026-12-10', '2026-12-04', spain)).toBe(0);
    expect(countWorkingDays('2026-12-31', '2027-01-08', spain)).toBe(4); // 1 and 6 January 2027 are holidays
  });
});

describe('business calendar: time zones and DST', () => {
  it('uses the recipient time zone when given', () => {
    const t = at('2026-12-10T17:00'); // 11:00 in New York
    expect(iso(addBusinessHours(t, 2, spain, NEW_YORK), NEW_YORK)).toBe('2026-12-10T13:00:00.000-05:00');
    expect(isWorkingMoment(at('2026-12-10T08:00', NEW_YORK), spain, NEW_YORK)).toBe(false);
    expect(iso(nextWorkingMoment(at('2026-12-10T08:00', NEW_YORK), spain, NEW_YORK), NEW_YORK)).toBe(
      '2026-12-10T09:00:00.000-05:00',
    );
  });

  it('keeps the wall-clock time across DST changes', () => {
    const plain: BusinessCalendar = { ...DEFAULT_CALENDAR, timeZone: MADRID };
    // Madrid springs forward on Sunday 2026-03-29 and falls back on Sunday 2026-10-25.
    expect(iso(addBusinessDays(at('2026-03-27T10:00'), 1, plain))).toBe('2026-03-30T10:00:00.000+02:00');
    expect(iso(addBusinessDays(at('2026-10-23T10:00'), 1, plain))).toBe('2026-10-26T10:00:00.000+01:00');
    // New York springs forward on 2026-03-08 and falls back on 2026-11-01.
    const ny: BusinessCalendar = { ...DEFAULT_CALENDAR, timeZone: NEW_YORK };
    expect(iso(addBusinessDays(at('2026-03-06T10:00', NEW_YORK), 1, ny), NEW_YORK)).toBe(
      '2026-03-09T10:00:00.000-04:00',
    );
    expect(iso(addBusinessDays(at('2026-10-30T10:00', NEW_YORK), 1, ny), NEW_YORK)).toBe(
      '2026-11-02T10:00:00.000-05:00',
    );
  });

  it('a window start inside the spring-forward gap moves to the first valid instant', () => {
    const always: BusinessCalendar = {
      timeZone: MADRID,
      workingDays: [1, 2, 3, 4, 5, 6, 7],
      workingHours: { start: '02:30', end: '20:00' },
      holidays: [],
    };
    expect(iso(nextWorkingMoment(at('2026-03-28T21:00'), always))).toBe('2026-03-29T03:00:00.000+02:00');
    expect(iso(addBusinessDays(at('2026-03-28T02:30'), 1, always))).toBe('2026-03-29T03:00:00.000+02:00');
    expect(iso(addBusinessDays(at('2026-03-28T02:30'), 2, always))).toBe('2026-03-30T02:30:00.000+02:00');
    const ny = { ...always, timeZone: NEW_YORK };
    expect(iso(nextWorkingMoment(at('2026-03-07T21:00', NEW_YORK), ny), NEW_YORK)).toBe(
      '2026-03-08T03:00:00.000-04:00',
    );
  });

  it('a repeated (fall-back) window start uses its first occurrence', () => {
    const always: BusinessCalendar = {
      timeZone: MADRID,
      workingDays: [1, 2, 3, 4, 5, 6, 7],
      workingHours: { start: '02:30', end: '20:00' },
      holidays: [],
    };
    expect(new Date(nextWorkingMoment(at('2026-10-24T21:00'), always)).toISOString()).toBe('2026-10-25T00:30:00.000Z');
  });

  it('business hours inside a window count real time (a 23-hour day has 23 business hours)', () => {
    const allDay: BusinessCalendar = {
      timeZone: MADRID,
      workingDays: [1, 2, 3, 4, 5, 6, 7],
      workingHours: { start: '00:00', end: '24:00' },
      holidays: [],
    };
    expect(iso(addBusinessHours(at('2026-03-29T00:00'), 23, allDay))).toBe('2026-03-30T00:00:00.000+02:00');
    expect(iso(addBusinessHours(at('2026-10-25T00:00'), 24, allDay))).toBe('2026-10-25T23:00:00.000+01:00');
  });
});

describe('business calendar: durations, defaults and errors', () => {
  it('DEFAULT_CALENDAR is Mon–Fri 09:00–18:00 UTC with no holidays', () => {
    expect(DEFAULT_CALENDAR).toEqual({
      timeZone: 'UTC',
      workingDays: [1, 2, 3, 4, 5],
      workingHours: { start: '09:00', end: '18:00' },
      holidays: [],
    });
  });

  it('addDuration: elapsed adds plain ms, business uses the calendar (default when undefined)', () => {
    const sat = Date.parse('2026-12-12T10:00:00Z');
    expect(addDuration(sat, { kind: 'elapsed', ms: 90_000 }, spain)).toBe(sat + 90_000);
    expect(addDuration(sat, { kind: 'elapsed', ms: 5 }, undefined)).toBe(sat + 5);
    expect(new Date(addDuration(sat, { kind: 'business', unit: 'days', amount: 1 }, undefined)).toISOString()).toBe(
      '2026-12-15T09:00:00.000Z',
    );
    expect(new Date(addDuration(sat, { kind: 'business', unit: 'hours', amount: 2 }, undefined)).toISOString()).toBe(
      '2026-12-14T11:00:00.000Z',
    );
    expect(iso(addDuration(at('2026-12-04T17:00'), { kind: 'business', unit: 'days', amount: 3 }, spain))).toBe(
      '2026-12-10T17:00:00.000+01:00',
    );
  });

  it('throws instead of looping on a calendar with no working days', () => {
    const none = { ...DEFAULT_CALENDAR, workingDays: [] };
    expect(() => nextWorkingMoment(0, none)).toThrow('calendar has no working days');
    expect(() => addBusinessDays(0, 1, none)).toThrow('calendar has no working days');
    expect(() => addBusinessHours(0, 1, none)).toThrow('calendar has no working days');
    expect(() => isWorkingMoment(0, none)).toThrow('calendar has no working days');
  });

  it('throws after a bounded search when every working day is a holiday', () => {
    const mondays: string[] = [];
    for (let d = DateTime.fromISO('2026-01-05', { zone: 'utc' }); d.year < 2037; d = d.plus({ weeks: 1 }))
      mondays.push(d.toISODate()!);
    expect(() =>
      nextWorkingMoment(Date.parse('2026-01-01T00:00:00Z'), {
        ...DEFAULT_CALENDAR,
        workingDays: [1],
        holidays: mondays,
      }),
    ).toThrow(/within 3660 days/);
  });

  it('rejects negative amounts, bad hours and bad zones', () => {
    expect(() => addBusinessDays(0, -1, DEFAULT_CALENDAR)).toThrow(/non-negative/);
    expect(() => addBusinessHours(0, Number.NaN, DEFAULT_CALENDAR)).toThrow(/non-negative/);
    expect(() => nextWorkingMoment(0, { ...DEFAULT_CALENDAR, workingHours: { start: '18:00', end: '09:00' } })).toThrow(
      /before/,
    );
    expect(() => nextWorkingMoment(0, DEFAULT_CALENDAR, 'Mars/Olympus')).toThrow(/Mars\/Olympus/);
  });
});

describe('business calendar: properties', () => {
  const RUNS = { numRuns: 200 };
  const FROM = Date.parse('2025-01-01T00:00:00Z');
  const TO = Date.parse('2027-12-31T00:00:00Z');
  const zoneArb = fc.constantFrom('UTC', MADRID, NEW_YORK);
  const instantArb = fc.integer({ min: FROM, max: TO });
  const hmArb = (minH: number, maxH: number) =>
    fc
      .tuple(fc.integer({ min: minH, max: maxH }), fc.constantFrom(0, 15, 30, 45))
      .map(([h, m]) => `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}`);
  /** Random calendars; windows stay in daytime (06:00–22:45), away from the 02:00–03:00 DST changes. */
  const calArb: fc.Arbitrary<BusinessCalendar> = fc.record({
    timeZone: zoneArb,
    workingDays: fc.subarray([1, 2, 3, 4, 5, 6, 7], { minLength: 1 }),
    workingHours: fc.record({ start: hmArb(6, 12), end: hmArb(13, 22) }),
    holidays: fc
      .uniqueArray(fc.integer({ min: 0, max: 1200 }), { maxLength: 60 })
      .map((offsets) => offsets.map((o) => new Date(FROM + o * 86_400_000).toISOString().slice(0, 10))),
  });
  const daysArb = fc.integer({ min: 0, max: 25 });
  const hoursArb = fc.integer({ min: 0, max: 400 }).map((q) => q / 4);

  it('nextWorkingMoment returns a working moment at or after the start (the start itself if working)', () => {
    fc.assert(
      fc.property(calArb, instantArb, (cal, t) => {
        const n = nextWorkingMoment(t, cal);
        expect(n).toBeGreaterThanOrEqual(t);
        expect(isWorkingMoment(n, cal)).toBe(true);
        expect(n === t).toBe(isWorkingMoment(t, cal));
      }),
      RUNS,
    );
  });

  it('addBusinessDays and addBusinessHours always return working moments', () => {
    fc.assert(
      fc.property(calArb, instantArb, daysArb, hoursArb, zoneArb, (cal, t, days, hours, zone) => {
        expect(isWorkingMoment(addBusinessDays(t, days, cal, zone), cal, zone)).toBe(true);
        expect(isWorkingMoment(addBusinessDays(t, days + 0.5, cal, zone), cal, zone)).toBe(true);
        expect(isWorkingMoment(addBusinessHours(t, hours, cal, zone), cal, zone)).toBe(true);
      }),
      RUNS,
    );
  });

  it('is monotonic: a later start or a larger amount never gives an earlier result', () => {
    fc.assert(
      fc.property(
        calArb,
        instantArb,
        fc.integer({ min: 0, max: 10 * 86_400_000 }),
        daysArb,
        daysArb,
        hoursArb,
        hoursArb,
        (cal, t1, delta, d1, d2, h1, h2) => {
          const t2 = t1 + delta;
          expect(nextWorkingMoment(t2, cal)).toBeGreaterThanOrEqual(nextWorkingMoment(t1, cal));
          expect(addBusinessDays(t2, d1, cal)).toBeGreaterThanOrEqual(addBusinessDays(t1, d1, cal));
          expect(addBusinessHours(t2, h1, cal)).toBeGreaterThanOrEqual(addBusinessHours(t1, h1, cal));
          const [dLo, dHi] = d1 <= d2 ? [d1, d2] : [d2, d1];
          const [hLo, hHi] = h1 <= h2 ? [h1, h2] : [h2, h1];
          expect(addBusinessDays(t1, dHi, cal)).toBeGreaterThanOrEqual(addBusinessDays(t1, dLo, cal));
          expect(addBusinessHours(t1, hHi, cal)).toBeGreaterThanOrEqual(addBusinessHours(t1, hLo, cal));
        },
      ),
      RUNS,
    );
  });

  it('addBusinessDays agrees with a day-by-day count of working days', () => {
    fc.assert(
      fc.property(calArb, instantArb, daysArb, (cal, t, days) => {
        const zone = cal.timeZone;
        const start = nextWorkingMoment(t, cal);
        const result = addBusinessDays(t, days, cal);
        expect(countWorkingDays(localDate(start, zone), localDate(result, zone), cal)).toBe(days);
        expect(timeOfDay(result, zone)).toBe(timeOfDay(start, zone));
      }),
      RUNS,
    );
  });

  it('addBusinessHours is additive: (t + a) + b = t + (a + b)', () => {
    fc.assert(
      fc.property(calArb, instantArb, hoursArb, hoursArb, (cal, t, a, b) => {
        expect(addBusinessHours(addBusinessHours(t, a, cal), b, cal)).toBe(addBusinessHours(t, a + b, cal));
      }),
      RUNS,
    );
  });

  it('DST: addBusinessDays keeps the local time of day in Madrid and New York across transitions', () => {
    // Ranges of six weeks around each 2026 transition (and business-day counts that cross them).
    const around = (iso: string) => Date.parse(iso) - 21 * 86_400_000;
    const starts = [
      around('2026-03-08T12:00:00Z'),
      around('2026-03-29T12:00:00Z'),
      around('2026-10-25T12:00:00Z'),
      around('2026-11-01T12:00:00Z'),
    ];
    fc.assert(
      fc.property(
        fc.constantFrom(MADRID, NEW_YORK),
        fc.constantFrom(...starts),
        fc.integer({ min: 0, max: 21 * 86_400_000 }),
        fc.integer({ min: 0, max: 30 }),
        hmArb(6, 11),
        (zone, base, offset, days, start) => {
          const cal: BusinessCalendar = {
            timeZone: zone,
            workingDays: [1, 2, 3, 4, 5],
            workingHours: { start, end: '19:00' },
            holidays: [],
          };
          const from = nextWorkingMoment(base + offset, cal);
          const result = addBusinessDays(base + offset, days, cal);
          expect(timeOfDay(result, zone)).toBe(timeOfDay(from, zone));
          expect(countWorkingDays(localDate(from, zone), localDate(result, zone), cal)).toBe(days);
        },
      ),
      RUNS,
    );
  });

  it('holidays are never working days', () => {
    fc.assert(
      fc.property(
        calArb.filter((c) => c.holidays.length > 0),
        fc.nat(),
        fc.integer({ min: 0, max: 24 * 60 - 1 }),
        instantArb,
        (cal, i, minute, t) => {
          const holiday = cal.holidays[i % cal.holidays.length];
          const moment = DateTime.fromISO(holiday, { zone: cal.timeZone }).plus({ minutes: minute }).toMillis();
          if (localDate(moment, cal.timeZone) === holiday) expect(isWorkingMoment(moment, cal)).toBe(false);
          const results = [nextWorkingMoment(t, cal), addBusinessDays(t, 2, cal), addBusinessHours(t, 7.5, cal)];
          for (const r of results) expect(cal.holidays).not.toContain(localDate(r, cal.timeZone));
        },
      ),
      RUNS,
    );
  });
});
