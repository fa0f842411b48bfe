/** The audit log of the tenant: who changed which rule, template, directory entry, setting or credential, and how. */
import type { FastifyInstance } from 'fastify';
import { ctx, q, sendHtml, type AdminEnv } from './context';
import { AUDIT_ENTITIES, renderAuditPage } from './views/audit';

/** Registers `/admin/audit` on the (signed-in) admin scope. */
export function registerAudit(app: FastifyInstance, env: AdminEnv): void {
  app.get('/audit', async (req, reply) => {
    const c = ctx(req);
    const entity = AUDIT_ENTITIES.includes(q(req, 'entity')) ? q(req, 'entity') : undefined;
    const entries = await env.deps.stores.audit.list(c.tenant, { entity, limit: 200 });
    return sendHtml(reply, renderAuditPage({ ctx: c, entries, entity }));
  });
}
