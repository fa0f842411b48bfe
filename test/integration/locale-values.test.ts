/**
 * Issue 14.5 acceptance: the same document, its due date and amount, printed as `Intl` prints them in the de and es
 * emails (Mailpit: HTML and text), on the action page and on the admin timeline (the tenant's language); the real
 * worker, Temporal,
 * PostgreSQL and Mailpit, the web server through `app.inject`.
 */
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import pino from 'pino';
import { DocnotifyClient } from '../../src/client';
import { buildServer } from '../../src/web/server';
import { eventually, testConfig, uid } from '../helpers/env';
import { message, waitForMail } from '../helpers/mailpit';
import { startTestWorker } from '../helpers/worker';

const config = testConfig();
const NBSP = '\u00a0';
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

/** A document due 2026-12-10 10:00 UTC for 1234.50 EUR, assigned to a user of `locale` in Europe/Madrid. */
async function documentFor(locale: 'de' | 'es' | 'en') {
  const tenant = uid('tenant');
  await worker.stores.tenants.put({ id: tenant, locale, calendar: null, calendars: {}, adminEmails: [] });
  await worker.stores.rules.create({
    name: 'Approval',
    tenantId: tenant,
    trigger: { status: 'pending_approval' },
    actions: ['approve', 'open'],
    recipients: { assignee: true },
  });
  const to = `${uid(`reader-${locale}`)}@example.com`;
  await worker.stores.directory.putUser(tenant, { id: 'reader', email: to, locale, timeZone: 'Europe/Madrid' });
  const doc = uid('INV');
  const base = { tenantId: tenant, documentId: doc } as const;
  await client.sendEvent({
    ...base,
    type: 'fields_updated',
    fields: { invoice_id: 'R-1', supplier_name: 'ACME', total_amount: 1234.5, currency: 'EUR' },
  });
  await client.sendEvent({ ...base, type: 'due_date_set', dueAt: '2026-12-10T10:00:00.000Z' });
  await client.sendEvent({ ...base, type: 'assigned', assignee: 'reader' });
  await client.sendEvent({ ...base, type: 'status_changed', status: 'pending_approval' });
  const [mail] = await waitForMail(to);
  const full = await message(mail.ID);
  const token = full.HTML.match(/\/actions\/([A-Za-z0-9._~-]+)"/)?.[1];
  expect(token).toBeDefined();
  return { tenant, doc, to, mail: full, token: token! };
}

test.each([
  { locale: 'de' as const, date: '10.12.2026', amount: `1.234,50${NBSP}€`, label: 'Betrag' },
  { locale: 'es' as const, date: '10/12/2026', amount: `1234,50${NBSP}€`, label: 'Importe' },
  { locale: 'en' as const, date: '12/10/2026', amount: '€1,234.50', label: 'Amount' },
])(
  '$locale: $date and $amount in the email, on the action page and on the admin timeline',
  async ({ locale, date, amount, label }) => {
    const { mail, token, to, tenant, doc } = await documentFor(locale);
    for (const part of [mail.HTML, mail.Text]) {
      expect(part).toContain(date);
      expect(part).toContain(amount);
      expect(part).not.toContain('EUR');
    }
    expect(mail.HTML).toContain(label);

    const page = await app.inject({ method: 'GET', url: `/actions/${token}?lang=${locale}` });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain(`<html lang="${locale}">`);
    expect(page.body).toContain(amount);
    expect(page.body).toContain(date);
    expect(page.body).not.toContain('2026-12-10');
    // the page shows the due date as the email does: `{{due_date}} ({{due_in}})`
    const dueInEmail = new RegExp(`${date.replace(/\./g, '\\.')} \\(([^)]+)\\)`).exec(mail.Text)?.[1];
    // in the reader's words, whichever side of the deadline the test runs on
    expect(dueInEmail).toMatch(
      {
        de: /^(in \d+ Tagen?|vor \d+ Tagen?)$/,
        es: /^(dentro de \d+ días?|hace \d+ días?)$/,
        en: /^(in \d+ days?|\d+ days? ago)$/,
      }[locale],
    );
    expect(page.body).toContain(`${date} (${dueInEmail})`);
    expect(to).toContain(locale);
    await eventually(async () => (await client.getState(doc, tenant)).emailCount === 1, 'the email recorded');

    // the admin timeline prints the due date and the amount the same way (the tenant speaks `locale` too)
    const cookie = await signIn(tenant);
    const timeline = await app.inject({
      method: 'GET',
      url: `/admin/documents/${tenant}/${doc}`,
      headers: { cookie },
      remoteAddress: '10.7.0.1',
    });
    expect(timeline.statusCode).toBe(200);
    expect(timeline.body).toContain(amount);
    expect(timeline.body).toContain(date);
  },
);

/** Signs a new administrator of the tenant in; @returns the cookie header. */
async function signIn(tenant: string): Promise<string> {
  const user = `${uid('admin')}@a.example`;
  const password = 'correct horse battery staple';
  await worker.stores.admins.put({ tenantId: tenant, username: user, password });
  const jar = new Map<string, string>();
  const remember = (res: LightMyRequestResponse) => {
    for (const c of res.cookies as { name: string; value: string }[]) jar.set(c.name, c.value);
    return res;
  };
  const cookie = () => [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
  const form = remember(await app.inject({ method: 'GET', url: '/admin/sign-in', remoteAddress: '10.7.0.1' }));
  const csrf = /name="_csrf" value="([^"]+)"/.exec(form.body)![1];
  const signed = remember(
    await app.inject({
      method: 'POST',
      url: '/admin/sign-in',
      remoteAddress: '10.7.0.1',
      headers: { cookie: cookie(), 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ _csrf: csrf, next: '/admin/rules', user, password }).toString(),
    }),
  );
  expect(signed.statusCode).toBe(303);
  return cookie();
}
