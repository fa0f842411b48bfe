/**
 * No live action links in the ledger (issue 12, point 5): an email with action links is sent through the real
 * worker, Temporal, Mailpit and PostgreSQL. The email in Mailpit keeps working links; the ledger row (read straight
 * from PostgreSQL), the admin log page and the API show only `…/actions/redacted-<fingerprint>`.
 */
import type { FastifyInstance } from 'fastify';
import pino from 'pino';
import { DocnotifyClient } from '../../src/client';
import { redactActionLinks, tokenFingerprint } from '../../src/links/redact';
import { Keyring, type LinkClaims } from '../../src/links/token';
import { AdminAuth, COOKIES } from '../../src/web/admin/auth';
import { buildServer } from '../../src/web/server';
import { linksIn } from '../helpers/browser';
import { eventually, testConfig, uid } from '../helpers/env';
import { message, waitForMail } from '../helpers/mailpit';
import { startTestWorker } from '../helpers/worker';

const config = testConfig({ ADMIN_CREDENTIALS: 'admin:correct-horse-battery' });
const BASE = config.PUBLIC_BASE_URL;
const keyring = Keyring.fromString(config.ACTION_LINK_SECRET!);

let worker: Awaited<ReturnType<typeof startTestWorker>>;
let client: DocnotifyClient;
let app: FastifyInstance;

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
});

afterAll(async () => {
  await app?.close();
  await client?.close();
  await worker?.stop();
});

/** Every run of token characters in `body` that verifies as an action-link token now. */
const liveTokens = (body: string): string[] =>
  (body.match(/[A-Za-z0-9._-]{60,}/g) ?? []).filter((t) => keyring.verify(t, Date.now()).ok);
