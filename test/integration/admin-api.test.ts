import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { DocnotifyClient } from '../../src/client';
import { createLogger } from '../../src/log';
import { openStores, type Stores } from '../../src/store';
import { buildServer } from '../../src/web/server';
import { runCli } from '../helpers/cli';
import { testConfig, uid } from '../helpers/env';

const config = testConfig();
let app: FastifyInstance;
let stores: Stores;
let client: DocnotifyClient;
const auth = { authorization: `Bearer ${config.API_TOKEN}` };
const dir = mkdtempSync(path.join(tmpdir(), 'docnotify-admin-'));
const file = (name: string, content: unknown) => {
  const p = path.join(dir, name);
  writeFileSync(p, typeof content === 'string' ? content : JSON.stringify(content));
  return p;
};

beforeAll(async () => {
  stores = await openStores(config.DATABASE_URL!, config, { max: 3 });
  client = await DocnotifyClient.connect({ address: config.TEMPORAL_ADDRESS, taskQueue: config.TASK_QUEUE });
  app = await buildServer({
    config,
    client,
    stores,
    log: createLogger('silent'),
    sendTest: async () => ({ status: 'skipped' }),
  });
});
afterAll(async () => {
  await app?.close();
  await client?.close();
  await stores?.db.end();
});

const call = (method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, payload?: unknown) =>
  app.inject({ method, url, headers: auth, payload: payload as object });

describe('rules API', () => {
  const tenant = uid('t');
  const rule = {
    name: 'Approval reminder',
    trigger: { status: 'pending_approval' },
    delay: '5m',
    repeat: { interval: '1d', maxCount: 3 },
    actions: ['approve', 'reject'],
  };

  test('create, list with filters, get, update (version bump), deactivate, activate, delete', async () => {
    const created = await call('POST', `/api/v1/rules?tenant=${tenant}`, rule);
    expect(created.statusCode).toBe(201);
    const r = created.json();
    expect(r).toMatchObject({
      name: 'Approval reminder',
      tenantId: tenant,
      active: true,
      version: 1,
      delay: { kind: 'elapsed', ms: 300_000 },
    });
    expect((await call('GET', `/api/v1/rules?tenant=${tenant}&status=pending_approval`)).json()).toHaveLength(1);
    expect((await call('GET', `/api/v1/rules?tenant=${tenant}&status=error`)).json()).toHaveLength(0);
    const updated = await call('PUT', `/api/v1/rules/${r.id}?tenant=${tenant}`, { ...rule, priority: 'high' });
    expect(updated.json()).toMatchObject({ priority: 'high', version: 2 });
    expect((await call('POST', `/api/v1/rules/${r.id}/deactivate?tenant=${tenant}`)).json()).toMatchObject({
      active: false,
      version: 3,
    });
    expect((await call('GET', `/api/v1/rules?tenant=${tenant}&active=false`)).json()).toHaveLength(1);
    expect((await call('POST', `/api/v1/rules/${r.id}/activate?tenant=${tenant}`)).json()).toMatchObject({
      active: true,
    });
    expect((await call('DELETE', `/api/v1/rules/${r.id}?tenant=${tenant}`)).statusCode).toBe(204);
    expect((await call('GET', `/api/v1/rules/${r.id}?tenant=${tenant}`)).statusCode).toBe(404);
  });

  test.each([
    [{ ...rule, delay: 'soon' }, /delay: "soon" is not a duration/],
    [{ ...rule, name: '' }, /name: name must not be empty/],
    [{ ...rule, trigger: { status: 'paid' } }, /trigger.*unknown status "paid"/],
    [{ ...rule, priority: 'urgent' }, /priority: priority must be low, medium or high/],
    [{ ...rule, recipients: { assignee: false } }, /recipients: choose at least one recipient/],
    [{ ...rule, escalation: [{ after: '1d' }] }, /escalation.0: an escalation level needs recipients/],
    [{ ...rule, colour: 'red' }, /colour/],
    [{ ...rule, calendar: 'madrid' }, /calendar: tenant .* has no calendar named "madrid"/],
  ])('invalid rule %# → 400 naming the field', async (body, message) => {
    const res = await call('POST', `/api/v1/rules?tenant=${tenant}`, body);
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toMatch(message);
  });

  test('a duplicate name → 409 naming the field', async () => {
    const t = uid('t');
    expect((await call('POST', `/api/v1/rules?tenant=${t}`, rule)).statusCode).toBe(201);
    const again = await call('POST', `/api/v1/rules?tenant=${t}`, rule);
    expect(again.statusCode).toBe(409);
    expect(again.json().error).toMatch(/name: a rule named "Approval reminder" already exists/);
  });
});

