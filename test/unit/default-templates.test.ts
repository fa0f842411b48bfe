import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { STATUSES } from '../../src/domain/status';
import {
  DEFAULT_TEMPLATE_NAMES,
  LAYOUT_FOOTER,
  SHIPPED_LOCALES,
  STATUS_LABELS_BY_LOCALE,
  loadDefaultTemplates,
  loadLayout,
  pickLocale,
  statusLabel,
} from '../../src/email/defaults';
import {
  BUILTIN_PLACEHOLDERS,
  DOCUMENT_FIELD_PLACEHOLDERS,
  renderEmail,
  sampleValues,
  templatePlaceholders,
  TemplateError,
  validateTemplate,
} from '../../src/email/render';
import { pickTemplate, SHIPPED, type StoredTemplate } from '../../src/store/templates';

/** The document fields the shipped templates may use (besides the built-ins). */
const DOCUMENT_FIELDS = [
  'invoice_id',
  'invoice_date',
  'supplier_name',
  'supplier_iban',
  'total_amount',
  'currency',
  'due_date',
  'order_id',
  'contract_id',
];
const KNOWN = [...Object.keys(BUILTIN_PLACEHOLDERS), ...DOCUMENT_FIELDS];
const ARTEFACTS = /\{\{|\}\}|undefined|null|\[object Object\]|NaN/;

const templates = loadDefaultTemplates();
const layout = loadLayout();
const cases = templates.map((t) => [`${t.name}/${t.locale}`, t] as const);
/** The emails about many documents at once (`{{#documents}}`), not about one: no per-document subject prefix. */
const SUMMARIES = ['digest', 'storm_summary'];
const perDocument = cases.filter(([, t]) => !SUMMARIES.includes(t.name));
const summaries = cases.filter(([, t]) => SUMMARIES.includes(t.name));

