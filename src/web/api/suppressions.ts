/**
 * The suppressed addresses of a tenant, `/api/v1/suppressions` (a permanent 5.1.x failure, a reported bounce, or an
 * administrator): list, add, lift. Adding and lifting are recorded in the audit log.
 */
import { z } from 'zod';
import type { FastifyInstance } from 'fastify';
import { NotFoundError } from '../../errors';
import { suppressionInputSchema } from '../../store/suppressions';
import type { WebDeps } from '../deps';
import { documented, route } from '../plugins/openapi';
import { suppressionSchema } from './schemas';
import { audit, byEmail, tenantOf, tenantQuery } from './shared';

/** Registers the suppression routes. */
export function registerSuppressions(api: FastifyInstance, deps: WebDeps): void {
  api.get(
    '/suppressions',
    {
      schema: route('suppressions', "List the tenant's suppressed addresses", {
        querystring: tenantQuery,
        response: { 200: z.array(suppressionSchema).describe('The suppressions, by address') },
      }),
    },
    async (req) => deps.stores.suppressions.list(tenantOf(req)),
  );
  addSuppression(api, deps);
  liftSuppression(api, deps);
}

function addSuppression(api: FastifyInstance, deps: WebDeps): void {
  api.post(
    '/suppressions',
    {
      schema: route('suppressions', 'Suppress an address: no email is sent to it until the suppression is lifted', {
        querystring: tenantQuery,
        body: documented(suppressionInputSchema),
        response: {
          201: suppressionSchema.describe('Suppressed now'),
          200: suppressionSchema.describe('Already suppressed (the first reason is kept)'),
        },
      }),
    },
    async (req, reply) => {
      const tenantId = tenantOf(req);
      const { suppression, created } = await deps.stores.suppressions.add(tenantId, req.body as never);
      if (created) {
        const change = { tenantId, action: 'suppression.add', entity: 'suppression', entityId: suppression.email };
        await audit(deps, req, { ...change, after: suppression });
      }
      return reply.code(created ? 201 : 200).send(suppression);
    },
  );
}

function liftSuppression(api: FastifyInstance, deps: WebDeps): void {
  api.delete<{ Params: { email: string } }>(
    '/suppressions/:email',
    {
      schema: route(
        'suppressions',
        'Lift a suppression: the address gets email again',
        { params: byEmail, querystring: tenantQuery, response: { 200: suppressionSchema.describe('Lifted') } },
        [404],
      ),
    },
    async (req) => {
      const tenantId = tenantOf(req);
      const { email } = req.params;
      const lifted = await deps.stores.suppressions.lift(tenantId, email);
      if (!lifted) throw new NotFoundError(`email: ${email} is not suppressed in tenant ${tenantId}`);
      const change = { tenantId, action: 'suppression.lift', entity: 'suppression', entityId: lifted.email };
      await audit(deps, req, { ...change, before: lifted });
      return lifted;
    },
  );
}
