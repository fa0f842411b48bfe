/**
 * Templates: list, edit every locale of one template (per document type) with a live preview rendered
 * on the server (renderEmail + the shipped layout + sample values), a placeholder picker, and "Send test".
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { NotFoundError } from '../../errors';
import { SHIPPED, type StoredTemplate } from '../../store/templates';
import { ctx, q, redirect, sendHtml, str, type AdminCtx, type AdminEnv } from './context';
import { formValues, val, type FieldErrors, type FormValues } from './form';
import {
  changedLocales,
  effective,
  LOCALE,
  localesOf,
  NAME,
  sourceOf,
  storeChanges,
  valuesFrom,
} from './template-form';
import { previewsOf, renderPreview } from './template-preview';
import { query } from './views/layout';
import { renderTemplateEditPage } from './views/template-edit';
import { renderTemplatesPage, type TemplateGroup } from './views/templates';

type NameRequest = FastifyRequest<{ Params: { name: string } }>;

/** The template and document type a request is about; a name that cannot be a template's is not found. */
function target(req: NameRequest): { name: string; type: string } {
  const { name } = req.params;
  const type = q(req, 'type');
  if (!NAME.test(name) || type.length > 100) throw new NotFoundError(`template "${name}" not found`);
  return { name, type };
}

/** The editor's address (with the document type). */
const editorUrl = (name: string, type: string): string =>
  `/admin/templates/${encodeURIComponent(name)}${query({ type: type || undefined })}`;

/** The editor with these values and errors, every locale previewed. */
function editPage(
  c: AdminCtx,
  env: AdminEnv,
  edit: { name: string; type: string; existing: Map<string, StoredTemplate>; values: FormValues; errors: FieldErrors },
): string {
  const locales = localesOf(edit.existing, edit.values).map((locale) => ({
    locale,
    stored: edit.existing.get(locale),
    preview: renderPreview(sourceOf(edit.values, locale), edit.name, locale, edit.type, env.emailLayout),
  }));
  return renderTemplateEditPage({ ctx: c, ...edit, locales });
}

/** The tenant's templates by (name, document type), as filtered. */
function groupsOf(all: StoredTemplate[], nameFilter: string, typeFilter: string): TemplateGroup[] {
  const groups = new Map<string, StoredTemplate[]>();
  for (const template of all) {
    if (nameFilter && !template.name.includes(nameFilter)) continue;
    if (typeFilter && template.documentType !== (typeFilter === '*' ? '' : typeFilter)) continue;
    const key = `${template.name}\u0000${template.documentType}`;
    groups.set(key, [...(groups.get(key) ?? []), template]);
  }
  return [...groups.values()].map((templates) => {
    const own = templates.filter((template) => template.tenantId !== SHIPPED);
    return {
      name: templates[0].name,
      documentType: templates[0].documentType,
      templates,
      custom: own.length > 0,
      updated: own
        .map((template) => template.updatedAt)
        .sort()
        .pop(),
    };
  });
}

/** `GET /admin/templates`: the list, or (`?edit=`) the way to a template's editor. */
async function listTemplates(req: FastifyRequest, reply: FastifyReply, env: AdminEnv): Promise<FastifyReply> {
  const c = ctx(req);
  const edit = q(req, 'edit');
  if (edit) {
    if (!NAME.test(edit))
      return redirect(reply, env, '/admin/templates', {
        kind: 'error',
        text: 'A template name uses a-z, 0-9, _ . - (at most 100 characters).',
      });
    return redirect(reply, env, editorUrl(edit, q(req, 'type')));
  }
  const filters = { name: q(req, 'name').toLowerCase(), type: q(req, 'type') };
  const all = await env.deps.stores.templates.list(c.tenant);
  const page = renderTemplatesPage({
    ctx: c,
    groups: groupsOf(all, filters.name, filters.type),
    filters,
    types: [...new Set(all.map((template) => template.documentType).filter(Boolean))].sort(),
    names: [...new Set(all.map((template) => template.name))],
  });
  return sendHtml(reply, page);
}

