import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyReply } from 'fastify';
import formbody from '@fastify/formbody';
import { failureTypeOf, ValidationError } from '../errors';
import { FAILURES } from '../domain/failures';
import { controlCharacterIssues } from '../domain/events';
import { probe } from '../health';
import { registerActions } from './actions';
import { registerPreferences } from './preferences';
import { registerAdmin } from './admin';
import { registerApi } from './api';
import type { WebDeps } from './deps';
export type { WebDeps } from './deps';
export { sameSecret } from './secrets';
import { authenticateApi } from './principal';
import { registerOpenApi, serializerCompiler, validatorCompiler } from './openapi';
import { ensureDefaultMetrics, register } from '../metrics';
import { traceRequests } from '../tracing';
import { registerAssets } from './plugins/assets';

/** Maps domain errors to HTTP answers: 400 names the field, never a stack trace. */
export function sendError(reply: FastifyReply, err: unknown): FastifyReply {
  const kind = failureTypeOf(err);
  if (kind) {
    const { message } = err as Error;
    const status = FAILURES[kind].http;
    return reply
      .code(status)
      .send(err instanceof ValidationError ? { error: message, issues: err.issues } : { error: message });
  }
  const e = err as { statusCode?: number; message?: string; code?: string };
  if (e.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || (e.statusCode === 400 && /JSON/i.test(e.message ?? ''))) {
    return reply.code(400).send({ error: `body: malformed JSON (${e.message})` });
  }
  if (e.statusCode && e.statusCode >= 400 && e.statusCode < 500)
    return reply.code(e.statusCode).send({ error: e.message });
  reply.log.error({ err }, 'request failed');
  return reply.code(500).send({ error: 'internal error; see the server log' });
}

/** The HTTP server: ingest and admin API (bearer token), action pages, admin page, health and metrics. */
export async function buildServer(deps: WebDeps): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: deps.log as FastifyBaseLogger,
    bodyLimit: 1_048_576,
    trustProxy: deps.config.TRUST_PROXY,
    routerOptions: { maxParamLength: 2048 }, // action-link tokens are ~300 characters
  }) as unknown as FastifyInstance;
  await app.register(formbody);
  ensureDefaultMetrics();
  traceRequests(app); // a span per request when tracing is on (first, so that refused requests have theirs too)

  app.setErrorHandler((err, _req, reply) => sendError(reply, err));
  // No control character (a NUL byte, say) gets past the door: in the URL or anywhere in a body.
  app.addHook('onRequest', async (req, reply) => {
    let url: string;
    try {
      url = decodeURIComponent(req.url);
    } catch {
      return reply.code(400).send({ error: 'url: malformed percent-encoding' });
    }
    if (controlCharacterIssues(url).length > 0)
      return reply.code(400).send({ error: 'url: must not contain control characters' });
  });
  app.addHook('preValidation', async (req, reply) => {
    const issues = controlCharacterIssues(req.body);
    if (issues.length > 0)
      return reply
        .code(400)
        .send({ error: `body: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`, issues });
  });
  app.setNotFoundHandler((req, reply) =>
    reply.code(404).send({ error: `no route for ${req.method} ${req.url.split('?')[0]}` }),
  );

  // Readiness: the database and Temporal answer within 2 s each; 503 names what does not.
  app.get('/healthz', async (_req, reply) => {
    const [database, temporal] = await Promise.all([
      probe(() => deps.stores.db.query('SELECT 1')),
      probe(() => deps.client.temporal.workflowService.getSystemInfo({})),
    ]);
    const ok = database === 'ok' && temporal === 'ok';
    return reply.code(ok ? 200 : 503).send({ ok, checks: { database, temporal } });
  });
  // The OpenAPI document of /api/v1 (public: GET /api/v1/openapi.json) and Swagger UI (GET /api/docs): first, so
  // that @fastify/swagger sees every route registered after it.
  await registerOpenApi(app, deps.config);

  await registerAssets(app);
  app.get('/metrics', async (_req, reply) => reply.type(register.contentType).send(await register.metrics()));

  await app.register(
    async (api) => {
      // zod validates and serializes here only (the action and admin pages keep fastify's defaults).
      api.setValidatorCompiler(validatorCompiler);
      api.setSerializerCompiler(serializerCompiler(deps.log));
      api.addHook('onRequest', authenticateApi(deps));
      registerApi(api, deps);
    },
    { prefix: '/api/v1' },
  );

  await registerActions(app, deps);
  await registerPreferences(app, deps);
  await registerAdmin(app, deps);
  return app;
}
