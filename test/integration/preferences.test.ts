/**
 * Issue 14.2's acceptance on the shared stack (real Temporal dev server, real worker, Mailpit, PostgreSQL), with DKIM
 * configured (a key made here with node:crypto): FYI email carries List-Id and the RFC 8058 pair, signed by DKIM;
 * action-required email carries none of them; 3 GET + 3 HEAD of the unsubscribe URL change nothing; the one-click
 * POST (no cookies) turns the kind off; then the next such email is logged `skipped: preference` and Mailpit gets
 * nothing.
 */
import { createHash, createVerify, generateKeyPairSync } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import pino from 'pino';
import { DocnotifyClient } from '../../src/client';
import type { Stores } from '../../src/store';
import type { NotificationRow } from '../../src/store/notifications';
import { Keyring } from '../../src/links/token';
import { buildServer } from '../../src/web/server';
import { linksIn } from '../helpers/browser';
import { eventually, sleep, stackEnv, testConfig, uid } from '../helpers/env';
import { headers, message, messagesTo, waitForMail } from '../helpers/mailpit';
import { startTestWorker } from '../helpers/worker';

const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const DKIM_DOMAIN = 'test.example';
const config = testConfig({
  DKIM_DOMAIN,
  DKIM_SELECTOR: 'dn2026',
  DKIM_PRIVATE_KEY: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
});

let worker: Awaited<ReturnType<typeof startTestWorker>>;
let client: DocnotifyClient;
let stores: Stores;
let app: FastifyInstance;

beforeAll(async () => {
  worker = await startTestWorker(config);
  stores = worker.stores;
  client = await DocnotifyClient.connect({ address: config.TEMPORAL_ADDRESS, taskQueue: config.TASK_QUEUE });
  app = await buildServer({
    config,
    client,
    stores,
    log: pino({ level: 'silent' }),
    sendTest: async () => ({ status: 'skipped' }),
  });
});

afterAll(async () => {
  await app?.close();
  await client?.close();
  await worker?.stop();
});

async function tenant(): Promise<string> {
  const tenantId = uid('tenant');
  await stores.tenants.put({ id: tenantId, locale: 'en', calendar: null, calendars: {}, adminEmails: [] });
  return tenantId;
}

async function finalRow(tenantId: string, documentId: string, kind = 'first'): Promise<NotificationRow> {
  return eventually(async () => {
    const rows = await stores.notifications.list({ tenantId, documentId, kind });
    return rows.length === 1 && !['sending', 'scheduled'].includes(rows[0].status) ? rows[0] : undefined;
  }, `final ${kind} row of ${documentId}`);
}

/** A header's values, by case-insensitive name. */
function header(all: Record<string, string[]>, name: string): string[] {
  return Object.entries(all)
    .filter(([k]) => k.toLowerCase() === name.toLowerCase())
    .flatMap(([, v]) => v);
}

async function raw(id: string): Promise<string> {
  const res = await fetch(`${stackEnv().mailpitUrl}/api/v1/message/${id}/raw`);
  expect(res.ok).toBe(true);
  return res.text();
}

/**
 * Verifies the message's DKIM-Signature (relaxed/relaxed, rsa-sha256, as nodemailer signs) against the test key and
 * returns the signed header names (its `h=` tag), lower-cased.
 */
