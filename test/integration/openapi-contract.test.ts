/**
 * The OpenAPI contract of /api/v1 (issue 13.3) against the real system (worker, Temporal, PostgreSQL, Mailpit):
 * the spec is fetched without a token from GET /api/v1/openapi.json, and **every path and method in it** is called
 * with a valid request (a fixture per operation, in an order that creates before it reads and deletes) and an
 * invalid one. Each answer's status must be one the spec declares for the operation, and its body must validate
 * against the declared schema (ajv, JSON Schema 2020-12 as OpenAPI 3.1 uses); the invalid request's 400 must name
 * the field. A route the server registers but the spec lacks fails the test, as does an operation without a fixture.
 */
import { readFileSync } from 'node:fs';
import Fastify, { type FastifyInstance } from 'fastify';
import Ajv2020 from 'ajv/dist/2020';
import type { OpenAPIV3_1 } from 'openapi-types';
import { DocnotifyClient } from '../../src/client';
import { sendTestEmail } from '../../src/email/test-send';
import { createLogger } from '../../src/log';
import { registerApi } from '../../src/web/api';
import { serializerCompiler, validatorCompiler } from '../../src/web/plugins/openapi';
import { buildServer, type WebDeps } from '../../src/web/server';
import { eventually, testConfig, uid } from '../helpers/env';
import { waitForMail } from '../helpers/mailpit';
import { startTestWorker } from '../helpers/worker';

const config = testConfig();
const auth = { authorization: `Bearer ${config.API_TOKEN}` };
const tenant = uid('oa');
const doc = uid('OA');
const user = uid('u');
const group = uid('g');
const admin = uid('oa-admin');
const template = 'status_on_hold';
const recipient = `${uid('oa-test')}@example.com`;
const METHODS = ['get', 'put', 'post', 'delete', 'patch'] as const;

let worker: Awaited<ReturnType<typeof startTestWorker>>;
let client: DocnotifyClient;
let app: FastifyInstance;
let spec: OpenAPIV3_1.Document;
const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: false });

/** Ids the valid requests create and later ones use. */
const made: { ruleId?: string; keyId?: string } = {};

interface Call {
  url: string;
  body?: unknown;
}
interface Fixture {
  /** "METHOD /api/v1/path/{param}" as in the spec. */
  op: string;
  valid: () => Call;
  /** A request with one bad field, and that field: the 400 must name it. */
  invalid: () => Call & { field: string };
  /** Checked after the valid call (its answer validated already). */
  then?: (body: unknown) => void | Promise<void>;
}

const q = `?tenant=${tenant}`;
const badTenant = '?tenant=not%20a%20tenant!';
const rule = { name: `Contract ${doc}`, trigger: { status: 'on_hold' }, delay: '5m', documentType: 'invoice' };

