/**
 * Issue 14: a person acts from their digest in a real browser (Chromium, JavaScript off). The real worker files the
 * reminders of a digest-mode rule, the digest goes to Mailpit, and its approve link opens the same scanner-safe
 * confirmation page as an email's: showing it decides nothing, the button does. Screenshots:
 * `<artifacts>/screenshots/digest-*.png`.
 */
import net from 'node:net';
import { Client, Connection } from '@temporalio/client';
import type { Browser } from 'playwright-core';
import type { FastifyInstance } from 'fastify';
import { DocnotifyClient } from '../../src/client';
import { createLogger } from '../../src/log';
import { buildServer } from '../../src/web/server';
import { digestSendNowSignal, digestWorkflowId } from '../../src/workflows/messages';
import { launchBrowser, linksIn, screenshot } from '../helpers/browser';
import { eventually, testConfig, uid } from '../helpers/env';
import { message, waitForMail } from '../helpers/mailpit';
import { startTestWorker } from '../helpers/worker';

jest.setTimeout(120_000);

async function freePort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const { port } = s.address() as net.AddressInfo;
  await new Promise((resolve) => s.close(resolve));
  return port;
}

let config: ReturnType<typeof testConfig>;
let worker: Awaited<ReturnType<typeof startTestWorker>>;
let client: DocnotifyClient;
let temporal: Client;
let app: FastifyInstance;
let browser: Browser;

beforeAll(async () => {
  const port = await freePort();
  config = testConfig({ PUBLIC_BASE_URL: `http://127.0.0.1:${port}`, PORT: String(port) });
  worker = await startTestWorker(config);
  client = await DocnotifyClient.connect({ address: config.TEMPORAL_ADDRESS, taskQueue: config.TASK_QUEUE });
  temporal = new Client({ connection: await Connection.connect({ address: config.TEMPORAL_ADDRESS }) });
  app = await buildServer({
    config,
    client,
    stores: worker.stores,
    log: createLogger('warn'),
    sendTest: async () => ({ status: 'skipped' }),
  });
  await app.listen({ port, host: '127.0.0.1' });
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await app?.close();
  await client?.close();
  await temporal?.connection.close();
  await worker?.stop();
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
