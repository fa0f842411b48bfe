/**
 * The admin page in a real browser against the real system: worker, Temporal, PostgreSQL, Mailpit, the CLI.
 * One rule (unique name and document type in tenant `default`) goes through its whole life: created in the
 * form, fires for an event, shows in the log and timeline, is deactivated, then deleted. Screenshots of every
 * page land in `${DOCNOTIFY_TEST_ARTIFACTS:-test-results}/screenshots/admin-*.png`.
 */
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { DocnotifyClient } from '../../src/client';
import { sendTestEmail } from '../../src/email/test-send';
import { createLogger } from '../../src/log';
import type { Rule } from '../../src/domain/rules';
import { buildServer } from '../../src/web/server';
import {
  cookieHeader,
  hasFocus,
  launchBrowser,
  screenshot,
  signIn,
  untilAfterReload,
  waitForText,
} from '../helpers/admin-browser';
import { runCli } from '../helpers/cli';
import { eventually, sleep, testConfig, uid } from '../helpers/env';
import { messagesTo, waitForMail } from '../helpers/mailpit';
import { startTestWorker } from '../helpers/worker';

const USER = 'admin';
const PASSWORD = 'correct-horse-battery';
const config = testConfig({
  ADMIN_CREDENTIALS: `${USER}:${PASSWORD}`,
  ...(process.env.TEMPORAL_UI_URL ? { TEMPORAL_UI_URL: process.env.TEMPORAL_UI_URL } : {}),
});

const docType = `doctype-${randomUUID().slice(0, 8)}`;
const ruleName = `Admin browser ${randomUUID().slice(0, 8)}`;
const owner = `${uid('owner')}@example.com`;
const doc1 = uid('ADM');
/** Documents this file started: finished in afterAll so no workflow of the tests keeps running. */
const started = [doc1];

let worker: Awaited<ReturnType<typeof startTestWorker>>;
let client: DocnotifyClient;
let app: FastifyInstance;
let base: string;
let browser: Browser;
let context: BrowserContext;
let page: Page;