/** Every operation of the spec, in the order the test calls them. */
const FIXTURES: Fixture[] = [
  {
    op: 'POST /api/v1/documents/{documentId}/events',
    valid: () => ({
      url: `/api/v1/documents/${doc}/events${q}`,
      body: { type: 'status_changed', status: 'received', documentType: 'invoice' },
    }),
    invalid: () => ({
      url: `/api/v1/documents/${doc}/events${q}`,
      body: { type: 'status_changed', status: 'bogus' },
      field: 'status',
    }),
  },
  {
    op: 'GET /api/v1/documents/{documentId}',
    valid: () => ({ url: `/api/v1/documents/${doc}${q}` }),
    invalid: () => ({ url: `/api/v1/documents/${doc}${badTenant}`, field: 'tenant' }),
    then: (body) => expect(body).toMatchObject({ documentId: doc, tenantId: tenant, status: 'received' }),
  },
  {
    op: 'GET /api/v1/documents',
    valid: () => ({ url: `/api/v1/documents${q}&limit=10` }),
    invalid: () => ({ url: `/api/v1/documents${q}&limit=0`, field: 'limit' }),
  },
  {
    op: 'POST /api/v1/rules',
    valid: () => ({ url: `/api/v1/rules${q}`, body: rule }),
    invalid: () => ({ url: `/api/v1/rules${q}`, body: { ...rule, priority: 'urgent' }, field: 'priority' }),
    then: (body) => {
      made.ruleId = (body as { id: string }).id;
    },
  },
  {
    op: 'GET /api/v1/rules',
    valid: () => ({ url: `/api/v1/rules${q}&active=true` }),
    invalid: () => ({ url: `/api/v1/rules${q}&active=maybe`, field: 'active' }),
    then: (body) => expect(body).toHaveLength(1),
  },
  {
    op: 'GET /api/v1/rules/{id}',
    valid: () => ({ url: `/api/v1/rules/${made.ruleId}${q}` }),
    invalid: () => ({ url: `/api/v1/rules/${made.ruleId}${badTenant}`, field: 'tenant' }),
  },
  {
    op: 'PUT /api/v1/rules/{id}',
    valid: () => ({ url: `/api/v1/rules/${made.ruleId}${q}`, body: { ...rule, priority: 'high' } }),
    invalid: () => ({ url: `/api/v1/rules/${made.ruleId}${q}`, body: { ...rule, name: '' }, field: 'name' }),
    then: (body) => expect(body).toMatchObject({ priority: 'high', version: 2 }),
  },
  {
    op: 'POST /api/v1/rules/{id}/{op}',
    valid: () => ({ url: `/api/v1/rules/${made.ruleId}/deactivate${q}` }),
    invalid: () => ({ url: `/api/v1/rules/${made.ruleId}/explode${q}`, field: 'op' }),
    then: (body) => expect(body).toMatchObject({ active: false }),
  },
  {
    op: 'POST /api/v1/directory/users',
    valid: () => ({ url: `/api/v1/directory/users${q}`, body: { id: user, email: `${user}@example.com` } }),
    invalid: () => ({ url: `/api/v1/directory/users${q}`, body: { id: user, email: 'nope' }, field: 'email' }),
  },
  {
    op: 'PUT /api/v1/directory/users/{id}',
    valid: () => ({ url: `/api/v1/directory/users/${user}${q}`, body: { email: `${user}@example.com`, locale: 'es' } }),
    invalid: () => ({
      url: `/api/v1/directory/users/${user}${q}`,
      body: { email: `${user}@example.com`, timeZone: 'Mars/Olympus' },
      field: 'timeZone',
    }),
    then: (body) => expect(body).toMatchObject({ id: user, locale: 'es' }),
  },
  {
    op: 'GET /api/v1/directory/users',
    valid: () => ({ url: `/api/v1/directory/users${q}` }),
    invalid: () => ({ url: `/api/v1/directory/users${badTenant}`, field: 'tenant' }),
  },
  {
    op: 'GET /api/v1/directory/users/{id}',
    valid: () => ({ url: `/api/v1/directory/users/${user}${q}` }),
    invalid: () => ({ url: `/api/v1/directory/users/${user}${badTenant}`, field: 'tenant' }),
  },
  {
    op: 'POST /api/v1/directory/groups',
    valid: () => ({ url: `/api/v1/directory/groups${q}`, body: { id: group, members: [user] } }),
    invalid: () => ({ url: `/api/v1/directory/groups${q}`, body: { id: group, members: 'all' }, field: 'members' }),
  },
  {
    op: 'PUT /api/v1/directory/groups/{id}',
    valid: () => ({ url: `/api/v1/directory/groups/${group}${q}`, body: { name: 'Contract', members: [user] } }),
    invalid: () => ({
      url: `/api/v1/directory/groups/${group}${q}`,
      body: { name: 'x'.repeat(300) },
      field: 'name',
    }),
  },
  {
    op: 'GET /api/v1/directory/groups',
    valid: () => ({ url: `/api/v1/directory/groups${q}` }),
    invalid: () => ({ url: `/api/v1/directory/groups${badTenant}`, field: 'tenant' }),
  },
  {
    op: 'GET /api/v1/directory',
    valid: () => ({ url: `/api/v1/directory${q}` }),
    invalid: () => ({ url: `/api/v1/directory${badTenant}`, field: 'tenant' }),
    then: (body) => expect(body).toMatchObject({ users: [{ id: user }], groups: [{ id: group }] }),
  },
  {
    op: 'PUT /api/v1/templates/{name}/{locale}',
    valid: () => ({
      url: `/api/v1/templates/${template}/en${q}`,
      body: { subject: 'On hold: {{document_id}}', html: '<p>{{document_id}} is on hold</p>' },
    }),
    invalid: () => ({
      url: `/api/v1/templates/${template}/en${q}`,
      body: { subject: '', html: '<p/>' },
      field: 'subject',
    }),
  },
  {
    op: 'GET /api/v1/templates',
    valid: () => ({ url: `/api/v1/templates${q}&name=${template}` }),
    invalid: () => ({ url: `/api/v1/templates${badTenant}`, field: 'tenant' }),
  },
  {
    op: 'GET /api/v1/templates/{name}/{locale}',
    valid: () => ({ url: `/api/v1/templates/${template}/en${q}` }),
    invalid: () => ({ url: `/api/v1/templates/${template}/en${badTenant}`, field: 'tenant' }),
    then: (body) => expect(body).toMatchObject({ tenantId: tenant, subject: 'On hold: {{document_id}}' }),
  },
  {
    op: 'POST /api/v1/templates/{name}/test',
    valid: () => ({ url: `/api/v1/templates/${template}/test${q}`, body: { to: recipient } }),
    invalid: () => ({ url: `/api/v1/templates/${template}/test${q}`, body: { to: 'not-an-address' }, field: 'to' }),
    then: async () => {
      await waitForMail(recipient);
    },
  },
  {
    op: 'DELETE /api/v1/templates/{name}/{locale}',
    valid: () => ({ url: `/api/v1/templates/${template}/en${q}` }),
    invalid: () => ({ url: `/api/v1/templates/${template}/en${badTenant}`, field: 'tenant' }),
  },
  {
    op: 'PUT /api/v1/tenants/{id}',
    valid: () => ({ url: `/api/v1/tenants/${tenant}`, body: { locale: 'es', adminEmails: ['ops@example.com'] } }),
    invalid: () => ({ url: `/api/v1/tenants/${tenant}`, body: { locale: 'fr' }, field: 'locale' }),
  },
  {
    op: 'GET /api/v1/tenants/{id}',
    valid: () => ({ url: `/api/v1/tenants/${tenant}` }),
    invalid: () => ({ url: `/api/v1/tenants/not%20a%20tenant!`, field: 'id' }),
    then: (body) => expect(body).toMatchObject({ id: tenant, locale: 'es' }),
  },
  {
    op: 'POST /api/v1/keys',
    valid: () => ({ url: `/api/v1/keys${q}`, body: { scope: 'ingest', name: 'contract' } }),
    invalid: () => ({ url: `/api/v1/keys${q}`, body: { scope: 'root', name: 'contract' }, field: 'scope' }),
    then: (body) => {
      made.keyId = (body as { id: string }).id;
      expect((body as { key: string }).key).toMatch(/^dnk_/);
    },
  },
  {
    op: 'GET /api/v1/keys',
    valid: () => ({ url: `/api/v1/keys${q}` }),
    invalid: () => ({ url: `/api/v1/keys${badTenant}`, field: 'tenant' }),
  },
  {
    op: 'DELETE /api/v1/keys/{id}',
    valid: () => ({ url: `/api/v1/keys/${made.keyId}${q}` }),
    invalid: () => ({ url: `/api/v1/keys/${made.keyId}${badTenant}`, field: 'tenant' }),
    then: (body) => expect((body as { revokedAt?: string }).revokedAt).toBeDefined(),
  },
  {
    op: 'PUT /api/v1/admins/{username}',
    valid: () => ({ url: `/api/v1/admins/${admin}${q}`, body: { password: 'correct-horse-battery-staple' } }),
    invalid: () => ({ url: `/api/v1/admins/${admin}${q}`, body: {}, field: 'password' }),
  },
  {
    op: 'GET /api/v1/admins',
    valid: () => ({ url: `/api/v1/admins${q}` }),
    invalid: () => ({ url: `/api/v1/admins${badTenant}`, field: 'tenant' }),
    then: (body) => expect(body).toMatchObject([{ username: admin, tenantId: tenant }]),
  },
  {
    op: 'DELETE /api/v1/admins/{username}',
    valid: () => ({ url: `/api/v1/admins/${admin}${q}` }),
    invalid: () => ({ url: `/api/v1/admins/${admin}${badTenant}`, field: 'tenant' }),
  },
  {
    op: 'POST /api/v1/suppressions',
    valid: () => ({ url: `/api/v1/suppressions${q}`, body: { email: 'Bounced@Example.com', reason: 'contract' } }),
    invalid: () => ({ url: `/api/v1/suppressions${q}`, body: { email: 'not an address' }, field: 'email' }),
    then: (body) => expect(body).toMatchObject({ email: 'bounced@example.com', source: 'admin', tenantId: tenant }),
  },
  {
    op: 'GET /api/v1/suppressions',
    valid: () => ({ url: `/api/v1/suppressions${q}` }),
    invalid: () => ({ url: `/api/v1/suppressions${badTenant}`, field: 'tenant' }),
    then: (body) => expect(body).toMatchObject([{ email: 'bounced@example.com' }]),
  },
  {
    op: 'DELETE /api/v1/suppressions/{email}',
    valid: () => ({ url: `/api/v1/suppressions/bounced@example.com${q}` }),
    invalid: () => ({ url: `/api/v1/suppressions/bounced@example.com${badTenant}`, field: 'tenant' }),
    then: (body) => expect(body).toMatchObject({ email: 'bounced@example.com', reason: 'contract' }),
  },
  {
    op: 'GET /api/v1/audit',
    valid: () => ({ url: `/api/v1/audit${q}&entity=rule&limit=50` }),
    invalid: () => ({ url: `/api/v1/audit${q}&limit=5000`, field: 'limit' }),
    then: (body) => expect((body as unknown[]).length).toBeGreaterThanOrEqual(3),
  },
  {
    op: 'GET /api/v1/log',
    valid: () => ({ url: `/api/v1/log${q}&status=sent&limit=20` }),
    invalid: () => ({ url: `/api/v1/log${q}&since=yesterday`, field: 'since' }),
  },
  {
    op: 'GET /api/v1/log/failing-recipients',
    valid: () => ({ url: `/api/v1/log/failing-recipients${q}` }),
    invalid: () => ({ url: `/api/v1/log/failing-recipients${badTenant}`, field: 'tenant' }),
  },
  {
    op: 'DELETE /api/v1/rules/{id}',
    valid: () => ({ url: `/api/v1/rules/${made.ruleId}${q}` }),
    invalid: () => ({ url: `/api/v1/rules/${made.ruleId}${badTenant}`, field: 'tenant' }),
  },
  {
    op: 'DELETE /api/v1/directory/groups/{id}',
    valid: () => ({ url: `/api/v1/directory/groups/${group}${q}` }),
    invalid: () => ({ url: `/api/v1/directory/groups/${group}${badTenant}`, field: 'tenant' }),
  },
  {
    op: 'DELETE /api/v1/directory/users/{id}',
    valid: () => ({ url: `/api/v1/directory/users/${user}${q}` }),
    invalid: () => ({ url: `/api/v1/directory/users/${user}${badTenant}`, field: 'tenant' }),
  },
];

