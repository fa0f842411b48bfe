/**
 * Issue 12, point 3 (SSRF) with a real listener on loopback, real PostgreSQL and the real HTTP server, under the
 * default (strict) webhook policy: every internal address class is refused when the tenant settings are saved, and
 * a URL that got into the database anyway is refused at delivery — the listener receives nothing, and the
 * delivery is not retried.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { createActivities } from '../../src/activities';
import { DocnotifyClient } from '../../src/client';
import { Mailer } from '../../src/email/transport';
import { createLogger } from '../../src/log';
import { openStores, type Stores } from '../../src/store';
import { buildServer } from '../../src/web/server';
import { testConfig, uid } from '../helpers/env';

// The strict policy of a default deployment: https only, any public host, nothing internal.
const config = testConfig({ WEBHOOK_ALLOW_HTTP: 'false', WEBHOOK_ALLOWED_HOSTS: '' });
let stores: Stores;
let client: DocnotifyClient;
let app: FastifyInstance;
let listener: http.Server;
let port: number;
const received: string[] = [];

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
  listener = http.createServer((req, res) => {
    received.push(`${req.method} ${req.url}`);
    res.end('ok');
  });
  await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
  port = (listener.address() as AddressInfo).port;
});
afterAll(async () => {
  await app?.close();
  await client?.close();
  await stores?.db.end();
  await new Promise((resolve) => listener?.close(resolve));
});

const internal = () => [
  `http://127.0.0.1:${port}/hook`,
  `https://127.0.0.1:${port}/hook`,
  `https://localhost:${port}/hook`,
  `https://[::1]:${port}/hook`,
  `https://2130706433:${port}/hook`,
  `https://[::ffff:127.0.0.1]:${port}/hook`,
  'https://169.254.169.254/latest/meta-data/',
  'https://10.0.0.1/hook',
  'https://172.16.5.4/hook',
  'https://192.168.1.1/hook',
  'https://100.64.0.1/hook',
  'https://[fd00::1]/hook',
  'https://0.0.0.0/hook',
  'https://224.0.0.1/hook',
  'https://metadata.google.internal/computeMetadata/v1/',
];

test('saving tenant settings refuses every internal destination with a 400 naming webhookUrl', async () => {
  const tenant = uid('ssrf');
  for (const webhookUrl of internal()) {
    const res = await app.inject({
      method: 'PUT',
      url: `/api/v1/tenants/${tenant}`,
      headers: { authorization: `Bearer ${config.API_TOKEN}` },
      payload: { locale: 'en', webhookUrl, webhookSecret: 'whsec_0123456789abcdef' },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().issues).toEqual([{ path: 'webhookUrl', message: expect.any(String) }]);
  }
  expect((await stores.tenants.get(tenant)).webhookUrl).toBeUndefined();
  expect(received).toEqual([]);
});

test('a destination that reached the database anyway is refused at delivery: nothing is sent, nothing retried', async () => {
  const mailer = new Mailer({ ...config, SMTP_URL: config.SMTP_URL! });
  const activities = createActivities({ config, ...stores, mailer, log: createLogger('silent') });
  try {
    for (const webhookUrl of internal()) {
      const tenantId = uid('ssrf');
      await stores.tenants.put({
        id: tenantId,
        locale: 'en',
        calendar: null,
        calendars: {},
        adminEmails: [],
        webhookUrl,
        webhookSecret: 'whsec_0123456789abcdef',
      });
      const snapshot = {
        tenantId,
        documentId: 'INV-1',
        documentType: 'invoice',
        status: 'approved',
        fields: {},
        escalationLevel: 0,
        task: { id: 't1', version: 1 },
        decision: { action: 'approve', actor: 'ana@example.com', at: new Date().toISOString() },
      };
      const result = await activities.deliverDecision({ snapshot: snapshot as never, key: 't1:decision' });
      expect(result.delivered).toBe(false);
      expect(result.reason).toMatch(/must use https|not a public address|does not resolve/);
    }
    expect(received).toEqual([]);
  } finally {
    mailer.close();
  }
});
