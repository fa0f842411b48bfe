import { z } from 'zod';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { NotFoundError, ValidationError } from '../errors';
import { parseEvent } from '../domain/events';
import type { EventInput } from '../client';
import { NOTIFICATION_STATUSES } from '../store/notifications';
import { parseTenantSettings, tenantSettingsSchema } from '../store/tenants';
import { ruleInputSchema } from '../domain/rules';
import { groupSchema, userSchema } from '../store/directory';
import { templateInputSchema } from '../store/templates';
import { webhookPolicy } from '../config';
import { assertWebhookAllowed } from '../webhooks/destination';
import { eventsTotal } from '../metrics';
import type { WebDeps } from './deps';
import { actorOf, tenantFor } from './principal';
import * as oa from './openapi';
import { suppressionInputSchema } from '../store/suppressions';
import { documented, route, tenantQuery, tenantParam, noContent } from './openapi';

/** The tenant of a request: `?tenant=` as the caller may reach it (see principal.ts). */
const tenantOf = (req: FastifyRequest): string =>
  tenantFor(req, (req.query as { tenant?: unknown } | undefined)?.tenant);

const logQuery = z.strictObject({
  tenant: tenantParam,
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

const documentsQuery = z.strictObject({
  tenant: tenantParam,
  status: z.string().optional(),
  awaiting: z.enum(['true', 'false']).optional(),
  assignee: z.string().optional(),
  limit: z.coerce.number().int().min(1).max(1000).optional(),
});
const rulesQuery = z.strictObject({
  tenant: tenantParam,
  documentType: z.string().optional(),
  status: z.string().optional(),
  active: z.enum(['true', 'false']).optional(),
});
const templatesQuery = z.strictObject({
  tenant: tenantParam,
  name: z.string().optional(),
  documentType: z.string().optional(),
});
const auditQuery = z.strictObject({
  tenant: tenantParam,
  entity: z.string().max(50).optional(),
  limit: z.coerce.number().int().min(1).max(1000).optional(),
});
const templateQuery = documented(
  z.object({ tenant: tenantParam, documentType: z.string().optional().describe('Default: the catch-all ""') }),
);

function parse<T>(schema: z.ZodType<T>, input: unknown, what: string): T {
  const r = schema.safeParse(input ?? {});
  if (!r.success) throw ValidationError.fromZod(r.error, `invalid ${what}`);
  return r.data;
}

const byId = z.object({ id: z.string() });
const byDocument = z.object({ documentId: z.string() });
const byTemplate = z.object({ name: z.string(), locale: z.string() });
const byUsername = z.object({ username: z.string() });

/** `/api/v1/...` routes (bearer token checked by the caller). */
export function registerApi(api: FastifyInstance, deps: WebDeps): void {
  const { client, stores } = deps;

  // --- documents -------------------------------------------------------------------------------
  api.post<{ Params: { documentId: string } }>(
    '/documents/:documentId/events',
    {
      schema: route('documents', 'Send one event or a batch of events for a document', {
        params: byDocument,
        querystring: tenantQuery,
        body: oa.eventBodySchema,
        response: {
          202: z
            .union([oa.eventAcceptedSchema, z.array(oa.eventAcceptedSchema)])
            .describe('Accepted: the workflow (started if new) and the event id; an array for a batch'),
        },
      }),
    },
    async (req, reply) => {
      const body = req.body;
      const list = Array.isArray(body) ? body : [body];
      if (list.length === 0 || list.length > 100)
        throw new ValidationError('invalid event: body must be an event object or an array of 1 to 100 events');
      const documentId = req.params.documentId;
      const events = list.map((e, i) => {
        if (!e || typeof e !== 'object' || Array.isArray(e))
          throw new ValidationError(`invalid event: ${Array.isArray(body) ? `[${i}]` : 'body'}: must be a JSON object`);
        const ev = e as Record<string, unknown>;
        if (ev.documentId !== undefined && ev.documentId !== documentId)
          throw new ValidationError(
            `invalid event: documentId: "${String(ev.documentId)}" does not match the URL's "${documentId}"`,
          );
        const tenantId = tenantFor(
          req,
          ev.tenantId ?? (req.query as { tenant?: unknown } | undefined)?.tenant,
          Array.isArray(body) ? `[${i}].tenantId` : 'tenantId',
        );
        return { ...ev, documentId, tenantId } as EventInput;
      });
      // Validate all before delivering any: a bad batch starts nothing.
      events.forEach((e, i) => {
        try {
          parseEvent({ eventId: 'x', occurredAt: new Date().toISOString(), ...e });
        } catch (err) {
          eventsTotal.inc({ outcome: 'rejected' });
          if (err instanceof ValidationError && events.length > 1)
            throw new ValidationError(err.message.replace('invalid event: ', `invalid event [${i}]: `), err.issues);
          throw err;
        }
      });
      const results = [];
      for (const e of events) results.push(await client.sendEvent(e));
      eventsTotal.inc({ outcome: 'accepted' }, results.length);
      return reply.code(202).send(Array.isArray(body) ? results : results[0]);
    },
  );

  api.get<{ Params: { documentId: string } }>(
    '/documents/:documentId',
    {
      schema: route(
        'documents',
        "A document's state (its workflow's answer)",
        {
          params: byDocument,
          querystring: tenantQuery,
          response: { 200: oa.documentViewSchema.describe('The state') },
        },
        [404],
      ),
    },
    async (req) => client.getState(req.params.documentId, tenantOf(req)),
  );

  api.get(
    '/documents',
    {
      schema: route('documents', 'List documents (running and recent)', {
        querystring: documentsQuery,
        response: { 200: z.array(oa.documentSummarySchema).describe('The documents') },
      }),
    },
    async (req) => {
      const q = req.query as z.output<typeof documentsQuery>;
      return client.list({
        tenantId: tenantFor(req, q.tenant),
        status: q.status,
        assignee: q.assignee,
        awaiting: q.awaiting === undefined ? undefined : q.awaiting === 'true',
        limit: q.limit,
      });
    },
  );

  // --- rules -----------------------------------------------------------------------------------
  const rulesChanged = (tenantId: string) =>
    client
      .notifyRulesChanged(tenantId)
      .catch((e: unknown) => deps.log.warn({ err: e }, 'could not notify running workflows'));
  /** Records an administrative change in the audit log (who, what, before and after). */
  const audit = (
    req: FastifyRequest,
    tenantId: string,
    action: string,
    entity: string,
    entityId: string,
    before?: unknown,
    after?: unknown,
  ) => stores.audit.record({ tenantId, actor: actorOf(req), action, entity, entityId, before, after });
  const ruleBefore = (tenantId: string, id: string) => stores.rules.get(tenantId, id).catch(() => undefined);

  api.get(
    '/rules',
    {
      schema: route('rules', "List the tenant's rules", {
        querystring: rulesQuery,
        response: { 200: z.array(oa.ruleSchema).describe('The rules') },
      }),
    },
    async (req) => {
      const q = req.query as z.output<typeof rulesQuery>;
      return stores.rules.list(tenantFor(req, q.tenant), {
        documentType: q.documentType,
        status: q.status,
        active: q.active === undefined ? undefined : q.active === 'true',
      });
    },
  );
  api.get<{ Params: { id: string } }>(
    '/rules/:id',
    {
      schema: route(
        'rules',
        'One rule',
        { params: byId, querystring: tenantQuery, response: { 200: oa.ruleSchema.describe('The rule') } },
        [404],
      ),
    },
    async (req) => stores.rules.get(tenantOf(req), req.params.id),
  );
  api.post(
    '/rules',
    {
      schema: route(
        'rules',
        'Create a rule',
        {
          querystring: tenantQuery,
          body: documented(ruleInputSchema),
          response: { 201: oa.ruleSchema.describe('Created (version 1)') },
        },
        [409],
      ),
    },
    async (req, reply) => {
      const tenantId = tenantFor(
        req,
        (req.query as { tenant?: unknown }).tenant ?? (req.body as { tenantId?: unknown } | undefined)?.tenantId,
        'tenantId',
      );
      const rule = await stores.rules.create(req.body, tenantId);
      await audit(req, tenantId, 'rule.create', 'rule', rule.id, undefined, rule);
      await rulesChanged(rule.tenantId);
      return reply.code(201).send(rule);
    },
  );
  api.put<{ Params: { id: string } }>(
    '/rules/:id',
    {
      schema: route(
        'rules',
        'Replace a rule (its version goes up)',
        {
          params: byId,
          querystring: tenantQuery,
          body: documented(ruleInputSchema),
          response: { 200: oa.ruleSchema.describe('The rule as saved') },
        },
        [404, 409],
      ),
    },
    async (req) => {
      const tenantId = tenantOf(req);
      const before = await ruleBefore(tenantId, req.params.id);
      const rule = await stores.rules.update(tenantId, req.params.id, req.body);
      await audit(req, tenantId, 'rule.update', 'rule', rule.id, before, rule);
      await rulesChanged(rule.tenantId);
      return rule;
    },
  );
  api.post<{ Params: { id: string; op: string } }>(
    '/rules/:id/:op',
    {
      schema: route(
        'rules',
        'Activate or deactivate a rule',
        {
          params: documented(
            z.object({ id: z.string(), op: z.enum(['activate', 'deactivate']).describe('activate or deactivate') }),
          ),
          querystring: tenantQuery,
          response: { 200: oa.ruleSchema.describe('The rule as saved') },
        },
        [404],
      ),
    },
    async (req) => {
      if (req.params.op !== 'activate' && req.params.op !== 'deactivate')
        throw new ValidationError(`invalid operation: op: "${req.params.op}" (use activate or deactivate)`, [
          { path: 'op', message: 'must be activate or deactivate' },
        ]);
      const tenantId = tenantOf(req);
      const before = await ruleBefore(tenantId, req.params.id);
      const rule = await stores.rules.setActive(tenantId, req.params.id, req.params.op === 'activate');
      await audit(req, tenantId, `rule.${req.params.op}`, 'rule', rule.id, before, rule);
      await rulesChanged(rule.tenantId);
      return rule;
    },
  );
  api.delete<{ Params: { id: string } }>(
    '/rules/:id',
    {
      schema: route(
        'rules',
        'Delete a rule',
        { params: byId, querystring: tenantQuery, response: { 204: noContent } },
        [404],
      ),
    },
    async (req, reply) => {
      const tenantId = tenantOf(req);
      const before = await ruleBefore(tenantId, req.params.id);
      await stores.rules.remove(tenantId, req.params.id);
      await audit(req, tenantId, 'rule.delete', 'rule', req.params.id, before);
      await rulesChanged(tenantId);
      return reply.code(204).send();
    },
  );

  // --- directory -------------------------------------------------------------------------------
  const putUser = async (req: FastifyRequest, input: unknown) => {
    const tenantId = tenantOf(req);
    const id = (input as { id?: unknown } | undefined)?.id;
    const before = typeof id === 'string' ? await stores.directory.getUser(tenantId, id) : undefined;
    const user = await stores.directory.putUser(tenantId, input);
    await audit(req, tenantId, before ? 'user.update' : 'user.create', 'user', user.id, before, user);
    return user;
  };
  const putGroup = async (req: FastifyRequest, input: unknown) => {
    const tenantId = tenantOf(req);
    const group = await stores.directory.putGroup(tenantId, input);
    await audit(req, tenantId, 'group.put', 'group', group.id, undefined, group);
    return group;
  };
  const userBody = documented(userSchema.partial({ id: true }));
  const groupBody = documented(groupSchema.partial({ id: true }));
  api.get(
    '/directory/users',
    {
      schema: route('directory', 'List users', {
        querystring: tenantQuery,
        response: { 200: z.array(oa.userSchema).describe('The users') },
      }),
    },
    async (req) => stores.directory.listUsers(tenantOf(req)),
  );
  api.get<{ Params: { id: string } }>(
    '/directory/users/:id',
    {
      schema: route(
        'directory',
        'One user',
        { params: byId, querystring: tenantQuery, response: { 200: oa.userSchema.describe('The user') } },
        [404],
      ),
    },
    async (req) => {
      const u = await stores.directory.getUser(tenantOf(req), req.params.id);
      if (!u) throw new NotFoundError(`user ${req.params.id} not found`);
      return u;
    },
  );
  api.put<{ Params: { id: string } }>(
    '/directory/users/:id',
    {
      schema: route('directory', "Create or replace a user (the id is the URL's)", {
        params: byId,
        querystring: tenantQuery,
        body: userBody,
        response: { 200: oa.userSchema.describe('The user as saved') },
      }),
    },
    async (req) => putUser(req, { ...(req.body as object), id: req.params.id }),
  );
  api.post(
    '/directory/users',
    {
      schema: route('directory', 'Create or replace a user', {
        querystring: tenantQuery,
        body: documented(userSchema),
        response: { 201: oa.userSchema.describe('The user as saved') },
      }),
    },
    async (req, reply) => reply.code(201).send(await putUser(req, req.body)),
  );
  api.delete<{ Params: { id: string } }>(
    '/directory/users/:id',
    {
      schema: route(
        'directory',
        'Delete a user',
        { params: byId, querystring: tenantQuery, response: { 204: noContent } },
        [404],
      ),
    },
    async (req, reply) => {
      const tenantId = tenantOf(req);
      const before = await stores.directory.getUser(tenantId, req.params.id);
      await stores.directory.removeUser(tenantId, req.params.id);
      await audit(req, tenantId, 'user.delete', 'user', req.params.id, before);
      return reply.code(204).send();
    },
  );
  api.get(
    '/directory/groups',
    {
      schema: route('directory', 'List groups', {
        querystring: tenantQuery,
        response: { 200: z.array(oa.groupSchema).describe('The groups') },
      }),
    },
    async (req) => stores.directory.listGroups(tenantOf(req)),
  );
  api.put<{ Params: { id: string } }>(
    '/directory/groups/:id',
    {
      schema: route('directory', "Create or replace a group (the id is the URL's)", {
        params: byId,
        querystring: tenantQuery,
        body: groupBody,
        response: { 200: oa.groupSchema.describe('The group as saved') },
      }),
    },
    async (req) => putGroup(req, { ...(req.body as object), id: req.params.id }),
  );
  api.post(
    '/directory/groups',
    {
      schema: route('directory', 'Create or replace a group', {
        querystring: tenantQuery,
        body: documented(groupSchema),
        response: { 201: oa.groupSchema.describe('The group as saved') },
      }),
    },
    async (req, reply) => reply.code(201).send(await putGroup(req, req.body)),
  );
  api.delete<{ Params: { id: string } }>(
    '/directory/groups/:id',
    {
      schema: route(
        'directory',
        'Delete a group',
        { params: byId, querystring: tenantQuery, response: { 204: noContent } },
        [404],
      ),
    },
    async (req, reply) => {
      const tenantId = tenantOf(req);
      await stores.directory.removeGroup(tenantId, req.params.id);
      await audit(req, tenantId, 'group.delete', 'group', req.params.id);
      return reply.code(204).send();
    },
  );
  api.get(
    '/directory',
    {
      schema: route('directory', 'The whole directory: users and groups', {
        querystring: tenantQuery,
        response: {
          200: z.object({ users: z.array(oa.userSchema), groups: z.array(oa.groupSchema) }).describe('The directory'),
        },
      }),
    },
    async (req) => ({
      users: await stores.directory.listUsers(tenantOf(req)),
      groups: await stores.directory.listGroups(tenantOf(req)),
    }),
  );

  // --- templates -------------------------------------------------------------------------------
  api.get(
    '/templates',
    {
      schema: route('templates', "List the tenant's templates (and the shipped ones)", {
        querystring: templatesQuery,
        response: { 200: z.array(oa.templateSchema).describe('The templates') },
      }),
    },
    async (req) => {
      const q = req.query as z.output<typeof templatesQuery>;
      return stores.templates.list(tenantFor(req, q.tenant), { name: q.name, documentType: q.documentType });
    },
  );
  api.get<{ Params: { name: string; locale: string } }>(
    '/templates/:name/:locale',
    {
      schema: route(
        'templates',
        'One template',
        {
          params: byTemplate,
          querystring: templateQuery,
          response: { 200: oa.templateSchema.describe('The template') },
        },
        [404],
      ),
    },
    async (req) =>
      stores.templates.get(
        tenantOf(req),
        req.params.name,
        req.params.locale,
        (req.query as { documentType?: string }).documentType ?? '',
      ),
  );
  api.put<{ Params: { name: string; locale: string } }>(
    '/templates/:name/:locale',
    {
      schema: route('templates', "Create or replace a template (name and locale are the URL's)", {
        params: byTemplate,
        querystring: tenantQuery,
        body: documented(templateInputSchema.omit({ name: true, locale: true })),
        response: { 200: oa.templateSchema.describe('The template as saved') },
      }),
    },
    async (req) => {
      const tenantId = tenantOf(req);
      const template = await stores.templates.put(tenantId, {
        ...(req.body as object),
        name: req.params.name,
        locale: req.params.locale,
      });
      await audit(
        req,
        tenantId,
        'template.put',
        'template',
        `${req.params.name}/${req.params.locale}`,
        undefined,
        template,
      );
      return template;
    },
  );
  api.delete<{ Params: { name: string; locale: string } }>(
    '/templates/:name/:locale',
    {
      schema: route(
        'templates',
        'Delete a template (the shipped one answers again)',
        { params: byTemplate, querystring: templateQuery, response: { 204: noContent } },
        [404],
      ),
    },
    async (req, reply) => {
      const tenantId = tenantOf(req);
      const documentType = (req.query as { documentType?: string }).documentType ?? '';
      await stores.templates.remove(tenantId, req.params.name, req.params.locale, documentType);
      await audit(
        req,
        tenantId,
        'template.delete',
        'template',
        `${req.params.name}/${req.params.locale}${documentType ? `/${documentType}` : ''}`,
      );
      return reply.code(204).send();
    },
  );
  api.post<{ Params: { name: string } }>(
    '/templates/:name/test',
    {
      schema: route(
        'templates',
        'Send a test email of a template now',
        {
          params: z.object({ name: z.string() }),
          querystring: tenantQuery,
          body: documented(testQuery),
          response: { 200: oa.testSendResultSchema.describe('What the send did') },
        },
        [404],
      ),
    },
    async (req) => {
      const b = parse(testQuery, req.body, 'test request');
      return deps.sendTest({
        tenantId: tenantOf(req),
        template: req.params.name,
        documentType: b.documentType,
        to: b.to,
        locale: b.locale,
        fields: b.fields,
      });
    },
  );

  // --- tenant settings (locale, calendars, webhook, administrators) ------------------------------
  const publicSettings = <T extends { webhookSecret?: string }>(t: T) => ({
    ...t,
    webhookSecret: t.webhookSecret ? '(set)' : undefined,
  });
  api.get<{ Params: { id: string } }>(
    '/tenants/:id',
    {
      schema: route('tenants', "A tenant's settings (defaults when none saved)", {
        params: byId,
        response: { 200: oa.tenantSettingsViewSchema.describe('The settings') },
      }),
    },
    async (req) => publicSettings(await stores.tenants.get(tenantFor(req, req.params.id, 'id'))),
  );
  api.put<{ Params: { id: string } }>(
    '/tenants/:id',
    {
      schema: route('tenants', "Replace a tenant's settings", {
        params: byId,
        body: documented(tenantSettingsSchema),
        response: { 200: oa.tenantSettingsViewSchema.describe('The settings as saved') },
      }),
    },
    async (req) => {
      const tenantId = tenantFor(req, req.params.id, 'id');
      const settings = parseTenantSettings(tenantId, req.body);
      await assertWebhookAllowed(settings.webhookUrl, webhookPolicy(deps.config));
      const before = await stores.tenants.get(tenantId);
      await stores.tenants.put(settings);
      await audit(req, tenantId, 'tenant.update', 'tenant', tenantId, publicSettings(before), publicSettings(settings));
      await rulesChanged(tenantId);
      return publicSettings(settings);
    },
  );

  // --- credentials: API keys and administrator accounts (shown once / never) -----------------------
  api.get(
    '/keys',
    {
      schema: route('credentials', "List the tenant's API keys (never their secrets)", {
        querystring: tenantQuery,
        response: { 200: z.array(oa.apiKeySchema).describe('The keys') },
      }),
    },
    async (req) => stores.apiKeys.list(tenantOf(req)),
  );
  api.post(
    '/keys',
    {
      schema: route('credentials', 'Create an API key (its secret is shown this once)', {
        querystring: tenantQuery,
        body: documented(
          z.object({
            tenant: tenantParam,
            scope: z.enum(['ingest', 'admin']).describe('ingest: the document routes; admin: every route'),
            name: z.string().describe('What the key is for'),
          }),
        ),
        response: { 201: oa.createdKeySchema.describe('Created') },
      }),
    },
    async (req, reply) => {
      const body = (req.body ?? {}) as { tenant?: unknown; scope?: unknown; name?: unknown };
      const tenantId = tenantFor(req, body.tenant ?? (req.query as { tenant?: unknown }).tenant, 'tenant');
      const created = await stores.apiKeys.create({
        tenantId,
        scope: body.scope,
        name: body.name,
        createdBy: actorOf(req),
      });
      const { key: _secret, ...recorded } = created;
      await audit(req, tenantId, 'key.create', 'api_key', created.id, undefined, recorded);
      return reply.code(201).send(created);
    },
  );
  api.delete<{ Params: { id: string } }>(
    '/keys/:id',
    {
      schema: route(
        'credentials',
        'Revoke an API key',
        { params: byId, querystring: tenantQuery, response: { 200: oa.apiKeySchema.describe('The key, revoked') } },
        [404],
      ),
    },
    async (req) => {
      const tenantId = tenantOf(req);
      const revoked = await stores.apiKeys.revoke(tenantId, req.params.id);
      await audit(req, tenantId, 'key.revoke', 'api_key', revoked.id, undefined, revoked);
      return revoked;
    },
  );
  api.get(
    '/admins',
    {
      schema: route('credentials', "List the tenant's administrator accounts", {
        querystring: tenantQuery,
        response: { 200: z.array(oa.adminSchema).describe('The accounts') },
      }),
    },
    async (req) => stores.admins.list(tenantOf(req)),
  );
  api.put<{ Params: { username: string } }>(
    '/admins/:username',
    {
      schema: route(
        'credentials',
        'Create an administrator account, or set its password',
        {
          params: byUsername,
          querystring: tenantQuery,
          body: documented(z.object({ password: z.string().describe('The new password') })),
          response: { 200: oa.adminSchema.describe('The account (never the password)') },
        },
        [409],
      ),
    },
    async (req) => {
      const tenantId = tenantOf(req);
      const before = await stores.admins.get(req.params.username);
      const account = await stores.admins.put({
        tenantId,
        username: req.params.username,
        password: (req.body as { password?: unknown } | undefined)?.password,
      });
      await audit(
        req,
        tenantId,
        before ? 'admin.password' : 'admin.create',
        'admin',
        account.username,
        before,
        account,
      );
      return account;
    },
  );
  api.delete<{ Params: { username: string } }>(
    '/admins/:username',
    {
      schema: route(
        'credentials',
        'Delete an administrator account',
        { params: byUsername, querystring: tenantQuery, response: { 204: noContent } },
        [404],
      ),
    },
    async (req, reply) => {
      const tenantId = tenantOf(req);
      await stores.admins.remove(tenantId, req.params.username);
      await audit(req, tenantId, 'admin.delete', 'admin', req.params.username.toLowerCase());
      return reply.code(204).send();
    },
  );
  // --- suppressed addresses (a permanent 5.1.x failure, a reported bounce, or an administrator) ---------------
  const byEmail = z.object({ email: z.string() });
  api.get(
    '/suppressions',
    {
      schema: route('suppressions', "List the tenant's suppressed addresses", {
        querystring: tenantQuery,
        response: { 200: z.array(oa.suppressionSchema).describe('The suppressions, by address') },
      }),
    },
    async (req) => stores.suppressions.list(tenantOf(req)),
  );
  api.post(
    '/suppressions',
    {
      schema: route('suppressions', 'Suppress an address: no email is sent to it until the suppression is lifted', {
        querystring: tenantQuery,
        body: documented(suppressionInputSchema),
        response: {
          201: oa.suppressionSchema.describe('Suppressed now'),
          200: oa.suppressionSchema.describe('Already suppressed (the first reason is kept)'),
        },
      }),
    },
    async (req, reply) => {
      const tenantId = tenantOf(req);
      const { suppression, created } = await stores.suppressions.add(tenantId, req.body as never);
      if (created)
        await audit(req, tenantId, 'suppression.add', 'suppression', suppression.email, undefined, suppression);
      return reply.code(created ? 201 : 200).send(suppression);
    },
  );
  api.delete(
    '/suppressions/:email',
    {
      schema: route(
        'suppressions',
        'Lift a suppression: the address gets email again',
        { params: byEmail, querystring: tenantQuery, response: { 200: oa.suppressionSchema.describe('Lifted') } },
        [404],
      ),
    },
    async (req) => {
      const tenantId = tenantOf(req);
      const lifted = await stores.suppressions.lift(tenantId, (req.params as { email: string }).email);
      if (!lifted)
        throw new NotFoundError(
          `email: ${(req.params as { email: string }).email} is not suppressed in tenant ${tenantId}`,
        );
      await audit(req, tenantId, 'suppression.lift', 'suppression', lifted.email, lifted);
      return lifted;
    },
  );
  api.get(
    '/audit',
    {
      schema: route('audit', 'The audit log, newest first', {
        querystring: auditQuery,
        response: { 200: z.array(oa.auditEntrySchema).describe('The entries') },
      }),
    },
    async (req) => {
      const q = req.query as z.output<typeof auditQuery>;
      return stores.audit.list(tenantFor(req, q.tenant), { entity: q.entity, limit: q.limit });
    },
  );
  // --- notification log ------------------------------------------------------------------------
  api.get(
    '/log/failing-recipients',
    {
      schema: route('log', 'Recipients whose emails fail permanently', {
        querystring: tenantQuery,
        response: { 200: z.array(oa.failingRecipientSchema).describe('The recipients') },
      }),
    },
    async (req) => stores.notifications.failingRecipients(tenantOf(req)),
  );
  api.get(
    '/log',
    {
      schema: route('log', 'The notification log (every email decided), newest first', {
        querystring: logQuery,
        response: { 200: z.array(oa.notificationSchema).describe('The notifications') },
      }),
    },
    async (req) => {
      const q = req.query as z.output<typeof logQuery>;
      return stores.notifications.list({
        tenantId: tenantFor(req, q.tenant),
        documentId: q.document,
        ruleId: q.rule,
        recipient: q.recipient,
        status: q.status,
        kind: q.kind,
        since: q.since ? new Date(q.since) : undefined,
        until: q.until ? new Date(q.until) : undefined,
        limit: q.limit,
      });
    },
  );
}