beforeAll(async () => {
  worker = await startTestWorker(config);
  client = await DocnotifyClient.connect({ address: config.TEMPORAL_ADDRESS, taskQueue: config.TASK_QUEUE });
  app = await buildServer({
    config,
    client,
    stores: worker.stores,
    log: createLogger('silent'),
    sendTest: (input) => sendTestEmail(config, worker.stores, input),
  });
  const res = await app.inject({ method: 'GET', url: '/api/v1/openapi.json' }); // no token: the spec is public
  expect(res.statusCode).toBe(200);
  spec = res.json();
});
afterAll(async () => {
  await client
    ?.sendEvent({ type: 'status_changed', documentId: doc, tenantId: tenant, status: 'deleted' })
    .catch(() => undefined);
  await app?.close();
  await client?.close();
  await worker?.stop();
});

/** Every operation of the spec as "METHOD /path/{param}". */
const operations = (): string[] =>
  Object.entries(spec.paths ?? {}).flatMap(([p, item]) =>
    METHODS.filter((m) => item?.[m]).map((m) => `${m.toUpperCase()} ${p}`),
  );
const operation = (op: string): OpenAPIV3_1.OperationObject => {
  const [method, p] = op.split(' ');
  return spec.paths![p]![method.toLowerCase() as (typeof METHODS)[number]]!;
};

