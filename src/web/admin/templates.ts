/**
 * Templates: list, edit every locale of one template (per document type) with a live preview rendered
 * on the server (renderEmail + the shipped layout + sample values), a placeholder picker, and "Send test".
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { LAYOUT_FOOTER, SHIPPED_LOCALES, statusLabel, type ShippedLocale } from '../../email/defaults';
import {
  BUILTIN_PLACEHOLDERS,
  DOCUMENT_FIELD_PLACEHOLDERS,
  renderEmail,
  sampleValues,
  TemplateError,
  validateTemplate,
  type TemplateSource,
} from '../../email/render';
import { STATUSES, type DocumentStatus } from '../../domain/status';
import { knownPlaceholders, parseTemplate, SHIPPED, type StoredTemplate } from '../../store/templates';
import { NotFoundError, ValidationError } from '../../errors';
import { auditChange, ctx, q, redirect, sendHtml, str, type AdminCtx, type AdminEnv } from './context';
import { errorSummary, formValues, textareaField, textField, val, type FieldErrors, type FormValues } from './form';
import { attrs, html, query, type SafeHtml } from './html';
import { badge, emptyState, page, table, time } from './layout';
import { localizedSamples } from '../../email/values';

const NAME = /^[a-z0-9_.-]{1,100}$/;
const LOCALE = /^[a-z]{2}(-[A-Za-z]{2})?$/;
const LOCALE_NAMES: Record<string, string> = {
  en: 'English',
  es: 'Spanish',
  de: 'German',
  fr: 'French',
  it: 'Italian',
  pt: 'Portuguese',
  nl: 'Dutch',
};
const localeName = (l: string) => LOCALE_NAMES[l.split('-')[0]] ?? l;

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

/** Sample values for a preview in `locale`: the "Send test" samples, localized, with the template's own status. */
export function previewValues(name: string, locale: string, documentType: string): Record<string, unknown> {
  const v = localizedSamples(sampleValues(), { locale, timeZone: 'UTC' });
  const status = /^status_(.+)$/.exec(name)?.[1];
  const s: DocumentStatus =
    status && (STATUSES as readonly string[]).includes(status) ? (status as DocumentStatus) : 'pending_approval';
  v.status = s;
  v.status_label = statusLabel(s, locale);
  v.footer =
    LAYOUT_FOOTER[
      (SHIPPED_LOCALES as readonly string[]).includes(locale.split('-')[0])
        ? (locale.split('-')[0] as ShippedLocale)
        : 'en'
    ];
  if (documentType) v.document_type = documentType;
  v.is_reminder = name === 'reminder';
  v.is_escalation = name === 'escalation';
  return v;
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
  } catch (e) {
    if (!(e instanceof TemplateError)) throw e;
    warning = e.message;
  }
  try {
    const r = renderEmail(src, previewValues(name, locale, documentType), layout);
    return { ...r, warning };
  } catch (e) {
    if (e instanceof TemplateError) return { subject: '', html: '', text: '', error: e.message };
    throw e;
  }
}

/** The template each locale uses for (name, document type): the type's own, else the general one. */
async function effective(
  env: AdminEnv,
  tenant: string,
  name: string,
  type: string,
): Promise<Map<string, StoredTemplate>> {
  const all = await env.deps.stores.templates.list(tenant, { name });
  const out = new Map<string, StoredTemplate>();
  for (const t of all) {
    if (t.documentType !== type && t.documentType !== '') continue;
    const have = out.get(t.locale);
    if (!have || (have.documentType === '' && t.documentType === type)) out.set(t.locale, t);
  }
  return out;
}

function sourceBadge(t: StoredTemplate | undefined, type: string): SafeHtml {
  if (!t) return badge('Not created yet', 'neutral');
  if (t.tenantId === SHIPPED)
    return badge(type && !t.documentType ? 'Shipped default (every type)' : 'Shipped default', 'neutral');
  if (t.documentType) return badge(`Customized for ${t.documentType}`, 'info');
  return badge(type ? 'Tenant version (every type)' : 'Customized for this tenant', 'info');
}

