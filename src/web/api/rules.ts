/**
 * The notification rules, `/api/v1/rules`: list, read, create, replace, activate or deactivate, delete. Each change
 * is recorded in the audit log and announced to the tenant's running workflows (they read the rules again).
 */
import { z } from 'zod';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ValidationError } from '../../errors';
import { ruleInputSchema } from '../../domain/rules';
import type { WebDeps } from '../deps';
import { tenantFor } from '../plugins/principal';
import { documented, route } from '../plugins/openapi';
import { noContent, ruleSchema } from './schemas';
import { announceRulesChanged, audit, byId, queryTenant, rulesQuery, tenantOf, tenantQuery } from './shared';

/** A rule as it was before a change (undefined when there is none: the store answers the 404). */
const ruleBefore = (deps: WebDeps, tenantId: string, id: string) =>
  deps.stores.rules.get(tenantId, id).catch(() => undefined);

/** Registers the rule routes. */
export function registerRules(api: FastifyInstance, deps: WebDeps): void {
  readRules(api, deps);
  createRule(api, deps);
  replaceRule(api, deps);
  switchRule(api, deps);
  deleteRule(api, deps);
}

function readRules(api: FastifyInstance, deps: WebDeps): void {
  api.get(
    '/rules',
    {
      schema: route('rules', "List the tenant's rules", {
        querystring: rulesQuery,
        response: { 200: z.array(ruleSchema).describe('The rules') },
      }),
    },
    async (req) => {
      const query = req.query as z.output<typeof rulesQuery>;
      return deps.stores.rules.list(tenantFor(req, query.tenant), {
        documentType: query.documentType,
        status: query.status,
        active: query.active === undefined ? undefined : query.active === 'true',
      });
    },
  );
  api.get<{ Params: { id: string } }>(
    '/rules/:id',
    {
      schema: route(
        'rules',
        'One rule',
        { params: byId, querystring: tenantQuery, response: { 200: ruleSchema.describe('The rule') } },
        [404],
      ),
    },
    async (req) => deps.stores.rules.get(tenantOf(req), req.params.id),
  );
}

function createRule(api: FastifyInstance, deps: WebDeps): void {
  api.post(
    '/rules',
    {
      schema: route(
        'rules',
        'Create a rule',
        {
          querystring: tenantQuery,
          body: documented(ruleInputSchema),
          response: { 201: ruleSchema.describe('Created (version 1)') },
        },
        [409],
      ),
    },
    async (req, reply) => {
      const tenantId = tenantFor(
        req,
        queryTenant(req) ?? (req.body as { tenantId?: unknown } | undefined)?.tenantId,
        'tenantId',
      );
      const rule = await deps.stores.rules.create(req.body, tenantId);
      await ruleChanged(deps, req, { tenantId, action: 'rule.create', entityId: rule.id, after: rule });
      return reply.code(201).send(rule);
    },
  );
}

function replaceRule(api: FastifyInstance, deps: WebDeps): void {
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
          response: { 200: ruleSchema.describe('The rule as saved') },
        },
        [404, 409],
      ),
    },
    async (req) => {
      const tenantId = tenantOf(req);
      const before = await ruleBefore(deps, tenantId, req.params.id);
      const rule = await deps.stores.rules.update(tenantId, req.params.id, req.body);
      await ruleChanged(deps, req, { tenantId, action: 'rule.update', entityId: rule.id, before, after: rule });
      return rule;
    },
  );
}

function switchRule(api: FastifyInstance, deps: WebDeps): void {
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
          response: { 200: ruleSchema.describe('The rule as saved') },
        },
        [404],
      ),
    },
    async (req) => {
      const { id, op } = req.params;
      if (op !== 'activate' && op !== 'deactivate')
        throw new ValidationError(`invalid operation: op: "${op}" (use activate or deactivate)`, [
          { path: 'op', message: 'must be activate or deactivate' },
        ]);
      const tenantId = tenantOf(req);
      const before = await ruleBefore(deps, tenantId, id);
      const rule = await deps.stores.rules.setActive(tenantId, id, op === 'activate');
      await ruleChanged(deps, req, { tenantId, action: `rule.${op}`, entityId: rule.id, before, after: rule });
      return rule;
    },
  );
}

function deleteRule(api: FastifyInstance, deps: WebDeps): void {
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
      const before = await ruleBefore(deps, tenantId, req.params.id);
      await deps.stores.rules.remove(tenantId, req.params.id);
      await ruleChanged(deps, req, { tenantId, action: 'rule.delete', entityId: req.params.id, before });
      return reply.code(204).send();
    },
  );
}

/** A rule was created, changed or deleted: the audit log says so, then the tenant's running workflows are told. */
async function ruleChanged(
  deps: WebDeps,
  req: FastifyRequest,
  change: { tenantId: string; action: string; entityId: string; before?: unknown; after?: unknown },
): Promise<void> {
  await audit(deps, req, { ...change, entity: 'rule' });
  await announceRulesChanged(deps, change.tenantId);
}
