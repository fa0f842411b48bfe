/**
 * Tenant isolation with tenant-scoped credentials (issue 12, point 4), against the real dev server, worker, Mailpit
 * and PostgreSQL: API keys (bound to one tenant and a scope, shown once, revocable), named tenant administrators on
 * the admin page, sign-in throttling shared in PostgreSQL, the audit log — and that none of them reaches another tenant.
 */
import { randomUUID } from 'node:crypto';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import pino from 'pino';
import { DocnotifyClient } from '../../src/client';
import { buildServer } from '../../src/web/server';
import { linksIn } from '../helpers/browser';
import { eventually, testConfig, uid } from '../helpers/env';
import { message, waitForMail } from '../helpers/mailpit';
import { startTestWorker } from '../helpers/worker';

const config = testConfig();
const OPERATOR = { authorization: `Bearer ${config.API_TOKEN}` };
let worker: Awaited<ReturnType<typeof startTestWorker>>;
let client: DocnotifyClient;
let app: FastifyInstance;
const A = uid('tenant-a');
const B = uid('tenant-b');
const bearer = (key: string) => ({ authorization: `Bearer ${key}` });

beforeAll(async () => {
  worker = await startTestWorker(config);
  client = await DocnotifyClient.connect({ address: config.TEMPORAL_ADDRESS, taskQueue: config.TASK_QUEUE });
  app = await buildServer({
    config,
    client,
    stores: worker.stores,
    log: pino({ level: 'silent' }),
    sendTest: async () => ({ status: 'skipped' }),
  });
  for (const t of [A, B]) {
    await worker.stores.tenants.put({ id: t, locale: 'en', calendar: null, calendars: {}, adminEmails: [] });
    await worker.stores.rules.create({
      name: `Approval of ${t}`,
      tenantId: t,
      trigger: { status: 'pending_approval' },
      actions: ['approve', 'reject'],
      recipients: { assignee: true },
    });
  }
});

afterAll(async () => {
  await app?.close();
  await client?.close();
  await worker?.stop();
});

async function createKey(
  tenant: string,
  scope: string,
  headers: Record<string, string> = OPERATOR,
): Promise<LightMyRequestResponse> {
  return app.inject({
    method: 'POST',
    url: '/api/v1/keys',
    headers,
    payload: { tenant, scope, name: `${scope} key of ${tenant}` },
  });
}

