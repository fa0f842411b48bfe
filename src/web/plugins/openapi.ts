/**
 * The OpenAPI contract of `/api/v1` (issue 13): every route declares its parameters, query, body and answers with
 * zod schemas; `@fastify/swagger` turns them into an OpenAPI 3.1 document (`jsonSchemaTransform` of
 * fastify-type-provider-zod), served without a token at `GET /api/v1/openapi.json`, with Swagger UI at `/api/docs`.
 * The answers' schemas are in `src/web/api/schemas.ts`; this module holds the machinery: the validator and
 * serializer of `/api/v1`, `route` (a route's schema with its error answers), and the registration of both plugins.
 *
 * Two kinds of request schema:
 * - **validated** ones (path parameters, the filter queries): checked before the handler by the zod validator
 *   compiler; a failure is a `ValidationError` ("invalid query: limit: …"), answered as every 400 of the API;
 * - **documented** ones (`documented(schema)`): bodies a store validates itself (rules, directory, templates,
 *   settings, keys…) and queries the handler reads leniently. The schema describes them in the spec, but the
 *   store's own validation keeps answering, naming the fields the way it always has.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { safeParse } from 'zod/v4/core';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import {
  jsonSchemaTransform,
  serializerCompiler as zodSerializerCompiler,
  isResponseSerializationError,
} from 'fastify-type-provider-zod';
import type { FastifyInstance, FastifySchema, FastifySchemaCompiler } from 'fastify';
import type { FastifySerializerCompiler } from 'fastify/types/schema';
import { ValidationError } from '../../errors';
import type { Config } from '../../config';
import type { WebDeps } from '../deps';

type Logger = WebDeps['log'];

/** Where the OpenAPI document is served (public, no token). */
export const OPENAPI_PATH = '/api/v1/openapi.json';
/** Where Swagger UI is served. */
export const DOCS_PATH = '/api/docs';

// --- request schemas that only document ----------------------------------------------------------

const documentedOnly = new WeakSet<object>();
/** Marks a schema as documentation only: the spec shows it, the validator lets the input through untouched. */
export function documented<T extends z.ZodType>(schema: T): T {
  documentedOnly.add(schema);
  return schema;
}

const PART_NAMES: Record<string, string> = { querystring: 'query', params: 'path', body: 'body', headers: 'headers' };

/** The /api/v1 validator: zod, answering with the project's ValidationError (the field named), not fastify's. */
export const validatorCompiler: FastifySchemaCompiler<z.ZodType> =
  ({ schema, httpPart }) =>
  (data: unknown) => {
    if (documentedOnly.has(schema)) return { value: data };
    const result = safeParse(schema, data ?? {});
    if (result.success) return { value: result.data };
    return {
      error: ValidationError.fromZod(result.error as z.ZodError, `invalid ${PART_NAMES[httpPart ?? ''] ?? 'input'}`),
    };
  };

/**
 * The /api/v1 serializer: the type provider's (the answer encoded by its declared schema). An answer that does not
 * match its schema is a bug of the contract, not of the caller: it is logged and sent as it is (the contract test,
 * test/integration/openapi-contract.test.ts, is where such a drift fails).
 */
export function serializerCompiler(log: Logger): FastifySerializerCompiler<z.ZodType> {
  return (route) => {
    const strict = zodSerializerCompiler(route as Parameters<typeof zodSerializerCompiler>[0]);
    return (data: unknown) => {
      try {
        return strict(data);
      } catch (err) {
        if (!(err instanceof Error) || !isResponseSerializationError(err)) throw err;
        log.error({ err, method: route.method, url: route.url }, 'response does not match its OpenAPI schema');
        return JSON.stringify(data);
      }
    };
  };
}

// --- the error answers every route shares --------------------------------------------------------------

/** Every error of the API: `error` starts with the field ("tenant: …", "invalid query: limit: …"). */
export const errorSchema = z.object({
  error: z.string().describe('What went wrong, starting with the field concerned ("limit: …", "tenantId: …")'),
  issues: z
    .array(z.object({ path: z.string().describe('The field, dot-separated'), message: z.string() }))
    .optional()
    .describe('One entry per invalid field (validation errors)'),
});