const tokensOf = (hrefs: string[]): string[] =>
  hrefs.map((h) => /\/actions\/([^/?#]+)$/.exec(new URL(h).pathname)?.[1]).filter((t): t is string => !!t);

test('the stored html and text hold fingerprints, not tokens; the admin log page and the API show no live link; the email sent keeps working links', async () => {
  const tenant = uid('tenant');
  await worker.stores.tenants.put({ id: tenant, locale: 'en', calendar: null, calendars: {}, adminEmails: [] });
  await worker.stores.rules.create({
    name: 'Approval',
    tenantId: tenant,
    trigger: { status: 'pending_approval' },
    actions: ['approve', 'reject', 'snooze', 'open'],
    recipients: { assignee: true },
  });
  const doc = uid('INV');
  const to = `${uid('ana')}@example.com`;
  await client.sendEvent({ tenantId: tenant, documentId: doc, type: 'assigned', assignee: to });
  await client.sendEvent({ tenantId: tenant, documentId: doc, type: 'status_changed', status: 'pending_approval' });

  // The email as sent: four action links that verify, in the HTML and in the text part.
  const [mail] = await waitForMail(to);
  const sent = await message(mail.ID);
  const tokens = tokensOf(linksIn(sent.HTML));
  expect(tokens.map((t) => (keyring.verify(t, Date.now()) as { claims?: LinkClaims }).claims?.action).sort()).toEqual([
    'approve',
    'open',
    'reject',
    'snooze',
  ]);
  expect(liveTokens(sent.Text).sort()).toEqual([...tokens].sort());

  // The ledger row, straight from PostgreSQL.
  const [row] = await eventually(async () => {
    const rows = await worker.stores.notifications.list({ tenantId: tenant, documentId: doc });
    return rows.length === 1 && rows[0].status === 'sent' ? rows : undefined;
  }, 'the ledger row of the first email');
  const stored = (
    await worker.stores.db.query<{ html: string; text_body: string }>(
      'SELECT html, text_body FROM notifications WHERE key = $1',
      [row.key],
    )
  ).rows[0];
  expect({ html: liveTokens(stored.html), text: liveTokens(stored.text_body) }).toEqual({ html: [], text: [] });
  for (const t of tokens) {
    expect(stored.html).not.toContain(t);
    expect(stored.text_body).not.toContain(t);
    expect(stored.html).toContain(`${BASE}/actions/redacted-${tokenFingerprint(t)}`);
    expect(stored.text_body).toContain(`${BASE}/actions/redacted-${tokenFingerprint(t)}`);
  }
  // Nothing else of the email changed: the stored bodies are the sent ones with the tokens replaced.
  const squash = (v: string) => v.replace(/\s+/g, ' ').trim();
  expect(squash(stored.html)).toBe(squash(redactActionLinks(sent.HTML)));
  expect(squash(stored.text_body)).toBe(squash(redactActionLinks(sent.Text)));

  // The admin log page of that email.
  const cookie = `${COOKIES.session}=${new AdminAuth(config).issue().cookie}; ${COOKIES.tenant}=${tenant}`;
  const page = await app.inject({
    method: 'GET',
    url: `/admin/log/email?key=${encodeURIComponent(row.key)}`,
    headers: { cookie },
  });
  expect(page.statusCode).toBe(200);
  expect(page.body).toContain('HTML part');
  expect(liveTokens(page.body)).toEqual([]);
  for (const t of tokens) {
    expect(page.body).not.toContain(t);
    expect(page.body).toContain(`/actions/redacted-${tokenFingerprint(t)}`);
  }

  // The API's notification log (rows without bodies): the row is there, no live link.
  const api = await app.inject({
    method: 'GET',
    url: `/api/v1/log?tenant=${tenant}&document=${doc}`,
    headers: { authorization: `Bearer ${config.API_TOKEN}` },
  });
  expect(api.statusCode).toBe(200);
  expect((api.json() as { key: string }[]).map((r) => r.key)).toEqual([row.key]);
  expect(liveTokens(api.body)).toEqual([]);

  // The links of the email in Mailpit still work: the approve link's page, then its button.
  const approve = tokens.find(
    (t) => (keyring.verify(t, Date.now()) as { claims: LinkClaims }).claims.action === 'approve',
  )!;
  const shown = await app.inject({ method: 'GET', url: `/actions/${approve}`, remoteAddress: '10.9.0.1' });
  expect(shown.statusCode).toBe(200);
  expect(shown.body).toContain('Approve this document?');
  const csrf = /name="csrf" value="([^"]+)"/.exec(shown.body)![1];
  const done = await app.inject({
    method: 'POST',
    url: `/actions/${approve}`,
    remoteAddress: '10.9.0.1',
    headers: { origin: new URL(BASE).origin, 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams({ csrf }).toString(),
  });
  expect(done.statusCode).toBe(200);
  expect((await client.getState(doc, tenant)).task?.decision).toMatchObject({ action: 'approve', actor: to });
  // A redacted link is only a "not valid" page.
  const redacted = await app.inject({
    method: 'GET',
    url: `/actions/redacted-${tokenFingerprint(approve)}`,
    remoteAddress: '10.9.0.2',
  });
  expect(redacted.statusCode).toBe(400);
});

test('rows stored before bodies were redacted are redacted as they are read (the admin log page)', async () => {
  const tenant = uid('tenant');
  const token = keyring.sign({
    tenantId: tenant,
    documentId: 'OLD-1',
    taskId: 'evt-1',
    taskVersion: 1,
    action: 'approve',
    recipient: 'old@example.com',
    expiresAt: Date.now() + 3_600_000,
  });
  const key = `${tenant}/OLD-1/evt-1:r:first/old@example.com`;
  await worker.stores.db.query(
    `INSERT INTO notifications (key, message_id, tenant_id, document_id, kind, seq, recipient, subject, status, attempts, html, text_body)
     VALUES ($1, $2, $3, 'OLD-1', 'first', 0, 'old@example.com', 'Old email', 'sent', 1, $4, $5)`,
    [
      key,
      `<${uid('m')}@test.example>`,
      tenant,
      `<a href="${BASE}/actions/${token}">Approve</a>`,
      `Approve: ${BASE}/actions/${token}`,
    ],
  );
  expect(
    liveTokens(
      (await worker.stores.db.query<{ html: string }>('SELECT html FROM notifications WHERE key = $1', [key])).rows[0]
        .html,
    ),
  ).toEqual([token]);

  const row = await worker.stores.notifications.get(key);
  expect({ html: row?.html, text: row?.text }).toEqual({
    html: `<a href="${BASE}/actions/redacted-${tokenFingerprint(token)}">Approve</a>`,
    text: `Approve: ${BASE}/actions/redacted-${tokenFingerprint(token)}`,
  });
  const cookie = `${COOKIES.session}=${new AdminAuth(config).issue().cookie}; ${COOKIES.tenant}=${tenant}`;
  const page = await app.inject({
    method: 'GET',
    url: `/admin/log/email?key=${encodeURIComponent(key)}`,
    headers: { cookie },
  });
  expect(page.statusCode).toBe(200);
  expect(page.body).not.toContain(token);
  expect(page.body).toContain(`redacted-${tokenFingerprint(token)}`);
});
