/**
 * The default templates shipped in `templates/`: one folder per situation holding
 * `<locale>.subject`, `<locale>.html` and optionally `<locale>.txt`, plus the shared `layout.html`.
 * Node-only (reads files); never import this from workflow code.
 */
import fs from 'node:fs';
import path from 'node:path';
import { STATUS_LABELS, type DocumentStatus } from '../domain/status';

/** A shipped template for one situation and locale. */
export interface DefaultTemplate {
  /** The situation, e.g. `status_pending_approval`, `reminder`. */
  name: string;
  locale: string;
  /** Subject template, one line (the file's surrounding whitespace is trimmed). */
  subject: string;
  html: string;
  /** Plain-text template; absent when the text is derived from the HTML. */
  text?: string;
}

/** Where the shipped templates live (`<project>/templates`, also from `dist/email`). */
export const DEFAULT_TEMPLATES_DIR = path.resolve(__dirname, '../../templates');

/** Locales every shipped template exists in. */
export const SHIPPED_LOCALES = ['en', 'es', 'de'] as const;

/** One of {@link SHIPPED_LOCALES}. */
export type ShippedLocale = (typeof SHIPPED_LOCALES)[number];

/** The locale used when neither the recipient's nor the tenant's is available. */
export const FALLBACK_LOCALE = 'en';

/**
 * Every situation a default template ships for (`status_<status>` for each status, then events, then the emails
 * about many documents: the daily `digest` and the error-notice `storm_summary`).
 */
export const DEFAULT_TEMPLATE_NAMES = [
  'status_received',
  'status_processing',
  'status_ready_for_validation',
  'status_pending_approval',
  'status_pending_second_approval',
  'status_approved',
  'status_exported',
  'status_rejected',
  'status_on_hold',
  'status_error',
  'status_import_error',
  'status_export_error',
  'status_deleted',
  'assigned',
  'comment_added',
  'reminder',
  'escalation',
  'due_soon',
  'overdue',
  'decision_confirmation',
  'smtp_failure_alert',
  'test',
  'digest',
  'storm_summary',
] as const;

/** Layout footer per shipped locale; pass it as the `footer` value to `renderEmail`. */
export const LAYOUT_FOOTER: Record<ShippedLocale, string> = {
  en: 'This is an automated message from docnotify. Please do not reply.',
  es: 'Este es un mensaje automático de docnotify. Por favor, no responda.',
  de: 'Dies ist eine automatische Nachricht von docnotify. Bitte antworten Sie nicht darauf.',
};

/** The layout footer's link to the email preferences page, per shipped locale (the `preferences_label` value). */
export const PREFERENCES_LABEL: Record<ShippedLocale, string> = {
  en: 'Email preferences and unsubscribe',
  es: 'Preferencias de correo y baja',
  de: 'E-Mail-Einstellungen und Abmeldung',
};

/** Status labels per shipped locale: the `status_label` value for a recipient. */
export const STATUS_LABELS_BY_LOCALE: Record<ShippedLocale, Record<DocumentStatus, string>> = {
  en: STATUS_LABELS,
  es: {
    received: 'Recibido',
    processing: 'En proceso',
    ready_for_validation: 'Listo para validar',
    pending_approval: 'Pendiente de aprobación',
    pending_second_approval: 'Pendiente de segunda aprobación',
    approved: 'Aprobado, pendiente de exportación',
    exported: 'Procesamiento completado',
    rejected: 'Rechazado',
    on_hold: 'En espera',
    error: 'Error de procesamiento',
    import_error: 'Error de importación',
    export_error: 'Error de exportación',
    deleted: 'Eliminado',
  },
  de: {
    received: 'Eingegangen',
    processing: 'In Verarbeitung',
    ready_for_validation: 'Bereit zur Validierung',
    pending_approval: 'Freigabe ausstehend',
    pending_second_approval: 'Zweite Freigabe ausstehend',
    approved: 'Freigegeben, Export ausstehend',
    exported: 'Verarbeitung abgeschlossen',
    rejected: 'Abgelehnt',
    on_hold: 'Zurückgestellt',
    error: 'Verarbeitungsfehler',
    import_error: 'Importfehler',
    export_error: 'Exportfehler',
    deleted: 'Gelöscht',
  },
};

