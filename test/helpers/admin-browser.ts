import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';

/** The Debian Chromium (scripts/install-tools.sh installs it with DOCNOTIFY_WITH_BROWSER=1). */
export const CHROMIUM = process.env.DOCNOTIFY_CHROMIUM ?? '/usr/bin/chromium';
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Launches headless Chromium; fails with a hint when it is not installed. */
export async function launchBrowser(): Promise<Browser> {
  if (!fs.existsSync(CHROMIUM))
    throw new Error(
      `${CHROMIUM} is missing: run \`apt-get install -y chromium\` (or DOCNOTIFY_WITH_BROWSER=1 bash scripts/install-tools.sh)`,
    );
  return chromium.launch({ executablePath: CHROMIUM, args: ARGS });
}

/** Where the tests write screenshots: `${DOCNOTIFY_TEST_ARTIFACTS:-test-results}/screenshots`. */
export function screenshotDir(): string {
  const dir = path.resolve(process.env.DOCNOTIFY_TEST_ARTIFACTS || 'test-results', 'screenshots');
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}

/** Full-page screenshot `admin-<name>.png`. */
export async function screenshot(page: Page, name: string): Promise<string> {
  const file = path.join(screenshotDir(), `admin-${name}.png`);
  // Chromium does not paint sandboxed (cross-origin) iframes outside the viewport, which a full-page capture
  // shows as blank boxes: with iframes, grow the viewport to the whole page for the capture.
  const viewport = page.viewportSize();
  if (viewport && (await page.locator('iframe').count()) > 0) {
    const height = Number(await page.evaluate('document.documentElement.scrollHeight'));
    await page.setViewportSize({ width: viewport.width, height: Math.min(Math.max(height, viewport.height), 8000) });
    await new Promise((r) => setTimeout(r, 300));
    try {
      await page.screenshot({ path: file, fullPage: true });
    } finally {
      await page.setViewportSize(viewport);
    }
    return file;
  }
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

/** Signs in through the form (the page is on, or redirects to, the sign-in page). */
export async function signIn(
  page: Page,
  baseUrl: string,
  user: string,
  password: string,
  next = '/admin/rules',
): Promise<void> {
  await page.goto(`${baseUrl}${next}`);
  if (!page.url().includes('/admin/sign-in')) return;
  await page.fill('#user', user);
  await page.fill('#password', password);
  await Promise.all([
    page.waitForURL((u) => !u.pathname.startsWith('/admin/sign-in')),
    page.click('button[type=submit]'),
  ]);
}

/** The `Cookie` header of the browser's admin session (for plain fetch with a real session). */
export async function cookieHeader(page: Page, baseUrl: string): Promise<string> {
  const cookies = await page.context().cookies(`${baseUrl}/admin/`);
  return cookies.map((c) => `${c.name}=${c.value}`).join('; ');
}

/** Polls `fn` with reloads of the page until it is truthy. */
export async function untilAfterReload(
  page: Page,
  fn: () => Promise<boolean>,
  what: string,
  timeoutMs = 30_000,
): Promise<void> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    if (await fn()) return;
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what} on ${page.url()}`);
    await new Promise((r) => setTimeout(r, 500));
    await page.reload();
  }
}

/** Waits until the first element matching `selector` has exactly `expected` as its text (e.g. a live preview). */
export async function waitForText(page: Page, selector: string, expected: string, timeoutMs = 10_000): Promise<void> {
  // Polled from here: the admin pages' CSP forbids the string evaluation page.waitForFunction would use.
  const end = Date.now() + timeoutMs;
  let last: string | null = null;
  while (Date.now() < end) {
    last = await page.locator(selector).first().textContent();
    if (last === expected) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${selector} to read "${expected}" (last: "${last}")`);
}

/** Does the element matching `selector` have the focus? */
export async function hasFocus(page: Page, selector: string): Promise<boolean> {
  return (await page.evaluate(
    `document.activeElement === document.querySelector(${JSON.stringify(selector)})`,
  )) as boolean;
}