function verifyDkim(message: string): string[] {
  const sep = message.indexOf('\r\n\r\n');
  const head = message.slice(0, sep + 2);
  const body = message.slice(sep + 4);
  const fields: { name: string; line: string }[] = [];
  for (const line of head.split(/\r\n(?![ \t])/)) {
    if (!line) continue;
    fields.push({ name: line.slice(0, line.indexOf(':')).trim().toLowerCase(), line });
  }
  const relaxed = (line: string) => {
    const i = line.indexOf(':');
    const value = line
      .slice(i + 1)
      .replace(/\r\n/g, '')
      .replace(/[ \t]+/g, ' ')
      .trim();
    return `${line.slice(0, i).trim().toLowerCase()}:${value}`;
  };
  const sigs = fields.filter((f) => f.name === 'dkim-signature');
  expect(sigs).toHaveLength(1);
  const sigLine = sigs[0].line;
  const tags = Object.fromEntries(
    relaxed(sigLine)
      .slice('dkim-signature:'.length)
      .split(';')
      .map((t) => t.trim())
      .filter(Boolean)
      .map((t) => [t.slice(0, t.indexOf('=')).trim(), t.slice(t.indexOf('=') + 1).replace(/\s+/g, '')]),
  );
  expect(tags).toMatchObject({ a: 'rsa-sha256', c: 'relaxed/relaxed', d: DKIM_DOMAIN, s: 'dn2026' });
  // body hash (relaxed: trailing whitespace off each line, runs of WSP to one space, no trailing empty lines)
  const canonBody =
    body
      .split('\r\n')
      .map((l) => l.replace(/[ \t]+/g, ' ').replace(/ $/, ''))
      .join('\r\n')
      .replace(/(\r\n)*$/, '') + '\r\n';
  expect(createHash('sha256').update(canonBody).digest('base64')).toBe(tags.bh);
  // header hash: the h= fields (each taken from the bottom up), then the signature with b= emptied
  const signed = tags.h.toLowerCase().split(':');
  const used = new Map<string, number>();
  const lines: string[] = [];
  for (const name of signed) {
    const all = fields.filter((f) => f.name === name);
    const n = used.get(name) ?? 0;
    used.set(name, n + 1);
    const f = all[all.length - 1 - n];
    if (f) lines.push(relaxed(f.line));
  }
  const sigNoB = relaxed(sigLine)
    .replace(/([;:]\s*b=)[^;]*$/, '$1')
    .replace(/(;\s*b=)[^;]*(;|$)/, '$1$2');
  const data = `${lines.join('\r\n')}\r\n${sigNoB}`;
  const ok = createVerify('RSA-SHA256').update(data).verify(publicKey, Buffer.from(tags.b, 'base64'));
  expect(ok).toBe(true);
  return signed;
}

test('FYI email ("processing completed") carries List-Id and the RFC 8058 pair, covered by a DKIM signature that verifies; the footer links the preferences page', async () => {
  const tenantId = await tenant();
  const to = `${uid('fyi')}@example.com`;
  await stores.rules.create({
    name: 'Exported notice',
    tenantId,
    trigger: { status: 'exported' },
    recipients: { assignee: false, addresses: [to] },
  });
  await client.sendEvent({ type: 'status_changed', tenantId, documentId: uid('INV'), status: 'exported' });
  const [mail] = await waitForMail(to);
  const h = await headers(mail.ID);
  const [unsubscribe] = header(h, 'List-Unsubscribe');
  expect(unsubscribe).toMatch(
    new RegExp(
      `^<${config.PUBLIC_BASE_URL}/preferences/p1\\.[A-Za-z0-9._-]+/unsubscribe\\?kind=processing_completed>$`,
    ),
  );
  expect(header(h, 'List-Unsubscribe-Post')).toEqual(['List-Unsubscribe=One-Click']);
  expect(header(h, 'List-Id')).toEqual([`<${tenantId.toLowerCase()}.docnotify.test.example>`]);

  const rawMessage = await raw(mail.ID);
  const signed = verifyDkim(rawMessage);
  // covered: a changed List-Unsubscribe-Post or List-Unsubscribe no longer verifies
  expect(() => verifyDkim(rawMessage.replace('List-Unsubscribe=One-Click', 'List-Unsubscribe=Two-Clicks'))).toThrow();
  expect(() => verifyDkim(rawMessage.replace('kind=processing_completed', 'kind=comments'))).toThrow();
  expect(signed).toEqual(
    expect.arrayContaining(['from', 'subject', 'list-id', 'list-unsubscribe', 'list-unsubscribe-post']),
  );

  const m = await message(mail.ID);
  const page = linksIn(m.HTML).find((l) => /\/preferences\/p1\.[^/]+$/.test(l));
  expect(page).toBeDefined();
  expect(unsubscribe).toBe(`<${page}/unsubscribe?kind=processing_completed>`);
  expect(m.Text).toContain(`Email preferences and unsubscribe: ${page}`);
  // the ledger keeps the fingerprint of the link, never the token
  const row = await stores.notifications.get((await stores.notifications.list({ tenantId }))[0].key);
  expect(row?.html).not.toContain(page!.split('/preferences/')[1]);
  expect(row?.html).toContain('/preferences/redacted-');
});

