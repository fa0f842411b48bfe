import { z } from 'zod';
import type { FastifyInstance } from 'fastify';
import { NotFoundError, ValidationError } from '../errors';
import { parseEvent } from '../domain/events';
import type { EventInput } from '../client';
import { NOTIFICATION_STATUSES } from '../store/notifications';
import { parseTenantSettings } from '../store/tenants';
import { webhookPolicy } from '../config';
import { assertWebhookAllowed } from '../webhooks/destination';
import { eventsTotal } from '../metrics';
import type { WebDeps } from './server';

const tenantOf = (q: unknown): string => {
  const t = (q as { tenant?: unknown } | undefined)?.tenant;
  return typeof t === 'string' && t.trim() ? t.trim() : 'default';
};

const logQuery = z.strictObject({
  tenant: z.string().optional(),
  document: z.string().optional(),
  rule: z.string().optional(),
  recipient: z.string().optional(),
  status: z.enum(NOTIFICATION_STATUSES).optional(),
  kind: z.string().optional(),
  since: z.iso.datetime({ offset: true, error: 'must be an ISO-8601 timestamp' }).optional(),
  until: z.iso.datetime({ offset: true, error: 'must be an ISO-8601 timestamp' }).optional(),
  limit: z.coerce.number().int().min(1).max(1000).optional(),
});

const testQuery = z.strictObject({
  to: z.email({ error: 'to: must be an email address' }),
  locale: z.string().optional(),
  documentType: z.string().default('invoice'),
  fields: z.record(z.string(), z.string()).default({}),
});

function parse<T>(schema: z.ZodType<T>, input: unknown, what: string): T {
  const r = schema.safeParse(input ?? {});
  if (!r.success) throw ValidationError.fromZod(r.error, `invalid ${what}`);
  return r.data;
}

