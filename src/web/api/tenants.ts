/**
 * A tenant's settings and credentials: `/api/v1/tenants/:id` (locale, calendars, webhook, administrator emails; the
 * webhook secret is never shown), `/api/v1/keys` (API keys: a secret shown once) and `/api/v1/admins`
 * (administrator accounts: the password never shown). Each change is recorded in the audit log.
 */
import { z } from 'zod';
import type { FastifyInstance } from 'fastify';
import { parseTenantSettings, tenantSettingsSchema } from '../../store/tenants';
import { webhookPolicy } from '../../config';
import { assertWebhookAllowed } from '../../webhooks/destination';
import type { WebDeps } from '../deps';
import { actorOf, tenantFor } from '../plugins/principal';
import { documented, route } from '../plugins/openapi';
import { adminSchema, apiKeySchema, createdKeySchema, noContent, tenantSettingsViewSchema } from './schemas';
import {
  announceRulesChanged,
  audit,
  byId,
  byUsername,
  queryTenant,
  tenantOf,
  tenantParam,
  tenantQuery,
} from './shared';

/** Settings as shown: the webhook secret replaced by "(set)" when there is one. */
const publicSettings = <T extends { webhookSecret?: string }>(settings: T) => ({
  ...settings,
  webhookSecret: settings.webhookSecret ? '(set)' : undefined,
});

/** Registers the tenant settings, API key and administrator account routes. */
export function registerTenants(api: FastifyInstance, deps: WebDeps): void {
  settings(api, deps);
  keys(api, deps);
  admins(api, deps);
}

function settings(api: FastifyInstance, deps: WebDeps): void {
  api.get<{ Params: { id: string } }>(
    '/tenants/:id',
    {
      schema: route('tenants', "A tenant's settings (defaults when none saved)", {
        params: byId,
        response: { 200: tenantSettingsViewSchema.describe('The settings') },
      }),
    },
    async (req) => publicSettings(await deps.stores.tenants.get(tenantFor(req, req.params.id, 'id'))),
  );
  api.put<{ Params: { id: string } }>(
    '/tenants/:id',
    {
      schema: route('tenants', "Replace a tenant's settings", {
        params: byId,
        body: documented(tenantSettingsSchema),
        response: { 200: tenantSettingsViewSchema.describe('The settings as saved') },
      }),
    },
    async (req) => {
      const tenantId = tenantFor(req, req.params.id, 'id');
      const saved = parseTenantSettings(tenantId, req.body);
      await assertWebhookAllowed(saved.webhookUrl, webhookPolicy(deps.config));
      const before = publicSettings(await deps.stores.tenants.get(tenantId));
      await deps.stores.tenants.put(saved);
      const change = { tenantId, action: 'tenant.update', entity: 'tenant', entityId: tenantId };
      await audit(deps, req, { ...change, before, after: publicSettings(saved) });
      await announceRulesChanged(deps, tenantId);
      return publicSettings(saved);
    },
  );
}

const keyBody = documented(
  z.object({
    tenant: tenantParam,
    scope: z.enum(['ingest', 'admin']).describe('ingest: the document routes; admin: every route'),
    name: z.string().describe('What the key is for'),
  }),
);

function keys(api: FastifyInstance, deps: WebDeps): void {
  api.get(
    '/keys',
    {
      schema: route('credentials', "List the tenant's API keys (never their secrets)", {
        querystring: tenantQuery,
        response: { 200: z.array(apiKeySchema).describe('The keys') },
      }),
    },
    async (req) => deps.stores.apiKeys.list(tenantOf(req)),
  );
  api.post(
    '/keys',
    {
      schema: route('credentials', 'Create an API key (its secret is shown this once)', {
        querystring: tenantQuery,
        body: keyBody,
        response: { 201: createdKeySchema.describe('Created') },
      }),
    },
    async (req, reply) => {
      const body = (req.body ?? {}) as { tenant?: unknown; scope?: unknown; name?: unknown };
      const tenantId = tenantFor(req, body.tenant ?? queryTenant(req), 'tenant');
      const input = { tenantId, scope: body.scope, name: body.name, createdBy: actorOf(req) };
      const created = await deps.stores.apiKeys.create(input);
      const { key: _secret, ...recorded } = created;
      await audit(deps, req, {
        tenantId,
        action: 'key.create',
        entity: 'api_key',
        entityId: created.id,
        after: recorded,
      });
      return reply.code(201).send(created);
    },
  );
  api.delete<{ Params: { id: string } }>(
    '/keys/:id',
    {
      schema: route(
        'credentials',
        'Revoke an API key',
        { params: byId, querystring: tenantQuery, response: { 200: apiKeySchema.describe('The key, revoked') } },
        [404],
      ),
    },
    async (req) => {
      const tenantId = tenantOf(req);
      const revoked = await deps.stores.apiKeys.revoke(tenantId, req.params.id);
      await audit(deps, req, {
        tenantId,
        action: 'key.revoke',
        entity: 'api_key',
        entityId: revoked.id,
        after: revoked,
      });
      return revoked;
    },
  );
}

function admins(api: FastifyInstance, deps: WebDeps): void {
  api.get(
    '/admins',
    {
      schema: route('credentials', "List the tenant's administrator accounts", {
        querystring: tenantQuery,
        response: { 200: z.array(adminSchema).describe('The accounts') },
      }),
    },
    async (req) => deps.stores.admins.list(tenantOf(req)),
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
          response: { 200: adminSchema.describe('The account (never the password)') },
        },
        [409],
      ),
    },
    async (req) => {
      const tenantId = tenantOf(req);
      const { username } = req.params;
      const before = await deps.stores.admins.get(username);
      const password = (req.body as { password?: unknown } | undefined)?.password;
      const account = await deps.stores.admins.put({ tenantId, username, password });
      const action = before ? 'admin.password' : 'admin.create';
      await audit(deps, req, { tenantId, action, entity: 'admin', entityId: account.username, before, after: account });
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
      await deps.stores.admins.remove(tenantId, req.params.username);
      const entityId = req.params.username.toLowerCase();
      await audit(deps, req, { tenantId, action: 'admin.delete', entity: 'admin', entityId });
      return reply.code(204).send();
    },
  );
}
