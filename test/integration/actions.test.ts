/**
 * Action links against the real thing: Temporal dev server, the real worker, Mailpit, PostgreSQL, and the
 * web server through `app.inject`. Every refusal also checks that the workflow's state did not move.
 */
import { randomUUID } from 'node:crypto';
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import pino from 'pino';
import { DocnotifyClient } from '../../src/client';
import type { Config } from '../../src/config';
import { Keyring, type LinkClaims } from '../../src/links/token';
import { FormGuard } from '../../src/web/actions';
import { buildServer } from '../../src/web/server';
import type { DocumentView } from '../../src/workflows/types';
import { linksIn } from '../helpers/browser';
import { eventually, sleep, testConfig, uid } from '../helpers/env';
import { message, messagesTo, waitForMail } from '../helpers/mailpit';
import { Webhook } from 'standardwebhooks';
import { startWebhookServer, verifyWebhookSignature, type WebhookServer } from '../helpers/webhook-server';
import { startTestWorker } from '../helpers/worker';

const config = testConfig();
const ORIGIN = new URL(config.PUBLIC_BASE_URL).origin;
const KEYS = config.ACTION_LINK_SECRET!; // "k1:<secret>": what the worker signs with
const keyring = Keyring.fromString(KEYS);
const NEW_KEY = `k2:rotated-secret-${randomUUID().replace(/-/g, '')}`;

let worker: Awaited<ReturnType<typeof startTestWorker>>;
let client: DocnotifyClient;
let hooks: WebhookServer;
let app: FastifyInstance;
const logLines: string[] = [];
/** Every token this file sent: none may show up in the log. */
const usedTokens = new Set<string>();

/** The web server with the action pages; its log (level info, so request lines would show) is kept in `logLines`. */
async function server(overrides: Partial<Config> = {}, temporal: DocnotifyClient = client): Promise<FastifyInstance> {
  const log = pino({ level: 'info' }, { write: (line: string) => void logLines.push(line) });
  return buildServer({
    config: { ...config, ...overrides },
    client: temporal,
    stores: worker.stores,
    log,
    sendTest: async () => ({ status: 'skipped' }),
  });
}

beforeAll(async () => {
  hooks = await startWebhookServer();
  worker = await startTestWorker(config);
  client = await DocnotifyClient.connect({ address: config.TEMPORAL_ADDRESS, taskQueue: config.TASK_QUEUE });
  app = await server();
});

afterAll(async () => {
  await app?.close();
  await client?.close();
  await worker?.stop();
  await hooks?.close();
});

// --- fixtures ------------------------------------------------------------------------------------

interface Task {
  tenant: string;
  webhookSecret: string;
  doc: string;
  to: string;
  /** Every href of the first email, as sent. */
  hrefs: string[];
  /** The action links' tokens by action. */
  tokens: Record<'approve' | 'reject' | 'snooze' | 'open', string>;
  claims: LinkClaims;
  /** The state once the first email is recorded. */
  before: DocumentView;
}