beforeAll(async () => {
  worker = await startTestWorker(config);
  client = await DocnotifyClient.connect({ address: config.TEMPORAL_ADDRESS, taskQueue: config.TASK_QUEUE });
  app = await buildServer({
    config,
    client,
    stores: worker.stores,
    log: createLogger('silent'),
    sendTest: (input) => sendTestEmail(config, worker.stores, input),
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  browser = await launchBrowser();
  context = await browser.newContext({ viewport: { width: 1360, height: 900 } });
  page = await context.newPage();
});

afterAll(async () => {
  await browser?.close();
  for (const d of started)
    await client
      ?.sendEvent({ type: 'status_changed', documentId: d, documentType: docType, status: 'deleted' })
      .catch(() => undefined);
  for (const r of (await worker?.stores.rules.list('default', { documentType: docType }).catch(() => [])) ?? [])
    await worker.stores.rules.remove('default', r.id).catch(() => undefined);
  await worker?.stores.templates.remove('default', 'status_on_hold', 'en', docType).catch(() => undefined);
  await app?.close();
  await client?.close();
  await worker?.stop();
});

async function theRule(): Promise<Rule> {
  const [rule] = await worker.stores.rules.list('default', { documentType: docType });
  expect(rule).toBeDefined();
  return rule;
}

const text = async (selector: string, p: Page = page) =>
  ((await p.locator(selector).first().textContent()) ?? '').replace(/\s+/g, ' ').trim();

describe('without a session', () => {
  const pages = [
    '/admin',
    '/admin/rules',
    '/admin/rules/new',
    '/admin/rules/x',
    '/admin/rules/x/log',
    '/admin/rules/x/delete',
    '/admin/templates',
    '/admin/templates/status_on_hold',
    '/admin/directory',
    '/admin/directory/users/new',
    '/admin/directory/users/x',
    '/admin/directory/groups/new',
    '/admin/log',
    '/admin/log/email?key=x',
    '/admin/documents',
    '/admin/documents/default/X-1',
    '/admin/nope',
  ];
  const forms = [
    '/admin/rules',
    '/admin/rules/x',
    '/admin/rules/x/active',
    '/admin/rules/x/delete',
    '/admin/templates/status_on_hold',
    '/admin/templates/status_on_hold/test',
    '/admin/preview/template',
    '/admin/directory/users',
    '/admin/directory/users/x',
    '/admin/directory/users/x/delete',
    '/admin/directory/groups',
    '/admin/directory/groups/x',
    '/admin/directory/groups/x/delete',
    '/admin/sign-out',
    '/admin/tenant',
  ];

  test('every admin page redirects to the sign-in page and every form is refused with 403', async () => {
    for (const p of pages) {
      const res = await fetch(`${base}${p}`, { redirect: 'manual' });
      expect([p, res.status]).toEqual([p, 303]);
      expect(res.headers.get('location')).toMatch(/^\/admin\/sign-in\?next=%2Fadmin/);
    }
    const forged = 'docnotify_admin=v1.eyJ1IjoiYWRtaW4iLCJzIjoieCIsImUiOjk5OTk5OTk5OTk5OTl9.AAAA';
    for (const p of forms) {
      for (const cookie of [undefined, forged]) {
        const res = await fetch(`${base}${p}`, {
          method: 'POST',
          redirect: 'manual',
          headers: { 'content-type': 'application/x-www-form-urlencoded', ...(cookie ? { cookie } : {}) },
          body: 'name=x&_csrf=x',
        });
        expect([p, res.status]).toEqual([p, 403]);
      }
    }
    // The sign-in form itself needs the token of the form the browser was shown.
    const signIn = await fetch(`${base}/admin/sign-in`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `user=${USER}&password=${PASSWORD}`,
    });
    expect(signIn.status).toBe(403);
    expect(signIn.headers.get('set-cookie') ?? '').not.toMatch(/docnotify_admin=/);
    const signInPage = await fetch(`${base}/admin/sign-in`);
    expect(signInPage.status).toBe(200);
    expect(signInPage.headers.get('content-security-policy')).toMatch(/script-src 'self'/);
  });
});

describe('signed in', () => {
  test('sign-in: a wrong password is refused, the right one opens the rules list; the cookie is HttpOnly, SameSite=Lax, Path=/admin', async () => {
    await page.goto(`${base}/admin/rules`);
    expect(new URL(page.url()).pathname).toBe('/admin/sign-in');
    await screenshot(page, 'sign-in');
    await page.fill('#user', USER);
    await page.fill('#password', 'wrong-password');
    await page.click('button[type=submit]');
    expect(await text('[role=alert]')).toMatch(/not correct/);
    expect(await page.inputValue('#user')).toBe(USER);
    await page.fill('#password', PASSWORD);
    await Promise.all([page.waitForURL(`${base}/admin/rules`), page.click('button[type=submit]')]);
    expect(await text('h1')).toBe('Notification rules');
    const [session] = (await context.cookies(`${base}/admin/`)).filter((c) => c.name === 'docnotify_admin');
    expect(session).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/admin' });
    expect(session.expires).toBeGreaterThan(Date.now() / 1000);
  });

  test('a POST with the session but without its CSRF token is refused', async () => {
    const cookie = await cookieHeader(page, base);
    const res = await fetch(`${base}/admin/rules`, {
      method: 'POST',
      redirect: 'manual',
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
      body: `name=${encodeURIComponent(ruleName)}&trigger=status%3Aon_hold`,
    });
    expect(res.status).toBe(403);
    const wrong = await fetch(`${base}/admin/rules`, {
      method: 'POST',
      redirect: 'manual',
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
      body: `_csrf=AAAA&name=${encodeURIComponent(ruleName)}`,
    });
    expect(wrong.status).toBe(403);
    expect(await worker.stores.rules.list('default', { documentType: docType })).toHaveLength(0);
    const get = await fetch(`${base}/admin/rules`, { redirect: 'manual', headers: { cookie } });
    expect(get.status).toBe(200);
  });

  test('create a rule through the form: a bad delay is shown beside the field with the values kept; then it saves', async () => {
    await page.goto(`${base}/admin/rules/new`);
    await page.fill('#f-name', ruleName);
    await page.fill('#f-documentType', docType);
    await page.selectOption('#f-trigger', 'status:on_hold');
    await page.selectOption('#f-priority', 'high');
    // Assignee checked (the default): the fixed-address field is hidden; unchecked, it shows.
    expect(await page.isChecked('#f-recipients-assignee')).toBe(true);
    expect(await page.isVisible('#f-recipients-addresses')).toBe(false);
    await page.uncheck('#f-recipients-assignee');
    expect(await page.isVisible('#f-recipients-addresses')).toBe(true);
    await page.check('#f-recipients-assignee');
    expect(await page.isVisible('#f-recipients-addresses')).toBe(false);
    // Repeat fields appear with the toggle.
    expect(await page.isVisible('#f-repeat-interval')).toBe(false);
    await page.check('#f-repeat-enabled');
    await page.fill('#f-repeat-interval', '1h');
    await page.fill('#f-repeat-maxCount', '3');
    await page.check('#f-actions-4'); // open
    // An escalation level, added with the form's own button (no script needed).
    await page.click('button[value=add-level]');
    await page.waitForSelector('#f-escalation-0-after');
    expect(await page.inputValue('#f-name')).toBe(ruleName);
    await page.fill('#f-escalation-0-after', '2h');
    await page.fill('#f-escalation-0-addresses', `${uid('boss')}@example.com`);
    await page.fill('#f-delay', 'soon');
    await screenshot(page, 'rule-form');
    await page.click('button[type=submit][value=save]:not(.visually-hidden)');
    await page.waitForSelector('#f-delay-error');
    expect(await text('#f-delay-error')).toMatch(/"soon" is not a duration/);
    expect(await page.getAttribute('#f-delay', 'aria-invalid')).toBe('true');
    expect(await text('.error-summary')).toMatch(/Delay: "soon" is not a duration/);
    expect(await page.inputValue('#f-name')).toBe(ruleName);
    expect(await page.inputValue('#f-documentType')).toBe(docType);
    expect(await page.inputValue('#f-trigger')).toBe('status:on_hold');
    expect(await page.inputValue('#f-repeat-interval')).toBe('1h');
    expect(await page.inputValue('#f-escalation-0-after')).toBe('2h');
    expect(await page.isChecked('#f-actions-4')).toBe(true);
    expect(await hasFocus(page, '.error-summary')).toBe(true);
    await screenshot(page, 'rule-form-error');
    expect(await worker.stores.rules.list('default', { documentType: docType })).toHaveLength(0);

    await page.fill('#f-delay', '0s');
    await Promise.all([
      page.waitForURL(`${base}/admin/rules`),
      page.click('button[type=submit][value=save]:not(.visually-hidden)'),
    ]);
    expect(await text('.flash')).toContain(`Rule “${ruleName}” created.`);
    const row = page.locator('#rules-table tbody tr', { hasText: ruleName });
    expect(await row.count()).toBe(1);
    expect((await row.textContent())?.replace(/\s+/g, ' ')).toMatch(
      new RegExp(`${docType}.*On hold.*High.*Immediately.*repeat every 1h.*Assigned user/group.*Active`),
    );
    await screenshot(page, 'rules');
    const rule = await theRule();
    expect(rule).toMatchObject({
      name: ruleName,
      active: true,
      tenantId: 'default',
      documentType: docType,
      trigger: { status: 'on_hold' },
      priority: 'high',
      repeat: { maxCount: 3 },
      actions: ['open'],
      recipients: { assignee: true, addresses: [] },
    });
    expect(rule.repeat?.interval).toEqual({ kind: 'elapsed', ms: 3_600_000 });
    expect(rule.escalation).toHaveLength(1);

    // The filters find it by document type and status.
    await page.goto(`${base}/admin/rules?type=${docType}&status=on_hold`);
    expect(await page.locator('#rules-table tbody tr').count()).toBe(1);
    await page.goto(`${base}/admin/rules?type=${docType}&status=error`);
    expect(await text('.empty-title')).toBe('No rules match these filters');
  });

  test('edit the rule: the form shows the stored values, and a change is saved', async () => {
    const before = await theRule();
    await page.goto(`${base}/admin/rules?type=${docType}`);
    await page.click(`a[aria-label="Edit ${ruleName}"]`);
    expect(await text('h1')).toBe(`Edit rule “${ruleName}”`);
    expect(await page.inputValue('#f-delay')).toBe('0s');
    expect(await page.isChecked('#f-repeat-enabled')).toBe(true);
    expect(await page.inputValue('#f-repeat-interval')).toBe('1h');
    expect(await page.inputValue('#f-escalation-0-after')).toBe('2h');
    expect(await page.inputValue('#f-priority')).toBe('high');
    await page.check('#f-resendOnReassignment');
    await Promise.all([
      page.waitForURL(`${base}/admin/rules`),
      page.click('button[type=submit][value=save]:not(.visually-hidden)'),
    ]);
    expect(await text('.flash')).toBe(`Rule “${ruleName}” saved.`);
    const after = await theRule();
    expect(after.resendOnReassignment).toBe(true);
    expect(after.version).toBe(before.version + 1);
    expect({ ...after, version: 0, resendOnReassignment: false }).toEqual({ ...before, version: 0 });
  });

  test('another tenant without rules shows the empty state', async () => {
    const tenant = uid('tenant');
    await page.goto(`${base}/admin/rules`);
    await page.fill('#tenant-switch', tenant);
    await page.click('button:has-text("Switch")');
    await page.waitForSelector('.empty-title');
    expect(await text('.empty-title')).toBe('No rules yet');
    expect(await text('.flash')).toContain(tenant);
    await screenshot(page, 'rules-empty');
    await page.fill('#tenant-switch', 'default');
    await page.click('button:has-text("Switch")');
    await page.waitForSelector('#rules-table');
  });

  test('an event sent with the CLI shows in the rule’s log, and the rendered email opens', async () => {
    const r = await runCli(['event', doc1, 'on_hold', '--type', docType, '--assignee', owner], config);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const [mail] = await waitForMail(owner);
    expect(mail.Subject).toContain(doc1);

    await page.goto(`${base}/admin/rules?type=${docType}`);
    await page.click(`a[aria-label="Logs of ${ruleName}"]`);
    expect(await text('h1')).toBe(`Log of rule “${ruleName}”`);
    await untilAfterReload(
      page,
      async () => (await page.locator('#log-table tbody tr', { hasText: doc1 }).count()) === 1,
      'the log row',
    );
    const row =
      (await page.locator('#log-table tbody tr', { hasText: doc1 }).textContent())?.replace(/\s+/g, ' ') ?? '';
    expect(row).toContain(owner);
    expect(row).toMatch(/First email/);
    expect(row).toMatch(/sent/);
    expect(row).toMatch(/250/);
    await screenshot(page, 'rule-log');

    await page.click(`#log-table tbody tr:has-text("${doc1}") a:has-text("Open")`);
    expect(await text('h1')).toBe(mail.Subject);
    const frame = page.locator('iframe.email-frame');
    expect(await frame.getAttribute('sandbox')).toBe('');
    expect(await frame.getAttribute('srcdoc')).toContain(doc1);
    expect(await text('pre.email-text')).toContain(doc1);
    await screenshot(page, 'email');
  });

  test('the document timeline shows the planned reminder, the open task and a link to the Temporal UI', async () => {
    await page.goto(`${base}/admin/documents`);
    await screenshot(page, 'documents');
    await page.fill('#doc-id', doc1);
    await Promise.all([
      page.waitForURL(`${base}/admin/documents/default/${doc1}`),
      page.click('button:has-text("Show timeline")'),
    ]);
    const planned = await text('#planned-table');
    expect(planned).toContain(`reminder 1 of '${ruleName}'`);
    expect(planned).toContain(`escalation level 1 of '${ruleName}'`);
    expect(planned).toMatch(/in (59|60) min/);
    expect(await text('#h-task + dl')).toMatch(/Waiting in\s*On hold/);
    expect(await text('.meta')).toContain(owner);
    const link = await page.getAttribute('a:has-text("Open in Temporal UI")', 'href');
    expect(link).toBe(
      `${config.TEMPORAL_UI_URL}/namespaces/default/workflows/${encodeURIComponent(`document/default/${doc1}`)}`,
    );
    expect(await text('ol.timeline')).toMatch(/on_hold/);
    await screenshot(page, 'timeline');
  });

  test('a deactivated rule sends nothing for the next event, and its pending reminder is dropped', async () => {
    const rule = await theRule();
    await page.goto(`${base}/admin/rules?type=${docType}`);
    await page.click(`button[aria-label="Deactivate ${ruleName}"]`);
    await page.waitForSelector('.flash');
    expect(await text('.flash')).toContain('deactivated');
    expect(await text('#rules-table tbody tr')).toMatch(/Inactive/);
    expect((await theRule()).active).toBe(false);

    const doc2 = uid('ADM');
    started.push(doc2);
    const owner2 = `${uid('owner')}@example.com`;
    const r = await runCli(['event', doc2, 'on_hold', '--type', docType, '--assignee', owner2], config);
    expect(r.code).toBe(0);
    await eventually(async () => (await client.getState(doc2)).status === 'on_hold', `${doc2} on hold`);
    await sleep(5000);
    expect(await messagesTo(owner2)).toHaveLength(0);
    expect(await worker.stores.notifications.list({ documentId: doc2, ruleId: rule.id })).toHaveLength(0);
    await page.goto(`${base}/admin/rules/${rule.id}/log`);
    expect(await page.locator('#log-table tbody tr', { hasText: doc2 }).count()).toBe(0);
    // Running workflows re-read the rules: doc1's reminder is no longer planned.
    await eventually(
      async () => !(await client.getState(doc1)).pending.some((p) => p.ruleId === rule.id),
      'the reminder of the deactivated rule to be dropped',
    );
  });

  test('edit a template: the preview follows the typing, an unknown placeholder is refused beside the field, save, send test', async () => {
    await page.goto(`${base}/admin/templates`);
    await screenshot(page, 'templates');
    await page.fill('#open-name', 'status_on_hold');
    await page.fill('#open-type', docType);
    await Promise.all([
      page.waitForURL((u) => u.pathname === '/admin/templates/status_on_hold'),
      page.click('button:has-text("Open or create")'),
    ]);
    expect(await text('h1')).toBe(`Template “status_on_hold” for ${docType}`);
    const subject = '[data-preview-locale=en] [data-part=subject]';
    expect(await text(subject)).toBe(`[${docType} INV-2024-0042] Document on hold`);
    expect(await page.getAttribute('[data-preview-locale=de] iframe', 'srcdoc')).toContain('Zurückgestellt');

    await page.fill('#f-en-subject', 'Custom {{document_id}} from {{supplier_name}} ');
    await waitForText(page, subject, 'Custom INV-2024-0042 from ACME Supplies S.L.');
    // The placeholder picker inserts at the cursor of the focused field.
    await page.focus('#f-en-subject');
    await page.press('#f-en-subject', 'End');
    await page.click('button.chip[data-insert="{{invoice_id}}"]');
    expect(await page.inputValue('#f-en-subject')).toBe('Custom {{document_id}} from {{supplier_name}} {{invoice_id}}');
    await waitForText(page, subject, 'Custom INV-2024-0042 from ACME Supplies S.L. R-2024-1187');
    const originalHtml = await page.inputValue('#f-en-html');
    await page.fill('#f-en-html', `${originalHtml}<p>{{nope}}</p>`);
    await page.waitForSelector('[data-preview-locale=en] .preview-warning');
    expect(await text('[data-preview-locale=en] .preview-warning')).toContain('unknown placeholder "{{nope}}"');
    await screenshot(page, 'template-edit');

    await page.click('button[type=submit][value=save]:not(.visually-hidden)');
    await page.waitForSelector('#f-en-html-error');
    expect(await text('#f-en-html-error')).toContain('unknown placeholder "{{nope}}" in html');
    expect(await page.inputValue('#f-en-subject')).toBe('Custom {{document_id}} from {{supplier_name}} {{invoice_id}}');
    await expect(worker.stores.templates.get('default', 'status_on_hold', 'en', docType)).rejects.toThrow(/not found/);

    await page.fill('#f-en-html', originalHtml);
    await Promise.all([
      page.waitForURL((u) => u.pathname === '/admin/templates/status_on_hold' && u.search.includes(docType)),
      page.click('button[type=submit][value=save]:not(.visually-hidden)'),
    ]);
    expect(await text('.flash')).toBe(`Template “status_on_hold” saved (en) for ${docType}.`);
    const saved = await worker.stores.templates.get('default', 'status_on_hold', 'en', docType);
    expect(saved.subject).toBe('Custom {{document_id}} from {{supplier_name}} {{invoice_id}}');
    expect(saved.html).toBe(originalHtml);
    // Only the changed locale was stored for the type.
    await expect(worker.stores.templates.get('default', 'status_on_hold', 'de', docType)).rejects.toThrow(/not found/);

    const to = `${uid('test')}@example.com`;
    await page.fill('#f-to', to);
    await page.selectOption('#test-locale', 'en');
    await page.click('button:has-text("Send test email")');
    await page.waitForSelector('.flash');
    expect(await text('.flash')).toContain(`Test email sent to ${to}`);
    const [mail] = await waitForMail(to);
    expect(mail.Subject).toBe('Custom INV-2024-0042 from ACME Supplies S.L. R-2024-1187');
  });

  test('directory: create, edit and delete a user and a group; errors are shown beside the field', async () => {
    const userId = uid('user');
    const groupId = uid('group');
    await page.goto(`${base}/admin/directory`);
    await page.click('a:has-text("New user")');
    await page.fill('#f-id', userId);
    await page.fill('#f-email', 'not-an-address');
    await page.fill('#f-name', 'Alex Example');
    await page.selectOption('#f-locale', 'es');
    await page.fill('#f-timeZone', 'Mars/Base');
    await page.fill('#f-roles', 'approver, ap-clerk');
    await page.click('button:has-text("Create user")');
    await page.waitForSelector('#f-email-error');
    expect(await text('#f-email-error')).toMatch(/not an email address/);
    expect(await text('#f-timeZone-error')).toMatch(/IANA time zone/);
    expect(await page.inputValue('#f-name')).toBe('Alex Example');
    await page.fill('#f-email', `${userId}@example.com`);
    await page.fill('#f-timeZone', 'Europe/Madrid');
    await Promise.all([page.waitForURL(`${base}/admin/directory`), page.click('button:has-text("Create user")')]);
    expect(await text('.flash')).toBe(`User “${userId}” created.`);
    expect(await worker.stores.directory.getUser('default', userId)).toMatchObject({
      email: `${userId}@example.com`,
      locale: 'es',
      timeZone: 'Europe/Madrid',
      roles: ['approver', 'ap-clerk'],
      outOfOffice: false,
    });

    await page.click(`a[aria-label="Edit user ${userId}"]`);
    expect(await page.getAttribute('#f-id', 'readonly')).not.toBeNull();
    await page.check('#f-outOfOffice');
    await Promise.all([page.waitForURL(`${base}/admin/directory`), page.click('button:has-text("Save user")')]);
    expect((await worker.stores.directory.getUser('default', userId))?.outOfOffice).toBe(true);

    await page.click('a:has-text("New group")');
    await page.fill('#f-id', groupId);
    await page.fill('#f-name', 'Accounts payable');
    await page.fill('#f-members', `${userId}\nsomeone-else`);
    await Promise.all([page.waitForURL(`${base}/admin/directory`), page.click('button:has-text("Create group")')]);
    expect((await worker.stores.directory.listGroups('default')).find((g) => g.id === groupId)).toMatchObject({
      name: 'Accounts payable',
      members: [userId, 'someone-else'],
    });
    await screenshot(page, 'directory');

    for (const [what, id] of [
      ['user', userId],
      ['group', groupId],
    ]) {
      await page.click(`a[aria-label="Delete ${what} ${id}"]`);
      expect(await text('h1')).toBe(`Delete ${what} “${id}”?`);
      await Promise.all([page.waitForURL(`${base}/admin/directory`), page.click(`button:has-text("Delete ${what}")`)]);
      expect(await page.locator(`a[aria-label="Edit ${what} ${id}"]`).count()).toBe(0);
    }
    expect(await worker.stores.directory.getUser('default', userId)).toBeUndefined();
  });

  test('the overall log filters by document and status', async () => {
    await page.goto(`${base}/admin/log`);
    await page.fill('#flt-document', doc1);
    await page.click('button:has-text("Filter")');
    await page.waitForURL((u) => u.searchParams.get('document') === doc1);
    expect(await page.locator('#log-table tbody tr').count()).toBe(1);
    expect(await text('#log-table tbody tr')).toContain(ruleName);
    await screenshot(page, 'log');
    await page.selectOption('#flt-lstatus', 'failed');
    await page.click('button:has-text("Filter")');
    await page.waitForURL((u) => u.searchParams.get('status') === 'failed');
    expect(await text('.empty-title')).toBe('No emails match these filters');
  });

  test('without JavaScript: both recipient fields show, levels are added by the server, and the Preview button renders the edited template', async () => {
    const noJs = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 1360, height: 900 } });
    try {
      const p = await noJs.newPage();
      await signIn(p, base, USER, PASSWORD, '/admin/rules/new');
      expect(new URL(p.url()).pathname).toBe('/admin/rules/new');
      expect(await p.isChecked('#f-recipients-assignee')).toBe(true);
      expect(await p.isVisible('#f-recipients-addresses')).toBe(true);
      expect(await p.isVisible('#f-repeat-interval')).toBe(true);
      await p.fill('#f-name', 'kept while adding');
      await p.click('button[value=add-level]');
      await p.waitForSelector('#f-escalation-0-after');
      expect(await p.inputValue('#f-name')).toBe('kept while adding');
      // A duplicate name is refused beside the field (the store's unique constraint).
      await p.fill('#f-name', ruleName);
      await p.click('button[type=submit][value=save]:not(.visually-hidden)');
      await p.waitForSelector('#f-name-error');
      expect(await text('#f-name-error', p)).toContain(`a rule named "${ruleName}" already exists`);

      await p.goto(`${base}/admin/templates/status_on_hold?type=${docType}`);
      await p.fill('#f-es-subject', 'Sin script {{document_id}}');
      await p.click('button[data-preview-button]');
      await p.waitForLoadState();
      expect(await text('[data-preview-locale=es] [data-part=subject]', p)).toBe('Sin script INV-2024-0042');
      expect(await p.inputValue('#f-es-subject')).toBe('Sin script {{document_id}}');
      expect(await text('code.chip[data-insert="{{invoice_id}}"]', p)).toBe('{{invoice_id}}');
      await screenshot(p, 'template-preview-nojs');
    } finally {
      await noJs.close();
    }
  });

  test('delete a rule through its confirmation page', async () => {
    await page.goto(`${base}/admin/rules?type=${docType}`);
    await page.click(`a[aria-label="Delete ${ruleName}"]`);
    expect(await text('h1')).toBe(`Delete rule “${ruleName}”?`);
    await screenshot(page, 'rule-delete');
    await Promise.all([page.waitForURL(`${base}/admin/rules`), page.click('button:has-text("Delete rule")')]);
    expect(await text('.flash')).toBe(`Rule “${ruleName}” deleted.`);
    expect(await worker.stores.rules.list('default', { documentType: docType })).toHaveLength(0);
  });

  test('sign-out ends the session', async () => {
    const cookie = await cookieHeader(page, base);
    await page.goto(`${base}/admin/rules`);
    await Promise.all([
      page.waitForURL((u) => u.pathname === '/admin/sign-in'),
      page.click('button:has-text("Sign out")'),
    ]);
    // The old cookie no longer works in this process either.
    const res = await fetch(`${base}/admin/rules`, { redirect: 'manual', headers: { cookie } });
    expect(res.status).toBe(303);
  });
});
