/**
 * Issue 14.5: values in the reader's language. Every built-in placeholder in en, es and de, as `Intl` (Node's full
 * ICU) prints it, and the formatting module the emails, the action pages and the admin pages share.
 */
import { loadDefaultTemplates, loadLayout } from '../../src/email/defaults';
import {
  formatAmount,
  formatAmountNumber,
  formatDate,
  formatDateTime,
  formatNumber,
  formatRelative,
  intlLocale,
  readerZone,
} from '../../src/email/format';
import { BUILTIN_PLACEHOLDERS, renderEmail, sampleValues } from '../../src/email/render';
import { localizedSamples, rawSampleFields, templateValues } from '../../src/email/values';
import type { DocumentSnapshot } from '../../src/workflows/types';

const NBSP = '\u00a0';
const NOW = Date.parse('2026-12-07T10:00:00.000Z');

const snapshot: DocumentSnapshot = {
  tenantId: 't1',
  documentId: 'INV-1',
  documentType: 'invoice',
  status: 'rejected',
  previousStatus: 'pending_approval',
  fields: { total_amount: '1234.5', currency: 'EUR', invoice_date: '2026-11-30', supplier_name: 'ACME' },
  escalationLevel: 2,
  dueAt: '2026-12-10T10:00:00.000Z',
  assignee: 'ap-clerks',
  statusReason: 'Wrong purchase order',
  errorMessage: 'VAT ID unreadable',
  comment: { author: 'Maria', text: 'Check it' },
  decision: { action: 'reject', actor: 'maria@example.com', at: '2026-12-05T14:32:00.000Z', reason: 'x' },
};

function values(locale: string, kind = 'reminder', seq = 2, timeZone = 'Europe/Berlin') {
  return templateValues({
    snapshot,
    recipient: { email: 'ana@example.com', name: 'Ana' },
    locale,
    kind,
    seq,
    ruleName: 'Invoices awaiting approval',
    links: [
      { action: 'approve', label: 'Approve', url: 'https://docnotify.example.com/actions/a' },
      { action: 'reject', label: 'Reject', url: 'https://docnotify.example.com/actions/r' },
      { action: 'validate', label: 'Validate', url: 'https://docnotify.example.com/actions/v' },
      { action: 'snooze', label: 'Snooze', url: 'https://docnotify.example.com/actions/s' },
      { action: 'open', label: 'Open', url: 'https://docnotify.example.com/actions/o' },
    ],
    documentUrl: 'https://docnotify.example.com/admin/documents/t1/INV-1',
    preferencesUrl: 'https://docnotify.example.com/preferences/p',
    extra: { smtp_response: '550 5.1.1 user unknown', failed_recipient: 'nobody@example.com', failure_count: 1 },
    timeZone,
    now: NOW,
  });
}

/** What every locale prints the same way. */
const common = {
  document_id: 'INV-1',
  document_type: 'invoice',
  tenant_id: 't1',
  status: 'rejected',
  previous_status: 'pending_approval',
  document_url: 'https://docnotify.example.com/admin/documents/t1/INV-1',
  approve_url: 'https://docnotify.example.com/actions/a',
  reject_url: 'https://docnotify.example.com/actions/r',
  validate_url: 'https://docnotify.example.com/actions/v',
  snooze_url: 'https://docnotify.example.com/actions/s',
  open_url: 'https://docnotify.example.com/actions/o',
  preferences_url: 'https://docnotify.example.com/preferences/p',
  reminder_number: '2',
  escalation_level: '2',
  due_date_raw: '2026-12-10T10:00:00.000Z',
  recipient_name: 'Ana',
  recipient_email: 'ana@example.com',
  assignee: 'ap-clerks',
  reason: 'Wrong purchase order',
  error_message: 'VAT ID unreadable',
  comment_author: 'Maria',
  comment_text: 'Check it',
  decision: 'reject',
  decided_by: 'maria@example.com',
  decided_at_raw: '2026-12-05T14:32:00.000Z',
  rule_name: 'Invoices awaiting approval',
  smtp_response: '550 5.1.1 user unknown',
  failed_recipient: 'nobody@example.com',
  failure_count: 1,
  is_reminder: true,
  is_escalation: false,
  total_amount_raw: '1234.5',
  invoice_date_raw: '2026-11-30',
};

