/**
 * The template engine: Mustache templates (subject, HTML body, optional plain-text body) rendered
 * with document values into a trusted layout. Pure: no I/O, no clock, no randomness.
 *
 * Rules (product.md, "Templates"):
 * - `{{name}}` is the only way to output a value; in the HTML body it is HTML-escaped. Unescaped
 *   output (`{{{name}}}`, `{{& name}}`), partials (`{{> name}}`) and delimiter changes
 *   (`{{=<% %>=}}`) are rejected, both by {@link validateTemplate} and by {@link renderEmail}.
 * - Sections (`{{#name}}…{{/name}}`, `{{^name}}…{{/name}}`) show a block when a value is present
 *   (or absent) and iterate over lists such as `actions`.
 * - Values are data, never code: functions and prototype properties in `values` are never invoked.
 */
import { Fragment, h } from 'preact';
import { renderToString } from 'preact-render-to-string';
import { parse, render, type TemplateSpans } from 'mustache';
import { compile } from 'html-to-text';

/** A template as stored or shipped: Mustache text for each part. */
export interface TemplateSource {
  subject: string;
  html: string;
  /** Plain-text body; derived from the rendered HTML body when absent. */
  text?: string;
}

/** A rendered email, ready for the sender (multipart text + HTML). */
export interface RenderedEmail {
  /** One line: no control characters, trimmed, at most {@link MAX_SUBJECT_LENGTH} characters. */
  subject: string;
  /** The full HTML document: the layout with the rendered body in its `{{{body}}}` slot. */
  html: string;
  text: string;
}

/** Which part of a template a problem is in. */
export type TemplatePart = 'subject' | 'html' | 'text';

/** A template that cannot be used: unknown placeholder, syntax error or forbidden tag. */
export class TemplateError extends Error {
  /**
   * @param message what is wrong and where, e.g. `unknown placeholder "{{foo}}" in subject`
   * @param placeholder the offending placeholder name, when there is one
   * @param part the template part the problem is in
   */
  constructor(
    message: string,
    readonly placeholder?: string,
    readonly part?: TemplatePart,
  ) {
    super(message);
    this.name = 'TemplateError';
  }
}

/** Subjects longer than this are cut (with a trailing `…`). */
export const MAX_SUBJECT_LENGTH = 250;

/** A built-in or document-field placeholder, for pickers, previews and "Send test". */
export interface PlaceholderInfo {
  description: string;
  sample: unknown;
}

/** One entry of the built-in `actions` list. */
export interface ActionValue {
  action: string;
  label: string;
  url: string;
}

/** One entry of the `documents` list of digests and storm summaries. */
export interface DocumentItemValue {
  document_id: string;
  document_type: string;
  /** The subject of the email the entry stands for. */
  subject: string;
  status_label: string;
  /** Empty without a deadline. */
  due_date: string;
  /** Empty without a deadline. */
  due_in: string;
  overdue: boolean;
  document_url: string;
  actions: ActionValue[];
}

const SAMPLE_LINK_BASE = 'https://docnotify.example.com/actions';

/**
 * The built-in placeholders every template may use, with a one-line description and a sample value
 * (used by "Send test" and previews). Values the sender localizes (`status_label`, `due_in`, action
 * labels, dates) are described as such.
 */
