/**
 * The operator's two routes, without a token: readiness (`GET /healthz`: the database and Temporal answer within
 * 2 s each; 503 names what does not) and the Prometheus metrics (`GET /metrics`).
 */
import type { FastifyInstance } from 'fastify';
import { probe } from '../../health';
import { ensureDefaultMetrics, register } from '../../metrics';
import type { WebDeps } from '../deps';

/** Registers `GET /healthz` and `GET /metrics` (and starts the default metrics of the process). */
export function registerHealth(app: FastifyInstance, deps: WebDeps): void {
  ensureDefaultMetrics();
  app.get('/healthz', async (_req, reply) => {
    const [database, temporal] = await Promise.all([
      probe(() => deps.stores.db.query('SELECT 1')),
      probe(() => deps.client.temporal.workflowService.getSystemInfo({})),
    ]);
    const ok = database === 'ok' && temporal === 'ok';
    return reply.code(ok ? 200 : 503).send({ ok, checks: { database, temporal } });
  });
  app.get('/metrics', async (_req, reply) => reply.type(register.contentType).send(await register.metrics()));
}
