import type { DocumentStatus } from '../domain/status';
import { LAYOUT_FOOTER, PREFERENCES_LABEL, statusLabel } from './defaults';
import type { DocumentSnapshot } from '../workflows/types';
import type { Recipient } from '../store/directory';
import { ACTIONS, type Keyring, type LinkAction } from '../links/token';
import {
  formatAmount,
  formatAmountNumber,
  formatDate,
  formatDateTime,
  formatNumber,
  formatRelative,
  type Reader,
} from './format';

export interface ActionLink {
  action: string;
  label: string;
  url: string;
}

const ACTION_LABELS: Record<string, Record<string, string>> = {
  en: { approve: 'Approve', reject: 'Reject', validate: 'Validate', snooze: 'Snooze', open: 'Open document' },
  es: { approve: 'Aprobar', reject: 'Rechazar', validate: 'Validar', snooze: 'Posponer', open: 'Abrir documento' },
  de: {
    approve: 'Genehmigen',
    reject: 'Ablehnen',
    validate: 'Validieren',
    snooze: 'Zurückstellen',
    open: 'Dokument öffnen',
  },
};

export const actionLabel = (action: string, locale: string): string =>
  (ACTION_LABELS[locale] ?? ACTION_LABELS.en)[action] ?? action;

/** How long action links stay valid (in an email, a digest, the page of everything waiting). */
export const ACTION_LINK_TTL_MS = 14 * 86_400_000;

/** The signed action links of one open task for one person, labelled in their language. */
export function signedActionLinks(input: {
  keyring: Keyring;
  publicBaseUrl: string;
  tenantId: string;
  documentId: string;
  task: { id: string; version: number };
  actions: LinkAction[];
  recipient: string;
  locale: string;
  now: number;
}): ActionLink[] {
  return input.actions.map((action) => ({
    action,
    label: actionLabel(action, input.locale),
    url: `${input.publicBaseUrl}/actions/${input.keyring.sign({
      tenantId: input.tenantId,
      documentId: input.documentId,
      taskId: input.task.id,
      taskVersion: input.task.version,
      action,
      recipient: input.recipient.toLowerCase(),
      expiresAt: input.now + ACTION_LINK_TTL_MS,
    })}`,
  }));
}

/** Built-in link names (`approve_url`, ...): never taken from document fields, offered or not. */
const LINK_VALUES = new Set(ACTIONS.map((a) => `${a}_url`));

/** A document's own `document_url`, if it is an http(s) URL (never `javascript:` and the like). */
function httpUrl(v: unknown): string | undefined {
  if (typeof v !== 'string') return undefined;
  try {
    return ['http:', 'https:'].includes(new URL(v).protocol) ? v : undefined;
  } catch {
    return undefined;
  }
}

/** The values a template is rendered with: document fields first, built-ins over them. */
export function templateValues(input: {
  snapshot: DocumentSnapshot;
  recipient: Recipient;
  locale: string;
  kind: string;
  seq: number;
  ruleName?: string;
  links: ActionLink[];
  documentUrl: string;
  /** The recipient's signed email preferences link (every email's footer); absent without signing keys. */
  preferencesUrl?: string;
  extra?: Record<string, unknown>;
  /** The reader's time zone (the recipient's, else the tenant calendar's); UTC when absent. */
  timeZone?: string;
  /** Epoch ms that `due_in` counts from; now when absent. */
  now?: number;
}): Record<string, unknown> {
  const { snapshot: s, recipient, links } = input;
  const reader: Reader = { locale: input.locale, timeZone: input.timeZone };
  const byAction = Object.fromEntries(links.map((l) => [`${l.action}_url`, l.url]));
  const fields = Object.fromEntries(Object.entries(s.fields).filter(([k]) => !LINK_VALUES.has(k)));
  return {
    ...fields,
    ...formattedFields(s.fields, reader),
    document_id: s.documentId,
    document_type: s.documentType,
    tenant_id: s.tenantId,
    status: s.status ?? '',
    status_label: s.status ? statusLabel(s.status as DocumentStatus, input.locale) : '',
    previous_status: s.previousStatus ?? '',
    document_url: httpUrl(s.fields.document_url) ?? input.documentUrl,
    actions: links,
    ...byAction,
    reminder_number: input.kind === 'reminder' ? formatNumber(input.seq, reader) : '',
    escalation_level: formatNumber(input.kind === 'escalation' ? input.seq : s.escalationLevel || '', reader),
    is_reminder: input.kind === 'reminder',
    is_escalation: input.kind === 'escalation',
    ...dueValues(s, reader, input.now ?? Date.now()),
    recipient_name: recipient.name ?? recipient.email,
    recipient_email: recipient.email,
    assignee: s.assignee ?? '',
    reason: s.statusReason ?? s.decision?.reason ?? '',
    error_message: s.errorMessage ?? '',
    comment_author: s.comment?.author ?? '',
    comment_text: s.comment?.text ?? '',
    decision: s.decision?.action ?? '',
    decided_by: s.decision?.actor ?? '',
    decided_at: formatDateTime(s.decision?.at, reader) ?? '',
    decided_at_raw: s.decision?.at ?? '',
    rule_name: input.ruleName ?? '',
    footer: (LAYOUT_FOOTER as Record<string, string>)[input.locale] ?? LAYOUT_FOOTER.en,
    preferences_url: input.preferencesUrl ?? '',
    preferences_label:
      (PREFERENCES_LABEL as Record<string, string>)[input.locale.split('-')[0]] ?? PREFERENCES_LABEL.en,
    ...input.extra,
  };
}

