/** The notification log, overall and per rule, with filters; one email opened as it was sent. */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Rule } from '../../domain/rules';
import { NotFoundError } from '../../errors';
import { NOTIFICATION_STATUSES, type LogFilter, type NotificationRow } from '../../store/notifications';
import { ctx, q, sendHtml, type AdminEnv } from './context';
import { renderLogPage, type LogFilters } from './views/log';
import { renderEmailPage } from './views/log-email';

/** The most rows the log shows (the newest). */
const LIMIT = 200;

/** The filters of the request; a rule's log is of that rule. */
function filtersOf(req: FastifyRequest, rule: Rule | undefined): LogFilters {
  return {
    status: q(req, 'status'),
    kind: q(req, 'kind'),
    document: q(req, 'document'),
    recipient: q(req, 'recipient'),
    rule: rule?.id ?? q(req, 'rule'),
  };
}

/** The store's filter of the log's filters (an unknown status filters nothing). */
function storeFilter(tenantId: string, filters: LogFilters): LogFilter {
  const status = (NOTIFICATION_STATUSES as readonly string[]).includes(filters.status)
    ? (filters.status as NotificationRow['status'])
    : undefined;
  return {
    tenantId,
    ruleId: filters.rule || undefined,
    documentId: filters.document || undefined,
    recipient: filters.recipient || undefined,
    status,
    kind: filters.kind || undefined,
    limit: LIMIT,
  };
}

/** Answers the log page: of `rule`, or the overall one (`rules` for its Rule filter). */
async function logPage(
  req: FastifyRequest,
  reply: FastifyReply,
  env: AdminEnv,
  page: { rule?: Rule; rules: Rule[] },
): Promise<FastifyReply> {
  const c = ctx(req);
  const filters = filtersOf(req, page.rule);
  const rows = await env.deps.stores.notifications.list(storeFilter(c.tenant, filters));
  const filtered = !!(
    filters.status ||
    filters.kind ||
    filters.document ||
    filters.recipient ||
    (!page.rule && filters.rule)
  );
  return sendHtml(reply, renderLogPage({ ctx: c, ...page, filters, filtered, rows, limit: LIMIT }));
}

/** Registers the log pages on the (signed-in) admin scope. */
export function registerLog(app: FastifyInstance, env: AdminEnv): void {
  const { stores } = env.deps;

  app.get('/log', async (req, reply) => logPage(req, reply, env, { rules: await stores.rules.list(ctx(req).tenant) }));

  app.get<{ Params: { id: string } }>('/rules/:id/log', async (req, reply) => {
    const rule = await stores.rules.get(ctx(req).tenant, req.params.id);
    return logPage(req, reply, env, { rule, rules: [] });
  });

  app.get('/log/email', async (req, reply) => {
    const c = ctx(req);
    const row = await stores.notifications.get(q(req, 'key'));
    // Another tenant's email is "not found" here: its existence is not disclosed either.
    if (!row || row.tenantId !== c.tenant) throw new NotFoundError('That email is not in the notification log.');
    return sendHtml(reply, renderEmailPage(c, row));
  });
}