/** Every built-in placeholder, per locale (the time zone is Europe/Berlin: 14:32 UTC is 15:32 there). */
const EXPECTED: Record<string, Record<string, unknown>> = {
  en: {
    ...common,
    status_label: 'Rejected',
    due_date: '12/10/2026',
    due_in: 'in 3 days',
    decided_at: '12/05/2026, 03:32 PM (Europe/Berlin)',
    total_amount_with_currency: '€1,234.50',
  },
  es: {
    ...common,
    status_label: 'Rechazado',
    due_date: '10/12/2026',
    due_in: 'dentro de 3 días',
    decided_at: '05/12/2026, 15:32 (Europe/Berlin)',
    total_amount_with_currency: `1234,50${NBSP}€`,
  },
  de: {
    ...common,
    status_label: 'Abgelehnt',
    due_date: '10.12.2026',
    due_in: 'in 3 Tagen',
    decided_at: '05.12.2026, 15:32 (Europe/Berlin)',
    total_amount_with_currency: `1.234,50${NBSP}€`,
  },
};

/** Built-ins only digests and storm summaries have: their sender passes them (src/activities/digest.ts). */
const SUMMARY_ONLY = ['documents', 'digest_count', 'waiting_count', 'more_count', 'waiting_url', 'digest_one'];

describe.each(['en', 'es', 'de'])('every built-in placeholder in %s', (locale) => {
  const v = values(locale);

  it('has an expected value for each built-in (and only for them), actions and the summaries’ own aside', () => {
    expect([...Object.keys(EXPECTED[locale]), 'actions', ...SUMMARY_ONLY].sort()).toEqual(
      Object.keys(BUILTIN_PLACEHOLDERS).sort(),
    );
    for (const name of SUMMARY_ONLY) expect(v[name]).toBeUndefined();
  });

  it.each(Object.keys(EXPECTED[locale]))('%s', (name) => {
    expect(v[name]).toEqual(EXPECTED[locale][name]);
  });

  it('actions: the links offered, in order', () => {
    expect((v.actions as { action: string }[]).map((a) => a.action)).toEqual([
      'approve',
      'reject',
      'validate',
      'snooze',
      'open',
    ]);
  });
});

describe('document fields in the reader’s language, the raw value beside', () => {
  it.each([
    ['en', '1,234.50', '11/30/2026'],
    ['es', '1234,50', '30/11/2026'],
    ['de', '1.234,50', '30.11.2026'],
  ])('%s: total_amount %s, invoice_date %s', (locale, amount, date) => {
    const v = values(locale);
    expect(v).toMatchObject({ total_amount: amount, invoice_date: date, currency: 'EUR', supplier_name: 'ACME' });
    expect(v).toMatchObject({ total_amount_raw: '1234.5', invoice_date_raw: '2026-11-30' });
  });

  it('absent fields stay absent (sections over them still skip)', () => {
    const v = templateValues({
      snapshot: { ...snapshot, fields: {}, dueAt: undefined, decision: undefined },
      recipient: { email: 'a@example.com' },
      locale: 'de',
      kind: 'first',
      seq: 0,
      links: [],
      documentUrl: 'https://x.example.com/d',
    });
    expect(v.total_amount).toBeUndefined();
    expect(v.total_amount_with_currency).toBeUndefined();
    expect(v.invoice_date).toBeUndefined();
    expect(v).toMatchObject({ due_date: '', due_date_raw: '', due_in: '', decided_at: '', decided_at_raw: '' });
    expect(v).toMatchObject({ reminder_number: '', escalation_level: '2' });
  });

  it('a due_date field (no dueAt) is a calendar date: printed as written, in no time zone', () => {
    const v = templateValues({
      snapshot: { ...snapshot, fields: { due_date: '2026-12-10' }, dueAt: undefined },
      recipient: { email: 'a@example.com' },
      locale: 'de',
      kind: 'first',
      seq: 0,
      links: [],
      documentUrl: 'https://x.example.com/d',
      timeZone: 'America/Los_Angeles',
    });
    expect(v).toMatchObject({ due_date: '10.12.2026', due_date_raw: '2026-12-10', due_in: '' });
  });

  it('an instant is shown as the date it is in the recipient’s time zone', () => {
    const late = { ...snapshot, dueAt: '2026-12-10T23:30:00.000Z' };
    const at = (timeZone: string) =>
      templateValues({
        snapshot: late,
        recipient: { email: 'a@example.com' },
        locale: 'de',
        kind: 'first',
        seq: 0,
        links: [],
        documentUrl: 'https://x.example.com/d',
        timeZone,
        now: NOW,
      }).due_date;
    expect(at('UTC')).toBe('10.12.2026');
    expect(at('Europe/Berlin')).toBe('11.12.2026');
  });
});