const isShipped = (locale: string): locale is ShippedLocale => (SHIPPED_LOCALES as readonly string[]).includes(locale);

/** The label of `status` in `locale` (its language when the locale is regional), else in English. */
export function statusLabel(status: DocumentStatus, locale?: string): string {
  const language = normalizeLocale(locale ?? '').split('-')[0];
  return STATUS_LABELS_BY_LOCALE[isShipped(language) ? language : FALLBACK_LOCALE][status];
}

const FILE = /^([A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{2,8})*)\.(subject|html|txt)$/;

/**
 * Reads every default template below `dir`: each sub-folder is a situation, each
 * `<locale>.subject` + `<locale>.html` pair (and optional `<locale>.txt`) one template.
 * Other files are ignored. Sorted by name, then locale.
 *
 * @param dir @default {@link DEFAULT_TEMPLATES_DIR}
 * @throws Error naming the file when a locale has a subject without html, or the reverse
 */
export function loadDefaultTemplates(dir: string = DEFAULT_TEMPLATES_DIR): DefaultTemplate[] {
  const out: DefaultTemplate[] = [];
  const situations = fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory() && !e.name.startsWith('.'))
    .map((e) => e.name)
    .sort();
  for (const name of situations) {
    const folder = path.join(dir, name);
    const byLocale = new Map<string, Partial<Record<'subject' | 'html' | 'txt', string>>>();
    for (const file of fs.readdirSync(folder).sort()) {
      const m = FILE.exec(file);
      if (!m) continue;
      const parts = byLocale.get(m[1]) ?? {};
      parts[m[2] as 'subject' | 'html' | 'txt'] = fs.readFileSync(path.join(folder, file), 'utf8');
      byLocale.set(m[1], parts);
    }
    for (const [locale, parts] of [...byLocale].sort(([a], [b]) => a.localeCompare(b))) {
      if (parts.subject === undefined || parts.html === undefined) {
        const missing = parts.subject === undefined ? 'subject' : 'html';
        throw new Error(`default template ${name}/${locale}: missing ${path.join(folder, `${locale}.${missing}`)}`);
      }
      const template: DefaultTemplate = { name, locale, subject: parts.subject.trim(), html: parts.html };
      if (parts.txt !== undefined) template.text = parts.txt;
      out.push(template);
    }
  }
  return out;
}

/**
 * Reads the shared email layout (`layout.html`, trusted: it holds the `{{{body}}}` slot).
 * @param dir @default {@link DEFAULT_TEMPLATES_DIR}
 */
export function loadLayout(dir: string = DEFAULT_TEMPLATES_DIR): string {
  return fs.readFileSync(path.join(dir, 'layout.html'), 'utf8');
}

/** `es_MX` / `ES-mx` → `es-mx`: for comparison only. */
function normalizeLocale(locale: string): string {
  return locale.trim().replace(/_/g, '-').toLowerCase();
}

function match(available: readonly string[], wanted: string | undefined): string | undefined {
  if (!wanted || !wanted.trim()) return undefined;
  const want = normalizeLocale(wanted);
  const language = want.split('-')[0];
  const norm = available.map(normalizeLocale);
  // exact, then the wanted locale's language (es-MX → es), then a regional variant of it (es → es-ES)
  const i = [norm.indexOf(want), norm.indexOf(language), norm.findIndex((a) => a.split('-')[0] === language)].find(
    (k) => k >= 0,
  );
  return i === undefined ? undefined : available[i];
}

/**
 * Picks the locale of a template among those `available` for it: the recipient's locale, else the
 * tenant's, else `en`, else the first available. Matching ignores case and `_`/`-`, and falls back
 * from a regional locale to its language (`es-MX` → `es`) and from a language to a regional variant.
 * Returns the spelling used in `available`; `en` when nothing is available.
 */
export function pickLocale(available: readonly string[], recipientLocale?: string, tenantLocale?: string): string {
  return (
    match(available, recipientLocale) ??
    match(available, tenantLocale) ??
    match(available, FALLBACK_LOCALE) ??
    available[0] ??
    FALLBACK_LOCALE
  );
}