const ERROR_DESCRIPTIONS: Record<number, string> = {
  400: 'Invalid request: the message names the field',
  401: 'No bearer token, or not a valid one',
  403: 'The API key does not reach this tenant or route',
  404: 'Not found',
  409: 'Conflicts with existing data (a duplicate name, say)',
  503: 'A service did not answer (no worker for the query), or API_TOKEN is not configured',
};
const errorResponse = (code: number) => errorSchema.describe(ERROR_DESCRIPTIONS[code] ?? 'Error');

/** The `schema` of one /api/v1 route: tag, summary, bearer security, and the error answers besides its own. */
export function route(
  tag: string,
  summary: string,
  parts: Omit<FastifySchema, 'response'> & { response: Record<number, z.ZodType> },
  errors: number[] = [],
): FastifySchema {
  const response: Record<number, z.ZodType> = { ...parts.response };
  for (const code of [400, 401, 403, ...errors, 503]) response[code] = errorResponse(code);
  return { ...parts, tags: [tag], summary, security: [{ bearer: [] }], response };
}

// --- the document and its pages ---------------------------------------------------------------------

function packageVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(path.join(__dirname, '..', '..', '..', 'package.json'), 'utf8')) as {
      version?: string;
    };
    return pkg.version ?? '0.0.0';
  } catch {
    return '0.0.0';
  }
}

/**
 * Content-Security-Policy of the docs page: Swagger UI's own script and stylesheet from /api/docs/static, the spec
 * from this origin, nothing else (no validator badge, no fonts from a CDN). Its React components set inline styles.
 */
export const DOCS_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; " +
  "font-src 'self' data:; connect-src 'self'; base-uri 'self'; form-action 'none'; frame-ancestors 'none'";

const TAGS = [
  { name: 'documents', description: 'Events in, document state out' },
  { name: 'rules', description: 'Notification rules' },
  { name: 'directory', description: 'Users and groups rules send to' },
  { name: 'templates', description: 'Email templates by name, locale and document type' },
  { name: 'tenants', description: 'Tenant settings: locale, calendars, webhook, administrator emails' },
  { name: 'credentials', description: 'API keys and administrator accounts' },
  { name: 'audit', description: 'Who changed what' },
  { name: 'log', description: 'The notification log' },
];

/** The head of the OpenAPI document: title, version, how to authenticate, the server and the tags. */
function openApiHead(config: Config) {
  return {
    openapi: '3.1.0',
    info: {
      title: 'docnotify API',
      version: packageVersion(),
      description:
        'Email notifications for document pipelines on Temporal: ingest document events, read document state, ' +
        'and administer rules, the directory, templates, tenant settings, API keys and administrators.\n\n' +
        'Every route takes a bearer token: the operator `API_TOKEN` (every tenant, chosen with `?tenant=`) or a ' +
        "tenant's API key (`dnk_…`; scope `ingest` reaches the document routes only). Every error answers " +
        '`{ "error": "<field>: <problem>", "issues"?: [{ "path", "message" }] }`.',
    },
    servers: [{ url: config.PUBLIC_BASE_URL.replace(/\/+$/, ''), description: 'PUBLIC_BASE_URL' }],
    components: {
      securitySchemes: {
        bearer: {
          type: 'http' as const,
          scheme: 'bearer',
          description: 'The operator API_TOKEN or a tenant API key (dnk_…)',
        },
      },
    },
    security: [{ bearer: [] }],
    tags: TAGS,
  };
}

/**
 * Registers `@fastify/swagger` (it collects the routes registered after it: call first), the public
 * `GET /api/v1/openapi.json`, and Swagger UI at `/api/docs`. Only `/api/v1` routes enter the document.
 */
export async function registerOpenApi(app: FastifyInstance, config: Config): Promise<void> {
  await app.register(fastifySwagger, {
    openapi: openApiHead(config),
    transform: (doc) =>
      doc.url.startsWith('/api/v1/') && doc.url !== OPENAPI_PATH
        ? jsonSchemaTransform(doc)
        : { schema: { ...doc.schema, hide: true }, url: doc.url },
  });

  app.get(OPENAPI_PATH, { schema: { hide: true } }, async (_req, reply) =>
    reply.header('cache-control', 'no-cache').send(app.swagger()),
  );

  await app.register(fastifySwaggerUi, {
    routePrefix: DOCS_PATH,
    staticCSP: DOCS_CSP,
    uiConfig: {
      urls: [{ url: OPENAPI_PATH, name: 'docnotify /api/v1' }],
      deepLinking: true,
      docExpansion: 'list',
      validatorUrl: null,
    },
    validatorUrl: false,
  });
}