/** `POST /admin/templates/:name`: the Preview button (the form again, rendered), or saving the changed locales. */
async function saveTemplate(req: NameRequest, reply: FastifyReply, env: AdminEnv): Promise<FastifyReply> {
  const c = ctx(req);
  const { name, type } = target(req);
  const existing = await effective(env, c.tenant, name, type);
  const values = formValues(req.body);
  if (str(req.body, '_op') === 'preview')
    return sendHtml(reply, editPage(c, env, { name, type, existing, values, errors: {} }));

  const { changed, errors } = changedLocales(existing, values, name, type);
  if (Object.keys(errors).length)
    return sendHtml(reply, editPage(c, env, { name, type, existing, values, errors }), 400);
  if (!changed.length) return redirect(reply, env, editorUrl(name, type), { kind: 'info', text: 'Nothing changed.' });
  const refused = await storeChanges(c, env, { name, type }, changed);
  if (Object.keys(refused).length) {
    const now = await effective(env, c.tenant, name, type);
    return sendHtml(reply, editPage(c, env, { name, type, existing: now, values, errors: refused }), 400);
  }
  return redirect(reply, env, editorUrl(name, type), {
    kind: 'ok',
    text: `Template “${name}” saved (${changed.map((change) => change.locale).join(', ')})${type ? ` for ${type}` : ''}.`,
  });
}

/** `POST /admin/templates/:name/test`: sends the saved version with sample values to one address. */
async function sendTest(req: NameRequest, reply: FastifyReply, env: AdminEnv): Promise<FastifyReply> {
  const c = ctx(req);
  const { name, type } = target(req);
  const back = `${editorUrl(name, type)}#send-test`;
  const to = str(req.body, 'to').trim();
  const locale = str(req.body, 'locale').trim();
  if (!z.email().safeParse(to).success)
    return redirect(reply, env, back, { kind: 'error', text: `Send test: "${to}" is not an email address.` });
  try {
    const result = await env.deps.sendTest({
      tenantId: c.tenant,
      template: name,
      documentType: type || 'invoice',
      to,
      locale: LOCALE.test(locale) ? locale : undefined,
      fields: {},
    });
    if (result.status === 'sent')
      return redirect(reply, env, back, {
        kind: 'ok',
        text: `Test email sent to ${to}${result.messageId ? ` (Message-ID ${result.messageId})` : ''}.`,
      });
    return redirect(reply, env, back, {
      kind: 'error',
      text: `Test email to ${to} not sent: ${result.status}${result.detail ? ` – ${result.detail}` : ''}`,
    });
  } catch (err) {
    env.deps.log.warn({ err }, 'send test failed');
    return redirect(reply, env, back, { kind: 'error', text: `Test email to ${to} failed: ${(err as Error).message}` });
  }
}

/** Registers the template pages on the (signed-in) admin scope. */
export function registerTemplates(app: FastifyInstance, env: AdminEnv): void {
  app.get('/templates', async (req, reply) => listTemplates(req, reply, env));

  app.get<{ Params: { name: string } }>('/templates/:name', async (req, reply) => {
    const c = ctx(req);
    const { name, type } = target(req);
    const existing = await effective(env, c.tenant, name, type);
    return sendHtml(reply, editPage(c, env, { name, type, existing, values: valuesFrom(existing), errors: {} }));
  });

  app.post<{ Params: { name: string } }>('/templates/:name', async (req, reply) => saveTemplate(req, reply, env));

  /** Live preview for the page script: every locale of the posted form, rendered. */
  app.post('/preview/template', async (req, reply) => {
    const values = formValues(req.body);
    const name = val(values, 'name');
    if (!NAME.test(name)) return reply.code(400).send({ error: 'name: not a template name' });
    const previews = previewsOf(values, name, val(values, 'type'), env.emailLayout);
    return reply.header('cache-control', 'no-store').send({ previews });
  });

  app.post<{ Params: { name: string } }>('/templates/:name/test', async (req, reply) => sendTest(req, reply, env));
}