export const BUILTIN_PLACEHOLDERS: Record<string, PlaceholderInfo> = {
  document_id: { description: 'The document id given by the pipeline', sample: 'INV-2024-0042' },
  document_type: { description: 'The document type, e.g. invoice, order, contract', sample: 'invoice' },
  tenant_id: { description: 'The tenant the document belongs to', sample: 'default' },
  status: { description: 'The status key, e.g. pending_approval', sample: 'pending_approval' },
  status_label: {
    description: "The status as people read it, in the recipient's language",
    sample: 'Pending approval',
  },
  previous_status: { description: 'The status key before the last change', sample: 'ready_for_validation' },
  document_url: {
    description: 'Link to the document in the document system',
    sample: 'https://dms.example.com/documents/INV-2024-0042',
  },
  actions: {
    description:
      'Action links offered to this recipient: a list of { action, label, url } for {{#actions}}…{{/actions}}',
    sample: [
      { action: 'approve', label: 'Approve', url: `${SAMPLE_LINK_BASE}/sample-approve` },
      { action: 'reject', label: 'Reject', url: `${SAMPLE_LINK_BASE}/sample-reject` },
      { action: 'snooze', label: 'Snooze', url: `${SAMPLE_LINK_BASE}/sample-snooze` },
    ] satisfies ActionValue[],
  },
  approve_url: {
    description: 'Signed link to approve (empty when not offered)',
    sample: `${SAMPLE_LINK_BASE}/sample-approve`,
  },
  reject_url: {
    description: 'Signed link to reject (empty when not offered)',
    sample: `${SAMPLE_LINK_BASE}/sample-reject`,
  },
  validate_url: {
    description: 'Signed link to validate (empty when not offered)',
    sample: `${SAMPLE_LINK_BASE}/sample-validate`,
  },
  snooze_url: {
    description: 'Signed link to snooze reminders (empty when not offered)',
    sample: `${SAMPLE_LINK_BASE}/sample-snooze`,
  },
  open_url: {
    description: 'Signed link to open the document (empty when not offered)',
    sample: `${SAMPLE_LINK_BASE}/sample-open`,
  },
  preferences_url: {
    description:
      "Signed link to the recipient's email preferences page (the shipped layout's footer shows it in every email)",
    sample: 'https://docnotify.example.com/preferences/sample',
  },
  reminder_number: { description: 'Which reminder this is: 1, 2, …', sample: 2 },
  escalation_level: { description: 'The escalation level: 1, 2, …', sample: 1 },
  due_date: {
    description: "The business deadline: its date in the recipient's language and time zone (10.12.2026, 10/12/2026)",
    sample: '07/15/2024',
  },
  due_date_raw: {
    description: 'The business deadline as the pipeline sent it (ISO-8601, or the due_date field as given)',
    sample: '2024-07-15T17:00:00.000Z',
  },
  due_in: {
    description: "Time left until the deadline, in the recipient's language (in 3 days, dentro de 3 días, vor 2 Tagen)",
    sample: 'in 3 days',
  },
  recipient_name: { description: "The recipient's name (empty for plain addresses)", sample: 'Alex Example' },
  recipient_email: { description: "The recipient's email address", sample: 'alex@example.com' },
  assignee: { description: 'The user, group or address the document is assigned to', sample: 'ap-clerks' },
  reason: {
    description: 'The reason given with the last status change or rejection',
    sample: 'Amount does not match the purchase order',
  },
  error_message: { description: 'The error reported by the pipeline', sample: 'Supplier VAT ID could not be read' },
  comment_author: { description: 'Who wrote the comment', sample: 'Maria Lopez' },
  comment_text: { description: 'The comment', sample: 'Please check the delivery note before approving.' },
  decision: { description: 'The decision taken: approve, reject, validate or snooze', sample: 'approve' },
  decided_by: { description: 'Who decided', sample: 'Maria Lopez' },
  decided_at: {
    description: "When the decision was taken: date and time in the recipient's language and time zone",
    sample: '07/12/2024, 02:32 PM (UTC)',
  },
  decided_at_raw: { description: 'When the decision was taken (ISO-8601)', sample: '2024-07-12T14:32:00.000Z' },
  rule_name: { description: 'The notification rule that sent this email', sample: 'Invoices awaiting approval' },
  smtp_response: {
    description: "The mail server's reply to a failed delivery",
    sample: '550 5.1.1 <nobody@example.com>: Recipient address rejected',
  },
  failed_recipient: { description: 'The address that could not be delivered to', sample: 'nobody@example.com' },
  failure_count: { description: 'How many delivery attempts failed', sample: 1 },
  is_reminder: { description: 'True in reminder emails (use as a section)', sample: true },
  is_escalation: { description: 'True in escalation emails (use as a section)', sample: true },
  total_amount_with_currency: {
    description:
      "The document's total_amount with its currency, in the recipient's language (€1,234.50, 1.234,50 €); empty without total_amount",
    sample: '€1,250.00',
  },
  total_amount_raw: { description: 'The total_amount field as the pipeline sent it', sample: '1250.00' },
  invoice_date_raw: { description: 'The invoice_date field as the pipeline sent it', sample: '2024-06-30' },
  documents: {
    description:
      'Digests and storm summaries only: the documents listed (earliest deadline first) for {{#documents}}…{{/documents}}; each ' +
      '{ document_id, document_type, subject, status_label, due_date, due_in, overdue, document_url, actions } ' +
      "(subject: the email it stands for; status_label, due_date, due_in in the recipient's language, due_date and " +
      'due_in empty without a deadline; overdue: true past the deadline; actions: its action links, maybe none)',
    sample: [
      {
        document_id: 'INV-2024-0042',
        document_type: 'invoice',
        subject: '[invoice INV-2024-0042] Reminder 2: action required',
        status_label: 'Pending approval',
        due_date: '07/10/2024',
        due_in: '2 days ago',
        overdue: true,
        document_url: 'https://docnotify.example.com/admin/documents/default/INV-2024-0042',
        actions: [
          { action: 'approve', label: 'Approve', url: `${SAMPLE_LINK_BASE}/sample-approve` },
          { action: 'reject', label: 'Reject', url: `${SAMPLE_LINK_BASE}/sample-reject` },
        ] satisfies ActionValue[],
      },
      {
        document_id: 'PO-7781',
        document_type: 'order',
        subject: '[order PO-7781] Ready for validation',
        status_label: 'Ready for validation',
        due_date: '07/15/2024',
        due_in: 'in 3 days',
        overdue: false,
        document_url: 'https://docnotify.example.com/admin/documents/default/PO-7781',
        actions: [],
      },
    ] satisfies DocumentItemValue[],
  },
  digest_count: {
    description:
      'Digests and storm summaries only: how many documents it covers in all (the listed and the more_count)',
    sample: 2,
  },
  waiting_count: {
    description: "Digests only: how many of its documents wait for the recipient's action",
    sample: 1,
  },
  more_count: {
    description:
      'Digests and storm summaries only: how many documents are not listed because of the per-email limit (usually 0; use as a section)',
    sample: 0,
  },
  digest_one: {
    description: 'Digests and storm summaries only: true when they list exactly one document (for the singular)',
    sample: false,
  },
  waiting_url: {
    description:
      "Digests only: the reader's signed page of every document waiting for them, with its links (empty without signing keys)",
    sample: 'https://docnotify.example.com/preferences/sample-token/waiting',
  },
};