describe('API keys', () => {
  let ingestA: string;
  let adminA: string;

  beforeAll(async () => {
    const ingest = await createKey(A, 'ingest');
    expect(ingest.statusCode).toBe(201);
    ingestA = ingest.json().key;
    adminA = (await createKey(A, 'admin')).json().key;
    expect(ingestA).toMatch(/^dnk_[0-9a-f]{12}_/);
  });

  test('a key is shown once: the list has its id, scope and name, never the secret; the database holds a hash only', async () => {
    const list = await app.inject({ method: 'GET', url: `/api/v1/keys?tenant=${A}`, headers: OPERATOR });
    expect(list.statusCode).toBe(200);
    expect(
      list
        .json()
        .map((k: { scope: string }) => k.scope)
        .sort(),
    ).toEqual(['admin', 'ingest']);
    expect(list.body).not.toContain(ingestA.split('_')[2]);
    const rows = await worker.stores.db.query('SELECT secret_hash FROM api_keys WHERE tenant_id = $1', [A]);
    for (const r of rows.rows) expect(Buffer.from(r.secret_hash).toString('utf8')).not.toContain(ingestA.split('_')[2]);
  });

  test('an ingest key sends events to its own tenant only; another tenant in the body or the query is refused, naming the field', async () => {
    const doc = uid('INV');
    const ok = await app.inject({
      method: 'POST',
      url: `/api/v1/documents/${doc}/events`,
      headers: bearer(ingestA),
      payload: { type: 'status_changed', status: 'received' },
    });
    expect(ok.statusCode).toBe(202);
    expect(ok.json().workflowId).toBe(`document/${A}/${doc}`);
    const other = await app.inject({
      method: 'POST',
      url: `/api/v1/documents/${doc}/events`,
      headers: bearer(ingestA),
      payload: { tenantId: B, type: 'status_changed', status: 'received' },
    });
    expect(other.statusCode).toBe(403);
    expect(other.json().error).toMatch(new RegExp(`^tenantId: .*bound to tenant "${A}".*"${B}"`));
    const read = await app.inject({
      method: 'GET',
      url: `/api/v1/documents/${doc}?tenant=${B}`,
      headers: bearer(ingestA),
    });
    expect(read.statusCode).toBe(403);
    const state = await eventually(async () => {
      const r = await app.inject({ method: 'GET', url: `/api/v1/documents/${doc}`, headers: bearer(ingestA) });
      return r.statusCode === 200 ? (r.json() as { tenantId: string }) : undefined;
    }, 'the document of tenant A');
    expect(state.tenantId).toBe(A);
  });

  test('an ingest key reaches no administrative route', async () => {
    for (const [method, url] of [
      ['GET', '/api/v1/rules'],
      ['GET', '/api/v1/log'],
      ['PUT', `/api/v1/tenants/${A}`],
      ['POST', '/api/v1/keys'],
      ['GET', '/api/v1/audit'],
    ] as const) {
      const r = await app.inject({ method, url, headers: bearer(ingestA), payload: method === 'GET' ? undefined : {} });
      expect(r.statusCode).toBe(403);
      expect(r.json().error).toMatch(/^scope: .*"ingest"/);
    }
  });

  test("an admin key manages its own tenant and never sees or changes the other's", async () => {
    const rules = await app.inject({ method: 'GET', url: '/api/v1/rules', headers: bearer(adminA) });
    expect(rules.json().map((r: { name: string }) => r.name)).toEqual([`Approval of ${A}`]);
    for (const [method, url] of [
      ['GET', `/api/v1/rules?tenant=${B}`],
      ['GET', `/api/v1/log?tenant=${B}`],
      ['GET', `/api/v1/tenants/${B}`],
      ['GET', `/api/v1/directory?tenant=${B}`],
      ['GET', `/api/v1/audit?tenant=${B}`],
    ] as const) {
      const r = await app.inject({ method, url, headers: bearer(adminA) });
      expect([url, r.statusCode]).toEqual([url, 403]);
    }
    // The other tenant's webhook cannot be pointed anywhere, nor a key made for it.
    const hook = await app.inject({
      method: 'PUT',
      url: `/api/v1/tenants/${B}`,
      headers: bearer(adminA),
      payload: { webhookUrl: 'https://attacker.example/hook', webhookSecret: 'x'.repeat(20) },
    });
    expect(hook.statusCode).toBe(403);
    expect((await worker.stores.tenants.get(B)).webhookUrl).toBeUndefined();
    expect((await createKey(B, 'admin', bearer(adminA))).statusCode).toBe(403);
    // A rule created with the key lands in its tenant, whatever the body says is ignored only if it names the same tenant.
    const foreign = await app.inject({
      method: 'POST',
      url: '/api/v1/rules',
      headers: bearer(adminA),
      payload: { name: 'sneaky', tenantId: B, trigger: { status: 'error' }, recipients: { assignee: true } },
    });
    expect(foreign.statusCode).toBe(403);
    expect((await worker.stores.rules.list(B)).map((r) => r.name)).toEqual([`Approval of ${B}`]);
  });

  test('changes are in the audit log of their tenant: who, what, before and after', async () => {
    const rule = (await worker.stores.rules.list(A))[0];
    const put = await app.inject({
      method: 'POST',
      url: `/api/v1/rules/${rule.id}/deactivate`,
      headers: bearer(adminA),
    });
    expect(put.statusCode).toBe(200);
    const audit = (await app.inject({ method: 'GET', url: '/api/v1/audit', headers: bearer(adminA) })).json();
    const entry = audit.find((e: { action: string }) => e.action === 'rule.deactivate');
    expect(entry).toMatchObject({
      tenantId: A,
      entity: 'rule',
      entityId: rule.id,
      before: { active: true },
      after: { active: false },
    });
    expect(entry.actor).toMatch(/^api key [0-9a-f]{12} \(admin key of /);
    expect(audit.some((e: { action: string }) => e.action === 'key.create')).toBe(true);
    const auditB = (await app.inject({ method: 'GET', url: `/api/v1/audit?tenant=${B}`, headers: OPERATOR })).json();
    expect(auditB.find((e: { entityId: string }) => e.entityId === rule.id)).toBeUndefined();
    await app.inject({ method: 'POST', url: `/api/v1/rules/${rule.id}/activate`, headers: bearer(adminA) });
  });

  test('a revoked key is refused at once; a malformed tenant id is refused, naming the field', async () => {
    const created = (await createKey(A, 'ingest')).json();
    expect(
      (await app.inject({ method: 'GET', url: '/api/v1/documents', headers: bearer(created.key) })).statusCode,
    ).toBe(200);
    expect(
      (await app.inject({ method: 'DELETE', url: `/api/v1/keys/${created.id}`, headers: bearer(adminA) })).statusCode,
    ).toBe(200);
    const after = await app.inject({ method: 'GET', url: '/api/v1/documents', headers: bearer(created.key) });
    expect(after.statusCode).toBe(401);
    const star = await app.inject({ method: 'GET', url: '/api/v1/rules?tenant=*', headers: OPERATOR });
    expect(star.statusCode).toBe(400);
    expect(star.json().error).toMatch(/^tenant: "\*" is not a tenant id/);
    const bad = await createKey(A, 'root');
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error).toMatch(/scope: must be one of ingest, admin/);
  });
});

