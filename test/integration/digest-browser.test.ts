/**
 * Issue 14: a person acts from their digest in a real browser (Chromium, JavaScript off). The real worker files the
 * reminders of a digest-mode rule, the digest goes to Mailpit, and its approve link opens the same scanner-safe
 * confirmation page as an email's: showing it decides nothing, the button does. Screenshots:
 * `<artifacts>/screenshots/digest-*.png`.
 */
import { Client, Connection } from '@temporalio/client';
import { digestSendNowSignal, digestWorkflowId } from '../../src/workflows/messages';
import { linksIn, screenshot } from '../helpers/browser';
import { eventually, uid } from '../helpers/env';
import { message, waitForMail } from '../helpers/mailpit';
import { startWebStack, type WebStack } from '../helpers/web-stack';

jest.setTimeout(120_000);

let stack: WebStack;
let config: WebStack['config'];
let worker: WebStack['worker'];
let client: WebStack['client'];
let browser: WebStack['browser'];
let temporal: Client;

beforeAll(async () => {
  stack = await startWebStack();
  ({ config, worker, client, browser } = stack);
  temporal = new Client({ connection: await Connection.connect({ address: config.TEMPORAL_ADDRESS }) });
});

afterAll(async () => {
  await temporal?.connection.close();
  await stack?.stop();
});

test('approve from the digest: the link shows the confirmation page, changes nothing, the button decides', async () => {
  const tenantId = uid('tenant');
  const to = `${uid('ana')}@example.com`;
  await worker.stores.tenants.put({ id: tenantId, locale: 'en', calendar: null, calendars: {}, adminEmails: [] });
  await worker.stores.rules.create({
    name: 'Approval digest',
    tenantId,
    trigger: { status: 'pending_approval' },
    recipients: { assignee: true },
    delay: '0s',
    repeat: { interval: '2s', maxCount: 1 },
    reminderDelivery: 'digest',
    actions: ['approve', 'reject'],
  });
  const documentId = uid('INV');
  await client.sendEvent({ type: 'assigned', tenantId, documentId, assignee: to });
  await client.sendEvent({ type: 'status_changed', tenantId, documentId, status: 'pending_approval' });
  await waitForMail(to, 1);
  await eventually(async () => {
    const filed = await worker.stores.digests.list(tenantId, to, 'daily');
    return filed.length === 1 ? filed : undefined;
  }, 'the reminder filed for the digest');

  await temporal.workflow.getHandle(digestWorkflowId(tenantId, to, 'daily')).signal(digestSendNowSignal);
  const mails = await waitForMail(to, 2);
  const digest = mails.find((m) => m.Subject.includes('waiting for you'))!;
  expect(digest).toBeDefined();
  const html = (await message(digest.ID)).HTML;
  expect(html).toContain(documentId);
  const links = linksIn(html).filter((h) => h.startsWith(`${config.PUBLIC_BASE_URL}/actions/`));
  expect(links).toHaveLength(2); // approve, reject
  const waitingUrl = linksIn(html).find((h) => /\/preferences\/[^/]+\/waiting$/.test(h));
  expect(waitingUrl).toBeDefined();
  const before = await client.getState(documentId, tenantId);

  const context = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 800, height: 900 } });
  try {
    const page = await context.newPage();
    // The digest's "see everything" page: the document, with its own signed links.
    expect((await page.goto(waitingUrl!))?.status()).toBe(200);
    await expect(page.locator('h1').textContent()).resolves.toBe('Waiting for you');
    await expect(page.locator('h1 + p').textContent()).resolves.toBe('One document waits for you.');
    await expect(page.locator(`#doc-${documentId}`).textContent()).resolves.toContain(documentId);
    const anchors = page.locator(`#doc-${documentId} a`);
    const pageLinks = await Promise.all(
      Array.from({ length: await anchors.count() }, (_, i) => anchors.nth(i).getAttribute('href')),
    );
    expect(pageLinks).toHaveLength(2);
    expect(pageLinks.every((h) => h?.startsWith(`${config.PUBLIC_BASE_URL}/actions/`))).toBe(true);
    await screenshot(page, 'digest-waiting');
    // A scanner (or the person) opening the link twice decides nothing.
    for (let i = 0; i < 2; i++) expect((await page.goto(links[0]))?.status()).toBe(200);
    await expect(page.locator('h1').textContent()).resolves.toBe('Approve this document?');
    await screenshot(page, 'digest-confirm');
    expect((await client.getState(documentId, tenantId)).history).toEqual(before.history);
    const [result] = await Promise.all([
      page.waitForResponse((r) => r.request().method() === 'POST'),
      page.getByRole('button', { name: 'Approve' }).click(),
    ]);
    expect(result.status()).toBe(200);
    await page.waitForLoadState();
    await expect(page.locator('h1').textContent()).resolves.toBe('Approved');
    await screenshot(page, 'digest-approved');
  } finally {
    await context.close();
  }
  const state = await eventually(async () => {
    const s = await client.getState(documentId, tenantId);
    return s.task?.decision ? s : undefined;
  }, 'the decision');
  expect(state.task!.decision).toMatchObject({ action: 'approve', actor: to.toLowerCase() });
});
