import fc from 'fast-check';
import { durationSchema, elapsedMs, formatDuration, parseDuration, type Duration } from '../../src/domain/duration';

const S = 1000;
const M = 60 * S;
const H = 60 * M;
const D = 24 * H;
const elapsed = (ms: number): Duration => ({ kind: 'elapsed', ms });

describe('parseDuration', () => {
  it.each<[unknown, number]>([
    ['90s', 90 * S],
    ['90 s', 90 * S],
    [' 90sec ', 90 * S],
    ['1 second', S],
    ['2 seconds', 2 * S],
    ['250ms', 250],
    ['5m', 5 * M],
    ['5 min', 5 * M],
    ['5 minutes', 5 * M],
    ['1 minute', M],
    ['5M', 5 * M],
    ['2h', 2 * H],
    ['2hr', 2 * H],
    ['2 hours', 2 * H],
    ['1.5h', 90 * M],
    ['3d', 3 * D],
    ['1 day', D],
    ['2w', 14 * D],
    ['1 week', 7 * D],
    ['0s', 0],
    ['PT90S', 90 * S],
    ['pt90s', 90 * S],
    ['PT5M', 5 * M],
    ['PT2H30M', 2.5 * H],
    ['P3D', 3 * D],
    ['P1DT12H', 36 * H],
    ['P2W', 14 * D],
    ['PT0.5S', 500],
    [1500, 1500],
    [1.4, 1],
    [0, 0],
    [{ ms: 2000 }, 2 * S],
    [{ kind: 'elapsed', ms: 5 }, 5],
  ])('%j is %d ms', (input, ms) => {
    expect(parseDuration(input)).toEqual(elapsed(ms));
    expect(elapsedMs(parseDuration(input))).toBe(ms);
  });

  it.each<[unknown, Duration]>([
    ['3 business days', { kind: 'business', unit: 'days', amount: 3 }],
    ['1 business day', { kind: 'business', unit: 'days', amount: 1 }],
    ['4 business hours', { kind: 'business', unit: 'hours', amount: 4 }],
    ['0.5 Business Days', { kind: 'business', unit: 'days', amount: 0.5 }],
    [{ businessDays: 3 }, { kind: 'business', unit: 'days', amount: 3 }],
    [{ businessHours: 2 }, { kind: 'business', unit: 'hours', amount: 2 }],
    [
      { kind: 'business', unit: 'hours', amount: 8 },
      { kind: 'business', unit: 'hours', amount: 8 },
    ],
  ])('%j is a business duration', (input, expected) => {
    expect(parseDuration(input)).toEqual(expected);
    expect(elapsedMs(expected)).toBeUndefined();
  });

  it.each<[unknown, RegExp]>([
    ['soon', /"soon" is not a duration \(use e\.g\. "PT90S"/],
    ['5 parsecs', /is not a duration/],
    ['-5m', /is not a duration/],
    ['P', /"P" is not a duration/],
    ['PT', /"PT" is not a duration/],
    ['P1M', /is not a duration/], // months are not a fixed length
    ['P1Y', /is not a duration/],
    ['', /must be a duration such as/],
    ['   ', /must be a duration such as/],
    [undefined, /must be a duration such as/],
    [null, /must be a duration such as/],
    [true, /must be a duration such as/],
    [{ minutes: 5 }, /must be a duration such as/],
    [-1, /must be a non-negative number of milliseconds/],
    [Number.NaN, /must be a non-negative number of milliseconds/],
    [Number.POSITIVE_INFINITY, /must be a non-negative number of milliseconds/],
    [{ ms: -1 }, /must be a non-negative number of milliseconds/],
    [{ businessDays: -1 }, /business days must be a non-negative number/],
    [{ businessDays: '3' }, /business days must be a non-negative number/],
    [{ businessHours: Number.NaN }, /business hours must be a non-negative number/],
    [`${'9'.repeat(400)}d`, /is too long a duration/],
    [`P${'9'.repeat(400)}D`, /is too long a duration/],
    [`${'9'.repeat(400)} business days`, /business days must be a non-negative number/],
  ])('%j is refused', (input, message) => {
    expect(() => parseDuration(input)).toThrow(message);
  });
});

describe('formatDuration', () => {
  it.each<[Duration, string]>([
    [elapsed(90 * S), '90s'],
    [elapsed(2 * H), '2h'],
    [elapsed(3 * D), '3d'],
    [elapsed(5 * M), '5m'],
    [elapsed(90 * M), '90m'],
    [elapsed(1500), '1500ms'],
    [elapsed(0), '0ms'],
    [elapsed(14 * D), '14d'],
    [{ kind: 'business', unit: 'days', amount: 3 }, '3 business days'],
    [{ kind: 'business', unit: 'days', amount: 1 }, '1 business day'],
    [{ kind: 'business', unit: 'hours', amount: 1 }, '1 business hour'],
    [{ kind: 'business', unit: 'hours', amount: 4.5 }, '4.5 business hours'],
  ])('%j → %s', (d, text) => {
    expect(formatDuration(d)).toBe(text);
  });

  it('round-trips through parseDuration', () => {
    const durationArb: fc.Arbitrary<Duration> = fc.oneof(
      fc.nat({ max: 400 * D }).map(elapsed),
      fc.record({
        kind: fc.constant('business' as const),
        unit: fc.constantFrom('days' as const, 'hours' as const),
        amount: fc.integer({ min: 0, max: 1000 }).map((n) => n / 4),
      }),
    );
    fc.assert(
      fc.property(durationArb, (d) => {
        expect(parseDuration(formatDuration(d))).toEqual(d);
      }),
    );
  });
});

describe('durationSchema', () => {
  it('normalizes any accepted form and reports problems as issues', () => {
    expect(durationSchema.parse('PT1M')).toEqual(elapsed(M));
    expect(durationSchema.parse({ businessDays: 2 })).toEqual({ kind: 'business', unit: 'days', amount: 2 });
    const r = durationSchema.safeParse('tomorrow');
    expect(r.success).toBe(false);
    expect(r.error?.issues).toEqual([
      expect.objectContaining({ code: 'custom', message: expect.stringContaining('"tomorrow" is not a duration') }),
    ]);
  });
});