describe('rules CLI', () => {
  test('rules create -f, list, deactivate; a bad file exits 2 naming the field; malformed JSON exits 2', async () => {
    const tenant = uid('t');
    const ok = await runCli(
      [
        'rules',
        'create',
        '-f',
        file('ok.json', { name: 'From file', trigger: { status: 'error' }, delay: 'PT90S' }),
        '--tenant',
        tenant,
      ],
      config,
    );
    expect(ok.stderr).toBe('');
    expect(ok.code).toBe(0);
    const created = JSON.parse(ok.stdout);
    expect(created).toMatchObject({ name: 'From file', tenantId: tenant, delay: { ms: 90_000 } });
    const list = await runCli(['rules', 'list', '--tenant', tenant, '--json'], config);
    expect(JSON.parse(list.stdout).map((r: { name: string }) => r.name)).toEqual(['From file']);
    const off = await runCli(['rules', 'deactivate', created.id, '--tenant', tenant], config);
    expect(off.stdout).toMatch(/deactivated/);
    const bad = await runCli(
      [
        'rules',
        'create',
        '-f',
        file('bad.json', { name: 'Bad', trigger: { status: 'error' }, repeat: { interval: '1h', maxCount: 0 } }),
        '--tenant',
        tenant,
      ],
      config,
    );
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/repeat.maxCount: maxCount must be at least 1/);
    const broken = await runCli(
      ['rules', 'create', '-f', file('broken.json', '{"name": '), '--tenant', tenant],
      config,
    );
    expect(broken.code).toBe(2);
    expect(broken.stderr).toMatch(/malformed JSON/);
    const missing = await runCli(['rules', 'get', '00000000-0000-0000-0000-000000000000', '--tenant', tenant], config);
    expect(missing.code).toBe(3);
  });
});

describe('directory API', () => {
  test('users and groups; bad input names the field', async () => {
    const tenant = uid('t');
    const put = await call('PUT', `/api/v1/directory/users/ana?tenant=${tenant}`, {
      email: 'ana@example.com',
      name: 'Ana',
      locale: 'es',
      timeZone: 'Europe/Madrid',
      managerId: 'bob',
      roles: ['approver'],
    });
    expect(put.statusCode).toBe(200);
    expect((await call('PUT', `/api/v1/directory/groups/ap?tenant=${tenant}`, { members: ['ana'] })).statusCode).toBe(
      200,
    );
    expect((await call('GET', `/api/v1/directory?tenant=${tenant}`)).json()).toMatchObject({
      users: [{ id: 'ana', managerId: 'bob' }],
      groups: [{ id: 'ap', members: ['ana'] }],
    });
    const badTz = await call('PUT', `/api/v1/directory/users/x?tenant=${tenant}`, {
      email: 'x@example.com',
      timeZone: 'Mars/Olympus',
    });
    expect(badTz.statusCode).toBe(400);
    expect(badTz.json().error).toMatch(/timeZone: is not an IANA time zone/);
    const badEmail = await call('PUT', `/api/v1/directory/users/y?tenant=${tenant}`, { email: 'nope' });
    expect(badEmail.json().error).toMatch(/email: "nope" is not an email address/);
    expect((await call('DELETE', `/api/v1/directory/users/ana?tenant=${tenant}`)).statusCode).toBe(204);
    expect((await call('DELETE', `/api/v1/directory/users/ana?tenant=${tenant}`)).statusCode).toBe(404);
  });
});

