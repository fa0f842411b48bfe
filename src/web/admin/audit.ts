/** The audit log of the tenant: who changed which rule, template, directory entry, setting or credential, and how. */
import type { FastifyInstance } from 'fastify';
import { ctx, q, sendHtml, type AdminEnv } from './context';
import { html } from './html';
import { emptyState, page, table, time } from './layout';

const ENTITIES = ['rule', 'template', 'user', 'group', 'tenant', 'api_key', 'admin'];

/** A change's before/after as compact JSON (long values cut: the API has them whole). */
const json = (v: unknown): string => {
  if (v === undefined) return '—';
  const s = JSON.stringify(v);
  return s.length > 600 ? `${s.slice(0, 600)}…` : s;
};

export function registerAudit(app: FastifyInstance, env: AdminEnv): void {
  app.get('/audit', async (req, reply) => {
    const c = ctx(req);
    const entity = ENTITIES.includes(q(req, 'entity')) ? q(req, 'entity') : undefined;
    const entries = await env.deps.stores.audit.list(c.tenant, { entity, limit: 200 });
    const rows = entries.map(
      (e) =>
        html`<tr><td>${time(e.at)}</td><td>${e.actor}</td><td><code>${e.action}</code></td><td>${e.entity} <code>${e.entityId}</code></td><td><code class="audit-json">${json(e.before)}</code></td><td><code class="audit-json">${json(e.after)}</code></td></tr>`,
    );
    const filter = html`<form method="get" action="/admin/audit" class="filters"><div class="filter"><label for="flt-entity">What</label><select id="flt-entity" name="entity"><option value="">Everything</option>${ENTITIES.map((x) => html`<option value="${x}"${x === entity ? ' selected' : ''}>${x}</option>`)}</select></div><button class="btn btn-secondary" type="submit">Filter</button></form>`;
    return sendHtml(
      reply,
      page(c, {
        title: 'Audit log',
        section: 'audit',
        wide: true,
        body: html`${filter}${entries.length ? table(`Changes in tenant ${c.tenant}, newest first`, ['When', 'Who', 'Action', 'What', 'Before', 'After'], rows) : emptyState('No changes recorded yet.')}`,
      }),
    );
  });
}