/** A tenant with a webhook and the "Approval" rule, a document waiting for approval, and its first email. */
async function openTask(opts: { user?: { id: string; email: string } } = {}): Promise<Task> {
  const tenant = uid('tenant');
  const webhookSecret = `whsec_${randomUUID()}`;
  await worker.stores.tenants.put({
    id: tenant,
    locale: 'en',
    calendar: null,
    calendars: {},
    adminEmails: [],
    webhookUrl: `${hooks.url}/${tenant}`,
    webhookSecret,
  });
  await worker.stores.rules.create({
    name: 'Approval',
    tenantId: tenant,
    trigger: { status: 'pending_approval' },
    actions: ['approve', 'reject', 'snooze', 'open'],
    recipients: { assignee: true },
  });
  const doc = uid('INV');
  const to = opts.user?.email ?? `${uid('ana')}@example.com`;
  if (opts.user) await worker.stores.directory.putUser(tenant, opts.user);
  const base = { tenantId: tenant, documentId: doc } as const;
  await client.sendEvent({
    ...base,
    type: 'fields_updated',
    fields: { invoice_id: 'R-2026-0042', supplier_name: 'ACME Tools S.L.', total_amount: 1234.5, currency: 'EUR' },
  });
  await client.sendEvent({ ...base, type: 'assigned', assignee: opts.user?.id ?? to });
  await client.sendEvent({ ...base, type: 'status_changed', status: 'pending_approval' });
  const [mail] = await waitForMail(to);
  const hrefs = linksIn((await message(mail.ID)).HTML);
  const tokens = {} as Task['tokens'];
  for (const href of hrefs) {
    const token = /\/actions\/([^/?#]+)$/.exec(new URL(href).pathname)?.[1];
    if (!token) continue;
    const v = keyring.verify(token, Date.now());
    if (!v.ok) throw new Error(`the email's link does not verify: ${v.reason}`);
    tokens[v.claims.action as keyof Task['tokens']] = token;
    usedTokens.add(token);
  }
  expect(Object.keys(tokens).sort()).toEqual(['approve', 'open', 'reject', 'snooze']);
  const before = await eventually(async () => {
    const s = await client.getState(doc, tenant);
    return s.emailCount === 1 && s.task?.recipients.includes(to) ? s : undefined;
  }, 'the first email to be recorded');
  const claims = (keyring.verify(tokens.approve, Date.now()) as { claims: LinkClaims }).claims;
  return { tenant, webhookSecret, doc, to, hrefs, tokens, claims, before };
}

const state = (t: Task) => client.getState(t.doc, t.tenant);

/** Nothing a person or a scanner could have done moved the workflow. */
async function expectUnchanged(t: Task, expected: DocumentView = t.before): Promise<void> {
  const now = await state(t);
  expect(now.task?.decision).toBeUndefined();
  expect(now.history).toEqual(expected.history);
  expect(now.task).toEqual(expected.task);
  expect(now.status).toBe(expected.status);
  expect(hooks.calls.filter((c) => c.path.endsWith(`/${t.tenant}`))).toEqual([]);
}

let addresses = 0;
/** One person (or scanner) at their own client address, so rate limits of other tests never interfere. */
function visitor(target: () => FastifyInstance = () => app) {
  const remoteAddress = `10.1.${Math.floor(++addresses / 250)}.${addresses % 250}`;
  const req = (o: InjectOptions) => target().inject({ remoteAddress, ...o });
  const path = (token: string, query = '') => {
    usedTokens.add(token);
    return `/actions/${token}${query}`;
  };
  return {
    remoteAddress,
    get: (token: string, headers: Record<string, string> = {}, query = '') =>
      req({ method: 'GET', url: path(token, query), headers }),
    head: (token: string, headers: Record<string, string> = {}) => req({ method: 'HEAD', url: path(token), headers }),
    /** A form POST from our page (same-origin Origin) unless `headers` says otherwise. */
    post: (token: string, fields: Record<string, string>, headers: Record<string, string> = { origin: ORIGIN }) =>
      req({
        method: 'POST',
        url: path(token),
        headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
        payload: new URLSearchParams(fields).toString(),
      }),
  };
}

/** The hidden form token of a confirmation page. */
function csrfOf(res: LightMyRequestResponse): string {
  const m = /name="csrf" value="([^"]+)"/.exec(res.body);
  if (!m) throw new Error(`no form on the page (${res.statusCode}): ${res.body.slice(0, 300)}`);
  return m[1];
}

/** A form token minted directly (the link check must refuse before it matters). */
const mintedCsrf = (token: string, keys = KEYS) => new FormGuard(keys).issue(token, Date.now());

const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
const payloadOf = (token: string) =>
  JSON.parse(Buffer.from(token.split('.')[2], 'base64url').toString()) as Record<string, unknown>;
const withPayload = (token: string, payload: string) =>
  token
    .split('.')
    .map((p, i) => (i === 2 ? payload : p))
    .join('.');