/** `/api/v1/...` routes (bearer token checked by the caller). */
export function registerApi(api: FastifyInstance, deps: WebDeps): void {
  const { client, stores } = deps;

  // --- documents -------------------------------------------------------------------------------
  api.post<{ Params: { documentId: string } }>('/documents/:documentId/events', async (req, reply) => {
    const body = req.body;
    const list = Array.isArray(body) ? body : [body];
    if (list.length === 0 || list.length > 100) throw new ValidationError('invalid event: body must be an event object or an array of 1 to 100 events');
    const documentId = req.params.documentId;
    const events = list.map((e, i) => {
      if (!e || typeof e !== 'object' || Array.isArray(e)) throw new ValidationError(`invalid event: ${Array.isArray(body) ? `[${i}]` : 'body'}: must be a JSON object`);
      const ev = e as Record<string, unknown>;
      if (ev.documentId !== undefined && ev.documentId !== documentId) throw new ValidationError(`invalid event: documentId: "${String(ev.documentId)}" does not match the URL's "${documentId}"`);
      return { ...ev, documentId } as EventInput;
    });
    // Validate all before delivering any: a bad batch starts nothing.
    events.forEach((e, i) => {
      try {
        parseEvent({ eventId: 'x', occurredAt: new Date().toISOString(), ...e });
      } catch (err) {
        eventsTotal.inc({ outcome: 'rejected' });
        if (err instanceof ValidationError && events.length > 1) throw new ValidationError(err.message.replace('invalid event: ', `invalid event [${i}]: `), err.issues);
        throw err;
      }
    });
    const results = [];
    for (const e of events) results.push(await client.sendEvent(e));
    eventsTotal.inc({ outcome: 'accepted' }, results.length);
    return reply.code(202).send(Array.isArray(body) ? results : results[0]);
  });

  api.get<{ Params: { documentId: string } }>('/documents/:documentId', async (req) => client.getState(req.params.documentId, tenantOf(req.query)));

  api.get('/documents', async (req) => {
    const q = parse(z.strictObject({ tenant: z.string().optional(), status: z.string().optional(), awaiting: z.enum(['true', 'false']).optional(), assignee: z.string().optional(), limit: z.coerce.number().int().min(1).max(1000).optional() }), req.query, 'query');
    return client.list({ tenantId: q.tenant ?? 'default', status: q.status, assignee: q.assignee, awaiting: q.awaiting === undefined ? undefined : q.awaiting === 'true', limit: q.limit });
  });

  // --- rules -----------------------------------------------------------------------------------
  const rulesChanged = (tenantId: string) => client.notifyRulesChanged(tenantId).catch((e: unknown) => deps.log.warn({ err: e }, 'could not notify running workflows'));
  api.get('/rules', async (req) => {
    const q = parse(z.strictObject({ tenant: z.string().optional(), documentType: z.string().optional(), status: z.string().optional(), active: z.enum(['true', 'false']).optional() }), req.query, 'query');
    return stores.rules.list(q.tenant ?? 'default', { documentType: q.documentType, status: q.status, active: q.active === undefined ? undefined : q.active === 'true' });
  });
  api.get<{ Params: { id: string } }>('/rules/:id', async (req) => stores.rules.get(tenantOf(req.query), req.params.id));
  api.post('/rules', async (req, reply) => {
    const rule = await stores.rules.create(req.body, tenantOf(req.query) === 'default' ? undefined : tenantOf(req.query));
    await rulesChanged(rule.tenantId);
    return reply.code(201).send(rule);
  });
  api.put<{ Params: { id: string } }>('/rules/:id', async (req) => {
    const rule = await stores.rules.update(tenantOf(req.query), req.params.id, req.body);
    await rulesChanged(rule.tenantId);
    return rule;
  });
  api.post<{ Params: { id: string; op: string } }>('/rules/:id/:op', async (req) => {
    if (req.params.op !== 'activate' && req.params.op !== 'deactivate') throw new ValidationError(`invalid operation: "${req.params.op}" (use activate or deactivate)`);
    const rule = await stores.rules.setActive(tenantOf(req.query), req.params.id, req.params.op === 'activate');
    await rulesChanged(rule.tenantId);
    return rule;
  });
  api.delete<{ Params: { id: string } }>('/rules/:id', async (req, reply) => {
    await stores.rules.remove(tenantOf(req.query), req.params.id);
    await rulesChanged(tenantOf(req.query));
    return reply.code(204).send();
  });

  // --- directory -------------------------------------------------------------------------------
  api.get('/directory/users', async (req) => stores.directory.listUsers(tenantOf(req.query)));
  api.get<{ Params: { id: string } }>('/directory/users/:id', async (req) => {
    const u = await stores.directory.getUser(tenantOf(req.query), req.params.id);
    if (!u) throw new NotFoundError(`user ${req.params.id} not found`);
    return u;
  });
  api.put<{ Params: { id: string } }>('/directory/users/:id', async (req) => stores.directory.putUser(tenantOf(req.query), { ...(req.body as object), id: req.params.id }));
  api.post('/directory/users', async (req, reply) => reply.code(201).send(await stores.directory.putUser(tenantOf(req.query), req.body)));
  api.delete<{ Params: { id: string } }>('/directory/users/:id', async (req, reply) => {
    await stores.directory.removeUser(tenantOf(req.query), req.params.id);
    return reply.code(204).send();
  });
  api.get('/directory/groups', async (req) => stores.directory.listGroups(tenantOf(req.query)));
  api.put<{ Params: { id: string } }>('/directory/groups/:id', async (req) => stores.directory.putGroup(tenantOf(req.query), { ...(req.body as object), id: req.params.id }));
  api.post('/directory/groups', async (req, reply) => reply.code(201).send(await stores.directory.putGroup(tenantOf(req.query), req.body)));
  api.delete<{ Params: { id: string } }>('/directory/groups/:id', async (req, reply) => {
    await stores.directory.removeGroup(tenantOf(req.query), req.params.id);
    return reply.code(204).send();
  });
  api.get('/directory', async (req) => ({ users: await stores.directory.listUsers(tenantOf(req.query)), groups: await stores.directory.listGroups(tenantOf(req.query)) }));

  // --- templates -------------------------------------------------------------------------------
  api.get('/templates', async (req) => {
    const q = parse(z.strictObject({ tenant: z.string().optional(), name: z.string().optional(), documentType: z.string().optional() }), req.query, 'query');
    return stores.templates.list(q.tenant ?? 'default', { name: q.name, documentType: q.documentType });
  });
  api.get<{ Params: { name: string; locale: string } }>('/templates/:name/:locale', async (req) =>
    stores.templates.get(tenantOf(req.query), req.params.name, req.params.locale, (req.query as { documentType?: string }).documentType ?? ''));
  api.put<{ Params: { name: string; locale: string } }>('/templates/:name/:locale', async (req) =>
    stores.templates.put(tenantOf(req.query), { ...(req.body as object), name: req.params.name, locale: req.params.locale }));
  api.delete<{ Params: { name: string; locale: string } }>('/templates/:name/:locale', async (req, reply) => {
    await stores.templates.remove(tenantOf(req.query), req.params.name, req.params.locale, (req.query as { documentType?: string }).documentType ?? '');
    return reply.code(204).send();
  });
  api.post<{ Params: { name: string } }>('/templates/:name/test', async (req) => {
    const b = parse(testQuery, req.body, 'test request');
    return deps.sendTest({ tenantId: tenantOf(req.query), template: req.params.name, documentType: b.documentType, to: b.to, locale: b.locale, fields: b.fields });
  });

  // --- tenant settings (locale, calendars, webhook, administrators) ------------------------------
  api.get<{ Params: { id: string } }>('/tenants/:id', async (req) => {
    const t = await stores.tenants.get(req.params.id);
    return { ...t, webhookSecret: t.webhookSecret ? '(set)' : undefined };
  });
  api.put<{ Params: { id: string } }>('/tenants/:id', async (req) => {
    const settings = parseTenantSettings(req.params.id, req.body);
    await assertWebhookAllowed(settings.webhookUrl, webhookPolicy(deps.config));
    await stores.tenants.put(settings);
    await rulesChanged(req.params.id);
    return { ...settings, webhookSecret: settings.webhookSecret ? '(set)' : undefined };
  });

  // --- notification log ------------------------------------------------------------------------
  api.get('/log/failing-recipients', async (req) => stores.notifications.failingRecipients(tenantOf(req.query)));
  api.get('/log', async (req) => {
    const q = parse(logQuery, req.query, 'query');
    return stores.notifications.list({ tenantId: q.tenant ?? 'default', documentId: q.document, ruleId: q.rule, recipient: q.recipient, status: q.status, kind: q.kind, since: q.since ? new Date(q.since) : undefined, until: q.until ? new Date(q.until) : undefined, limit: q.limit });
  });
}
