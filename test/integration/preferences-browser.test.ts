/**
 * A person changes their email preferences in a real browser (Chromium through playwright-core, JavaScript off),
 * from the link in an email the real worker sent to Mailpit; the web server listens on a real port that is the
 * PUBLIC_BASE_URL of the links. Screenshots go to `<artifacts>/screenshots/preferences-*.png`.
 */
import type { BrowserContext } from 'playwright-core';
import type { NotificationRow } from '../../src/store/notifications';
import { linksIn, screenshot } from '../helpers/browser';
import { eventually, uid } from '../helpers/env';
import { headers, message, waitForMail } from '../helpers/mailpit';
import { startWebStack, type WebStack } from '../helpers/web-stack';

let stack: WebStack;
let config: WebStack['config'];
let worker: WebStack['worker'];
let client: WebStack['client'];
let browser: WebStack['browser'];

beforeAll(async () => {
  stack = await startWebStack();
  ({ config, worker, client, browser } = stack);
});

afterAll(async () => {
  await stack?.stop();
});

async function person(locale = 'en-US'): Promise<BrowserContext> {
  return browser.newContext({ javaScriptEnabled: false, locale, viewport: { width: 800, height: 1100 } });
}

/** A tenant whose `received` status and comments are told to the assignee. */
async function tenantWithRules(): Promise<string> {
  const tenantId = uid('tenant');
  await worker.stores.tenants.put({ id: tenantId, locale: 'en', calendar: null, calendars: {}, adminEmails: [] });
  await worker.stores.rules.create({
    name: 'Received notice',
    tenantId,
    trigger: { status: 'received' },
    recipients: { assignee: true },
  });
  await worker.stores.rules.create({
    name: 'Comments',
    tenantId,
    trigger: { event: 'comment_added' },
    recipients: { assignee: true },
  });
  return tenantId;
}

async function received(tenantId: string, assignee: string): Promise<string> {
  const documentId = uid('INV');
  await client.sendEvent({ type: 'assigned', tenantId, documentId, assignee });
  await client.sendEvent({ type: 'status_changed', tenantId, documentId, status: 'received' });
  return documentId;
}

const preferencesLink = async (id: string) =>
  linksIn((await message(id)).HTML).find((l) => l.startsWith(`${config.PUBLIC_BASE_URL}/preferences/`))!;

async function finalRow(tenantId: string, documentId: string, kind: string): Promise<NotificationRow> {
  return eventually(async () => {
    const rows = await worker.stores.notifications.list({ tenantId, documentId, kind });
    return rows.length === 1 && !['sending', 'scheduled'].includes(rows[0].status) ? rows[0] : undefined;
  }, `final ${kind} row of ${documentId}`);
}

