/**
 * The template editor's preview: a template source rendered the way the worker renders it (renderEmail + the shipped
 * layout), with the "Send test" sample values in the preview's locale.
 */
import { LAYOUT_FOOTER, SHIPPED_LOCALES, statusLabel, type ShippedLocale } from '../../email/defaults';
import { renderEmail, sampleValues, TemplateError, validateTemplate, type TemplateSource } from '../../email/render';
import { localizedSamples } from '../../email/values';
import { STATUSES, type DocumentStatus } from '../../domain/status';
import { knownPlaceholders } from '../../store/templates';
import type { FormValues } from './form';
import { LOCALE_SUBJECT, sourceOf } from './template-form';

/** One rendered preview (or why there is none). */
export interface Preview {
  subject: string;
  html: string;
  text: string;
  /** The template cannot be rendered (syntax error, forbidden tag). */
  error?: string;
  /** It renders, but saving would be refused (unknown placeholder). */
  warning?: string;
  empty?: boolean;
}

/** The shipped footer of a locale's language (English for a language docnotify does not ship). */
function footerOf(locale: string): string {
  const language = locale.split('-')[0];
  const shipped = (SHIPPED_LOCALES as readonly string[]).includes(language);
  return LAYOUT_FOOTER[shipped ? (language as ShippedLocale) : 'en'];
}

/** Sample values for a preview in `locale`: the "Send test" samples, localized, with the template's own status. */
export function previewValues(name: string, locale: string, documentType: string): Record<string, unknown> {
  const values = localizedSamples(sampleValues(), { locale, timeZone: 'UTC' });
  const named = /^status_(.+)$/.exec(name)?.[1];
  const status: DocumentStatus =
    named && (STATUSES as readonly string[]).includes(named) ? (named as DocumentStatus) : 'pending_approval';
  values.status = status;
  values.status_label = statusLabel(status, locale);
  values.footer = footerOf(locale);
  if (documentType) values.document_type = documentType;
  values.is_reminder = name === 'reminder';
  values.is_escalation = name === 'escalation';
  return values;
}

/** Renders a template source the way the worker does, with sample values. Never throws. */
export function renderPreview(
  src: TemplateSource,
  name: string,
  locale: string,
  documentType: string,
  layout: string,
): Preview {
  if (!src.subject.trim() && !src.html.trim() && !src.text?.trim())
    return { subject: '', html: '', text: '', empty: true };
  let warning: string | undefined;
  try {
    validateTemplate(src, knownPlaceholders());
  } catch (err) {
    if (!(err instanceof TemplateError)) throw err;
    warning = err.message;
  }
  try {
    const rendered = renderEmail(src, previewValues(name, locale, documentType), layout);
    return { ...rendered, warning };
  } catch (err) {
    if (err instanceof TemplateError) return { subject: '', html: '', text: '', error: err.message };
    throw err;
  }
}

/** The live preview's answer: every locale of the posted form (each one with a subject field), rendered. */
export function previewsOf(values: FormValues, name: string, documentType: string, layout: string) {
  const previews: Record<string, Preview> = {};
  for (const key of Object.keys(values)) {
    const locale = LOCALE_SUBJECT.exec(key)?.[1];
    if (locale) previews[locale] = renderPreview(sourceOf(values, locale), name, locale, documentType, layout);
  }
  return previews;
}