/**
 * Document fields the shipped templates use (sent by the pipeline in `fields_updated`), with
 * samples. Tenants may use any other field of their documents as well.
 */
export const DOCUMENT_FIELD_PLACEHOLDERS: Record<string, PlaceholderInfo> = {
  invoice_id: { description: 'Invoice number', sample: 'R-2024-1187' },
  invoice_date: {
    description: "Invoice date, in the recipient's language (06/30/2024, 30.06.2024)",
    sample: '06/30/2024',
  },
  supplier_name: { description: 'Supplier name', sample: 'ACME Supplies S.L.' },
  supplier_iban: { description: 'Supplier IBAN', sample: 'ES91 2100 0418 4502 0005 1332' },
  total_amount: {
    description: "Total amount, in the recipient's language with the currency's decimals (1,250.00; 1250,00; 1.250,00)",
    sample: '1,250.00',
  },
  currency: { description: 'Currency code', sample: 'EUR' },
  due_date: BUILTIN_PLACEHOLDERS.due_date,
  order_id: { description: 'Purchase order number', sample: 'PO-7781' },
  contract_id: { description: 'Contract number', sample: 'CT-2024-009' },
};

/**
 * Sample values for every built-in and shipped document field, as an English reader sees them (pickers, previews).
 * "Send test" sends the `*_raw` samples as the document's fields, so the email is formatted for its recipient.
 */
