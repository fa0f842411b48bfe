/**
 * Issue 10: an email reads one query of facts (versions, suppression, preferences) and takes the tenant's settings,
 * rules and templates from the worker's caches at those versions. What an administrator changes must still take
 * effect from the very next email: a template saved or removed, the tenant's locale, a suppression, a preference.
 * Real PostgreSQL and Mailpit; the activities of one worker, so its caches are warm between the emails.
 */
import { createActivities, type EmailJob } from '../../src/activities';
import { Mailer } from '../../src/email/transport';
import { createLogger } from '../../src/log';
import { openStores, type Stores } from '../../src/store';
import { pickTemplate, SHIPPED } from '../../src/store/templates';
import { waitForMail } from '../helpers/mailpit';
import { testConfig, uid } from '../helpers/env';

const config = testConfig();
let stores: Stores;
let mailer: Mailer;
let activities: ReturnType<typeof createActivities>;

beforeAll(async () => {
  stores = await openStores(config.DATABASE_URL!, config, { max: 3 });
  mailer = new Mailer({ ...config, SMTP_URL: config.SMTP_URL! });
  activities = createActivities({ config, ...stores, mailer, log: createLogger('silent') });
});
afterAll(async () => {
  mailer?.close();
  await stores?.db.end();
});

/** A reminder-template email about an exported document (an FYI email: `processing_completed`). */
function job(tenantId: string, to: string, n: number): EmailJob {
  return {
    ledgerKey: `${tenantId}/DOC-${n}/t:first:0/${to}`,
    kind: 'first',
    seq: 0,
    template: 'reminder',
    priority: 'medium',
    recipient: { email: to },
    actions: [],
    snapshot: {
      tenantId,
      documentId: `DOC-${n}`,
      documentType: 'invoice',
      status: 'exported',
      fields: {},
      escalationLevel: 0,
    },
  };
}

async function tenant(locale = 'en'): Promise<string> {
  const id = uid('cache');
  await stores.tenants.put({ id, locale, calendar: null, calendars: {}, adminEmails: [] });
  return id;
}

test('a template saved or removed, and a new tenant locale, take effect from the next email', async () => {
  const t = await tenant();
  const to = `${uid('reader')}@example.com`;
  const send = async (n: number) => {
    const r = await activities.sendEmail(job(t, to, n));
    expect(r.status).toBe('sent');
    return (await waitForMail(to, n)).at(-1)!.Subject;
  };
  expect(await send(1)).toMatch(/^\[invoice DOC-1\] Reminder/); // shipped, English; now cached
  await stores.templates.put(t, { name: 'reminder', locale: 'en', subject: 'Own {{document_id}}', html: '<p>x</p>' });
  expect(await send(2)).toBe('Own DOC-2');
  await stores.templates.put(t, {
    name: 'reminder',
    locale: 'en',
    subject: 'Own again {{document_id}}',
    html: '<p>y</p>',
  });
  expect(await send(3)).toBe('Own again DOC-3');
  await stores.templates.remove(t, 'reminder', 'en');
  expect(await send(4)).toMatch(/^\[invoice DOC-4\] Reminder/);
  await stores.tenants.put({ id: t, locale: 'de', calendar: null, calendars: {}, adminEmails: [] });
  const german = pickTemplate(await stores.templates.own(SHIPPED), SHIPPED, 'reminder', '', 'de');
  expect(german.locale).toBe('de');
  const subject = await send(5);
  expect(subject).not.toMatch(/Reminder/);
  expect(subject).toContain('DOC-5');
});

test('a suppression or a preference set after an email stops the next one', async () => {
  const t = await tenant();
  const to = `${uid('reader')}@example.com`;
  expect((await activities.sendEmail(job(t, to, 1))).status).toBe('sent');
  await stores.preferences.set(t, to.toLowerCase(), { processing_completed: 'off' });
  const off = await activities.sendEmail(job(t, to, 2));
  expect(off).toMatchObject({ status: 'skipped', detail: 'preference' });
  await stores.preferences.set(t, to.toLowerCase(), { processing_completed: 'immediate' });
  expect((await activities.sendEmail(job(t, to, 3))).status).toBe('sent');
  await stores.suppressions!.add(t, { email: to.toUpperCase(), reason: 'bounced', source: 'admin' });
  const suppressed = await activities.sendEmail(job(t, to, 4));
  expect(suppressed).toMatchObject({ status: 'skipped', detail: 'suppressed' });
  expect((await waitForMail(to, 2)).map((m) => m.Subject.match(/DOC-\d/)?.[0])).toEqual(['DOC-1', 'DOC-3']);
});

test('templates versions: an edit bumps the tenant, an unchanged restart leaves the shipped version as it is', async () => {
  const version = async (id: string) =>
    Number(
      (await stores.db.query('SELECT version FROM template_versions WHERE tenant_id = $1', [id])).rows[0]?.version ?? 0,
    );
  const t = await tenant();
  expect(await version(t)).toBe(0);
  await stores.templates.put(t, { name: 'reminder', subject: 's', html: '<p>h</p>' });
  expect(await version(t)).toBe(1);
  await expect(stores.templates.remove(t, 'reminder', 'es')).rejects.toThrow(/no tenant version/);
  expect(await version(t)).toBe(1);
  await stores.templates.remove(t, 'reminder', 'en');
  expect(await version(t)).toBe(2);
  const shipped = await version(SHIPPED);
  await stores.templates.seedDefaults();
  expect(await version(SHIPPED)).toBe(shipped);
  const facts = await stores.sendFacts.read(t, 'nobody@example.com', 'nobody@example.com');
  expect(facts).toMatchObject({ templateVersions: { tenant: 2, shipped }, suppressed: false, modes: {} });
  expect(facts.rulesVersion).toBeGreaterThan(0); // the tenant's settings were saved: a rules change
});