describe('the shipped templates print the acceptance strings', () => {
  const templates = loadDefaultTemplates();
  const layout = loadLayout();
  it.each([
    ['de', '10.12.2026', `1.234,50${NBSP}€`, 'in 3 Tagen'],
    ['es', '10/12/2026', `1234,50${NBSP}€`, 'dentro de 3 días'],
    ['en', '12/10/2026', '€1,234.50', 'in 3 days'],
  ])('due_soon/%s: %s, %s, %s', (locale, date, amount, inWords) => {
    const t = templates.find((x) => x.name === 'due_soon' && x.locale === locale)!;
    const r = renderEmail(t, values(locale, 'due_soon', 1), layout);
    expect(r.subject).toContain(date);
    for (const s of [date, amount, inWords]) {
      expect(r.html).toContain(s);
      expect(r.text).toContain(s);
    }
    expect(r.html).not.toContain('EUR'); // the currency once, as Intl prints it
  });
});

describe('format', () => {
  const de = { locale: 'de', timeZone: 'Europe/Berlin' };
  it('relative due dates, both ways and in each unit', () => {
    const at = (ms: number) => new Date(NOW + ms).toISOString();
    expect(formatRelative(at(3 * 86_400_000), NOW, de)).toBe('in 3 Tagen');
    expect(formatRelative(at(-2 * 86_400_000), NOW, { locale: 'es' })).toBe('hace 2 días');
    expect(formatRelative(at(-2 * 3_600_000), NOW, de)).toBe('vor 2 Stunden');
    expect(formatRelative(at(5 * 60_000), NOW, { locale: 'en' })).toBe('in 5 minutes');
    expect(formatRelative('not a date', NOW, de)).toBeUndefined();
  });

  it('amounts: unusual values and currencies are shown as given', () => {
    expect(formatAmount(1234.5, 'EUR', { locale: 'en' })).toBe('€1,234.50');
    expect(formatAmount('12345.678', 'JPY', { locale: 'de' })).toBe(`12.346${NBSP}¥`);
    expect(formatAmount('1,234.50', 'EUR', { locale: 'de' })).toBe('1,234.50 EUR');
    expect(formatAmount('12', 'euro', { locale: 'de' })).toBe('12 euro');
    expect(formatAmount('', 'EUR', { locale: 'de' })).toBeUndefined();
    expect(formatAmountNumber('1234.5', 'JPY', { locale: 'en' })).toBe('1,235');
    expect(formatAmountNumber('1234.567', undefined, { locale: 'de' })).toBe('1.234,567');
  });

  it('numbers, dates and date-times; what is not one is returned as given', () => {
    expect(formatNumber(12345, { locale: 'de' })).toBe('12.345');
    expect(formatNumber('12345', { locale: 'en' })).toBe('12,345');
    expect(formatNumber('n/a', { locale: 'en' })).toBe('n/a');
    expect(formatDate('next friday', de)).toBe('next friday');
    expect(formatDateTime('2026-12-10T10:00:00Z', { locale: 'en', timeZone: 'UTC' })).toBe(
      '12/10/2026, 10:00 AM (UTC)',
    );
    expect(formatDateTime('2026-12-10', de)).toBe('10.12.2026');
  });

  it('an unknown locale or time zone never throws', () => {
    expect(intlLocale('not a locale!')).toBe('en');
    expect(readerZone('Mars/Olympus')).toBe('UTC');
    expect(formatDate('2026-12-10T10:00:00Z', { locale: '!!', timeZone: 'Mars/Olympus' })).toBe('12/10/2026');
  });
});

describe('samples', () => {
  it('previews show the samples in the preview’s language', () => {
    const de = localizedSamples(sampleValues(), { locale: 'de', timeZone: 'UTC' });
    expect(de).toMatchObject({
      total_amount: '1.250,00',
      total_amount_with_currency: `1.250,00${NBSP}€`,
      invoice_date: '30.06.2024',
      due_date: '15.07.2024',
      due_in: 'in 3 Tagen',
      decided_at: '12.07.2024, 14:32 (UTC)',
    });
    // the English preview prints what the English samples say
    const en = localizedSamples(sampleValues(), { locale: 'en', timeZone: 'UTC' });
    for (const k of ['total_amount', 'total_amount_with_currency', 'invoice_date', 'due_date', 'due_in', 'decided_at'])
      expect(en[k]).toBe(sampleValues()[k]);
  });

  it('"Send test" sends the raw samples as fields', () => {
    expect(rawSampleFields(sampleValues())).toMatchObject({
      total_amount: '1250.00',
      invoice_date: '2024-06-30',
      due_date: '2024-07-15T17:00:00.000Z',
    });
  });
});