export function sampleValues(): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, info] of Object.entries({ ...BUILTIN_PLACEHOLDERS, ...DOCUMENT_FIELD_PLACEHOLDERS })) {
    out[name] = structuredClone(info.sample);
  }
  return out;
}

/**
 * Fields of the items of built-in list sections: inside `{{#actions}}…{{/actions}}` the names
 * `action`, `label` and `url` resolve against the current item, inside `{{#documents}}…{{/documents}}`
 * the fields of each listed document (whose `actions` is a list section again).
 */
export const SECTION_ITEM_FIELDS: Readonly<Record<string, readonly string[]>> = {
  actions: ['action', 'label', 'url'],
  documents: [
    'document_id',
    'document_type',
    'subject',
    'status_label',
    'due_date',
    'due_in',
    'overdue',
    'document_url',
    'actions',
  ],
};

const TAGS: [string, string] = ['{{', '}}'];
const PARTS: readonly TemplatePart[] = ['subject', 'html', 'text'];

/** Tag types, by Mustache's token type. */
const FORBIDDEN: Record<string, string> = {
  '&': 'unescaped output is not allowed',
  '>': 'partials are not allowed',
  '=': 'changing delimiters is not allowed',
};

interface Use {
  /** As reported by {@link templatePlaceholders}: `name`, or `section.field` for list items. */
  name: string;
  /** As written, for messages: `{{name}}`, `{{#name}}`. */
  tag: string;
}

function location(source: string, offset: number): string {
  const before = source.slice(0, Math.max(0, Math.min(offset, source.length)));
  const line = before.split('\n').length;
  const column = offset - before.lastIndexOf('\n');
  return `line ${line}, column ${column}`;
}

/** Parses one part, turning Mustache's errors into a {@link TemplateError} with line and column. */
function parsePart(source: string, part: TemplatePart): TemplateSpans {
  try {
    return parse(source, TAGS);
  } catch (err) {
    const raw = err instanceof Error ? err.message : String(err);
    const at = /^(.*) at (\d+)$/.exec(raw);
    const where = at ? ` at ${location(source, Number(at[2]))}` : '';
    throw new TemplateError(`syntax error in ${part}${where}: ${at ? at[1] : raw}`, undefined, part);
  }
}

/**
 * Walks the tokens in document order: rejects forbidden tags, reports every name used.
 * `items` is the stack of enclosing `{{#…}}` list sections whose item fields are known.
 */
function walk(tokens: TemplateSpans, source: string, part: TemplatePart, uses: Use[], items: string[]): void {
  for (const token of tokens) {
    const [type, value, start] = token;
    if (type === 'text' || type === '!') continue;
    const forbidden = FORBIDDEN[type];
    if (forbidden) {
      const written = source.slice(start, token[3]);
      throw new TemplateError(`${forbidden}: "${written}" in ${part} at ${location(source, start)}`, value, part);
    }
    if (value === '')
      throw new TemplateError(`syntax error in ${part} at ${location(source, start)}: empty tag`, undefined, part);
    const sigil = type === 'name' ? '' : type;
    if (value !== '.') {
      const list = items.find((s) => SECTION_ITEM_FIELDS[s]?.includes(value));
      uses.push({ name: list ? `${list}.${value}` : value, tag: `{{${sigil}${value}}}` });
    }
    if (type === '#' || type === '^') {
      const children = Array.isArray(token[4]) ? token[4] : [];
      // Only `#` pushes the value as context; inside `^` names resolve as outside.
      walk(children, source, part, uses, type === '#' ? [value, ...items] : items);
    }
  }
}

function partsOf(t: TemplateSource): [TemplatePart, string][] {
  return PARTS.flatMap((p): [TemplatePart, string][] => {
    const s = t[p];
    return typeof s === 'string' ? [[p, s]] : [];
  });
}

