import {
  nextDigestAt,
  orderEntries,
  parseTimeOfDay,
  routeEmail,
  stormClass,
  stormWindow,
  summarised,
  entryKind,
  stormRoute,
  DEFAULT_STORM_POLICY,
  type DigestEntry,
} from '../../src/domain/digest';
import type { BusinessCalendar } from '../../src/domain/calendar';

const madrid: BusinessCalendar = {
  timeZone: 'Europe/Madrid',
  workingDays: [1, 2, 3, 4, 5],
  workingHours: { start: '09:00', end: '18:00' },
  holidays: ['2026-12-08', '2027-03-29'],
};
const iso = (t: number) => new Date(t).toISOString();

describe('nextDigestAt', () => {
  it('is 08:00 local on the next working day, strictly after the instant', () => {
    // Wednesday 2026-12-02 07:59 Madrid (06:59 UTC) → 08:00 the same day; at 08:00 exactly → Thursday.
    expect(iso(nextDigestAt(Date.parse('2026-12-02T06:59:00Z'), madrid, '08:00'))).toBe('2026-12-02T07:00:00.000Z');
    expect(iso(nextDigestAt(Date.parse('2026-12-02T07:00:00Z'), madrid, '08:00'))).toBe('2026-12-03T07:00:00.000Z');
  });

  it('skips the weekend and a holiday', () => {
    // Friday 2026-12-04 after 08:00 → Monday 7th; Monday after 08:00 → Wednesday 9th (Tuesday 8th is a holiday).
    expect(iso(nextDigestAt(Date.parse('2026-12-04T10:00:00Z'), madrid, '08:00'))).toBe('2026-12-07T07:00:00.000Z');
    expect(iso(nextDigestAt(Date.parse('2026-12-07T10:00:00Z'), madrid, '08:00'))).toBe('2026-12-09T07:00:00.000Z');
  });

  it('keeps the local hour through a DST change', () => {
    // Madrid moves from UTC+1 to UTC+2 on Sunday 2027-03-28; Monday 29th is a holiday here; Tuesday 30th 08:00 = 06:00Z.
    expect(iso(nextDigestAt(Date.parse('2027-03-26T08:00:00Z'), madrid, '08:00'))).toBe('2027-03-30T06:00:00.000Z');
    expect(iso(nextDigestAt(Date.parse('2027-03-25T08:00:00Z'), madrid, '08:00'))).toBe('2027-03-26T07:00:00.000Z');
  });

  it("uses the recipient's time zone when given", () => {
    const t = nextDigestAt(Date.parse('2026-12-02T12:00:00Z'), madrid, '08:00', 'America/New_York');
    expect(iso(t)).toBe('2026-12-02T13:00:00.000Z'); // 07:00 in New York
  });

  it('takes a time that falls in a DST gap at the first instant after it', () => {
    const cal = { ...madrid, workingDays: [1, 2, 3, 4, 5, 6, 7], holidays: [] };
    // 02:30 does not exist in Madrid on 2027-03-28 (02:00 → 03:00).
    expect(iso(nextDigestAt(Date.parse('2027-03-27T12:00:00Z'), cal, '02:30'))).toBe('2027-03-28T01:30:00.000Z');
  });

  it('refuses a malformed time naming the problem', () => {
    expect(() => parseTimeOfDay('8:00')).toThrow('must be a time of day as HH:mm');
    expect(() => parseTimeOfDay('24:00')).toThrow('HH:mm');
    expect(parseTimeOfDay('23:59')).toBe(23 * 60 + 59);
  });
});

describe('routeEmail', () => {
  const now = { send: true, mode: 'immediate' } as const;
  const later = { send: true, mode: 'digest' } as const;
  it("follows the rule's delivery for reminders only", () => {
    expect(routeEmail('reminder', 'digest', now)).toEqual({ immediate: false, digest: true });
    expect(routeEmail('overdue', 'both', now)).toEqual({ immediate: true, digest: true });
    expect(routeEmail('reminder', 'immediate', now)).toEqual({ immediate: true, digest: false });
    expect(routeEmail('reminder', undefined, now)).toEqual({ immediate: true, digest: false });
    expect(routeEmail('first', 'digest', now)).toEqual({ immediate: true, digest: false });
  });
  it("puts the person's digest preference first", () => {
    expect(routeEmail('first', undefined, later)).toEqual({ immediate: false, digest: true });
    expect(routeEmail('reminder', 'both', later)).toEqual({ immediate: false, digest: true });
  });
});

describe('orderEntries', () => {
  it('lists the most overdue first, then the oldest, documents without a due date last', () => {
    const e = (documentId: string, since: number, dueAt?: number): DigestEntry => ({
      documentId,
      kind: 'waiting',
      subject: documentId,
      since,
      dueAt,
    });
    const out = orderEntries([e('c', 1), e('b', 5, 200), e('a', 9, 100), e('d', 0), e('e', 3, 200)]);
    expect(out.map((x) => x.documentId)).toEqual(['a', 'e', 'b', 'd', 'c']);
  });
});

describe('storm protection', () => {
  it('watches error notices only', () => {
    expect(stormClass('first', 'import_error')).toBe('error_notices');
    expect(stormClass('reminder', 'error')).toBe('error_notices');
    expect(stormClass('first', 'pending_approval')).toBeUndefined();
    expect(stormClass('escalation', 'error')).toBeUndefined();
  });
  it('summarises from the 11th email of a 15-minute window on', () => {
    const w = stormWindow(Date.parse('2026-12-02T10:07:30Z'), DEFAULT_STORM_POLICY);
    expect(iso(w.start)).toBe('2026-12-02T10:00:00.000Z');
    expect(iso(w.end)).toBe('2026-12-02T10:15:00.000Z');
    expect(summarised(10, DEFAULT_STORM_POLICY)).toBe(false);
    expect(summarised(11, DEFAULT_STORM_POLICY)).toBe(true);
  });
});

describe('moved into the core from the email activity', () => {
  it('an email turned off is not routed; a waiting entry needs an open, undecided task that asks to act', () => {
    expect(routeEmail('reminder', 'digest', { send: false, reason: 'preference' })).toEqual({
      immediate: true,
      digest: false,
    });
    expect(entryKind(true, { task: {} })).toBe('waiting');
    expect(entryKind(false, { task: {} })).toBe('fyi');
    expect(entryKind(true, { task: {}, decision: {} })).toBe('fyi');
    expect(entryKind(true, {})).toBe('fyi');
  });
  it('storm route: alone up to the limit; past it into the summary, unless a first attempt already sent it', () => {
    const p = DEFAULT_STORM_POLICY;
    expect(stormRoute(10, p, undefined)).toBe('alone');
    expect(stormRoute(11, p, undefined)).toBe('summary');
    expect(stormRoute(11, p, { status: 'skipped', reason: 'storm' })).toBe('summary');
    expect(stormRoute(11, p, { status: 'sending' })).toBe('alone');
    expect(stormRoute(11, p, { status: 'sent' })).toBe('alone');
  });
});
