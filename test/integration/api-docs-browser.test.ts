/**
 * The API docs page in a real browser (Chromium): GET /api/docs renders Swagger UI from the server's own assets
 * under its Content-Security-Policy (no violation, no script error), loads the spec from /api/v1/openapi.json, and
 * lists every operation of the spec; with the operator token entered in "Authorize", "Try it out" on
 * GET /api/v1/rules answers 200 from the real server. Screenshot: `${DOCNOTIFY_TEST_ARTIFACTS:-test-results}/
 * screenshots/api-docs.png`.
 */
import type { FastifyInstance } from 'fastify';
import type { Browser, Page } from 'playwright-core';
import { DocnotifyClient } from '../../src/client';
import { createLogger } from '../../src/log';
import { openStores, type Stores } from '../../src/store';
import { buildServer } from '../../src/web/server';
import { launchBrowser, screenshot } from '../helpers/browser';
import { testConfig } from '../helpers/env';
import { freePort } from '../helpers/web-stack';

/** A free port, so that PUBLIC_BASE_URL (the spec's server, where "Try it out" sends) is this server. */
let config: ReturnType<typeof testConfig>;
let stores: Stores;
let client: DocnotifyClient;
let app: FastifyInstance;
let base: string;
let browser: Browser;
let page: Page;
/** CSP violations, script errors and failed requests the page reported. */
const troubles: string[] = [];

beforeAll(async () => {
  const port = await freePort();
  config = testConfig({ PUBLIC_BASE_URL: `http://127.0.0.1:${port}` });
  stores = await openStores(config.DATABASE_URL!, config, { max: 2 });
  client = await DocnotifyClient.connect({ address: config.TEMPORAL_ADDRESS, taskQueue: config.TASK_QUEUE });
  app = await buildServer({
    config,
    client,
    stores,
    log: createLogger('silent'),
    sendTest: async () => ({ status: 'skipped' }),
  });
  await app.listen({ port, host: '127.0.0.1' });
  base = config.PUBLIC_BASE_URL;
  browser = await launchBrowser();
  page = await (await browser.newContext({ viewport: { width: 1360, height: 900 } })).newPage();
  page.on('console', (m) => {
    if (m.type() === 'error' || /Content Security Policy/i.test(m.text())) troubles.push(`console: ${m.text()}`);
  });
  page.on('pageerror', (e) => troubles.push(`pageerror: ${e.message}`));
  page.on('requestfailed', (r) => troubles.push(`requestfailed: ${r.url()} ${r.failure()?.errorText ?? ''}`));
});
afterAll(async () => {
  await browser?.close();
  await app?.close();
  await client?.close();
  await stores?.db.end();
});

test('/api/docs renders under its CSP and lists every operation of the spec; Try it out reaches the API', async () => {
  const spec = (await (await fetch(`${base}/api/v1/openapi.json`)).json()) as {
    info: { title: string };
    paths: Record<string, Record<string, unknown>>;
  };
  const expected = Object.entries(spec.paths)
    .flatMap(([p, item]) => Object.keys(item).map((m) => `${m.toUpperCase()} ${p}`))
    .sort();
  expect(expected.length).toBeGreaterThan(30);

  const res = await page.goto(`${base}/api/docs`);
  expect(res?.status()).toBe(200);
  expect(res?.headers()['content-security-policy']).toContain("script-src 'self'");
  await page.waitForSelector('.opblock', { timeout: 30_000 });
  await page.getByText(spec.info.title, { exact: false }).first().waitFor();

  const listed = (
    await page.$$eval('.opblock', (blocks) =>
      blocks.map(
        (b) =>
          `${b.querySelector('.opblock-summary-method')?.textContent?.trim()} ${b
            .querySelector('.opblock-summary-path')
            ?.getAttribute('data-path')}`,
      ),
    )
  ).sort();
  expect(listed).toEqual(expected);
  await screenshot(page, 'api-docs');

  // Authorize with the operator token, then try GET /api/v1/rules from the page.
  await page
    .getByRole('button', { name: /authorize/i })
    .first()
    .click();
  await page.locator('.modal-ux input[type=text], .modal-ux input[type=password]').first().fill(config.API_TOKEN!);
  await page.locator('.modal-ux button.authorize').first().click();
  await page.locator('.modal-ux button.btn-done, .modal-ux button.close-modal').first().click();
  const rules = page.locator('#operations-rules-get_api_v1_rules');
  await rules.locator('.opblock-summary').click();
  await rules.getByRole('button', { name: /try it out/i }).click();
  const answer = page.waitForResponse((r) => r.url().startsWith(`${base}/api/v1/rules`));
  await rules.getByRole('button', { name: /execute/i }).click();
  expect((await answer).status()).toBe(200);
  await rules.locator('.live-responses-table tbody .response-col_status').first().waitFor();
  expect(await rules.locator('.live-responses-table tbody .response-col_status').first().innerText()).toContain('200');
  await screenshot(page, 'api-docs-try-it-out');

  expect(troubles).toEqual([]);
});
