/**
 * Issue 11, point 1 on the real stack: the worker, the web server and the client (as the CLI uses it) connect to
 * the real Temporal dev server through TLS — server-only TLS, then mTLS — with a CA and certificates made for this
 * run (test/helpers/tls.ts terminates TLS in front of the dev server, as an ingress would). A wrong CA and a missing
 * client certificate are refused with a message that says what was tried.
 */
import { DocnotifyClient } from '../../src/client';
import { loadConfig, type Config } from '../../src/config';
import { openStores, type Stores } from '../../src/store';
import { startWeb } from '../../src/web/start';
import { startWorker } from '../../src/worker';
import { findFreePort } from '../../src/dev/services';
import { eventually, stackEnv, testConfig, uid, workflowBundle } from '../helpers/env';
import { waitForMail } from '../helpers/mailpit';
import { address } from '../helpers/scenario';
import { makePki, startTlsProxy, type TestPki, type TlsProxy } from '../helpers/tls';

let pki: TestPki;
let stores: Stores;
const proxies: TlsProxy[] = [];

beforeAll(async () => {
  pki = makePki();
  const config = testConfig();
  stores = await openStores(config.DATABASE_URL!, config, { max: 3 });
});
afterAll(async () => {
  for (const p of proxies) await p.close();
  await stores?.db.end();
});

async function proxy(mtls: boolean): Promise<TlsProxy> {
  const p = await startTlsProxy(pki, stackEnv().temporalAddress, mtls);
  proxies.push(p);
  return p;
}

/** The test config, reaching Temporal through `p` with these TEMPORAL_TLS_* variables (parsed as any process would). */
function configVia(p: TlsProxy, tls: Record<string, string>): Config {
  const base = testConfig();
  return loadConfig({
    DATABASE_URL: base.DATABASE_URL,
    SMTP_URL: base.SMTP_URL,
    TASK_QUEUE: base.TASK_QUEUE,
    API_TOKEN: base.API_TOKEN,
    ACTION_LINK_SECRET: base.ACTION_LINK_SECRET,
    LOG_LEVEL: 'warn',
    TEMPORAL_ADDRESS: p.address,
    TEMPORAL_TLS_SERVER_NAME: 'localhost',
    ...tls,
  });
}

/**
 * A document through the worker and a client that both connect with `config`: its first email arrives; the web server
 * (started with the same config) reads the document's state through Temporal and says Temporal is healthy.
 */
async function roundTrip(config: Config): Promise<void> {
  const worker = await startWorker(config, { stores, workflowBundle: await workflowBundle() });
  const client = await DocnotifyClient.connect({ ...config.temporal, taskQueue: config.TASK_QUEUE });
  const web = await startWeb({ ...config, PORT: await findFreePort() }, { stores, host: '127.0.0.1' });
  try {
    const tenantId = uid('tls');
    const to = address('tls');
    await stores.rules.create({
      name: 'TLS approval',
      tenantId,
      trigger: { status: 'pending_approval' },
      recipients: { assignee: false, addresses: [to] },
    });
    await client.sendEvent({ type: 'status_changed', tenantId, documentId: 'TLS-1', status: 'pending_approval' });
    expect(await waitForMail(to, 1, 30_000)).toHaveLength(1);
    // The email can reach the inbox a moment before the workflow records the activity's result.
    await eventually(async () => (await client.getState('TLS-1', tenantId)).emailCount === 1, 'the email recorded');
    const health = await web.app.inject({ method: 'GET', url: '/healthz' });
    expect(health.json()).toMatchObject({ ok: true, checks: { temporal: 'ok' } });
    const state = await web.app.inject({
      method: 'GET',
      url: `/api/v1/documents/TLS-1?tenant=${tenantId}`,
      headers: { authorization: `Bearer ${config.API_TOKEN}` },
    });
    expect([state.statusCode, state.json().emailCount]).toEqual([200, 1]);
  } finally {
    await web.close();
    await client.close();
    await worker.shutdown();
  }
}

test('server TLS: the worker and the client connect with the server CA; a wrong CA is refused, saying so', async () => {
  const p = await proxy(false);
  await roundTrip(configVia(p, { TEMPORAL_TLS_SERVER_CA_CERT_PATH: pki.ca }));
  const wrong = configVia(p, { TEMPORAL_TLS_SERVER_CA_CERT_PATH: pki.otherCa });
  await expect(DocnotifyClient.connect({ ...wrong.temporal, taskQueue: wrong.TASK_QUEUE })).rejects.toThrow(
    new RegExp(`could not connect to Temporal at ${p.address} \\(namespace default, TLS\\)`),
  );
  await expect(startWorker(wrong, { stores, workflowBundle: await workflowBundle() })).rejects.toThrow(
    /could not connect to Temporal at .* TLS\).*(certificate|UnknownIssuer|invalid peer)/is,
  );
  const plain = configVia(p, { TEMPORAL_TLS: 'false' });
  await expect(
    DocnotifyClient.connect({ ...plain.temporal, taskQueue: plain.TASK_QUEUE }).then((c) =>
      c.temporal.workflowService.getSystemInfo({}),
    ),
  ).rejects.toThrow();
}, 120_000);

test('mTLS: with the client certificate both connect; without it the server refuses the connection', async () => {
  const p = await proxy(true);
  await roundTrip(
    configVia(p, {
      TEMPORAL_TLS_SERVER_CA_CERT_PATH: pki.ca,
      TEMPORAL_TLS_CLIENT_CERT_PATH: pki.clientCert,
      TEMPORAL_TLS_CLIENT_KEY_PATH: pki.clientKey,
    }),
  );
  const noCert = configVia(p, { TEMPORAL_TLS_SERVER_CA_CERT_PATH: pki.ca });
  await expect(startWorker(noCert, { stores, workflowBundle: await workflowBundle() })).rejects.toThrow(
    /could not connect to Temporal at .* TLS\)/,
  );
  await expect(
    DocnotifyClient.connect({ ...noCert.temporal, taskQueue: noCert.TASK_QUEUE }).then((c) =>
      c.temporal.workflowService.getSystemInfo({}),
    ),
  ).rejects.toThrow();
}, 120_000);