function localesOf(existing: Map<string, StoredTemplate>, values?: FormValues): string[] {
  const set = new Set<string>([...SHIPPED_LOCALES, ...existing.keys()]);
  for (const k of Object.keys(values ?? {})) {
    const m = /^([a-z]{2}(?:-[A-Za-z]{2})?)\.subject$/.exec(k);
    if (m) set.add(m[1]);
  }
  const shipped = SHIPPED_LOCALES as readonly string[];
  return [...set].sort(
    (a, b) =>
      (shipped.includes(a) ? shipped.indexOf(a) : 99) - (shipped.includes(b) ? shipped.indexOf(b) : 99) ||
      a.localeCompare(b),
  );
}

function sourceOf(v: FormValues, locale: string): TemplateSource {
  const text = (v[`${locale}.text`] as string | undefined) ?? '';
  return {
    subject: ((v[`${locale}.subject`] as string | undefined) ?? '').trim(),
    html: (v[`${locale}.html`] as string | undefined) ?? '',
    text: text.trim() ? text : undefined,
  };
}

function previewPane(locale: string, p: Preview): SafeHtml {
  const problem = p.error
    ? html`<p class="preview-error"><strong>Cannot render:</strong> ${p.error}</p>`
    : p.warning
      ? html`<p class="preview-warning"><strong>Will not save:</strong> ${p.warning}</p>`
      : '';
  return html`<div class="preview" data-preview-locale="${locale}">
  <p class="preview-label">Preview with sample values</p>
  <div class="preview-problem" data-part="problem" role="status" aria-live="polite">${problem}</div>
  <p class="preview-subject"><span class="muted">Subject:</span> <strong data-part="subject">${p.empty ? '' : p.subject}</strong></p>
  <iframe class="preview-frame" title="HTML preview (${localeName(locale)})" sandbox="" srcdoc="${p.empty ? '<p style="font-family:sans-serif;color:#6b7280">Nothing to preview yet.</p>' : p.html}" data-part="html"></iframe>
  <details class="preview-text"><summary>Plain-text part</summary><pre data-part="text">${p.text}</pre></details>
</div>`;
}

function placeholderPicker(): SafeHtml {
  const chip = ([name, info]: [string, { description: string }]) =>
    html`<li><code class="chip" data-insert="{{${name}}}" title="${info.description}">{{${name}}}</code></li>`;
  const fields = Object.entries(DOCUMENT_FIELD_PLACEHOLDERS).filter(([n]) => !(n in BUILTIN_PLACEHOLDERS));
  return html`<details class="card picker" open>
  <summary><h2>Placeholders</h2> <span class="muted">Click one to insert it where the cursor is (or type it: <code>{{name}}</code>). Values are HTML-escaped.</span></summary>
  <div class="picker-groups">
    <div><h3>Document fields</h3><ul class="chips">${fields.map(chip)}</ul></div>
    <div><h3>Built-in</h3><ul class="chips">${Object.entries(BUILTIN_PLACEHOLDERS).map(chip)}</ul></div>
  </div>
  <p class="hint">Any other field of your documents can be used too; saving checks every name. Use <code>{{#actions}}…{{/actions}}</code> to list the action links.</p>
</details>`;
}

interface EditView {
  name: string;
  type: string;
  existing: Map<string, StoredTemplate>;
  values: FormValues;
  errors: FieldErrors;
}