/** Parses and checks every part; returns the names used, in order, per part. */
function analyse(t: TemplateSource): { part: TemplatePart; uses: Use[] }[] {
  return partsOf(t).map(([part, source]) => {
    const uses: Use[] = [];
    walk(parsePart(source, part), source, part, uses, []);
    return { part, uses };
  });
}

/**
 * Every placeholder and section name a template uses, deduplicated, in order of first use
 * (subject, then HTML, then text).
 *
 * Names inside a built-in list section that are fields of its items are reported qualified:
 * `{{#actions}}{{url}}{{/actions}}` reports `actions` and `actions.url` (see
 * {@link SECTION_ITEM_FIELDS}). Every other name inside a section is reported as written, because
 * Mustache resolves it against the top-level values (`{{#supplier_name}}{{supplier_name}}{{/supplier_name}}`
 * reports `supplier_name`). `{{.}}` is not reported.
 *
 * @throws TemplateError on a syntax error or a forbidden tag
 */
export function templatePlaceholders(t: TemplateSource): string[] {
  const names = new Set<string>();
  for (const { uses } of analyse(t)) for (const u of uses) names.add(u.name);
  return [...names];
}

/**
 * Checks a template before it is saved or used: syntax, forbidden tags (`{{{…}}}`, `{{&…}}`,
 * partials, delimiter changes), and that every placeholder is known. Reports the FIRST problem
 * (subject, then HTML, then text; in reading order), e.g. `unknown placeholder "{{foo}}" in subject`
 * or `syntax error in html at line 3, column 5: Unclosed section "actions"`.
 *
 * @param known the built-in names (`Object.keys(BUILTIN_PLACEHOLDERS)`) plus the document type's
 *   field names. Item fields of built-in list sections (`actions.url`) are always known when
 *   their section is.
 * @throws TemplateError
 */
export function validateTemplate(t: TemplateSource, known: readonly string[]): void {
  const knownSet = new Set(known);
  for (const { part, uses } of analyse(t)) {
    for (const u of uses) {
      const dot = u.name.indexOf('.');
      const itemField = dot > 0 && SECTION_ITEM_FIELDS[u.name.slice(0, dot)]?.includes(u.name.slice(dot + 1));
      if (knownSet.has(u.name) || (itemField && knownSet.has(u.name.slice(0, dot)))) continue;
      throw new TemplateError(`unknown placeholder "${u.tag}" in ${part}`, u.name, part);
    }
  }
}

/**
 * Mustache's escape for HTML templates: preact's text escaping (the one the web pages use), and `'` too, because an
 * administrator's template may quote an attribute with it (`href='{{document_url}}'`).
 */