test('action-required email never carries List-Unsubscribe, List-Unsubscribe-Post or List-Id (but has the preferences link and a DKIM signature)', async () => {
  const tenantId = await tenant();
  const to = `${uid('act')}@example.com`;
  await stores.rules.create({
    name: 'Approval',
    tenantId,
    trigger: { status: 'pending_approval' },
    actions: ['approve', 'reject'],
    recipients: { assignee: true },
  });
  const documentId = uid('INV');
  await client.sendEvent({ type: 'assigned', tenantId, documentId, assignee: to });
  await client.sendEvent({ type: 'status_changed', tenantId, documentId, status: 'pending_approval' });
  const [mail] = await waitForMail(to);
  const h = await headers(mail.ID);
  expect(header(h, 'List-Unsubscribe')).toEqual([]);
  expect(header(h, 'List-Unsubscribe-Post')).toEqual([]);
  expect(header(h, 'List-Id')).toEqual([]);
  expect(verifyDkim(await raw(mail.ID))).toEqual(expect.arrayContaining(['from', 'subject']));
  const m = await message(mail.ID);
  expect(linksIn(m.HTML).some((l) => /\/preferences\/p1\.[^/]+$/.test(l))).toBe(true);
  expect(linksIn(m.HTML).filter((l) => l.includes('/actions/'))).toHaveLength(2);
});

test('3 GET + 3 HEAD of the unsubscribe URL change nothing; the one-click POST without cookies turns the kind off; the next such email is skipped: preference and never reaches SMTP', async () => {
  const tenantId = await tenant();
  const to = `${uid('Unsub')}@Example.com`;
  await stores.rules.create({
    name: 'Exported notice',
    tenantId,
    trigger: { status: 'exported' },
    recipients: { assignee: false, addresses: [to] },
  });
  await client.sendEvent({ type: 'status_changed', tenantId, documentId: uid('INV'), status: 'exported' });
  const [mail] = await waitForMail(to);
  const [unsubscribe] = header(await headers(mail.ID), 'List-Unsubscribe');
  const url = unsubscribe.slice(1, -1).slice(config.PUBLIC_BASE_URL.length);
  const key = to.toLowerCase(); // not in the directory: the lower-cased address

  for (let i = 0; i < 3; i++) {
    const got = await app.inject({ method: 'GET', url });
    expect(got.statusCode).toBe(200);
    expect(got.body).toContain('Unsubscribe from Processing completed?');
    expect(got.headers['cache-control']).toBe('no-store');
    expect(got.headers['referrer-policy']).toBe('no-referrer');
    expect(got.headers['content-security-policy']).toContain("default-src 'none'");
    expect(got.headers['set-cookie']).toBeUndefined();
    const head = await app.inject({ method: 'HEAD', url });
    expect(head.statusCode).toBe(200);
    expect(head.body).toBe('');
  }
  expect(await stores.preferences.get(tenantId, key)).toEqual({});

  // what a mail provider sends (RFC 8058): no cookies, no Origin, no form token; only the body
  const post = await app.inject({
    method: 'POST',
    url,
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    payload: 'List-Unsubscribe=One-Click',
  });
  expect(post.statusCode).toBe(200);
  expect(post.body).toContain('Unsubscribed');
  expect(await stores.preferences.get(tenantId, key)).toEqual({ processing_completed: 'off' });

  const documentId = uid('INV');
  await client.sendEvent({ type: 'status_changed', tenantId, documentId, status: 'exported' });
  const row = await finalRow(tenantId, documentId);
  expect(row).toMatchObject({ status: 'skipped', reason: 'preference', attempts: 0 });
  expect(row.recipient.toLowerCase()).toBe(key);
  await eventually(async () => {
    const v = await client.getState(documentId, tenantId);
    return v.emails.find((e) => e.status === 'skipped');
  }, 'the workflow to see the skipped email');
  await sleep(500);
  expect(await messagesTo(to)).toHaveLength(1); // Mailpit (the SMTP server) got nothing more
});