/**
 * The document's deadline: `due_date` (formatted; the instant's date in the reader's zone, else the `due_date`
 * field's date), `due_date_raw` (the ISO instant, else the field as given) and `due_in` (`in 3 days`, relative).
 */
function dueValues(s: DocumentSnapshot, reader: Reader, now: number): Record<string, unknown> {
  const raw = s.dueAt ?? s.fields.due_date ?? '';
  return {
    due_date: formatDate(raw, reader) ?? '',
    due_date_raw: raw,
    due_in: (s.dueAt ? formatRelative(s.dueAt, now, reader) : undefined) ?? '',
  };
}

/**
 * Document fields printed for the reader (the field's own name holds the formatted value, `<name>_raw` the value
 * as the pipeline sent it): `total_amount` (`1.234,50`), `total_amount_with_currency` (`1.234,50 €`),
 * `invoice_date` (`10.12.2026`). Fields that are absent stay absent, so `{{#total_amount}}` sections still skip.
 */
export function formattedFields(fields: Record<string, unknown>, reader: Reader): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const amount = fields.total_amount;
  if (amount !== undefined && amount !== null && amount !== '') {
    out.total_amount = formatAmountNumber(amount, fields.currency, reader);
    out.total_amount_raw = amount;
    out.total_amount_with_currency = formatAmount(amount, fields.currency, reader);
  }
  const invoiceDate = fields.invoice_date;
  if (invoiceDate !== undefined && invoiceDate !== null && invoiceDate !== '') {
    out.invoice_date = formatDate(invoiceDate, reader);
    out.invoice_date_raw = invoiceDate;
  }
  return out;
}

/** Sample instants of the previews, as the samples of `due_date_raw` and `decided_at_raw` say. */
const SAMPLE_NOW = Date.parse('2024-07-12T17:00:00.000Z');

/**
 * The placeholder samples (`sampleValues()`) printed for a reader: dates, amounts and `due_in` in `locale`
 * (previews of the template editor).
 */
export function localizedSamples(samples: Record<string, unknown>, reader: Reader): Record<string, unknown> {
  const fields = {
    total_amount: samples.total_amount_raw,
    currency: samples.currency,
    invoice_date: samples.invoice_date_raw,
  };
  return {
    ...samples,
    ...formattedFields(fields, reader),
    due_date: formatDate(samples.due_date_raw, reader) ?? '',
    due_in: formatRelative(samples.due_date_raw, SAMPLE_NOW, reader) ?? '',
    decided_at: formatDateTime(samples.decided_at_raw, reader) ?? '',
  };
}

/**
 * Sample values as document fields for "Send test": the raw value of each formatted placeholder (`total_amount`
 * gets `total_amount_raw`'s sample), so the email is formatted for its recipient as a real one would be.
 */
export function rawSampleFields(samples: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(samples)) {
    if (k.endsWith('_raw')) continue;
    out[k] = `${k}_raw` in samples ? samples[`${k}_raw`] : v;
  }
  return out;
}