function escapeHtml(value: unknown): string {
  return renderToString(h(Fragment, null, String(value))).replace(/'/g, '&#39;');
}

const plain = (value: unknown): string => String(value);

const MAX_VIEW_DEPTH = 8;

/**
 * Copies values into plain data Mustache can only read: prototype-less objects (so `{{constructor}}`
 * finds nothing), no functions (Mustache would call them as lambdas), dates as ISO strings.
 */
function toView(value: unknown, depth = 0): unknown {
  if (value === null || value === undefined) return value;
  switch (typeof value) {
    case 'string':
    case 'number':
    case 'boolean':
      return value;
    case 'bigint':
      return value.toString();
    case 'object':
      if (depth >= MAX_VIEW_DEPTH) return undefined;
      if (value instanceof Date) return Number.isNaN(value.getTime()) ? undefined : value.toISOString();
      if (Array.isArray(value)) return value.map((v) => toView(v, depth + 1));
      {
        const out: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
        for (const [k, v] of Object.entries(value)) out[k] = toView(v, depth + 1);
        return out;
      }
    default:
      return undefined;
  }
}

/**
 * Makes a rendered subject safe for a header: every run of whitespace or control characters
 * (CR, LF, TAB, NUL, Unicode line separators, …) becomes one space; trimmed; at most
 * {@link MAX_SUBJECT_LENGTH} characters (cut with `…`, never inside a surrogate pair).
 */
export function cleanSubject(subject: string): string {
  const one = subject.replace(/[\s\p{Cc}\u2028\u2029]+/gu, ' ').trim();
  const chars = Array.from(one);
  return chars.length <= MAX_SUBJECT_LENGTH
    ? one
    : `${chars
        .slice(0, MAX_SUBJECT_LENGTH - 1)
        .join('')
        .trimEnd()}…`;
}

/** html-to-text compiled once: `convert` compiles its selectors again on every call (most of its cost per email). */
const toPlainText = compile({
  wordwrap: false,
  selectors: [
    { selector: 'a', options: { linkBrackets: ['[', ']'], hideLinkHrefIfSameAsText: true } },
    { selector: 'img', format: 'skip' },
    ...['h1', 'h2', 'h3', 'h4', 'h5', 'h6'].map((selector) => ({ selector, options: { uppercase: false } })),
    // Columns, but never wrapped: a cell holding "label [long signed url]" stays on one line.
    { selector: 'table', format: 'dataTable', options: { uppercaseHeaderCells: false, maxColumnWidth: 10_000 } },
  ],
});

/** Plain text from an HTML body: links kept as `label [url]`, headings as written, no wrapping. */
export function htmlToText(html: string): string {
  return toPlainText(html).trim();
}

/**
 * Renders a template with `values` into an email.
 *
 * - HTML: `t.html` rendered with every `{{value}}` HTML-escaped, then placed into the layout's
 *   `{{{body}}}` slot. The layout is trusted (shipped by us) and sees only `body`, `subject` and
 *   `footer` (`values.footer` when it is a non-empty string; the layout has its own default), and
 *   `preferences_url` / `preferences_label` (the footer's link to the email preferences page, when given).
 * - Text: `t.text` rendered (not escaped) when given, else derived from the rendered HTML body
 *   (not the layout) with html-to-text; links appear as `label [url]`. With a `preferences_url` the text ends with
 *   the line `<preferences_label>: <url>`, as the layout's footer does in the HTML.
 * - Subject: rendered (not escaped), then cleaned by {@link cleanSubject}, so a value with CR/LF
 *   can never add a header.
 * - Missing values (and `null`) render as `''`; a section over a missing value is skipped.
 *
 * Unknown placeholders are not an error here (they render as `''`); use {@link validateTemplate}
 * when a template is saved.
 *
 * @throws TemplateError on a syntax error or a forbidden tag
 */
export function renderEmail(t: TemplateSource, values: Record<string, unknown>, layoutHtml: string): RenderedEmail {
  analyse(t);
  const view = toView(values) as Record<string, unknown>;
  const subject = cleanSubject(render(t.subject, view, undefined, { tags: TAGS, escape: plain }));
  const body = render(t.html, view, undefined, { tags: TAGS, escape: escapeHtml });
  const text =
    typeof t.text === 'string'
      ? render(t.text, view, undefined, { tags: TAGS, escape: plain }).trim()
      : htmlToText(body);
  const footer = typeof values.footer === 'string' && values.footer.trim() !== '' ? values.footer : undefined;
  const preferences = preferencesLink(values);
  const html = render(
    layoutHtml,
    { body, subject, footer, preferences_url: preferences?.url, preferences_label: preferences?.label },
    undefined,
    { tags: TAGS, escape: escapeHtml },
  );
  return { subject, html, text: preferences ? `${text}\n\n${preferences.label}: ${preferences.url}` : text };
}

/** The footer's preferences link: an http(s) `preferences_url` and its label (`preferences_label`, else English). */
function preferencesLink(values: Record<string, unknown>): { url: string; label: string } | undefined {
  const url = values.preferences_url;
  if (typeof url !== 'string' || !/^https?:\/\//i.test(url)) return undefined;
  const label =
    typeof values.preferences_label === 'string' && values.preferences_label.trim() !== ''
      ? values.preferences_label.trim()
      : 'Email preferences';
  return { url, label };
}
