/**
 * A person acts from an email in a real browser (Chromium through playwright-core, JavaScript off):
 * the real worker sends the email to Mailpit, the web server listens on a real port that is the
 * PUBLIC_BASE_URL of the links. Screenshots go to `<artifacts>/screenshots/actions-*.png`.
 */
import { randomUUID } from 'node:crypto';
import type { BrowserContext, Request } from 'playwright-core';
import { linksIn, screenshot } from '../helpers/browser';
import { eventually, uid } from '../helpers/env';
import { message, waitForMail } from '../helpers/mailpit';
import { startWebhookServer, verifyWebhookSignature, type WebhookServer } from '../helpers/webhook-server';
import { startWebStack, type WebStack } from '../helpers/web-stack';

let stack: WebStack;
let config: WebStack['config'];
let worker: WebStack['worker'];
let client: WebStack['client'];
let browser: WebStack['browser'];
let hooks: WebhookServer;

beforeAll(async () => {
  hooks = await startWebhookServer();
  stack = await startWebStack();
  ({ config, worker, client, browser } = stack);
});

afterAll(async () => {
  await stack?.stop();
  await hooks?.close();
});

/** A document waiting for `to`'s approval in a fresh tenant with a webhook; returns the email's action links. */
async function emailFor(to: string) {
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
  const base = { tenantId: tenant, documentId: doc } as const;
  await client.sendEvent({
    ...base,
    type: 'fields_updated',
    fields: { invoice_id: 'R-2026-0042', supplier_name: 'ACME Tools S.L.', total_amount: 1234.5, currency: 'EUR' },
  });
  await client.sendEvent({ ...base, type: 'assigned', assignee: to });
  await client.sendEvent({ ...base, type: 'status_changed', status: 'pending_approval' });
  const [mail] = await waitForMail(to);
  const links = linksIn((await message(mail.ID)).HTML).filter((h) =>
    h.startsWith(`${config.PUBLIC_BASE_URL}/actions/`),
  );
  expect(links).toHaveLength(4); // approve, reject, snooze, open (in the rule's order)
  const before = await eventually(async () => {
    const s = await client.getState(doc, tenant);
    return s.emailCount === 1 ? s : undefined;
  }, 'the first email to be recorded');
  return { tenant, webhookSecret, doc, before, approve: links[0], reject: links[1], snooze: links[2], open: links[3] };
}

/** A browser profile with JavaScript off: the pages must work without it. Records the POSTs it sends. */
async function person(locale = 'en-US'): Promise<{ context: BrowserContext; posts: Request[] }> {
  const context = await browser.newContext({ javaScriptEnabled: false, locale, viewport: { width: 800, height: 900 } });
  const posts: Request[] = [];
  context.on('request', (r) => {
    if (r.method() === 'POST') posts.push(r);
  });
  return { context, posts };
}