describe('shipped default templates', () => {
  it('cover every status and event situation', () => {
    expect(DEFAULT_TEMPLATE_NAMES).toEqual(expect.arrayContaining(STATUSES.map((s) => `status_${s}`)));
    expect(DEFAULT_TEMPLATE_NAMES).toEqual(
      expect.arrayContaining([
        'assigned',
        'comment_added',
        'reminder',
        'escalation',
        'due_soon',
        'overdue',
        'decision_confirmation',
        'smtp_failure_alert',
        'test',
        ...SUMMARIES,
      ]),
    );
    expect(DEFAULT_TEMPLATE_NAMES).toHaveLength(STATUSES.length + 11);
  });

  it('exist for every situation in en, es and de, and nothing else', () => {
    const have = templates.map((t) => `${t.name}/${t.locale}`).sort();
    const want = DEFAULT_TEMPLATE_NAMES.flatMap((n) => SHIPPED_LOCALES.map((l) => `${n}/${l}`)).sort();
    expect(have).toEqual(want);
  });

  it('are real translations: es and de differ from en in subject and body', () => {
    for (const name of DEFAULT_TEMPLATE_NAMES) {
      const [en, es, de] = SHIPPED_LOCALES.map((l) => templates.find((t) => t.name === name && t.locale === l)!);
      expect(new Set([en.subject, es.subject, de.subject]).size).toBe(3);
      expect(new Set([en.html, es.html, de.html]).size).toBe(3);
    }
  });

  it('the layout has the body slot, a 600px max width and the footer', () => {
    expect(layout).toContain('{{{body}}}');
    expect(layout).toContain('max-width:600px');
    expect(layout).toContain('This is an automated message from docnotify. Please do not reply.');
  });

  it.each(cases)('%s validates against the built-ins and document fields', (_id, t) => {
    expect(() => validateTemplate(t, KNOWN)).not.toThrow();
  });

  it.each(perDocument)(
    '%s has the stable per-document subject prefix and shows the summary, actions and link',
    (_id, t) => {
      expect(t.subject).toMatch(/^\[\{\{document_type\}\} \{\{document_id\}\}\] \S/);
      expect(t.subject).not.toContain('\n');
      const used = templatePlaceholders(t);
      expect(used).toEqual(
        expect.arrayContaining([
          'document_id',
          'document_type',
          'supplier_name',
          'total_amount',
          'actions',
          'actions.url',
          'actions.label',
          'document_url',
        ]),
      );
    },
  );

  it.each(perDocument)('%s renders with all sample values without artefacts', (_id, t) => {
    const r = renderEmail(t, sampleValues(), layout);
    for (const part of [r.subject, r.html, r.text]) expect(part).not.toMatch(ARTEFACTS);
    expect(r.subject.startsWith('[invoice INV-2024-0042] ')).toBe(true);
    expect(r.html).toContain('ACME Supplies S.L.');
    expect(r.html).toContain('href="https://docnotify.example.com/actions/sample-approve"');
    expect(r.text).toContain('Approve [https://docnotify.example.com/actions/sample-approve]');
    expect(r.text).toContain('[https://dms.example.com/documents/INV-2024-0042]');
    expect(r.text).toContain('€1,250.00'); // total_amount_with_currency: the currency once, as Intl prints it
    expect(r.text).not.toContain('EUR');
  });

  it.each(perDocument)('%s renders with only the document id and type without artefacts', (_id, t) => {
    const r = renderEmail(t, { document_id: 'D-1', document_type: 'order' }, layout);
    for (const part of [r.subject, r.html, r.text]) expect(part).not.toMatch(ARTEFACTS);
    expect(r.subject.startsWith('[order D-1] ')).toBe(true);
    expect(r.html).not.toContain('<a href=""');
  });

  it.each(summaries)('%s lists the documents with their links and renders the samples without artefacts', (_id, t) => {
    expect(templatePlaceholders(t)).toEqual(
      expect.arrayContaining(['digest_count', 'documents', 'documents.document_id', 'documents.document_url']),
    );
    const r = renderEmail(t, sampleValues(), layout);
    for (const part of [r.subject, r.html, r.text]) expect(part).not.toMatch(ARTEFACTS);
    expect(r.subject).toContain('2');
    for (const id of ['INV-2024-0042', 'PO-7781']) expect(r.text).toContain(id);
    expect(r.text).toContain('[https://docnotify.example.com/admin/documents/default/PO-7781]');
  });

  it.each(summaries)('%s renders with a document holding only its id, and with none, without artefacts', (_id, t) => {
    for (const documents of [[{ document_id: 'D-1' }], []]) {
      const r = renderEmail(t, { documents, digest_count: documents.length }, layout);
      for (const part of [r.subject, r.html, r.text]) expect(part).not.toMatch(ARTEFACTS);
      expect(r.html).not.toContain('<a href=""');
    }
  });

  it('status_exported says processing completed', () => {
    const t = templates.find((x) => x.name === 'status_exported' && x.locale === 'en')!;
    expect(renderEmail(t, sampleValues(), layout).subject).toBe('[invoice INV-2024-0042] Processing completed');
  });

  it('reminders say which reminder, escalations name the level', () => {
    const values = { ...sampleValues(), reminder_number: 3, escalation_level: 2 };
    const expected: Record<string, [RegExp, RegExp]> = {
      en: [/Reminder 3:/, /escalation level 2/],
      es: [/Recordatorio n\.º 3:/, /nivel de escalado 2/],
      de: [/3\. Erinnerung:/, /Eskalationsstufe 2/],
    };
    for (const locale of SHIPPED_LOCALES) {
      const reminder = renderEmail(
        templates.find((x) => x.name === 'reminder' && x.locale === locale)!,
        values,
        layout,
      );
      const escalation = renderEmail(
        templates.find((x) => x.name === 'escalation' && x.locale === locale)!,
        values,
        layout,
      );
      expect(reminder.subject).toMatch(expected[locale][0]);
      expect(reminder.text).toContain('3');
      expect(escalation.text).toMatch(expected[locale][1]);
      expect(escalation.subject).toContain('2');
    }
  });

  it('escapes hostile field values in every shipped template', () => {
    const values = {
      ...sampleValues(),
      supplier_name: '<script>alert(1)</script>',
      comment_text: '<img src=x onerror=alert(1)>',
    };
    for (const t of templates) {
      const r = renderEmail(t, values, layout);
      expect(r.html).not.toContain('<script>');
      expect(r.html).not.toContain('<img');
    }
  });

  it('localized footers and status labels exist for every shipped locale', () => {
    for (const locale of SHIPPED_LOCALES) {
      expect(LAYOUT_FOOTER[locale]).toBeTruthy();
      expect(Object.keys(STATUS_LABELS_BY_LOCALE[locale]).sort()).toEqual([...STATUSES].sort());
      const r = renderEmail({ subject: 's', html: 'b' }, { footer: LAYOUT_FOOTER[locale] }, layout);
      expect(r.html).toContain(LAYOUT_FOOTER[locale]);
    }
    expect(statusLabel('pending_approval', 'de-AT')).toBe('Freigabe ausstehend');
    expect(statusLabel('exported', 'es')).toBe('Procesamiento completado');
    expect(statusLabel('exported', 'fr')).toBe('Processing completed');
    expect(statusLabel('exported')).toBe('Processing completed');
  });
});