function editPage(c: AdminCtx, env: AdminEnv, v: EditView): SafeHtml {
  const locales = localesOf(v.existing, v.values);
  const qs = query({ type: v.type || undefined });
  const action = `/admin/templates/${encodeURIComponent(v.name)}${qs}`;
  const labels: Record<string, string> = {};
  for (const l of locales)
    for (const [p, t] of [
      ['subject', 'Subject'],
      ['html', 'HTML body'],
      ['text', 'Plain-text body'],
    ])
      labels[`${l}.${p}`] = `${localeName(l)} – ${t}`;
  const card = (locale: string) => {
    const common = { values: v.values, errors: v.errors };
    const p = renderPreview(sourceOf(v.values, locale), v.name, locale, v.type, env.emailLayout);
    return html`<section class="card locale-card" id="locale-${locale}" aria-labelledby="h-locale-${locale}">
  <div class="card-head"><h2 id="h-locale-${locale}">${localeName(locale)} <code>${locale}</code></h2>${sourceBadge(v.existing.get(locale), v.type)}</div>
  <div class="editor-grid">
    <div class="editor" data-locale="${locale}">
      ${textField({ ...common, name: `${locale}.subject`, label: 'Subject', spellcheck: false, className: 'ph-target' })}
      ${textareaField({ ...common, name: `${locale}.html`, label: 'HTML body', rows: 14, code: true, className: 'ph-target' })}
      ${textareaField({ ...common, name: `${locale}.text`, label: 'Plain-text body', hint: 'Optional: empty = derived from the HTML body', rows: 5, code: true, className: 'ph-target' })}
    </div>
    ${previewPane(locale, p)}
  </div>
</section>`;
  };
  const scope = v.type
    ? html`Saving stores a version for documents of type <strong>${v.type}</strong>; other types keep their own or the general version.`
    : html`Saving stores the tenant’s version for every document type (a type-specific version still wins for its type).`;
  return page(c, {
    title: `Template “${v.name}”${v.type ? ` for ${v.type}` : ''}`,
    section: 'templates',
    wide: true,
    crumbs: [{ href: '/admin/templates', label: 'Templates' }],
    actions: html`<button class="btn btn-primary" type="submit" form="template-form" name="_op" value="save">Save template</button><a class="btn btn-secondary" href="#send-test">Send test</a>`,
    body: html`<p class="lead">${scope} Only changed locales are saved.</p>
<nav class="locale-nav" aria-label="Locales"><span class="muted">Jump to:</span> ${locales.map((l) => html`<a href="#locale-${l}">${localeName(l)} (${l})</a>`)}</nav>
<form method="post" action="${action}" id="template-form" class="template-form" data-live-preview="/admin/preview/template" novalidate>
  <input type="hidden" name="_csrf" value="${c.csrf}">
  <input type="hidden" name="name" value="${v.name}">
  <input type="hidden" name="type" value="${v.type}">
  <button class="visually-hidden" type="submit" name="_op" value="save" tabindex="-1" aria-hidden="true">Save</button>
  ${errorSummary(v.errors, labels)}
  ${placeholderPicker()}
  ${locales.map(card)}
  <div class="form-actions">
    <button class="btn btn-primary" type="submit" name="_op" value="save">Save template</button>
    <button class="btn btn-secondary" type="submit" name="_op" value="preview" data-preview-button>Preview</button>
    <a class="btn btn-ghost" href="/admin/templates">Cancel</a>
  </div>
</form>
<section class="card" id="send-test" aria-labelledby="h-send-test">
  <h2 id="h-send-test">Send test</h2>
  <p class="muted">Sends the <strong>saved</strong> version now, with sample values, to one address (logged like any email).</p>
  <form method="post" action="/admin/templates/${encodeURIComponent(v.name)}/test${qs}" class="inline-form">
    <input type="hidden" name="_csrf" value="${c.csrf}">
    ${textField({ name: 'to', label: 'Send to', type: 'email', values: {}, autocomplete: 'email', required: true, size: 'medium' })}
    <div class="field size-short"><label for="test-locale">Locale</label><select id="test-locale" name="locale">${locales.map((l) => html`<option value="${l}">${localeName(l)} (${l})</option>`)}</select></div>
    <div class="field field-button"><button class="btn btn-secondary" type="submit">Send test email</button></div>
  </form>
</section>`,
  });
}

function valuesFrom(existing: Map<string, StoredTemplate>): FormValues {
  const v: FormValues = {};
  for (const [l, t] of existing) {
    v[`${l}.subject`] = t.subject;
    v[`${l}.html`] = t.html;
    v[`${l}.text`] = t.text ?? '';
  }
  return v;
}

