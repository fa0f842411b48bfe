/**
 * The email templates, `/api/v1/templates`: list, read, create or replace, delete (the shipped one answers again),
 * and send a test email of one now. Each change is recorded in the audit log.
 */
import { z } from 'zod';
import type { FastifyInstance } from 'fastify';
import { templateInputSchema } from '../../store/templates';
import type { WebDeps } from '../deps';
import { tenantFor } from '../plugins/principal';
import { documented, route } from '../plugins/openapi';
import { noContent, templateSchema, testSendResultSchema } from './schemas';
import { audit, byTemplate, parse, templateQuery, templatesQuery, tenantOf, tenantQuery, testQuery } from './shared';

type OneTemplate = { Params: { name: string; locale: string } };

/** The `?documentType=` of a template (default: the catch-all ""). */
const documentTypeOf = (query: unknown): string => (query as { documentType?: string }).documentType ?? '';

/** Registers the template routes. */
export function registerTemplates(api: FastifyInstance, deps: WebDeps): void {
  readTemplates(api, deps);
  putTemplate(api, deps);
  deleteTemplate(api, deps);
  testTemplate(api, deps);
}

function readTemplates(api: FastifyInstance, deps: WebDeps): void {
  api.get(
    '/templates',
    {
      schema: route('templates', "List the tenant's templates (and the shipped ones)", {
        querystring: templatesQuery,
        response: { 200: z.array(templateSchema).describe('The templates') },
      }),
    },
    async (req) => {
      const query = req.query as z.output<typeof templatesQuery>;
      return deps.stores.templates.list(tenantFor(req, query.tenant), {
        name: query.name,
        documentType: query.documentType,
      });
    },
  );
  api.get<OneTemplate>(
    '/templates/:name/:locale',
    {
      schema: route(
        'templates',
        'One template',
        {
          params: byTemplate,
          querystring: templateQuery,
          response: { 200: templateSchema.describe('The template') },
        },
        [404],
      ),
    },
    async (req) =>
      deps.stores.templates.get(tenantOf(req), req.params.name, req.params.locale, documentTypeOf(req.query)),
  );
}

function putTemplate(api: FastifyInstance, deps: WebDeps): void {
  api.put<OneTemplate>(
    '/templates/:name/:locale',
    {
      schema: route('templates', "Create or replace a template (name and locale are the URL's)", {
        params: byTemplate,
        querystring: tenantQuery,
        body: documented(templateInputSchema.omit({ name: true, locale: true })),
        response: { 200: templateSchema.describe('The template as saved') },
      }),
    },
    async (req) => {
      const tenantId = tenantOf(req);
      const { name, locale } = req.params;
      const template = await deps.stores.templates.put(tenantId, { ...(req.body as object), name, locale });
      const entityId = `${name}/${locale}`;
      await audit(deps, req, { tenantId, action: 'template.put', entity: 'template', entityId, after: template });
      return template;
    },
  );
}

function deleteTemplate(api: FastifyInstance, deps: WebDeps): void {
  api.delete<OneTemplate>(
    '/templates/:name/:locale',
    {
      schema: route(
        'templates',
        'Delete a template (the shipped one answers again)',
        { params: byTemplate, querystring: templateQuery, response: { 204: noContent } },
        [404],
      ),
    },
    async (req, reply) => {
      const tenantId = tenantOf(req);
      const { name, locale } = req.params;
      const documentType = documentTypeOf(req.query);
      await deps.stores.templates.remove(tenantId, name, locale, documentType);
      const entityId = `${name}/${locale}${documentType ? `/${documentType}` : ''}`;
      await audit(deps, req, { tenantId, action: 'template.delete', entity: 'template', entityId });
      return reply.code(204).send();
    },
  );
}

function testTemplate(api: FastifyInstance, deps: WebDeps): void {
  api.post<{ Params: { name: string } }>(
    '/templates/:name/test',
    {
      schema: route(
        'templates',
        'Send a test email of a template now',
        {
          params: z.object({ name: z.string() }),
          querystring: tenantQuery,
          body: documented(testQuery),
          response: { 200: testSendResultSchema.describe('What the send did') },
        },
        [404],
      ),
    },
    async (req) => {
      const body = parse(testQuery, req.body, 'test request');
      return deps.sendTest({
        tenantId: tenantOf(req),
        template: req.params.name,
        documentType: body.documentType,
        to: body.to,
        locale: body.locale,
        fields: body.fields,
      });
    },
  );
}
