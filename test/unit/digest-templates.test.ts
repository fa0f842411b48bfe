/**
 * The shipped `digest` and `storm_summary` templates (docs/digest.md): one email about many documents, rendered with
 * the `documents` list and the counts the digest sender (src/activities/digest.ts) passes besides the built-ins.
 */
import { LAYOUT_FOOTER, SHIPPED_LOCALES, loadDefaultTemplates, loadLayout } from '../../src/email/defaults';
import {
  BUILTIN_PLACEHOLDERS,
  SECTION_ITEM_FIELDS,
  renderEmail,
  sampleValues,
  templatePlaceholders,
  validateTemplate,
  type DocumentItemValue,
} from '../../src/email/render';
import { localizedSamples } from '../../src/email/values';

const templates = loadDefaultTemplates();
const layout = loadLayout();
const template = (name: string, locale: string) => templates.find((t) => t.name === name && t.locale === locale)!;

const SAMPLE_DOCUMENTS = BUILTIN_PLACEHOLDERS.documents.sample as DocumentItemValue[];
const IDS = SAMPLE_DOCUMENTS.map((d) => d.document_id);
const ACTION_URLS = SAMPLE_DOCUMENTS.flatMap((d) => d.actions.map((a) => a.url));

/** The samples as a preview in `locale` shows them, with the layout footer of that locale. */
function samples(locale: (typeof SHIPPED_LOCALES)[number], over: Record<string, unknown> = {}) {
  return { ...localizedSamples(sampleValues(), { locale, timeZone: 'UTC' }), footer: LAYOUT_FOOTER[locale], ...over };
}

const TEXT = {
  en: {
    digestSubject: '2 documents are waiting for you',
    stormSubject: '[docnotify] 2 more error notices',
    open: 'Open the document',
    overdue: 'Overdue',
    due: 'Due date',
    waiting: 'Waiting for your action',
    digestMore: '…and 5 more are waiting.',
    stormMore: '…and 5 more error notices',
  },
  es: {
    digestSubject: '2 documentos esperan su acción',
    stormSubject: '[docnotify] 2 avisos de error más',
    open: 'Abrir el documento',
    overdue: 'Vencido',
    due: 'Fecha de vencimiento',
    waiting: 'Esperan su acción',
    digestMore: '…y 5 más están pendientes.',
    stormMore: '…y 5 avisos de error más',
  },
  de: {
    digestSubject: '2 Dokumente warten auf Sie',
    stormSubject: '[docnotify] 2 weitere Fehlermeldungen',
    open: 'Dokument öffnen',
    overdue: 'Überfällig',
    due: 'Fälligkeitsdatum',
    waiting: 'Warten auf Ihre Bearbeitung',
    digestMore: '…und 5 weitere warten.',
    stormMore: '…und 5 weitere Fehlermeldungen',
  },
} as const;

const count = (haystack: string, needle: string) => haystack.split(needle).length - 1;

describe('the documents placeholder', () => {
  it('is a built-in list section whose items have the fields the digest sender fills', () => {
    expect(SECTION_ITEM_FIELDS.documents).toEqual([
      'document_id',
      'document_type',
      'subject',
      'status_label',
      'due_date',
      'due_in',
      'overdue',
      'document_url',
      'actions',
    ]);
    for (const d of SAMPLE_DOCUMENTS) expect(Object.keys(d).sort()).toEqual([...SECTION_ITEM_FIELDS.documents].sort());
    expect(SAMPLE_DOCUMENTS.map((d) => [d.overdue, d.actions.length])).toEqual([
      [true, 2],
      [false, 0],
    ]);
    for (const name of ['digest_count', 'waiting_count', 'more_count'])
      expect(typeof BUILTIN_PLACEHOLDERS[name].sample).toBe('number');
  });

  it('nested sections resolve against their list: documents.actions.url is known, a field outside its list is not', () => {
    const known = Object.keys(BUILTIN_PLACEHOLDERS);
    const nested = { subject: 's', html: '{{#documents}}{{subject}}{{#actions}}{{url}}{{/actions}}{{/documents}}' };
    expect(templatePlaceholders(nested)).toEqual([
      'documents',
      'documents.subject',
      'documents.actions',
      'actions.url',
    ]);
    expect(() => validateTemplate(nested, known)).not.toThrow();
    expect(() => validateTemplate({ subject: '{{subject}}', html: 'x' }, known)).toThrow(/unknown placeholder/);
  });
});