/** An HTML page with this status that says `text`, and no stack trace. */
function expectPage(res: LightMyRequestResponse, status: number, text: string): void {
  const heading = /<h1>(.*?)<\/h1>/.exec(res.body)?.[1];
  expect({ status: res.statusCode, heading, says: res.body.includes(text) }).toEqual({ status, heading, says: true });
  expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
  expect(res.body).not.toMatch(/\bat \S+ \(|Error:|stack/i);
}

// --- GET and HEAD ------------------------------------------------------------------------------

describe('GET and HEAD show, and change nothing', () => {
  test('three GETs and three HEADs of every link in a real email change nothing', async () => {
    const t = await openTask();
    const scanner = visitor();
    expect(t.hrefs.length).toBeGreaterThanOrEqual(5);
    for (const href of t.hrefs) {
      const u = new URL(href);
      expect(u.origin).toBe(ORIGIN);
      for (let i = 0; i < 3; i++) {
        const get = await app.inject({
          method: 'GET',
          url: u.pathname + u.search,
          remoteAddress: scanner.remoteAddress,
        });
        const head = await app.inject({
          method: 'HEAD',
          url: u.pathname + u.search,
          remoteAddress: scanner.remoteAddress,
        });
        expect(head.statusCode).toBe(get.statusCode);
        expect(head.body).toBe('');
        if (u.pathname.startsWith('/actions/')) expect(get.statusCode).toBe(200);
      }
    }
    await sleep(1000); // anything a GET had started would have reached the workflow by now
    await expectUnchanged(t);
    expect(await messagesTo(t.to)).toHaveLength(1);
  });

  test('the confirmation page shows the document, the action, the recipient and one POST button; security headers are set', async () => {
    const t = await openTask();
    const res = await visitor().get(t.tokens.approve);
    expectPage(res, 200, 'Approve this document?');
    for (const s of [t.doc, 'ACME Tools S.L.', '€1,234.50', 'R-2026-0042', 'Pending approval', t.to])
      expect(res.body).toContain(s);
    expect(res.body.match(/<form method="post">/g)).toHaveLength(1);
    expect(res.body.match(/<button/g)).toHaveLength(1);
    expect(res.body).not.toMatch(/<script/i);
    expect(res.headers).toMatchObject({
      'cache-control': 'no-store',
      'referrer-policy': 'no-referrer',
      'x-frame-options': 'DENY',
      'x-robots-tag': 'noindex, nofollow',
      'x-content-type-options': 'nosniff',
    });
    const csp = String(res.headers['content-security-policy']);
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("form-action 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toMatch(/script-src|unsafe-inline/);

    const reject = await visitor().get(t.tokens.reject);
    expectPage(reject, 200, 'Reject this document?');
    expect(reject.body).toMatch(/<textarea id="reason" name="reason" required/);
    const snooze = await visitor().get(t.tokens.snooze);
    expectPage(snooze, 200, 'Postpone the reminders?');
    expect([...snooze.body.matchAll(/<option value="([^"]+)"/g)].map((m) => m[1])).toEqual(['1h', '4h', '1d', '3d']);
    const open = await visitor().get(t.tokens.open);
    expectPage(open, 200, `Document ${t.doc}`);
    expect(open.body).not.toContain('<form');
    expect(open.body).toContain('ACME Tools S.L.');
    await expectUnchanged(t);
  });

  test('pages speak English, Spanish and German (Accept-Language, ?lang=)', async () => {
    const t = await openTask();
    const v = visitor();
    const de = await v.get(t.tokens.approve, { 'accept-language': 'de-DE,de;q=0.9,en;q=0.8' });
    expectPage(de, 200, 'Dieses Dokument genehmigen?');
    expect(de.body).toContain('<html lang="de">');
    expect(de.body).toMatch(/1\.234,50\s€/); // a no-break space in German
    expect(de.body).toContain('>Genehmigen</button>');
    const es = await v.get(t.tokens.reject, { 'accept-language': 'de' }, '?lang=es');
    expectPage(es, 200, '¿Rechazar este documento?');
    expect(es.body).toContain('name="lang" value="es"');
    const fr = await v.get(t.tokens.snooze, { 'accept-language': 'fr-FR, es;q=0.5' });
    expectPage(fr, 200, '¿Posponer los recordatorios?');
    const none = await v.get(t.tokens.snooze, { 'accept-language': 'fr-FR' });
    expectPage(none, 200, 'Postpone the reminders?');
    const expired = await v.get(keyring.sign({ ...t.claims, expiresAt: Date.now() - 1000 }), {
      'accept-language': 'de',
    });
    expectPage(expired, 410, 'Dieser Link ist abgelaufen');
    await expectUnchanged(t);
  });
});

// --- refusals -----------------------------------------------------------------------------------

describe('links that must not work leave the workflow alone', () => {
  test('a forged signature → 403 on GET, HEAD and POST', async () => {
    const t = await openTask();
    const v = visitor();
    const attacker = Keyring.fromString('k1:attacker-secret-0123456789abcdef0123456789');
    const forged = attacker.sign(t.claims);
    const [v1, kid, payload, sig] = t.tokens.approve.split('.');
    const flipped = [v1, kid, payload, `${sig[0] === 'A' ? 'B' : 'A'}${sig.slice(1)}`].join('.');
    for (const token of [forged, flipped]) {
      expectPage(await v.get(token), 403, 'This link is not valid');
      expect((await v.head(token)).statusCode).toBe(403);
      expectPage(await v.post(token, { csrf: mintedCsrf(token) }), 403, 'This link is not valid');
    }
    await expectUnchanged(t);
    expect(logLines.some((l) => /"reason":"bad_signature".*"fingerprint":"[0-9a-f]{12}"/.test(l))).toBe(true);
  });

  test('an expired link → 410 "This link has expired", also when the POST carries a valid form token', async () => {
    const t = await openTask();
    const v = visitor();
    const expired = keyring.sign({ ...t.claims, expiresAt: Date.now() - 1000 });
    expectPage(await v.get(expired), 410, 'This link has expired');
    const head = await v.head(expired);
    expect([head.statusCode, head.body]).toEqual([410, '']);
    expectPage(await v.post(expired, { csrf: mintedCsrf(expired) }), 410, 'This link has expired');
    // the workflow's validator refuses an expired link on its own too
    const direct = await client.resolveTask(
      t.doc,
      {
        taskId: t.claims.taskId,
        taskVersion: t.claims.taskVersion,
        action: 'approve',
        actor: t.to,
        expiresAt: Date.now() - 1000,
        via: 'link',
      },
      t.tenant,
    );
    expect(direct).toMatchObject({ ok: false, type: 'Expired' });
    await expectUnchanged(t);
  });

  test('an action swapped in the payload → 403', async () => {
    const t = await openTask();
    const v = visitor();
    const swapped = withPayload(t.tokens.reject, t.tokens.approve.split('.')[2]); // approve's claims, reject's signature
    const reencoded = withPayload(t.tokens.reject, b64({ ...payloadOf(t.tokens.reject), a: 'approve' }));
    for (const token of [swapped, reencoded]) {
      expectPage(await v.get(token), 403, 'This link is not valid');
      expectPage(await v.post(token, { csrf: mintedCsrf(token) }), 403, 'This link is not valid');
    }
    await expectUnchanged(t);
  });

  test('a tampered document id → 403, for another existing document too', async () => {
    const t = await openTask();
    const other = await openTask();
    const v = visitor();
    for (const d of [uid('INV'), other.doc]) {
      const token = withPayload(t.tokens.approve, b64({ ...payloadOf(t.tokens.approve), d, t: other.tenant }));
      expectPage(await v.get(token), 403, 'This link is not valid');
      expectPage(await v.post(token, { csrf: mintedCsrf(token) }), 403, 'This link is not valid');
    }
    await expectUnchanged(t);
    await expectUnchanged(other);
  });

  test('a POST from another site → 403: foreign Origin, no Origin or Referer, Origin null from a cross-site page, missing or foreign form token', async () => {
    const t = await openTask();
    const v = visitor();
    const csrf = csrfOf(await v.get(t.tokens.approve));
    const refusals: [Record<string, string>, Record<string, string>][] = [
      [{ csrf }, { origin: 'https://evil.example' }],
      [{ csrf }, { origin: 'http://127.0.0.1:3999.evil.example' }],
      [{ csrf }, {}],
      [{ csrf }, { origin: 'null', 'sec-fetch-site': 'cross-site' }],
      [{ csrf }, { 'sec-fetch-site': 'same-site' }],
      [{ csrf }, { referer: `https://evil.example/actions/${t.tokens.approve}` }],
      [{}, { origin: ORIGIN }],
      [{ csrf: 'garbage' }, { origin: ORIGIN }],
      [{ csrf: csrfOf(await v.get(t.tokens.reject)) }, { origin: ORIGIN }], // a form token of another link
      [{ csrf: mintedCsrf(t.tokens.approve, `k1:other-secret-0123456789abcdef0123456789`) }, { origin: ORIGIN }],
    ];
    for (const [fields, headers] of refusals) {
      const res = await v.post(t.tokens.approve, fields, headers);
      expectPage(res, 403, 'Request refused');
    }
    const old = new FormGuard(KEYS, 1000).issue(t.tokens.approve, Date.now() - 3_700_000);
    expectPage(await v.post(t.tokens.approve, { csrf: old }), 403, 'This page has expired');
    await expectUnchanged(t);
    // control: the same form from our page (same-origin Referer, as some browsers send instead of Origin) works
    expectPage(
      await v.post(t.tokens.approve, { csrf }, { referer: `${ORIGIN}/actions/${t.tokens.approve}` }),
      200,
      'Approved',
    );
  });

  test('a link signed with a retired key → 410 on GET and POST', async () => {
    const t = await openTask();
    const rotated = await server({ ACTION_LINK_SECRET: `${NEW_KEY},${KEYS}:retired` });
    try {
      const v = visitor(() => rotated);
      expectPage(await v.get(t.tokens.approve), 410, 'This link is no longer valid');
      expectPage(
        await v.post(t.tokens.approve, { csrf: mintedCsrf(t.tokens.approve, `${NEW_KEY},${KEYS}:retired`) }),
        410,
        'This link is no longer valid',
      );
      await expectUnchanged(t);
    } finally {
      await rotated.close();
    }
  });

  test('a link signed with the previous (verify-only) key still works until its expiry', async () => {
    const t = await openTask();
    const spec = `${NEW_KEY},${KEYS}`; // k1 becomes verify-only
    expect(Keyring.fromString(spec).activeKeyId).toBe('k2');
    const rotated = await server({ ACTION_LINK_SECRET: spec });
    try {
      const v = visitor(() => rotated);
      const expired = keyring.sign({ ...t.claims, expiresAt: Date.now() - 1 });
      expectPage(await v.get(expired), 410, 'This link has expired');
      const page = await v.get(t.tokens.approve);
      expectPage(page, 200, 'Approve this document?');
      expectPage(await v.post(t.tokens.approve, { csrf: csrfOf(page) }), 200, 'Approved');
      await eventually(async () => (await state(t)).task?.decision?.actor === t.to, 'the decision');
    } finally {
      await rotated.close();
    }
  });

  test('a link of an older task: after reassignment ("reassigned") and after a new status ("no longer open")', async () => {
    const t = await openTask();
    const v = visitor();
    const approveCsrf = csrfOf(await v.get(t.tokens.approve));
    const snoozeCsrf = csrfOf(await v.get(t.tokens.snooze));
    await client.sendEvent({
      tenantId: t.tenant,
      documentId: t.doc,
      type: 'assigned',
      assignee: `${uid('bob')}@example.com`,
    });
    const reassigned = await eventually(async () => {
      const s = await state(t);
      return s.task?.version === t.claims.taskVersion + 1 ? s : undefined;
    }, 'the task version to move on');
    expectPage(await v.get(t.tokens.approve), 409, 'This task was reassigned');
    expectPage(await v.post(t.tokens.approve, { csrf: approveCsrf }), 409, 'This task was reassigned');
    expectPage(await v.post(t.tokens.snooze, { csrf: snoozeCsrf, duration: '1d' }), 409, 'This task was reassigned');
    await expectUnchanged(t, reassigned);

    await client.sendEvent({ tenantId: t.tenant, documentId: t.doc, type: 'status_changed', status: 'on_hold' });
    const onHold = await eventually(async () => {
      const s = await state(t);
      return s.status === 'on_hold' ? s : undefined;
    }, 'the new status');
    expect(onHold.task?.id).not.toBe(t.claims.taskId);
    expectPage(await v.get(t.tokens.approve), 409, 'This task is no longer open');
    expectPage(await v.post(t.tokens.approve, { csrf: approveCsrf }), 409, 'This task is no longer open');
    await expectUnchanged(t, onHold);
  });
});

// --- decisions -------------------------------------------------------------------------------------

describe('decisions', () => {
  test('replay after the decision: the second POST shows who decided; the state holds one decision', async () => {
    const t = await openTask();
    const v = visitor();
    const csrf = csrfOf(await v.get(t.tokens.approve));
    const first = await v.post(t.tokens.approve, { csrf });
    expectPage(first, 200, 'Approved');
    expect(first.body).toContain(t.to);
    const again = await v.post(t.tokens.approve, { csrf });
    expectPage(again, 409, 'Already decided');
    expect(again.body).toMatch(
      new RegExp(
        `Already <strong>approved</strong> by <strong>${t.to.replace(/\./g, '\\.')}</strong> on <strong>[^<]+\\(UTC\\)</strong>`,
      ),
    );
    // the reject link now shows the decision instead of a form; a POST on it is refused by the workflow
    expectPage(
      await v.post(t.tokens.reject, { csrf: mintedCsrf(t.tokens.reject), reason: 'too late' }),
      409,
      'Already decided',
    );
    const page = await v.get(t.tokens.reject);
    expectPage(page, 200, 'Already decided');
    expect(page.body).not.toContain('<form');
    const s = await state(t);
    expect(s.task?.decision).toMatchObject({ action: 'approve', actor: t.to });
    expect(s.history.filter((h) => h.kind === 'decision')).toHaveLength(1);
  });

  test('after the pipeline moved the document on, the link still shows who decided and when', async () => {
    const t = await openTask();
    const v = visitor();
    expectPage(await v.post(t.tokens.approve, { csrf: csrfOf(await v.get(t.tokens.approve)) }), 200, 'Approved');
    await client.sendEvent({
      tenantId: t.tenant,
      documentId: t.doc,
      type: 'status_changed',
      status: 'approved',
      actor: 'pipeline',
    });
    await eventually(
      async () => ((await state(t)).status === 'approved' ? true : undefined),
      "the pipeline's status change",
    );
    const page = await v.get(t.tokens.approve);
    expectPage(page, 200, 'Already decided');
    expect(page.body).toMatch(
      new RegExp(`Already <strong>approved</strong> by <strong>${t.to.replace(/\./g, '\\.')}</strong>`),
    );
    expect(page.body).not.toContain('<form');
    const again = await v.post(t.tokens.approve, { csrf: mintedCsrf(t.tokens.approve) });
    expectPage(again, 409, 'Already decided');
    expect((await state(t)).decisions).toEqual([
      expect.objectContaining({ taskId: t.claims.taskId, action: 'approve', actor: t.to }),
    ]);
  });

  test('reject requires a reason (checked on the server too); with one the document is rejected', async () => {
    const t = await openTask();
    const v = visitor();
    const csrf = csrfOf(await v.get(t.tokens.reject));
    for (const reason of [undefined, '   ', 'x'.repeat(2001)]) {
      const res = await v.post(t.tokens.reject, reason === undefined ? { csrf } : { csrf, reason });
      expectPage(res, 400, 'Please give a reason for rejecting.');
      expect(res.body).toContain('<textarea id="reason"');
    }
    await expectUnchanged(t);
    const done = await v.post(t.tokens.reject, { csrf, reason: 'Wrong VAT <b>rate</b>' });
    expectPage(done, 200, 'Rejected');
    expect(done.body).toContain('Wrong VAT &lt;b>rate&lt;/b>');
    expect((await state(t)).task?.decision).toMatchObject({
      action: 'reject',
      actor: t.to,
      reason: 'Wrong VAT <b>rate</b>',
    });
  });

  test('snooze asks how long and postpones; the task stays open', async () => {
    const t = await openTask();
    const v = visitor();
    const csrf = csrfOf(await v.get(t.tokens.snooze));
    expectPage(await v.post(t.tokens.snooze, { csrf, duration: '2w' }), 400, 'Postpone the reminders?');
    await expectUnchanged(t);
    const res = await v.post(t.tokens.snooze, { csrf, duration: '4h' });
    expectPage(res, 200, 'Reminders postponed');
    expect(res.body).toContain('4 hours');
    const s = await state(t);
    expect(s.task?.decision).toBeUndefined();
    expect(s.awaitingAction).toBe(true);
    expect(s.history.filter((h) => h.kind === 'snooze').map((h) => h.text)).toEqual([`snoozed 14400s by ${t.to}`]);
  });

  test('a directory user whose address has capitals can decide (links carry the address in lower case)', async () => {
    const t = await openTask({ user: { id: uid('user'), email: `${uid('Ana')}@Example.COM` } });
    expect(t.claims.recipient).toBe(t.to.toLowerCase());
    const v = visitor();
    const res = await v.post(t.tokens.approve, { csrf: csrfOf(await v.get(t.tokens.approve)) });
    expectPage(res, 200, 'Approved');
    expect((await state(t)).task?.decision).toMatchObject({ action: 'approve', actor: t.to.toLowerCase() });
  });

  test('an "open" link has nothing to POST', async () => {
    const t = await openTask();
    const v = visitor();
    const res = await v.post(t.tokens.open, { csrf: mintedCsrf(t.tokens.open) });
    expectPage(res, 405, 'Nothing to submit');
    expect(res.headers.allow).toBe('GET, HEAD');
    await expectUnchanged(t);
  });
});

// --- abuse -------------------------------------------------------------------------------------------

describe('rate limits', () => {
  test('a burst of 100 requests on one link → mostly 429 with a clear page', async () => {
    const t = await openTask();
    const v = visitor();
    const res = await Promise.all(
      Array.from({ length: 100 }, (_, i) => (i % 2 ? v.get(t.tokens.approve) : v.head(t.tokens.approve))),
    );
    const limited = res.filter((r) => r.statusCode === 429);
    expect(limited.length).toBeGreaterThanOrEqual(75);
    expect(res.filter((r) => r.statusCode === 200).length).toBeGreaterThanOrEqual(1);
    const page = limited.find((r) => r.body !== '')!;
    expectPage(page, 429, 'Too many requests');
    expect(Number(page.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    // another person's requests on the same link are limited too (per link), a different link is not
    expect((await visitor().get(t.tokens.approve)).statusCode).toBe(429);
    expect((await visitor().get(t.tokens.reject)).statusCode).toBe(200);
    await expectUnchanged(t);
  });

  test('a burst of 100 requests from one address over many links → mostly 429', async () => {
    const t = await openTask();
    const v = visitor();
    const res = await Promise.all(
      Array.from({ length: 100 }, (_, i) => v.get(keyring.sign({ ...t.claims, expiresAt: Date.now() + 60_000 + i }))),
    );
    expect(res.filter((r) => r.statusCode === 429).length).toBeGreaterThanOrEqual(50);
    expect((await visitor().get(t.tokens.approve)).statusCode).toBe(200); // another address is served
    await expectUnchanged(t);
  });
});

// --- the pipeline hears about it ---------------------------------------------------------------------

describe('the pipeline webhook', () => {
  test('down (503) for a while, then back: delivered exactly once, signed with the tenant secret; a later "approved" event sends nothing twice', async () => {
    const t = await openTask();
    const v = visitor();
    const csrf = csrfOf(await v.get(t.tokens.approve));
    hooks.failFor(6_000);
    expectPage(await v.post(t.tokens.approve, { csrf }), 200, 'Approved');
    const deliveryId = `${t.tenant}/${t.doc}/${t.claims.taskId}:decision`;
    await eventually(
      async () => hooks.callsFor(deliveryId).some((c) => c.status === 200),
      'the webhook to be delivered',
      60_000,
    );
    const calls = hooks.callsFor(deliveryId);
    expect(calls.filter((c) => c.status === 503).length).toBeGreaterThanOrEqual(2);
    const accepted = calls.filter((c) => c.status === 200);
    expect(accepted).toHaveLength(1);
    const call = accepted[0];
    expect(call.path).toBe(`/hooks/${t.tenant}`);
    expect(call.headers['content-type']).toBe('application/json');
    expect(verifyWebhookSignature(call.headers['x-docnotify-signature'], call.body, t.webhookSecret)).toBe(true);
    expect(verifyWebhookSignature(call.headers['x-docnotify-signature'], call.body, 'another-secret')).toBe(false);
    expect(
      verifyWebhookSignature(
        call.headers['x-docnotify-signature'],
        call.body.replace('approve', 'reject'),
        t.webhookSecret,
      ),
    ).toBe(false);
    // The Standard Webhooks signature verifies with the standard library, keyed with the same secret; one id per delivery.
    const standard = {
      'webhook-id': String(call.headers['webhook-id']),
      'webhook-timestamp': String(call.headers['webhook-timestamp']),
      'webhook-signature': String(call.headers['webhook-signature']),
    };
    expect(() => new Webhook(t.webhookSecret, { format: 'raw' }).verify(call.body, standard)).not.toThrow();
    expect(() => new Webhook('another-secret', { format: 'raw' }).verify(call.body, standard)).toThrow();
    expect(new Set(calls.map((c) => c.headers['webhook-id'])).size).toBe(1);
    expect(JSON.parse(call.body)).toMatchObject({
      type: 'task_resolved',
      deliveryId,
      tenantId: t.tenant,
      documentId: t.doc,
      documentType: 'invoice',
      taskId: t.claims.taskId,
      decision: { action: 'approve', actor: t.to, at: expect.any(String) },
    });

    const mails = await waitForMail(t.to, 2);
    expect(mails[1].Subject).toMatch(/approve|approved|decision/i);
    await client.sendEvent({
      tenantId: t.tenant,
      documentId: t.doc,
      type: 'status_changed',
      status: 'approved',
      actor: t.to,
    });
    await eventually(async () => (await state(t)).status === 'approved', 'the approved status');
    await sleep(3_000);
    expect(await messagesTo(t.to)).toHaveLength(2);
    expect(hooks.callsFor(deliveryId).filter((c) => c.status === 200)).toHaveLength(1);
    expect(hooks.calls.filter((c) => c.path === `/hooks/${t.tenant}` && c.status === 200)).toHaveLength(1);
    const s = await state(t);
    expect(s.history.filter((h) => h.kind === 'decision')).toHaveLength(1);
  });
});

describe('failures and logs', () => {
  test('a valid link for a document docnotify does not know → 404 page', async () => {
    const token = keyring.sign({
      tenantId: 'default',
      documentId: uid('GONE'),
      taskId: 'e1',
      taskVersion: 1,
      action: 'approve',
      recipient: 'ana@example.com',
      expiresAt: Date.now() + 60_000,
    });
    expectPage(await visitor().get(token), 404, 'Document not found');
  });

  test('Temporal unreachable → a 503 page, never a stack trace', async () => {
    const down = async () => {
      throw new Error('14 UNAVAILABLE: No connection established');
    };
    const broken = await server({}, { getState: down, resolveTask: down, snooze: down } as unknown as DocnotifyClient);
    try {
      const token = keyring.sign({
        tenantId: 'default',
        documentId: uid('DOWN'),
        taskId: 'e1',
        taskVersion: 1,
        action: 'approve',
        recipient: 'ana@example.com',
        expiresAt: Date.now() + 60_000,
      });
      const v = visitor(() => broken);
      expectPage(await v.get(token), 503, 'Temporarily unavailable');
      expect((await v.head(token)).statusCode).toBe(503);
      const res = await v.post(token, { csrf: mintedCsrf(token) });
      expectPage(res, 503, 'Nothing was changed');
      expect(res.body).not.toContain('UNAVAILABLE');
      expect(logLines.some((l) => l.includes('"msg":"action page failed"') && l.includes('UNAVAILABLE'))).toBe(true);
    } finally {
      await broken.close();
    }
  });
});

test('no token ever reached the log (runs last)', () => {
  expect(usedTokens.size).toBeGreaterThan(20);
  const all = logLines.join('\n');
  expect(all.length).toBeGreaterThan(0);
  for (const token of usedTokens) {
    expect(all.includes(token)).toBe(false);
    expect(all.includes(token.split('.')[3])).toBe(false); // not even the signature
  }
  expect(all).not.toMatch(/\/actions\/v1\./);
});
