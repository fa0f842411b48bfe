/**
 * The HTTP server: ingest and admin API (bearer token), its OpenAPI document and Swagger UI, action pages,
 * preference pages, the admin page, assets, health and metrics. Each part is a plugin or a route module; this is
 * the list of them, in the order they must register.
 */
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import formbody from '@fastify/formbody';
import { traceRequests } from '../tracing';
import { registerActions } from './actions';
import { registerPreferences } from './preferences';
import { registerAdmin } from './admin';
import { mountApi } from './api';
import type { WebDeps } from './deps';
import { registerAssets } from './plugins/assets';
import { registerErrors } from './plugins/errors';
import { registerHealth } from './plugins/health';
import { registerOpenApi } from './plugins/openapi';

export type { WebDeps } from './deps';
export { sameSecret } from './secrets';
export { sendError } from './plugins/errors';

/** Builds the server (not listening yet). */
export async function buildServer(deps: WebDeps): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: deps.log as FastifyBaseLogger,
    bodyLimit: 1_048_576,
    trustProxy: deps.config.TRUST_PROXY,
    routerOptions: { maxParamLength: 2048 }, // action-link tokens are ~300 characters
  }) as unknown as FastifyInstance;
  await app.register(formbody);
  traceRequests(app); // a span per request when tracing is on (first, so that refused requests have theirs too)
  registerErrors(app); // the error answers, and no control character gets past the door
  registerHealth(app, deps);
  // The OpenAPI document of /api/v1 (public: GET /api/v1/openapi.json) and Swagger UI (GET /api/docs): before the
  // API, so that @fastify/swagger sees every route registered after it.
  await registerOpenApi(app, deps.config);
  await registerAssets(app);
  await mountApi(app, deps);
  await registerActions(app, deps);
  await registerPreferences(app, deps);
  await registerAdmin(app, deps);
  return app;
}
