import { Client, Connection, WorkflowNotFoundError } from '@temporalio/client';
import { Pool } from 'pg';
import type { FastifyInstance } from 'fastify';
import { DocnotifyClient } from '../../src/client';
import { workflowIdFor } from '../../src/domain/events';
import { createLogger } from '../../src/log';
import { buildServer } from '../../src/web/server';
import { runCli } from '../helpers/cli';
import { eventually, testConfig, uid } from '../helpers/env';
import { headers, message, waitForMail } from '../helpers/mailpit';
import { startTestWorker } from '../helpers/worker';

const config = testConfig();
let client: DocnotifyClient;
let worker: Awaited<ReturnType<typeof startTestWorker>>;
let app: FastifyInstance;

beforeAll(async () => {
  worker = await startTestWorker(config);
  client = await DocnotifyClient.connect({ address: config.TEMPORAL_ADDRESS, taskQueue: config.TASK_QUEUE });
  app = await buildServer({
    config,
    client,
    stores: worker.stores,
    log: createLogger('silent'),
    sendTest: async () => ({ status: 'skipped' }),
  });
});

afterAll(async () => {
  await app?.close();
  await client?.close();
  await worker?.stop();
});

/** The "processing completed" email: recipient, subject, both parts, Message-ID, thread and auto headers. */
async function expectCompletedEmail(documentId: string, to: string): Promise<void> {
  const [summary] = await waitForMail(to);
  expect(summary.Subject).toContain(documentId);
  expect(summary.Subject).toMatch(/Processing completed/);
  const m = await message(summary.ID);
  expect(m.To.map((t) => t.Address)).toEqual([to]);
  expect(m.Text).toContain(documentId);
  expect(m.HTML).toContain(documentId);
  expect(m.HTML).toMatch(/<html/i);
  expect(m.MessageID).toMatch(/^n\.[0-9a-f]{32}@test\.example$/);
  const h = await headers(summary.ID);
  expect(h['Auto-Submitted']).toEqual(['auto-generated']);
  expect(h['In-Reply-To']?.[0]).toMatch(/^<doc\.[0-9a-f]{32}@test\.example>$/);
  expect(h.References?.[0]).toBe(h['In-Reply-To']?.[0]);
}

async function expectSearchable(documentId: string, status: string): Promise<void> {
  await eventually(async () => {
    const docs = await client.list({
      query: `DocumentId = '${documentId}' AND DocumentStatus = '${status}' AND TenantId = 'default' AND DocumentType = 'invoice'`,
    });
    return docs.length === 1 ? docs : undefined;
  }, `${documentId} visible with DocumentStatus = ${status}`);
}

test('CLI: `docnotify event <id> exported --assignee` sends the completed email and `status --json` shows the state', async () => {
  const doc = uid('INV');
  const to = `${uid('cli')}@example.com`;
  const r = await runCli(['event', doc, 'exported', '--assignee', to], config);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  expect(r.stdout).toContain(workflowIdFor('default', doc));
  await expectCompletedEmail(doc, to);
  await expectSearchable(doc, 'exported');
  const s = await runCli(['status', doc, '--json'], config);
  expect(s.code).toBe(0);
  const state = JSON.parse(s.stdout);
  expect(state).toMatchObject({
    documentId: doc,
    status: 'exported',
    assignee: to,
    emailCount: 1,
    awaitingAction: false,
  });
});

test('TypeScript client: signal-with-start delivers events and the workflow sends the email', async () => {
  const doc = uid('INV');
  const to = `${uid('client')}@example.com`;
  await client.sendEvent({ type: 'assigned', documentId: doc, assignee: to });
  const sent = await client.sendEvent({ type: 'status_changed', documentId: doc, status: 'exported' });
  expect(sent.workflowId).toBe(`document/default/${doc}`);
  await expectCompletedEmail(doc, to);
  await expectSearchable(doc, 'exported');
});