describe('loadDefaultTemplates from another folder', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'docnotify-templates-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('reads subject (trimmed), html and the optional txt; ignores other files', () => {
    fs.mkdirSync(path.join(dir, 'custom'));
    fs.writeFileSync(path.join(dir, 'custom', 'fr.subject'), '  Sujet {{document_id}}\n');
    fs.writeFileSync(path.join(dir, 'custom', 'fr.html'), '<p>x</p>\n');
    fs.writeFileSync(path.join(dir, 'custom', 'fr.txt'), 'x\n');
    fs.writeFileSync(path.join(dir, 'custom', 'pt-BR.subject'), 'Assunto');
    fs.writeFileSync(path.join(dir, 'custom', 'pt-BR.html'), '<p>y</p>');
    fs.writeFileSync(path.join(dir, 'custom', 'README.md'), 'notes');
    fs.writeFileSync(path.join(dir, 'layout.html'), '{{{body}}}');
    expect(loadDefaultTemplates(dir)).toEqual([
      { name: 'custom', locale: 'fr', subject: 'Sujet {{document_id}}', html: '<p>x</p>\n', text: 'x\n' },
      { name: 'custom', locale: 'pt-BR', subject: 'Assunto', html: '<p>y</p>' },
    ]);
    expect(loadLayout(dir)).toBe('{{{body}}}');
  });

  it('names the missing file when a locale is incomplete', () => {
    fs.mkdirSync(path.join(dir, 'broken'));
    fs.writeFileSync(path.join(dir, 'broken', 'en.subject'), 'S');
    expect(() => loadDefaultTemplates(dir)).toThrow(/broken\/en: missing .*broken\/en\.html$/);
  });
});

describe('pickLocale', () => {
  const available = ['de', 'en', 'es'];

  it('prefers the recipient locale, then the tenant locale, then en', () => {
    expect(pickLocale(available, 'es', 'de')).toBe('es');
    expect(pickLocale(available, undefined, 'de')).toBe('de');
    expect(pickLocale(available, 'fr', 'de')).toBe('de');
    expect(pickLocale(available, 'fr', 'it')).toBe('en');
    expect(pickLocale(available)).toBe('en');
    expect(pickLocale(available, '', '  ')).toBe('en');
  });

  it('matches regional locales to their language, ignoring case and _ vs -', () => {
    expect(pickLocale(available, 'es-MX')).toBe('es');
    expect(pickLocale(available, 'DE_at')).toBe('de');
    expect(pickLocale(['en', 'pt-BR'], 'pt')).toBe('pt-BR');
    expect(pickLocale(['en', 'es', 'es-MX'], 'es_mx')).toBe('es-MX');
  });

  it('falls back to the first available locale when en is missing, and to en when none is', () => {
    expect(pickLocale(['es', 'de'], 'fr')).toBe('es');
    expect(pickLocale(['es', 'de'], 'fr', 'de-CH')).toBe('de');
    expect(pickLocale([], 'es')).toBe('en');
  });
});

describe('samples', () => {
  it('cover every built-in and shipped document field', () => {
    expect(Object.keys(sampleValues()).sort()).toEqual([...new Set(KNOWN)].sort());
    expect(Object.keys(DOCUMENT_FIELD_PLACEHOLDERS).sort()).toEqual([...DOCUMENT_FIELDS].sort());
  });
});

describe('pickTemplate (how the worker template cache chooses a template)', () => {
  const t = (tenantId: string, locale: string, documentType = '', name = 'reminder'): StoredTemplate => ({
    tenantId,
    name,
    locale,
    documentType,
    subject: `${tenantId}|${locale}|${documentType}|${name}`,
    html: '<p>x</p>',
    isDefault: tenantId === SHIPPED,
    updatedAt: '2026-12-08T00:00:00.000Z',
  });
  const rows = [
    t(SHIPPED, 'en'),
    t(SHIPPED, 'de'),
    t(SHIPPED, 'en', 'invoice'),
    t('acme', 'es'),
    t('acme', 'en', 'order'),
    t('acme', 'en', '', 'overdue'),
  ];
  const pick = (tenant: string, type: string, recipient?: string, tenantLocale?: string, name = 'reminder') =>
    pickTemplate(rows, tenant, name, type, recipient, tenantLocale).subject;

  test('the most specific owner and type first, then the locale', () => {
    expect(pick('acme', 'order', 'de')).toBe('acme|en|order|reminder'); // the tenant's own for the type, any locale
    expect(pick('acme', 'invoice', 'de')).toBe('acme|es||reminder'); // the tenant's own for any type beats shipped
    expect(pick('other', 'invoice', 'de')).toBe('*|en|invoice|reminder'); // shipped for the type: only English
    expect(pick('other', 'memo', 'de')).toBe('*|de||reminder');
    expect(pick('other', 'memo', 'fr', 'de')).toBe('*|de||reminder'); // the tenant's locale next
    expect(pick('other', 'memo', 'fr')).toBe('*|en||reminder'); // then English
    expect(pick('other', '', 'de')).toBe('*|de||reminder');
  });

  test('a name nobody has is a TemplateError naming it', () => {
    expect(() => pick('acme', 'order', 'en', 'en', 'nope')).toThrow(
      new TemplateError('template "nope" does not exist'),
    );
    expect(pick('acme', 'order', 'en', 'en', 'overdue')).toBe('acme|en||overdue');
  });
});