/** An admin page visitor at its own address, with a cookie jar. */
function browser(remoteAddress: string) {
  const jar = new Map<string, string>();
  const remember = (res: LightMyRequestResponse) => {
    for (const c of res.cookies as { name: string; value: string; maxAge?: number }[]) {
      if (c.maxAge === 0 || c.value === '') jar.delete(c.name);
      else jar.set(c.name, c.value);
    }
    return res;
  };
  const cookie = () => [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
  return {
    jar,
    get: async (url: string) =>
      remember(await app.inject({ method: 'GET', url, remoteAddress, headers: { cookie: cookie() } })),
    post: async (url: string, fields: Record<string, string>) =>
      remember(
        await app.inject({
          method: 'POST',
          url,
          remoteAddress,
          headers: { cookie: cookie(), 'content-type': 'application/x-www-form-urlencoded' },
          payload: new URLSearchParams(fields).toString(),
        }),
      ),
    async signIn(user: string, password: string) {
      const form = await this.get('/admin/sign-in');
      const csrf = /name="_csrf" value="([^"]+)"/.exec(form.body)![1];
      return this.post('/admin/sign-in', { _csrf: csrf, next: '/admin/rules', user, password });
    },
  };
}

describe('tenant administrators on the admin page', () => {
  const ana = `ana-${randomUUID().slice(0, 6)}@a.example`;
  const password = 'correct horse battery staple';

  beforeAll(async () => {
    const put = await app.inject({
      method: 'PUT',
      url: `/api/v1/admins/${ana}?tenant=${A}`,
      headers: OPERATOR,
      payload: { password },
    });
    expect(put.statusCode).toBe(200);
    expect(put.body).not.toContain(password);
    const stored = await worker.stores.db.query('SELECT password_hash FROM admin_accounts WHERE username = $1', [ana]);
    expect(stored.rows[0].password_hash).toMatch(/^scrypt\$32768\$8\$1\$/);
  });

  test('a short password is refused, naming the field', async () => {
    const r = await app.inject({
      method: 'PUT',
      url: `/api/v1/admins/bob@a.example?tenant=${A}`,
      headers: OPERATOR,
      payload: { password: 'short' },
    });
    expect(r.statusCode).toBe(400);
    expect(r.json().error).toMatch(/password: must be at least 12 characters/);
  });

  test("signs in to its tenant only: sees A's rules, cannot switch to B, cannot open B's emails from the log", async () => {
    const ana1 = browser(`10.9.${Math.floor(Math.random() * 250)}.1`);
    const signedIn = await ana1.signIn(ana, password);
    expect(signedIn.statusCode).toBe(303);
    const rules = await ana1.get('/admin/rules');
    expect(rules.statusCode).toBe(200);
    expect(rules.body).toContain(`Approval of ${A}`);
    expect(rules.body).not.toContain(`Approval of ${B}`);
    expect(rules.body).not.toContain('name="tenant"');
    const csrf = /name="_csrf" value="([^"]+)"/.exec(rules.body)![1];
    await ana1.post('/admin/tenant', { _csrf: csrf, tenant: B, return: '/admin/rules' });
    const still = await ana1.get('/admin/rules');
    expect(still.body).toContain(`administers tenant “${A}” only`);
    expect(still.body).not.toContain(`Approval of ${B}`);
    // An email of tenant B, opened by its ledger key: not found for A's administrator.
    const key = `iso/${B}/${randomUUID()}`;
    await worker.stores.notifications.claim({
      key,
      messageId: `<${randomUUID()}@test>`,
      tenantId: B,
      documentId: 'B-1',
      kind: 'first',
      seq: 0,
      recipient: 'b@b.example',
      subject: 'B secret',
    });
    const opened = await ana1.get(`/admin/log/email?key=${encodeURIComponent(key)}`);
    expect(opened.statusCode).toBe(404);
    expect(opened.body).not.toContain('B secret');
    // The change made on the page is in A's audit log with the administrator's name.
    const audit = await ana1.get('/admin/audit');
    expect(audit.statusCode).toBe(200);
  });

  test('10 wrong passwords throttle the account everywhere, except in a browser that signed in to it before; a new password ends old sessions', async () => {
    const known = browser(`10.8.${Math.floor(Math.random() * 250)}.1`);
    expect((await known.signIn(ana, password)).statusCode).toBe(303);
    // An attacker guesses from many addresses of one IPv6 /64: the account and that network are blocked.
    const net = `2001:db8:${randomUUID().slice(0, 4)}:${randomUUID().slice(0, 4)}`; // a /64 of this run
    for (let i = 0; i < 10; i++) {
      const attacker = browser(`${net}::${(i + 1).toString(16)}`);
      expect((await attacker.signIn(ana, `wrong-${i}-password`)).statusCode).toBe(401);
    }
    const fresh = browser(`10.7.${Math.floor(Math.random() * 250)}.2`);
    const refused = await fresh.signIn(ana, password);
    expect(refused.statusCode).toBe(429);
    expect(refused.body).toContain('Too many failed sign-ins');
    const rotated = browser(`${net}::ffff`);
    expect((await rotated.signIn(`nobody-${randomUUID()}@x.example`, 'whatever-password')).statusCode).toBe(429);
    // The administrator's own browser (device cookie from its earlier sign-in) still gets in with the right password,
    // once its session has ended.
    known.jar.delete('docnotify_admin');
    const again = await known.signIn(ana, password);
    expect(again.statusCode).toBe(303);
    expect((await known.get('/admin/rules')).statusCode).toBe(200);
    // A new password signs every session of the account out.
    await app.inject({
      method: 'PUT',
      url: `/api/v1/admins/${ana}?tenant=${A}`,
      headers: OPERATOR,
      payload: { password: `${password} 2` },
    });
    const out = await known.get('/admin/rules');
    expect(out.statusCode).toBe(303);
    expect(out.headers.location).toMatch(/^\/admin\/sign-in/);
  });
});

test("action pages act on the link's own tenant and document: a tenant in the query changes nothing", async () => {
  const doc = uid('INV');
  const to = `${uid('approver')}@example.com`;
  await client.sendEvent({ tenantId: A, documentId: doc, type: 'assigned', assignee: to });
  await client.sendEvent({ tenantId: A, documentId: doc, type: 'status_changed', status: 'pending_approval' });
  const [mail] = await waitForMail(to);
  const token = linksIn((await message(mail.ID)).HTML)
    .map((h) => /\/actions\/([^/?#]+)$/.exec(new URL(h).pathname)?.[1])
    .find(Boolean)!;
  const page = await app.inject({ method: 'GET', url: `/actions/${token}?tenant=${B}&document=B-1` });
  expect(page.statusCode).toBe(200);
  expect(page.body).toContain(doc);
  expect(page.body).not.toContain('B-1');
});
