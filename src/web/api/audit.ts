/** `GET /api/v1/audit`: the audit log of a tenant, newest first (who changed what, from what to what). */
import { z } from 'zod';
import type { FastifyInstance } from 'fastify';
import type { WebDeps } from '../deps';
import { tenantFor } from '../plugins/principal';
import { route } from '../plugins/openapi';
import { auditEntrySchema } from './schemas';
import { auditQuery } from './shared';

/** Registers the audit log route. */
export function registerAudit(api: FastifyInstance, deps: WebDeps): void {
  api.get(
    '/audit',
    {
      schema: route('audit', 'The audit log, newest first', {
        querystring: auditQuery,
        response: { 200: z.array(auditEntrySchema).describe('The entries') },
      }),
    },
    async (req) => {
      const query = req.query as z.output<typeof auditQuery>;
      return deps.stores.audit.list(tenantFor(req, query.tenant), { entity: query.entity, limit: query.limit });
    },
  );
}