/** Registers the template pages on the (signed-in) admin scope. */
export function registerTemplates(app: FastifyInstance, env: AdminEnv): void {
  const { stores } = env.deps;
  const params = (name: string, typeRaw: string) => {
    const type = typeRaw.trim();
    if (!NAME.test(name) || type.length > 100) throw new NotFoundError(`template "${name}" not found`);
    return { name, type };
  };

  app.get('/templates', async (req, reply) => {
    const c = ctx(req);
    const edit = q(req, 'edit');
    if (edit) {
      if (!NAME.test(edit))
        return redirect(reply, env, '/admin/templates', {
          kind: 'error',
          text: 'A template name uses a-z, 0-9, _ . - (at most 100 characters).',
        });
      return redirect(
        reply,
        env,
        `/admin/templates/${encodeURIComponent(edit)}${query({ type: q(req, 'type') || undefined })}`,
      );
    }
    const nameFilter = q(req, 'name').toLowerCase();
    const typeFilter = q(req, 'type');
    const all = await stores.templates.list(c.tenant);
    const groups = new Map<string, StoredTemplate[]>();
    for (const t of all) {
      if (nameFilter && !t.name.includes(nameFilter)) continue;
      if (typeFilter && t.documentType !== (typeFilter === '*' ? '' : typeFilter)) continue;
      const k = `${t.name}\u0000${t.documentType}`;
      groups.set(k, [...(groups.get(k) ?? []), t]);
    }
    const types = [...new Set(all.map((t) => t.documentType).filter(Boolean))].sort();
    const rows = [...groups.values()].map((ts) => {
      const t0 = ts[0];
      const custom = ts.some((t) => t.tenantId !== SHIPPED);
      const updated = ts
        .filter((t) => t.tenantId !== SHIPPED)
        .map((t) => t.updatedAt)
        .sort()
        .pop();
      return html`<tr>
<th scope="row"><a href="/admin/templates/${encodeURIComponent(t0.name)}${query({ type: t0.documentType || undefined })}">${t0.name}</a></th>
<td>${t0.documentType || html`<span class="muted">Every type</span>`}</td>
<td>${ts.map((t) => html`${badge(t.locale, t.tenantId === SHIPPED ? 'neutral' : 'info', t.tenantId === SHIPPED ? 'shipped default' : 'customized')} `)}</td>
<td>${custom ? badge('Customized', 'info') : html`<span class="muted">Shipped default</span>`}</td>
<td>${updated ? time(updated) : html`<span class="muted">—</span>`}</td>
</tr>`;
    });
    return sendHtml(
      reply,
      page(c, {
        title: 'Email templates',
        section: 'templates',
        body: html`<p class="lead">Subject, HTML and plain text per locale, with <code>{{field}}</code> placeholders. Shipped defaults apply until you customize them, per tenant or per document type.</p>
<div class="split">
<form method="get" action="/admin/templates" class="filters" role="search" aria-label="Filter templates">
  <div class="filter"><label for="flt-name">Name contains</label><input id="flt-name" name="name" value="${nameFilter}"></div>
  <div class="filter"><label for="flt-ttype">Document type</label><select id="flt-ttype" name="type">${[{ value: '', label: 'Any' }, { value: '*', label: 'Every type (general)' }, ...types.map((t) => ({ value: t, label: t }))].map((o) => html`<option${attrs({ value: o.value, selected: o.value === typeFilter })}>${o.label}</option>`)}</select></div>
  <div class="filter filter-buttons"><button class="btn btn-secondary" type="submit">Filter</button></div>
</form>
<form method="get" action="/admin/templates" class="filters open-form" aria-label="Open or create a template">
  <div class="filter"><label for="open-name">Template</label><input id="open-name" name="edit" list="all-template-names" required pattern="[a-z0-9_.\\-]{1,100}" placeholder="e.g. status_on_hold" spellcheck="false"></div>
  <div class="filter"><label for="open-type">For document type</label><input id="open-type" name="type" placeholder="every type" spellcheck="false"></div>
  <div class="filter filter-buttons"><button class="btn btn-primary" type="submit">Open or create</button></div>
  <datalist id="all-template-names">${[...new Set(all.map((t) => t.name))].map((n) => html`<option value="${n}">`)}</datalist>
</form>
</div>
${rows.length ? table(`Templates of tenant ${c.tenant}`, ['Template', 'Document type', 'Locales', 'Source', 'Last changed'], rows) : emptyState('No templates match these filters')}`,
      }),
    );
  });

  app.get<{ Params: { name: string } }>('/templates/:name', async (req, reply) => {
    const c = ctx(req);
    const { name, type } = params(req.params.name, q(req, 'type'));
    const existing = await effective(env, c.tenant, name, type);
    return sendHtml(reply, editPage(c, env, { name, type, existing, values: valuesFrom(existing), errors: {} }));
  });

  app.post<{ Params: { name: string } }>('/templates/:name', async (req, reply) => {
    const c = ctx(req);
    const { name, type } = params(req.params.name, q(req, 'type'));
    const existing = await effective(env, c.tenant, name, type);
    const values = formValues(req.body);
    if (str(req.body, '_op') === 'preview')
      return sendHtml(reply, editPage(c, env, { name, type, existing, values, errors: {} }));

    const errors: FieldErrors = {};
    const changed: { locale: string; input: Record<string, unknown> }[] = [];
    for (const locale of localesOf(existing, values)) {
      if (!LOCALE.test(locale)) continue;
      const src = sourceOf(values, locale);
      const cur = existing.get(locale);
      // Unchanged (also when inherited from the general or shipped version): nothing to store.
      if (cur && cur.subject === src.subject && cur.html === src.html && (cur.text ?? '') === (src.text ?? ''))
        continue;
      if (!cur && !src.subject && !src.html.trim() && !src.text) continue;
      const input = { name, locale, documentType: type, subject: src.subject, html: src.html, text: src.text };
      try {
        parseTemplate(input);
        changed.push({ locale, input });
      } catch (e) {
        if (!(e instanceof ValidationError)) throw e;
        for (const i of e.issues) {
          const part = ['subject', 'html', 'text'].includes(i.path) ? i.path : 'html';
          (errors[`${locale}.${part}`] ??= []).push(i.message);
        }
      }
    }
    if (Object.keys(errors).length)
      return sendHtml(reply, editPage(c, env, { name, type, existing, values, errors }), 400);
    if (!changed.length)
      return redirect(reply, env, `/admin/templates/${encodeURIComponent(name)}${query({ type: type || undefined })}`, {
        kind: 'info',
        text: 'Nothing changed.',
      });
    for (const ch of changed) {
      try {
        const saved = await stores.templates.put(c.tenant, ch.input);
        await auditChange(c, env, {
          action: 'template.put',
          entity: 'template',
          entityId: `${name}/${ch.locale}${type ? `/${type}` : ''}`,
          after: saved,
        });
      } catch (e) {
        if (!(e instanceof ValidationError)) throw e;
        for (const i of e.issues)
          (errors[`${ch.locale}.${['subject', 'html', 'text'].includes(i.path) ? i.path : 'html'}`] ??= []).push(
            i.message,
          );
      }
    }
    if (Object.keys(errors).length)
      return sendHtml(
        reply,
        editPage(c, env, { name, type, existing: await effective(env, c.tenant, name, type), values, errors }),
        400,
      );
    return redirect(reply, env, `/admin/templates/${encodeURIComponent(name)}${query({ type: type || undefined })}`, {
      kind: 'ok',
      text: `Template “${name}” saved (${changed.map((x) => x.locale).join(', ')})${type ? ` for ${type}` : ''}.`,
    });
  });

  /** Live preview for the page script: every locale of the posted form, rendered. */
  app.post('/preview/template', async (req, reply) => {
    const values = formValues(req.body);
    const name = val(values, 'name');
    const type = val(values, 'type');
    if (!NAME.test(name)) return reply.code(400).send({ error: 'name: not a template name' });
    const previews: Record<string, Preview> = {};
    for (const k of Object.keys(values)) {
      const m = /^([a-z]{2}(?:-[A-Za-z]{2})?)\.subject$/.exec(k);
      if (m) previews[m[1]] = renderPreview(sourceOf(values, m[1]), name, m[1], type, env.emailLayout);
    }
    return reply.header('cache-control', 'no-store').send({ previews });
  });

  app.post<{ Params: { name: string } }>('/templates/:name/test', async (req, reply) => {
    const c = ctx(req);
    const { name, type } = params(req.params.name, q(req, 'type'));
    const back = `/admin/templates/${encodeURIComponent(name)}${query({ type: type || undefined })}#send-test`;
    const to = str(req.body, 'to').trim();
    const locale = str(req.body, 'locale').trim();
    if (!z.email().safeParse(to).success)
      return redirect(reply, env, back, { kind: 'error', text: `Send test: "${to}" is not an email address.` });
    try {
      const r = await env.deps.sendTest({
        tenantId: c.tenant,
        template: name,
        documentType: type || 'invoice',
        to,
        locale: LOCALE.test(locale) ? locale : undefined,
        fields: {},
      });
      if (r.status === 'sent')
        return redirect(reply, env, back, {
          kind: 'ok',
          text: `Test email sent to ${to}${r.messageId ? ` (Message-ID ${r.messageId})` : ''}.`,
        });
      return redirect(reply, env, back, {
        kind: 'error',
        text: `Test email to ${to} not sent: ${r.status}${r.detail ? ` – ${r.detail}` : ''}`,
      });
    } catch (e) {
      env.deps.log.warn({ err: e }, 'send test failed');
      return redirect(reply, env, back, { kind: 'error', text: `Test email to ${to} failed: ${(e as Error).message}` });
    }
  });
}
