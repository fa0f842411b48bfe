/** `GET /api/v1/documents/:documentId` (a document's state, its workflow's answer) and `GET /api/v1/documents`. */
import { z } from 'zod';
import type { FastifyInstance } from 'fastify';
import type { WebDeps } from '../deps';
import { tenantFor } from '../plugins/principal';
import { route } from '../plugins/openapi';
import { documentSummarySchema, documentViewSchema } from './schemas';
import { byDocument, documentsQuery, tenantOf, tenantQuery } from './shared';

/** Registers the document routes (the events route is in events.ts). */
export function registerDocuments(api: FastifyInstance, deps: WebDeps): void {
  api.get<{ Params: { documentId: string } }>(
    '/documents/:documentId',
    {
      schema: route(
        'documents',
        "A document's state (its workflow's answer)",
        {
          params: byDocument,
          querystring: tenantQuery,
          response: { 200: documentViewSchema.describe('The state') },
        },
        [404],
      ),
    },
    async (req) => deps.client.getState(req.params.documentId, tenantOf(req)),
  );

  api.get(
    '/documents',
    {
      schema: route('documents', 'List documents (running and recent)', {
        querystring: documentsQuery,
        response: { 200: z.array(documentSummarySchema).describe('The documents') },
      }),
    },
    async (req) => {
      const query = req.query as z.output<typeof documentsQuery>;
      return deps.client.list({
        tenantId: tenantFor(req, query.tenant),
        status: query.status,
        assignee: query.assignee,
        awaiting: query.awaiting === undefined ? undefined : query.awaiting === 'true',
        limit: query.limit,
      });
    },
  );
}
