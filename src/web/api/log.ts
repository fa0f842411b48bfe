/**
 * The notification log, `/api/v1/log`: every email decided, newest first, filtered by document, rule, recipient,
 * status, kind and time; and the recipients whose emails fail permanently.
 */
import { z } from 'zod';
import type { FastifyInstance } from 'fastify';
import type { WebDeps } from '../deps';
import { tenantFor } from '../plugins/principal';
import { route } from '../plugins/openapi';
import { failingRecipientSchema, notificationSchema } from './schemas';
import { logQuery, tenantOf, tenantQuery } from './shared';

/** Registers the notification log routes. */
export function registerLog(api: FastifyInstance, deps: WebDeps): void {
  api.get(
    '/log/failing-recipients',
    {
      schema: route('log', 'Recipients whose emails fail permanently', {
        querystring: tenantQuery,
        response: { 200: z.array(failingRecipientSchema).describe('The recipients') },
      }),
    },
    async (req) => deps.stores.notifications.failingRecipients(tenantOf(req)),
  );
  api.get(
    '/log',
    {
      schema: route('log', 'The notification log (every email decided), newest first', {
        querystring: logQuery,
        response: { 200: z.array(notificationSchema).describe('The notifications') },
      }),
    },
    async (req) => {
      const query = req.query as z.output<typeof logQuery>;
      return deps.stores.notifications.list({
        tenantId: tenantFor(req, query.tenant),
        documentId: query.document,
        ruleId: query.rule,
        recipient: query.recipient,
        status: query.status,
        kind: query.kind,
        since: query.since ? new Date(query.since) : undefined,
        until: query.until ? new Date(query.until) : undefined,
        limit: query.limit,
      });
    },
  );
}
