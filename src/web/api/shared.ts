/**
 * What the `/api/v1` route modules share: the request schemas (path parameters, the filter queries, the test send),
 * reading the tenant of a request, parsing a body the handler validates, and the two after-effects of an
 * administrative change (the audit log entry, and telling the running workflows that the rules changed).
 */
import { z } from 'zod';
import type { FastifyRequest } from 'fastify';
import { ValidationError } from '../../errors';
import { NOTIFICATION_STATUSES } from '../../store/notifications';
import type { WebDeps } from '../deps';
import { documented } from '../plugins/openapi';
import { actorOf, tenantFor } from '../plugins/principal';

// --- reading a request --------------------------------------------------------------------------------

/** The `?tenant=` of a request as given (not checked). */
export const queryTenant = (req: FastifyRequest): unknown => (req.query as { tenant?: unknown } | undefined)?.tenant;

/** The tenant of a request: `?tenant=` as the caller may reach it (see plugins/principal.ts). */
export const tenantOf = (req: FastifyRequest): string => tenantFor(req, queryTenant(req));

/** Parses `input` with `schema`; a failure is a ValidationError ("invalid <what>: <field>: …"). */
export function parse<T>(schema: z.ZodType<T>, input: unknown, what: string): T {
  const result = schema.safeParse(input ?? {});
  if (!result.success) throw ValidationError.fromZod(result.error, `invalid ${what}`);
  return result.data;
}

// --- path parameters ----------------------------------------------------------------------------------

/** `:id` (a rule, user, group, tenant, key). */
export const byId = z.object({ id: z.string() });
/** `:documentId`. */
export const byDocument = z.object({ documentId: z.string() });
/** `:name/:locale` of a template. */
export const byTemplate = z.object({ name: z.string(), locale: z.string() });
/** `:username` of an administrator account. */
export const byUsername = z.object({ username: z.string() });
/** `:email` of a suppressed address. */
export const byEmail = z.object({ email: z.string() });

// --- queries and bodies -----------------------------------------------------------------------------------

/** The `?tenant=` of the operator token (an API key is bound to its tenant: naming another one is a 403). */
export const tenantParam = z
  .string()
  .optional()
  .describe('Tenant id (operator token only; default "default"; an API key acts on its own tenant)');
/** A query of `?tenant=` only. */
export const tenantQuery = documented(z.object({ tenant: tenantParam }));

/** The filters of GET /log. */
export const logQuery = z.strictObject({
  tenant: tenantParam,
  document: z.string().optional(),
  rule: z.string().optional(),
  recipient: z.string().optional(),
  status: z.enum(NOTIFICATION_STATUSES).optional(),
  kind: z.string().optional(),
  since: z.iso.datetime({ offset: true, error: 'must be an ISO-8601 timestamp' }).optional(),
  until: z.iso.datetime({ offset: true, error: 'must be an ISO-8601 timestamp' }).optional(),
  limit: z.coerce.number().int().min(1).max(1000).optional(),
});

/** The body of POST /templates/:name/test (parsed by the handler). */
export const testQuery = z.strictObject({
  to: z.email({ error: 'to: must be an email address' }),
  locale: z.string().optional(),
  documentType: z.string().default('invoice'),
  fields: z.record(z.string(), z.string()).default({}),
});

/** The filters of GET /documents. */
export const documentsQuery = z.strictObject({
  tenant: tenantParam,
  status: z.string().optional(),
  awaiting: z.enum(['true', 'false']).optional(),
  assignee: z.string().optional(),
  limit: z.coerce.number().int().min(1).max(1000).optional(),
});
/** The filters of GET /rules. */
export const rulesQuery = z.strictObject({
  tenant: tenantParam,
  documentType: z.string().optional(),
  status: z.string().optional(),
  active: z.enum(['true', 'false']).optional(),
});
/** The filters of GET /templates. */
export const templatesQuery = z.strictObject({
  tenant: tenantParam,
  name: z.string().optional(),
  documentType: z.string().optional(),
});
/** The filters of GET /audit. */
export const auditQuery = z.strictObject({
  tenant: tenantParam,
  entity: z.string().max(50).optional(),
  limit: z.coerce.number().int().min(1).max(1000).optional(),
});
/** The query of one template (read or deleted): the tenant and the document type. */
export const templateQuery = documented(
  z.object({ tenant: tenantParam, documentType: z.string().optional().describe('Default: the catch-all ""') }),
);

// --- after an administrative change -----------------------------------------------------------------------

/** An administrative change, as the audit log records it (the actor is the request's caller). */
export interface Change {
  tenantId: string;
  action: string;
  entity: string;
  entityId: string;
  before?: unknown;
  after?: unknown;
}

/** Records an administrative change in the audit log (who, what, before and after). */
export function audit(deps: WebDeps, req: FastifyRequest, change: Change): Promise<void> {
  return deps.stores.audit.record({ ...change, actor: actorOf(req) });
}

/** Tells the tenant's running workflows that their rules changed (a failure is logged, not answered). */
export async function announceRulesChanged(deps: WebDeps, tenantId: string): Promise<void> {
  await deps.client
    .notifyRulesChanged(tenantId)
    .catch((err: unknown) => deps.log.warn({ err }, 'could not notify running workflows'));
}