test('approve from the email: confirmation page, click, result page, decision recorded, webhook signed; the link again shows who decided', async () => {
  const to = `${uid('ana')}@example.com`;
  const e = await emailFor(to);
  const { context, posts } = await person();
  try {
    const page = await context.newPage();
    const shown = await page.goto(e.approve);
    expect(shown?.status()).toBe(200);
    await expect(page.locator('h1').textContent()).resolves.toBe('Approve this document?');
    await expect(page.locator('dl').textContent()).resolves.toContain('ACME Tools S.L.');
    await screenshot(page, 'actions-confirm');
    expect((await client.getState(e.doc, e.tenant)).history).toEqual(e.before.history); // showing changed nothing

    const [result] = await Promise.all([
      page.waitForResponse((r) => r.request().method() === 'POST'),
      page.getByRole('button', { name: 'Approve' }).click(),
    ]);
    expect(result.status()).toBe(200);
    await page.waitForLoadState();
    await expect(page.locator('h1').textContent()).resolves.toBe('Approved');
    await expect(page.locator('.notice').textContent()).resolves.toContain(`approved by ${to}`);
    await screenshot(page, 'actions-approved');
    // what the browser sent: the page's no-referrer policy makes it `Origin: null`, Fetch Metadata says same-origin
    const headers = await posts[0].allHeaders();
    expect(headers.origin).toBe('null');
    expect(headers['sec-fetch-site']).toBe('same-origin');
    expect(headers.referer).toBeUndefined();

    const state = await eventually(async () => {
      const s = await client.getState(e.doc, e.tenant);
      return s.task?.decision ? s : undefined;
    }, 'the decision');
    expect(state.task?.decision).toMatchObject({ action: 'approve', actor: to });

    const deliveryId = `${e.tenant}/${e.doc}/${state.task!.id}:decision`;
    const call = await eventually(
      async () => hooks.callsFor(deliveryId).find((c) => c.status === 200),
      'the webhook call',
    );
    expect(verifyWebhookSignature(call.headers['x-docnotify-signature'], call.body, e.webhookSecret)).toBe(true);
    expect(JSON.parse(call.body)).toMatchObject({
      type: 'task_resolved',
      documentId: e.doc,
      decision: { action: 'approve', actor: to },
    });

    const again = await page.goto(e.approve);
    expect(again?.status()).toBe(200);
    await expect(page.locator('h1').textContent()).resolves.toBe('Already decided');
    await expect(page.locator('.notice').textContent()).resolves.toMatch(
      new RegExp(`^Already approved by ${to.replace(/\./g, '\\.')} on .+\\(UTC\\)\\.$`),
    );
    expect(await page.locator('form').count()).toBe(0);
    await screenshot(page, 'actions-already-decided');
    expect(hooks.callsFor(deliveryId).filter((c) => c.status === 200)).toHaveLength(1);
  } finally {
    await context.close();
  }
});

test('reject in German: the reason is required before anything is sent; with it the document is rejected', async () => {
  const to = `${uid('jonas')}@example.com`;
  const e = await emailFor(to);
  const { context, posts } = await person('de-DE');
  try {
    const page = await context.newPage();
    await page.goto(e.reject);
    await expect(page.locator('h1').textContent()).resolves.toBe('Dieses Dokument ablehnen?');
    await screenshot(page, 'actions-reject-de');
    await page.getByRole('button', { name: 'Ablehnen' }).click(); // empty reason: the browser does not submit
    await page.waitForTimeout(300);
    expect(posts).toHaveLength(0);
    await page.getByLabel('Grund der Ablehnung (Pflichtfeld)').fill('Falscher Steuersatz');
    await Promise.all([
      page.waitForResponse((r) => r.request().method() === 'POST'),
      page.getByRole('button', { name: 'Ablehnen' }).click(),
    ]);
    await page.waitForLoadState();
    await expect(page.locator('h1').textContent()).resolves.toBe('Abgelehnt');
    await screenshot(page, 'actions-rejected-de');
    const s = await eventually(async () => {
      const st = await client.getState(e.doc, e.tenant);
      return st.task?.decision ? st : undefined;
    }, 'the decision');
    expect(s.task?.decision).toMatchObject({ action: 'reject', actor: to, reason: 'Falscher Steuersatz' });
  } finally {
    await context.close();
  }
});

test('snooze: choose how long, the reminders are postponed and the task stays open', async () => {
  const to = `${uid('eva')}@example.com`;
  const e = await emailFor(to);
  const { context } = await person();
  try {
    const page = await context.newPage();
    await page.goto(e.snooze);
    await page.getByLabel('Postpone the reminders by').selectOption('4h');
    await Promise.all([
      page.waitForResponse((r) => r.request().method() === 'POST'),
      page.getByRole('button', { name: 'Snooze' }).click(),
    ]);
    await page.waitForLoadState();
    await expect(page.locator('h1').textContent()).resolves.toBe('Reminders postponed');
    await screenshot(page, 'actions-snoozed');
    const s = await client.getState(e.doc, e.tenant);
    expect(s.awaitingAction).toBe(true);
    expect(s.history.some((h) => h.kind === 'snooze' && h.text.includes(to))).toBe(true);
  } finally {
    await context.close();
  }
});
