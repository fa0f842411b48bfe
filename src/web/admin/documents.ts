/**
 * Documents: look one up by id and read its timeline from the workflow (`documentState` query): status,
 * open task, planned reminders/escalations, emails, history — and a link to the run in the Temporal UI.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { workflowIdFor } from '../../domain/events';
import { calendarTimeZone, readerZone, type Reader } from '../../email/format';
import { NotFoundError } from '../../errors';
import type { DocumentView } from '../../workflows/types';
import { ctx, q, redirect, sendHtml, type AdminEnv } from './context';
import { renderTimelinePage } from './views/document-timeline';
import { renderDocumentMissingPage, renderDocumentsPage, type RecentDocuments } from './views/documents';

const enc = encodeURIComponent;
const ID = /^[^\s/?#]{1,200}$/;

/** Link to the document's workflow in the Temporal Web UI. */
export function temporalUiUrl(env: AdminEnv, tenantId: string, documentId: string): string {
  const { TEMPORAL_UI_URL, TEMPORAL_NAMESPACE } = env.deps.config;
  return `${TEMPORAL_UI_URL.replace(/\/+$/, '')}/namespaces/${enc(TEMPORAL_NAMESPACE)}/workflows/${enc(workflowIdFor(tenantId, documentId))}`;
}

/** The tenant's language and calendar time zone: what its emails are formatted in, absent a recipient's own. */
async function tenantReader(env: AdminEnv, tenantId: string): Promise<Reader> {
  const tenant = await env.deps.stores.tenants.get(tenantId);
  return { locale: tenant.locale, timeZone: readerZone(calendarTimeZone(tenant.calendar)) };
}

/** The tenant's 25 most recent documents, or why Temporal could not list them (logged). */
async function recentDocuments(env: AdminEnv, tenantId: string): Promise<RecentDocuments> {
  try {
    return { docs: await env.deps.client.list({ tenantId, limit: 25 }) };
  } catch (err) {
    env.deps.log.warn({ err }, 'could not list documents');
    return { error: (err as Error).message };
  }
}

/** `GET /admin/documents`: the lookup and the recent documents, or (`?id=`) the way to a document's timeline. */
async function documentsPage(req: FastifyRequest, reply: FastifyReply, env: AdminEnv): Promise<FastifyReply> {
  const c = ctx(req);
  const id = q(req, 'id');
  if (id) {
    if (!ID.test(id))
      return redirect(reply, env, '/admin/documents', {
        kind: 'error',
        text: 'A document id has no spaces, "/", "?" or "#".',
      });
    return redirect(reply, env, `/admin/documents/${enc(c.tenant)}/${enc(id)}`);
  }
  return sendHtml(reply, renderDocumentsPage(c, await recentDocuments(env, c.tenant)));
}

/** `GET /admin/documents/:tenant/:id`: the document's timeline (404 when no workflow knows it). */
async function timelinePage(
  req: FastifyRequest<{ Params: { tenant: string; id: string } }>,
  reply: FastifyReply,
  env: AdminEnv,
): Promise<FastifyReply> {
  const c = ctx(req);
  const { tenant, id } = req.params;
  let view: DocumentView;
  try {
    view = await env.deps.client.getState(id, tenant);
  } catch (err) {
    if (!(err instanceof NotFoundError)) throw err;
    return sendHtml(reply, renderDocumentMissingPage(c, tenant, id), 404);
  }
  const page = renderTimelinePage({
    ctx: c,
    id,
    view,
    reader: await tenantReader(env, tenant),
    temporalUrl: temporalUiUrl(env, view.tenantId, view.documentId),
    now: Date.now(),
  });
  return sendHtml(reply, page);
}

/** Registers the document pages on the (signed-in) admin scope. */
export function registerDocuments(app: FastifyInstance, env: AdminEnv): void {
  app.get('/documents', async (req, reply) => documentsPage(req, reply, env));
  app.get<{ Params: { tenant: string; id: string } }>('/documents/:tenant/:id', async (req, reply) =>
    timelinePage(req, reply, env),
  );
}