test('HTTP: POST /api/v1/documents/{id}/events with a bearer token sends the email', async () => {
  const doc = uid('INV');
  const to = `${uid('http')}@example.com`;
  const res = await app.inject({
    method: 'POST',
    url: `/api/v1/documents/${doc}/events`,
    headers: { authorization: `Bearer ${config.API_TOKEN}` },
    payload: [
      { type: 'assigned', assignee: to, eventId: `${doc}-a`, occurredAt: new Date().toISOString() },
      { type: 'status_changed', status: 'exported', eventId: `${doc}-s`, occurredAt: new Date().toISOString() },
    ],
  });
  expect(res.statusCode).toBe(202);
  expect(res.json()).toHaveLength(2);
  await expectCompletedEmail(doc, to);
  const state = await app.inject({
    method: 'GET',
    url: `/api/v1/documents/${doc}`,
    headers: { authorization: `Bearer ${config.API_TOKEN}` },
  });
  expect(state.statusCode).toBe(200);
  expect(state.json()).toMatchObject({ documentId: doc, status: 'exported' });
});

test('search attributes are set by the workflow and filter in visibility queries', async () => {
  const doc = uid('INV');
  const to = `${uid('sa')}@example.com`;
  await client.sendEvent({ type: 'assigned', documentId: doc, assignee: to });
  await client.sendEvent({
    type: 'due_date_set',
    documentId: doc,
    dueAt: new Date(Date.now() + 5 * 86_400_000).toISOString(),
  });
  await client.sendEvent({ type: 'status_changed', documentId: doc, status: 'pending_approval' });
  await eventually(async () => {
    const docs = await client.list({
      query: `DocumentId = '${doc}' AND DocumentStatus = 'pending_approval' AND AwaitingAction = true AND Assignee = '${to}' AND EscalationLevel = 0 AND DueAt > '${new Date().toISOString()}' AND NextNotificationAt > '${new Date().toISOString()}'`,
    });
    return docs.length === 1 ? docs : undefined;
  }, 'every search attribute to filter');
  await client.sendEvent({ type: 'status_changed', documentId: doc, status: 'rejected' });
  await eventually(
    async () =>
      (await client.list({ query: `DocumentId = '${doc}' AND AwaitingAction = false AND DocumentStatus = 'rejected'` }))
        .length === 1,
    'AwaitingAction = false after rejection',
  );
});

describe('bad input is refused at the edge and starts no workflow', () => {
  const auth = { authorization: `Bearer ${config.API_TOKEN}` };
  async function expectNoWorkflow(doc: string): Promise<void> {
    await expect(client.temporal.workflow.getHandle(workflowIdFor('default', doc)).describe()).rejects.toBeInstanceOf(
      WorkflowNotFoundError,
    );
  }

  test('CLI: unknown status → exit 2 naming the status', async () => {
    const doc = uid('BAD');
    const r = await runCli(['event', doc, 'finished'], config);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/status.*unknown status "finished"/);
    await expectNoWorkflow(doc);
  });

  test('CLI: missing document id → non-zero exit naming the argument', async () => {
    const r = await runCli(['event'], config);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/documentId/);
  });

  test('CLI: bad configuration stops the program naming the variable', async () => {
    const r = await runCli(['status', 'X'], config, { TEMPORAL_ADDRESS: 'not an address' });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/TEMPORAL_ADDRESS: must be host:port/);
  });

  test('HTTP: malformed JSON → 400', async () => {
    const doc = uid('BAD');
    const res = await app.inject({
      method: 'POST',
      url: `/api/v1/documents/${doc}/events`,
      headers: { ...auth, 'content-type': 'application/json' },
      payload: '{"type": "status_changed",',
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toMatch(/malformed JSON/);
    await expectNoWorkflow(doc);
  });

  test('HTTP: missing or wrong bearer token → 401', async () => {
    const doc = uid('BAD');
    const body = { type: 'status_changed', status: 'exported', eventId: 'e1', occurredAt: new Date().toISOString() };
    const none = await app.inject({ method: 'POST', url: `/api/v1/documents/${doc}/events`, payload: body });
    expect(none.statusCode).toBe(401);
    expect(none.json().error).toMatch(/bearer token is required/);
    const wrong = await app.inject({
      method: 'POST',
      url: `/api/v1/documents/${doc}/events`,
      headers: { authorization: 'Bearer nope' },
      payload: body,
    });
    expect(wrong.statusCode).toBe(401);
    await expectNoWorkflow(doc);
  });

  test('HTTP: unknown status, unknown field, blank document id → 400 naming the field', async () => {
    const doc = uid('BAD');
    const base = { eventId: 'e1', occurredAt: new Date().toISOString() };
    const status = await app.inject({
      method: 'POST',
      url: `/api/v1/documents/${doc}/events`,
      headers: auth,
      payload: { ...base, type: 'status_changed', status: 'done' },
    });
    expect(status.statusCode).toBe(400);
    expect(status.json().error).toMatch(/status: unknown status "done"/);
    const field = await app.inject({
      method: 'POST',
      url: `/api/v1/documents/${doc}/events`,
      headers: auth,
      payload: { ...base, type: 'status_changed', status: 'exported', colour: 'red' },
    });
    expect(field.statusCode).toBe(400);
    expect(field.json().error).toMatch(/colour/);
    const blank = await app.inject({
      method: 'POST',
      url: '/api/v1/documents/%20/events',
      headers: auth,
      payload: { ...base, type: 'status_changed', status: 'exported' },
    });
    expect(blank.statusCode).toBe(400);
    expect(blank.json().error).toMatch(/documentId/);
    // a batch with one bad event starts nothing
    const batch = await app.inject({
      method: 'POST',
      url: `/api/v1/documents/${doc}/events`,
      headers: auth,
      payload: [
        { ...base, type: 'assigned', assignee: 'a@example.com' },
        { ...base, eventId: 'e2', type: 'status_changed', status: 'nope' },
      ],
    });
    expect(batch.statusCode).toBe(400);
    expect(batch.json().error).toMatch(/\[1\]/);
    await expectNoWorkflow(doc);
  });

  test('client: missing document id → ValidationError naming documentId', async () => {
    await expect(client.sendEvent({ type: 'status_changed', documentId: '', status: 'exported' })).rejects.toThrow(
      /documentId: documentId must not be empty/,
    );
  });
});