describe('tenant settings: calendars are refused where entered, naming the field; nothing half-saved', () => {
  const tenant = uid('t');
  const good = {
    locale: 'es',
    calendar: { timeZone: 'Europe/Madrid', holidays: { country: 'ES', region: 'MD' } },
    calendars: { berlin: { timeZone: 'Europe/Berlin', holidays: { country: 'DE' } } },
    adminEmails: ['ops@example.com'],
  };

  test.each([
    [
      { ...good, calendar: { ...good.calendar, timeZone: 'Mars/Olympus' } },
      /calendar.timeZone.*"Mars\/Olympus" is not a valid IANA time zone/,
    ],
    [{ ...good, calendar: { ...good.calendar, workingHours: { start: '18:00', end: '09:00' } } }, /workingHours/],
    [
      { ...good, calendar: { ...good.calendar, holidays: { country: 'ES', region: 'XX' } } },
      /region "XX" is not a region of ES/,
    ],
    [
      { ...good, calendars: { berlin: { timeZone: 'Europe/Berlin', workingDays: [] } } },
      /calendars.berlin.workingDays/,
    ],
    [{ ...good, webhookUrl: 'https://pipeline.example.com/hook' }, /webhookSecret: webhookSecret is required/],
    [{ ...good, adminEmails: ['not-an-address'] }, /adminEmails.0/],
  ])('bad settings %# → 400, old settings kept', async (body, message) => {
    expect((await call('PUT', `/api/v1/tenants/${tenant}`, good)).statusCode).toBe(200);
    const res = await call('PUT', `/api/v1/tenants/${tenant}`, body);
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toMatch(message);
    expect((await call('GET', `/api/v1/tenants/${tenant}`)).json()).toMatchObject({
      locale: 'es',
      calendar: good.calendar,
      adminEmails: ['ops@example.com'],
    });
  });

  test('a rule may then select a named calendar; the CLI refuses a bad file with exit 2', async () => {
    expect((await call('PUT', `/api/v1/tenants/${tenant}`, good)).statusCode).toBe(200);
    expect(
      (
        await call('POST', `/api/v1/rules?tenant=${tenant}`, {
          name: 'Berlin',
          trigger: { status: 'on_hold' },
          calendar: 'berlin',
        })
      ).statusCode,
    ).toBe(201);
    const bad = await runCli(
      ['tenant', 'set', '--tenant', tenant, '-f', file('tenant.json', { calendar: { timeZone: 'Nowhere/Land' } })],
      config,
    );
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/calendar.timeZone/);
  });
});

describe('templates and log API', () => {
  test('saving a template with an unknown placeholder → 400 naming it; a good one is listed', async () => {
    const tenant = uid('t');
    const bad = await call('PUT', `/api/v1/templates/custom_notice/en?tenant=${tenant}`, {
      subject: 'Hi {{invoice_numbr}}',
      html: '<p>x</p>',
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error).toMatch(/unknown placeholder "\{\{invoice_numbr\}\}" in subject/);
    const ok = await call('PUT', `/api/v1/templates/custom_notice/en?tenant=${tenant}`, {
      subject: 'Invoice {{invoice_id}}',
      html: '<p>{{supplier_name}}</p>',
    });
    expect(ok.statusCode).toBe(200);
    const list = (await call('GET', `/api/v1/templates?tenant=${tenant}&name=custom_notice`)).json();
    expect(list).toMatchObject([{ name: 'custom_notice', locale: 'en', isDefault: false }]);
    expect((await call('GET', `/api/v1/templates?tenant=${tenant}&name=reminder`)).json()).toHaveLength(3);
  });

  test('log query parameters are validated', async () => {
    const res = await call('GET', '/api/v1/log?since=yesterday');
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toMatch(/since: must be an ISO-8601 timestamp/);
    expect((await call('GET', '/api/v1/log?limit=5')).statusCode).toBe(200);
  });
});