test('open the page from the email, change two kinds, save, see them saved (and still saved on a reload); digest files the email for the digest', async () => {
  const tenantId = await tenantWithRules();
  const to = `${uid('ana')}@example.com`;
  await received(tenantId, to);
  const [mail] = await waitForMail(to);
  const link = await preferencesLink(mail.ID);
  const context = await person();
  try {
    const page = await context.newPage();
    const shown = await page.goto(link);
    expect(shown?.status()).toBe(200);
    await expect(page.locator('h1').textContent()).resolves.toBe('Email preferences');
    await expect(page.locator('.lead').textContent()).resolves.toContain(to);
    // every kind is offered; action-required email has no "Off" and says so
    for (const kind of ['processing_completed', 'comments', 'decision_confirmations', 'escalation_copies'])
      await expect(page.locator(`#kind-${kind} input[type=radio]`).count()).resolves.toBe(3);
    await expect(page.locator('#kind-action_required input[type=radio]').count()).resolves.toBe(2);
    await expect(page.locator('#kind-action_required').textContent()).resolves.toContain(
      "Can't be turned off, only moved to the digest.",
    );
    await expect(page.locator('form').textContent()).resolves.toContain('The digest is one email on each working day');
    expect(await page.locator('#kind-comments input[value=immediate]').isChecked()).toBe(true);
    expect(await worker.stores.preferences.get(tenantId, to)).toEqual({}); // showing changed nothing
    await screenshot(page, 'preferences-shown');

    await page.locator('#kind-comments input[value=off]').check();
    await page.locator('#kind-processing_completed input[value=digest]').check();
    await page.locator('#kind-action_required input[value=digest]').check();
    const [result] = await Promise.all([
      page.waitForResponse((r) => r.request().method() === 'POST'),
      page.getByRole('button', { name: 'Save preferences' }).click(),
    ]);
    expect(result.status()).toBe(200);
    await page.waitForLoadState();
    await expect(page.locator('.notice.ok').textContent()).resolves.toBe('Your preferences were saved.');
    expect(await page.locator('#kind-comments input[value=off]').isChecked()).toBe(true);
    await screenshot(page, 'preferences-saved');
    expect(await worker.stores.preferences.get(tenantId, to)).toEqual({
      processing_completed: 'digest',
      comments: 'off',
      decision_confirmations: 'immediate',
      escalation_copies: 'immediate',
      action_required: 'digest',
    });

    await page.goto(link);
    expect(await page.locator('#kind-comments input[value=off]').isChecked()).toBe(true);
    expect(await page.locator('#kind-processing_completed input[value=digest]').isChecked()).toBe(true);
  } finally {
    await context.close();
  }

  // comments off: the comment's email is skipped; "processing completed" in the digest: not sent on its own, filed
  const documentId = await received(tenantId, to);
  expect(await finalRow(tenantId, documentId, 'first')).toMatchObject({ status: 'skipped', reason: 'digest' });
  const filed = await worker.stores.digests.list(tenantId, to, 'daily');
  expect(filed.map((e) => [e.documentId, e.kind])).toEqual([[documentId, 'fyi']]);
  await client.sendEvent({ type: 'comment_added', tenantId, documentId, author: 'Bo', text: 'Looks fine' });
  expect(await finalRow(tenantId, documentId, 'event')).toMatchObject({ status: 'skipped', reason: 'preference' });
});

test('in German, for a directory user (kept under the user id): the unsubscribe link of the email shows a confirmation, its button turns the kind off', async () => {
  const tenantId = await tenantWithRules();
  const to = `${uid('jonas')}@example.com`;
  await worker.stores.directory.putUser(tenantId, { id: 'jonas', email: to, name: 'Jonas', locale: 'de' });
  const documentId = await received(tenantId, 'jonas');
  const [mail] = await waitForMail(to);
  expect((await message(mail.ID)).HTML).toContain('E-Mail-Einstellungen und Abmeldung');
  const h = await headers(mail.ID);
  const unsubscribe = Object.entries(h)
    .find(([k]) => k.toLowerCase() === 'list-unsubscribe')![1][0]
    .slice(1, -1);

  const context = await person('de-DE');
  try {
    const page = await context.newPage();
    const shown = await page.goto(unsubscribe);
    expect(shown?.status()).toBe(200);
    await expect(page.locator('h1').textContent()).resolves.toBe('Verarbeitung abgeschlossen abbestellen?');
    expect(await worker.stores.preferences.get(tenantId, 'jonas')).toEqual({});
    await screenshot(page, 'preferences-unsubscribe-de');
    const [result] = await Promise.all([
      page.waitForResponse((r) => r.request().method() === 'POST'),
      page.getByRole('button', { name: 'Abbestellen' }).click(),
    ]);
    expect(result.status()).toBe(200);
    await page.waitForLoadState();
    await expect(page.locator('h1').textContent()).resolves.toBe('Abbestellt');
    expect(await worker.stores.preferences.get(tenantId, 'jonas')).toEqual({ processing_completed: 'off' });

    // the page of all preferences, in German, shows it
    await page.getByRole('link', { name: 'Alle E-Mail-Einstellungen' }).click();
    await page.waitForLoadState();
    await expect(page.locator('h1').textContent()).resolves.toBe('E-Mail-Einstellungen');
    expect(await page.locator('#kind-processing_completed input[value=off]').isChecked()).toBe(true);
    await screenshot(page, 'preferences-de');
  } finally {
    await context.close();
  }
  // comments still on: the comment's email goes out
  await client.sendEvent({ type: 'comment_added', tenantId, documentId, author: 'Bo', text: 'Bitte prüfen' });
  expect(await finalRow(tenantId, documentId, 'event')).toMatchObject({ status: 'sent' });
  const next = await received(tenantId, 'jonas');
  expect(await finalRow(tenantId, next, 'first')).toMatchObject({ status: 'skipped', reason: 'preference' });
});