test('/metrics reports events received and emails sent (Prometheus text format)', async () => {
  const doc = uid('INV');
  const to = `${uid('metrics')}@example.com`;
  const res = await app.inject({
    method: 'POST',
    url: `/api/v1/documents/${doc}/events`,
    headers: { authorization: `Bearer ${config.API_TOKEN}` },
    payload: [
      { type: 'assigned', assignee: to },
      { type: 'status_changed', status: 'exported' },
    ],
  });
  expect(res.statusCode).toBe(202);
  await waitForMail(to);
  const metrics = await eventually(async () => {
    const text = (await app.inject({ method: 'GET', url: '/metrics' })).body;
    return /docnotify_emails_total\{outcome="sent",kind="first"\} [1-9]/.test(text) ? text : undefined;
  }, 'the sent email to be counted');
  expect(metrics).toMatch(/docnotify_events_total\{outcome="accepted"\} [1-9]/);
  expect(metrics).toMatch(/docnotify_smtp_send_seconds_count [1-9]/);
  expect(metrics).toMatch(/process_cpu_user_seconds_total/);
});

test('/healthz checks PostgreSQL and Temporal: 200 when both answer, 503 naming what does not', async () => {
  const ok = await app.inject({ method: 'GET', url: '/healthz' });
  expect(ok.statusCode).toBe(200);
  expect(ok.json()).toEqual({ ok: true, checks: { database: 'ok', temporal: 'ok' } });

  const deadDb = new Pool({ connectionString: 'postgres://nobody:x@127.0.0.1:1/none', connectionTimeoutMillis: 500 });
  const deadTemporal = new DocnotifyClient(new Client({ connection: Connection.lazy({ address: '127.0.0.1:1' }) }));
  const down = await buildServer({
    config,
    client: deadTemporal,
    stores: { ...worker.stores, db: deadDb },
    log: createLogger('silent'),
    sendTest: async () => ({ status: 'skipped' }),
  });
  try {
    const res = await down.inject({ method: 'GET', url: '/healthz' });
    expect(res.statusCode).toBe(503);
    const body = res.json();
    expect(body.ok).toBe(false);
    expect(body.checks.database).toMatch(/ECONNREFUSED|connect/);
    expect(body.checks.temporal).not.toBe('ok');
  } finally {
    await down.close();
    await deadDb.end();
  }
});