describe.each(SHIPPED_LOCALES)('digest and storm summary in %s', (locale) => {
  const digest = template('digest', locale);
  const storm = template('storm_summary', locale);
  const text = TEXT[locale];

  it('the subject is singular for one document', () => {
    const one = { digest_count: 1, digest_one: true };
    const singular = {
      en: ['1 document is waiting for you', '[docnotify] 1 more error notice'],
      es: ['1 documento espera su acción', '[docnotify] 1 aviso de error más'],
      de: ['1 Dokument wartet auf Sie', '[docnotify] 1 weitere Fehlermeldung'],
    }[locale];
    expect(renderEmail(digest, samples(locale, one), layout).subject).toBe(singular[0]);
    expect(renderEmail(storm, samples(locale, one), layout).subject).toBe(singular[1]);
  });

  it('exist and validate against the built-ins alone', () => {
    for (const t of [digest, storm]) {
      expect(t).toBeDefined();
      expect(() => validateTemplate(t, Object.keys(BUILTIN_PLACEHOLDERS))).not.toThrow();
    }
  });

  it('digest: the count in the subject, every document with its details, buttons and link', () => {
    const r = renderEmail(digest, samples(locale), layout);
    expect(r.subject).toBe(text.digestSubject);
    for (const id of IDS) {
      expect(r.html).toContain(id);
      expect(r.text).toContain(id);
    }
    for (const d of SAMPLE_DOCUMENTS) {
      expect(r.html).toContain(d.subject);
      expect(r.html).toContain(d.status_label);
      expect(r.html).toContain(`${d.due_date} (${d.due_in})`);
      expect(r.html).toContain(`href="${d.document_url}"`);
    }
    for (const url of ACTION_URLS) {
      expect(r.html).toContain(`href="${url}"`);
      expect(r.text).toContain(`[${url}]`);
    }
    expect(count(r.html, text.open)).toBe(SAMPLE_DOCUMENTS.length);
    expect(count(r.html, `>${text.overdue}</span>`)).toBe(1); // only the overdue one
    expect(r.html).toContain(text.waiting);
    expect(r.html).toContain('Alex Example');
    expect(r.html).toContain(LAYOUT_FOOTER[locale]);
  });

  it('digest: no due date row without a deadline, no waiting line when nothing waits', () => {
    const documents = SAMPLE_DOCUMENTS.map((d) => ({ ...d, due_date: '', due_in: '', overdue: false }));
    const r = renderEmail(digest, samples(locale, { documents, waiting_count: 0 }), layout);
    expect(r.html).not.toContain(text.due);
    expect(r.html).not.toContain(`>${text.overdue}</span>`);
    expect(r.html).not.toContain(text.waiting);
    for (const id of IDS) expect(r.html).toContain(id);
  });

  it('storm summary: the count in the subject, every document with its link, no action buttons', () => {
    const r = renderEmail(storm, samples(locale), layout);
    expect(r.subject).toBe(text.stormSubject);
    for (const id of IDS) {
      expect(r.html).toContain(id);
      expect(r.text).toContain(id);
    }
    for (const d of SAMPLE_DOCUMENTS) {
      expect(r.html).toContain(d.subject);
      expect(r.html).toContain(d.status_label);
      expect(r.html).toContain(`href="${d.document_url}"`);
    }
    for (const url of ACTION_URLS) expect(r.html).not.toContain(url);
    expect(count(r.html, text.open)).toBe(SAMPLE_DOCUMENTS.length);
  });

  it.each([
    ['digest', 'digestMore'],
    ['storm_summary', 'stormMore'],
  ] as const)('%s: says how many more only when there are more', (name, key) => {
    const t = template(name, locale);
    const none = renderEmail(t, samples(locale, { more_count: 0 }), layout);
    expect(none.html).not.toContain(text[key]);
    expect(none.html).not.toContain('…');
    const more = renderEmail(t, samples(locale, { more_count: 5, digest_count: 7 }), layout);
    expect(more.html).toContain(text[key]);
    expect(more.text).toContain(text[key]);
  });

  it.each(['digest', 'storm_summary'])('%s: escapes a hostile document subject', (name) => {
    const documents = SAMPLE_DOCUMENTS.map((d, i) =>
      i === 0 ? { ...d, subject: '<script>alert(1)</script>', document_type: '<img src=x onerror=alert(1)>' } : d,
    );
    const r = renderEmail(template(name, locale), samples(locale, { documents }), layout);
    expect(r.html).not.toContain('<script>');
    expect(r.html).not.toContain('<img');
    expect(r.html).toContain('&lt;script>alert(1)&lt;/script>');
    for (const id of IDS) expect(r.html).toContain(id);
  });
});
