/**
 * Who calls the HTTP API, and what that caller may reach:
 * - the **operator** (`API_TOKEN`): every tenant, chosen with `?tenant=` (default `default`);
 * - a tenant's **API key** (`dnk_…`, created by an administrator): its own tenant only, whatever the query or body
 *   says (another tenant named there is refused with 403, never silently replaced); scope `ingest` reaches the
 *   document routes (events, state, list), scope `admin` every route of the tenant.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ApiKey } from '../../store/access';
import { ForbiddenError, ValidationError } from '../../errors';
import { tenantIdProblem } from '../../domain/tenant';
import type { WebDeps } from '../deps';
import { sameSecret } from '../secrets';

/** The caller of an /api/v1 request: the operator, or a tenant's API key. */
export type Principal = { kind: 'operator' } | { kind: 'key'; key: ApiKey };

const principals = new WeakMap<FastifyRequest, Principal>();

/** Routes an `ingest` key reaches (method and route pattern under /api/v1). */
const INGEST_ROUTES = new Set([
  'POST /api/v1/documents/:documentId/events',
  'GET /api/v1/documents/:documentId',
  'GET /api/v1/documents',
]);

/** The `/api/v1` onRequest hook: a bearer token that is the operator token or a live API key, in scope for the route. */
export function authenticateApi(deps: WebDeps) {
  return async (req: FastifyRequest, reply: FastifyReply) => {
    const given = /^Bearer (.+)$/i.exec(req.headers.authorization ?? '')?.[1]?.trim();
    if (!given)
      return reply
        .code(401)
        .header('www-authenticate', 'Bearer')
        .send({ error: 'authorization: a bearer token is required' });
    const operator = deps.config.API_TOKEN;
    if (operator && sameSecret(given, operator)) {
      principals.set(req, { kind: 'operator' });
      return;
    }
    const key = given.startsWith('dnk_') ? await deps.stores.apiKeys.authenticate(given) : undefined;
    if (!key) {
      if (!operator && !given.startsWith('dnk_'))
        return reply
          .code(503)
          .send({ error: 'API_TOKEN is not configured on this server (and the token is not an API key)' });
      return reply
        .code(401)
        .header('www-authenticate', 'Bearer')
        .send({ error: 'authorization: the bearer token is not valid (unknown, revoked or mistyped)' });
    }
    if (
      key.scope === 'ingest' &&
      !INGEST_ROUTES.has(`${req.method === 'HEAD' ? 'GET' : req.method} ${req.routeOptions.url ?? ''}`)
    ) {
      return reply.code(403).send({
        error: `scope: API key ${key.id} has scope "ingest", which reaches only the document routes; this route needs an "admin" key`,
      });
    }
    principals.set(req, { kind: 'key', key });
  };
}

/** The caller of a request the onRequest hook let through (a route without one is a bug: it throws). */
export function principalOf(req: FastifyRequest): Principal {
  const p = principals.get(req);
  if (!p) throw new Error('API route without an authenticated principal');
  return p;
}

/** The caller as the audit log names it. */
export function actorOf(req: FastifyRequest): string {
  const p = principalOf(req);
  return p.kind === 'operator' ? 'operator (API_TOKEN)' : `api key ${p.key.id} (${p.key.name})`;
}

/**
 * The tenant a request acts on. `requested` is what the query or body names (absent: the operator's `default`, a
 * key's own tenant). A key naming another tenant is refused (403); a malformed id is refused (400), naming `field`.
 */
export function tenantFor(req: FastifyRequest, requested: unknown, field = 'tenant'): string {
  const p = principalOf(req);
  const named = typeof requested === 'string' && requested.trim() !== '' ? requested.trim() : undefined;
  if (p.kind === 'key') {
    if (named !== undefined && named !== p.key.tenantId)
      throw new ForbiddenError(
        `${field}: API key ${p.key.id} is bound to tenant "${p.key.tenantId}"; it cannot reach "${named.slice(0, 100)}"`,
      );
    return p.key.tenantId;
  }
  const tenant = named ?? 'default';
  const problem = tenantIdProblem(tenant, field);
  if (problem) throw new ValidationError(problem);
  return tenant;
}