test('the one-click POST also works as multipart/form-data; a POST without the one-click body, a forged or an action token, or an unknown kind change nothing', async () => {
  const tenantId = await tenant();
  const to = `${uid('multi')}@example.com`;
  const ring = Keyring.fromString(config.ACTION_LINK_SECRET!);
  const prefs = ring.signPreferences({ tenantId, userKey: to, recipient: to, expiresAt: Date.now() + 3_600_000 });
  const url = `/preferences/${prefs}/unsubscribe?kind=comments`;

  const empty = await app.inject({ method: 'POST', url, payload: {} });
  expect(empty.statusCode).toBe(400);
  const badKind = await app.inject({
    method: 'POST',
    url: `/preferences/${prefs}/unsubscribe?kind=action_required`,
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    payload: 'List-Unsubscribe=One-Click',
  });
  expect(badKind.statusCode).toBe(400);
  const forged = `${prefs.slice(0, -2)}${prefs.endsWith('AA') ? 'BA' : 'AA'}`;
  const refused = await app.inject({
    method: 'POST',
    url: `/preferences/${forged}/unsubscribe?kind=comments`,
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    payload: 'List-Unsubscribe=One-Click',
  });
  expect(refused.statusCode).toBe(403);
  const action = ring.sign({
    tenantId,
    documentId: 'D',
    taskId: 'T',
    taskVersion: 1,
    action: 'open',
    recipient: to,
    expiresAt: Date.now() + 3_600_000,
  });
  const wrongKind = await app.inject({
    method: 'POST',
    url: `/preferences/${action}/unsubscribe?kind=comments`,
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    payload: 'List-Unsubscribe=One-Click',
  });
  expect(wrongKind.statusCode).toBe(400);
  expect(await stores.preferences.get(tenantId, to)).toEqual({});

  const boundary = 'xYzZY';
  const multipart = await app.inject({
    method: 'POST',
    url,
    headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
    payload: `--${boundary}\r\nContent-Disposition: form-data; name="List-Unsubscribe"\r\n\r\nOne-Click\r\n--${boundary}--\r\n`,
  });
  expect(multipart.statusCode).toBe(200);
  expect(await stores.preferences.get(tenantId, to)).toEqual({ comments: 'off' });
});

test('an escalation is an FYI copy for the manager but action-required for the assignee on the same level', async () => {
  const tenantId = await tenant();
  const ana = `${uid('ana')}@example.com`;
  const boss = `${uid('boss')}@example.com`;
  await stores.rules.create({
    name: 'Approval',
    tenantId,
    trigger: { status: 'pending_approval' },
    recipients: { assignee: true },
    escalation: [{ after: '1s', addresses: [boss, ana] }],
  });
  const documentId = uid('INV');
  await client.sendEvent({ type: 'assigned', tenantId, documentId, assignee: ana });
  await client.sendEvent({ type: 'status_changed', tenantId, documentId, status: 'pending_approval' });
  const [bossMail] = await waitForMail(boss);
  const bh = await headers(bossMail.ID);
  expect(header(bh, 'List-Unsubscribe')[0]).toMatch(/\/unsubscribe\?kind=escalation_copies>$/);
  expect(header(bh, 'List-Unsubscribe-Post')).toEqual(['List-Unsubscribe=One-Click']);
  const anaMails = await waitForMail(ana, 2);
  for (const m of anaMails) {
    const h = await headers(m.ID);
    expect(header(h, 'List-Unsubscribe')).toEqual([]);
    expect(header(h, 'List-Id')).toEqual([]);
  }
  const rows = await stores.notifications.list({ tenantId, documentId, kind: 'escalation' });
  expect(rows.map((r) => r.recipient.toLowerCase()).sort()).toEqual([ana, boss].sort());
});
