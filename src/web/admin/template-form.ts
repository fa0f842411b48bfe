/**
 * The template editor's form: which template each locale uses, the form values of every locale
 * (`<locale>.subject`, `<locale>.html`, `<locale>.text`), and saving the locales that changed.
 */
import { SHIPPED_LOCALES } from '../../email/defaults';
import type { TemplateSource } from '../../email/render';
import { ValidationError } from '../../errors';
import { parseTemplate, type StoredTemplate } from '../../store/templates';
import { auditChange, type AdminCtx, type AdminEnv } from './context';
import type { FieldErrors, FormValues } from './form';

/** A template name. */
export const NAME = /^[a-z0-9_.-]{1,100}$/;
/** A locale, `de` or `pt-BR`. */
export const LOCALE = /^[a-z]{2}(-[A-Za-z]{2})?$/;
/** The subject field of a locale (its presence makes the locale part of the form). */
export const LOCALE_SUBJECT = /^([a-z]{2}(?:-[A-Za-z]{2})?)\.subject$/;

const LOCALE_NAMES: Record<string, string> = {
  en: 'English',
  es: 'Spanish',
  de: 'German',
  fr: 'French',
  it: 'Italian',
  pt: 'Portuguese',
  nl: 'Dutch',
};
const PARTS: [keyof TemplateSource, string][] = [
  ['subject', 'Subject'],
  ['html', 'HTML body'],
  ['text', 'Plain-text body'],
];

/** "German" for `de` and `de-AT`; the locale itself when it has no name here. */
export const localeName = (locale: string): string => LOCALE_NAMES[locale.split('-')[0]] ?? locale;

/** A template changed in the form, as the store takes it. */
export interface TemplateChange {
  locale: string;
  input: Record<string, unknown>;
}

/** The template each locale uses for (name, document type): the type's own, else the general one. */
export async function effective(
  env: AdminEnv,
  tenant: string,
  name: string,
  type: string,
): Promise<Map<string, StoredTemplate>> {
  const all = await env.deps.stores.templates.list(tenant, { name });
  const out = new Map<string, StoredTemplate>();
  for (const template of all) {
    if (template.documentType !== type && template.documentType !== '') continue;
    const have = out.get(template.locale);
    if (!have || (have.documentType === '' && template.documentType === type)) out.set(template.locale, template);
  }
  return out;
}

/** The locales of the editor: the shipped ones first, then those stored or posted, by name. */
export function localesOf(existing: Map<string, StoredTemplate>, values?: FormValues): string[] {
  const set = new Set<string>([...SHIPPED_LOCALES, ...existing.keys()]);
  for (const key of Object.keys(values ?? {})) {
    const locale = LOCALE_SUBJECT.exec(key)?.[1];
    if (locale) set.add(locale);
  }
  const shipped = SHIPPED_LOCALES as readonly string[];
  const rank = (locale: string) => (shipped.includes(locale) ? shipped.indexOf(locale) : 99);
  return [...set].sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
}

/** The template source of a locale as posted (the subject trimmed; an empty plain-text part absent). */
export function sourceOf(values: FormValues, locale: string): TemplateSource {
  const text = (values[`${locale}.text`] as string | undefined) ?? '';
  return {
    subject: ((values[`${locale}.subject`] as string | undefined) ?? '').trim(),
    html: (values[`${locale}.html`] as string | undefined) ?? '',
    text: text.trim() ? text : undefined,
  };
}

/** The form values of the stored templates. */
export function valuesFrom(existing: Map<string, StoredTemplate>): FormValues {
  const values: FormValues = {};
  for (const [locale, template] of existing) {
    values[`${locale}.subject`] = template.subject;
    values[`${locale}.html`] = template.html;
    values[`${locale}.text`] = template.text ?? '';
  }
  return values;
}

/** The labels of every field of these locales (the error summary): "German – HTML body". */
export function fieldLabels(locales: string[]): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const locale of locales)
    for (const [part, label] of PARTS) labels[`${locale}.${part}`] = `${localeName(locale)} – ${label}`;
  return labels;
}

/** Puts the store's issues beside the locale's field they are about (the HTML body when none). */
function addIssues(errors: FieldErrors, locale: string, error: ValidationError): void {
  for (const issue of error.issues) {
    const part = ['subject', 'html', 'text'].includes(issue.path) ? issue.path : 'html';
    (errors[`${locale}.${part}`] ??= []).push(issue.message);
  }
}

/** The source equals the stored template (also when inherited from the general or shipped version). */
const unchanged = (stored: StoredTemplate, src: TemplateSource): boolean =>
  stored.subject === src.subject && stored.html === src.html && (stored.text ?? '') === (src.text ?? '');

/** The locales the form changed, checked as the store will check them; the refused ones as errors. */
export function changedLocales(
  existing: Map<string, StoredTemplate>,
  values: FormValues,
  name: string,
  type: string,
): { changed: TemplateChange[]; errors: FieldErrors } {
  const errors: FieldErrors = {};
  const changed: TemplateChange[] = [];
  for (const locale of localesOf(existing, values)) {
    if (!LOCALE.test(locale)) continue;
    const src = sourceOf(values, locale);
    const stored = existing.get(locale);
    // Unchanged: nothing to store. Nothing typed for a locale without a template: nothing either.
    if (stored ? unchanged(stored, src) : !src.subject && !src.html.trim() && !src.text) continue;
    const input = { name, locale, documentType: type, subject: src.subject, html: src.html, text: src.text };
    try {
      parseTemplate(input);
      changed.push({ locale, input });
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      addIssues(errors, locale, err);
    }
  }
  return { changed, errors };
}

/** Stores the changed locales (each one audited); what the store refused as errors. */
export async function storeChanges(
  c: AdminCtx,
  env: AdminEnv,
  target: { name: string; type: string },
  changed: TemplateChange[],
): Promise<FieldErrors> {
  const errors: FieldErrors = {};
  for (const change of changed) {
    try {
      const saved = await env.deps.stores.templates.put(c.tenant, change.input);
      await auditChange(c, env, {
        action: 'template.put',
        entity: 'template',
        entityId: `${target.name}/${change.locale}${target.type ? `/${target.type}` : ''}`,
        after: saved,
      });
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      addIssues(errors, change.locale, err);
    }
  }
  return errors;
}