/** The status is declared for the operation and the body validates against its schema; the problems, if any. */
function checkAnswer(op: string, status: number, body: string): string[] {
  const declared = (operation(op).responses ?? {}) as Record<string, OpenAPIV3_1.ResponseObject>;
  const response = declared[String(status)];
  if (!response) return [`${op}: ${status} is not declared (declared: ${Object.keys(declared).join(', ')})`];
  const schema = response.content?.['application/json']?.schema;
  if (!schema) return body === '' ? [] : [`${op}: ${status} declares no body, got ${body.slice(0, 200)}`];
  const validate = ajv.compile(schema);
  if (validate(JSON.parse(body))) return [];
  return [
    `${op}: ${status} body does not match its schema: ${ajv.errorsText(validate.errors)} — ${body.slice(0, 300)}`,
  ];
}

describe('OpenAPI contract of /api/v1', () => {
  test('the spec: OpenAPI 3.1, info from package.json, servers from PUBLIC_BASE_URL, bearer security', () => {
    expect(spec.openapi).toBe('3.1.0');
    expect(spec.info).toMatchObject({
      title: 'docnotify API',
      version: (JSON.parse(readFileSync('package.json', 'utf8')) as { version: string }).version,
    });
    expect(spec.info.description).toMatch(/bearer/);
    expect(spec.servers).toEqual([{ url: config.PUBLIC_BASE_URL, description: 'PUBLIC_BASE_URL' }]);
    expect(spec.components?.securitySchemes?.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
    for (const op of operations()) {
      const o = operation(op);
      expect({ op, security: o.security, tagged: (o.tags ?? []).length > 0, summary: !!o.summary }).toEqual({
        op,
        security: [{ bearer: [] }],
        tagged: true,
        summary: true,
      });
      for (const code of ['400', '401', '403', '503'])
        expect({ op, code, declared: code in o.responses! }).toEqual({
          op,
          code,
          declared: true,
        });
    }
    // Nothing but /api/v1 in it: not the spec itself, the docs page, health, metrics, actions or the admin page.
    expect(Object.keys(spec.paths!).filter((p) => !p.startsWith('/api/v1/') || p === '/api/v1/openapi.json')).toEqual(
      [],
    );
  });

  test('every route the server registers under /api/v1 is in the spec (and nothing else is)', async () => {
    const routes = new Set<string>();
    const probe = Fastify();
    probe.addHook('onRoute', (r) => {
      for (const m of [r.method].flat()) if (m !== 'HEAD') routes.add(`${m} ${r.url.replace(/:(\w+)/g, '{$1}')}`);
    });
    await probe.register(
      async (api) => {
        api.setValidatorCompiler(validatorCompiler);
        api.setSerializerCompiler(serializerCompiler(createLogger('silent')));
        registerApi(api, {} as WebDeps);
      },
      { prefix: '/api/v1' },
    );
    await probe.ready();
    await probe.close();
    expect(routes.size).toBeGreaterThan(30);
    expect([...routes].sort()).toEqual(operations().sort());
  });

  test('a fixture for every operation, none for an operation the spec lacks', () => {
    expect(FIXTURES.map((f) => f.op).sort()).toEqual(operations().sort());
  });

  test('every operation answers a valid request, an invalid one and one without a token as declared', async () => {
    const problems: string[] = [];
    for (const f of FIXTURES) {
      const method = f.op.split(' ')[0] as 'GET' | 'PUT' | 'POST' | 'DELETE';
      const declared = Object.keys(operation(f.op).responses ?? {});
      const success = declared.filter((c) => c.startsWith('2'));

      // The invalid request first (it must change nothing): 400, the error shape, the field named.
      const bad = f.invalid();
      const b = await app.inject({ method, url: bad.url, headers: auth, payload: bad.body as object });
      problems.push(...checkAnswer(f.op, b.statusCode, b.body));
      if (b.statusCode !== 400) problems.push(`${f.op}: the invalid request answered ${b.statusCode}: ${b.body}`);
      else {
        const e = b.json() as { error: string; issues?: { path: string }[] };
        const named = new RegExp(`(^|[\\s\\[.])${bad.field}: `).test(e.error);
        if (!named) problems.push(`${f.op}: the 400 does not name "${bad.field}": ${e.error}`);
        if (e.issues && e.issues.length > 0 && !e.issues.some((i) => i.path.split('.').includes(bad.field)))
          problems.push(`${f.op}: no issue names "${bad.field}": ${JSON.stringify(e.issues)}`);
      }

      // Without a token: 401 in the error shape.
      const anon = await app.inject({ method, url: bad.url.split('?')[0] });
      problems.push(...checkAnswer(f.op, anon.statusCode, anon.body));
      if (anon.statusCode !== 401) problems.push(`${f.op}: without a token it answered ${anon.statusCode}`);

      // The valid request: a declared success status, the body as declared.
      const good = f.valid();
      const run = () => app.inject({ method, url: good.url, headers: auth, payload: good.body as object });
      // A document's state is a query of its workflow: it answers once the worker has started the run.
      const g =
        f.op === 'GET /api/v1/documents/{documentId}'
          ? await eventually(async () => {
              const r = await run();
              return r.statusCode === 200 && r;
            }, 'the document state')
          : await run();
      const before = problems.length;
      problems.push(...checkAnswer(f.op, g.statusCode, g.body));
      if (!success.includes(String(g.statusCode)))
        problems.push(
          `${f.op}: the valid request answered ${g.statusCode} (declared ${success.join(', ')}): ${g.body}`,
        );
      else if (problems.length === before && f.then)
        try {
          await f.then(g.body ? JSON.parse(g.body) : undefined);
        } catch (err) {
          problems.push(`${f.op}: ${(err as Error).message}`);
        }
    }
    expect(problems).toEqual([]);
  });
});
