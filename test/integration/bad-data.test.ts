/**
 * Issue 12, points 1–3 on the real stack: data that once wedged a document's workflow. Each bad event is signalled
 * straight to the workflow (as a pipeline with its own Temporal client could), past every edge check: the workflow
 * records and drops it, no workflow task fails, and the document keeps receiving its emails. The edges (HTTP) refuse
 * the same data with a 400 that names the field.
 */
import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { workflowIdFor } from '../../src/domain/events';
import { createLogger } from '../../src/log';
import type { Stores } from '../../src/store';
import { openStores } from '../../src/store';
import { buildServer } from '../../src/web/server';
import { WORKFLOW_VERSION, documentEventSignal } from '../../src/workflows/messages';
import { eventually, testConfig } from '../helpers/env';
import { waitForMail } from '../helpers/mailpit';
import { address, Scenario } from '../helpers/scenario';
import { startTestWorker } from '../helpers/worker';

const config = testConfig();
let stores: Stores;
let worker: Awaited<ReturnType<typeof startTestWorker>>;
let s: Scenario;
let app: FastifyInstance;

beforeAll(async () => {
  stores = await openStores(config.DATABASE_URL!, config, { max: 5 });
  worker = await startTestWorker(config, stores);
  s = await Scenario.create(config, stores);
  app = await buildServer({
    config,
    client: s.client,
    stores,
    log: createLogger('silent'),
    sendTest: async () => ({ status: 'skipped' }),
  });
});
afterAll(async () => {
  await app?.close();
  await s?.close();
  await worker?.stop();
  await stores?.db.end();
});

/** A document of its own type, with a rule of that type that emails its own address. */
async function badDocument(label: string): Promise<{ documentId: string; documentType: string; to: string }> {
  const documentType = `${label}-${randomUUID().slice(0, 6)}`;
  const to = address(label);
  await s.rule({
    name: `Approval ${label}`,
    documentType,
    trigger: { status: 'pending_approval' },
    recipients: { assignee: false, addresses: [to] },
  });
  return { documentId: documentType.toUpperCase(), documentType, to };
}

/** Signals a raw event to the document's workflow, as Temporal would carry it: no client-side validation. */
async function signalRaw(
  doc: { documentId: string; documentType: string },
  event: Record<string, unknown>,
): Promise<void> {
  await s.client.temporal.workflow.signalWithStart('documentWorkflow', {
    workflowId: workflowIdFor(s.tenantId, doc.documentId),
    taskQueue: config.TASK_QUEUE,
    args: [
      { tenantId: s.tenantId, documentId: doc.documentId, documentType: doc.documentType, version: WORKFLOW_VERSION },
    ],
    signal: documentEventSignal,
    signalArgs: [
      {
        eventId: randomUUID(),
        occurredAt: new Date().toISOString(),
        tenantId: s.tenantId,
        documentId: doc.documentId,
        ...event,
      },
    ],
  });
}

/** The document gets its email, its history shows the rejections, and no workflow task failed. */
async function expectStillWorking(
  doc: { documentId: string; documentType: string; to: string },
  rejected: RegExp,
  count: number,
): Promise<void> {
  const { documentId } = doc;
  await s.status(documentId, 'pending_approval', { documentType: doc.documentType });
  expect(await waitForMail(doc.to, 1, 30_000)).toHaveLength(1);
  const view = await eventually(async () => {
    const v = await s.state(documentId);
    return v.emails.some((e) => e.status === 'sent') ? v : undefined;
  }, 'the email recorded');
  expect(view.history.filter((h) => h.kind === 'rejected' && rejected.test(h.text))).toHaveLength(count);
  const history = await s.client.temporal.workflow.getHandle(workflowIdFor(s.tenantId, documentId)).fetchHistory();
  // The server itself may fail one task while megabytes of signals wait to be written with it (cause
  // FORCE_CLOSE_COMMAND, identity history-service); it retries it, and the run goes on. No task fails in the worker.
  const failed = (history.events ?? []).filter(
    (e) =>
      (e.workflowTaskFailedEventAttributes && e.workflowTaskFailedEventAttributes.identity !== 'history-service') ||
      e.workflowTaskTimedOutEventAttributes,
  );
  expect(failed).toHaveLength(0);
}

test('three fields_updated of about 1 MB each are recorded and dropped; the document keeps its emails', async () => {
  const doc = await badDocument('big');
  const fields = Object.fromEntries(Array.from({ length: 150 }, (_, i) => [`f${i}`, 'x'.repeat(7_000)]));
  for (let i = 0; i < 3; i++) await signalRaw(doc, { type: 'fields_updated', fields });
  await signalRaw(doc, { type: 'fields_updated', fields: { supplier_name: 'ACME' } });
  await expectStillWorking(doc, /too large/, 3);
  expect((await s.state(doc.documentId)).fields).toEqual({ supplier_name: 'ACME' });
  const res = await app.inject({
    method: 'GET',
    url: `/api/v1/documents/${doc.documentId}?tenant=${s.tenantId}`,
    headers: { authorization: `Bearer ${config.API_TOKEN}` },
  });
  expect(res.statusCode).toBe(200);
});

test('out-of-range and unanchored due dates are recorded and dropped; DueAt is never sent to Temporal', async () => {
  const doc = await badDocument('date');
  for (const dueAt of ['+010000-01-01T00:00:00Z', '-000001-01-01T00:00:00Z', '+275760-09-13T00:00:00.000Z'])
    await signalRaw(doc, { type: 'due_date_set', dueAt });
  await expectStillWorking(doc, /dueAt: must (be an ISO-8601|fall between)/, 3);
  expect((await s.state(doc.documentId)).dueAt).toBeUndefined();
});

test('a NUL byte in a field is recorded and dropped; the document keeps its emails', async () => {
  const doc = await badDocument('nul');
  await signalRaw(doc, { type: 'fields_updated', fields: { supplier_name: 'AC\u0000ME' } });
  await expectStillWorking(doc, /fields\.supplier_name: must not contain control characters/, 1);
  expect((await s.state(doc.documentId)).fields.supplier_name).toBeUndefined();
});

test('the HTTP edge refuses the same data with a 400 that names the field, and NUL in a URL', async () => {
  const auth = { authorization: `Bearer ${config.API_TOKEN}` };
  const post = (event: unknown) =>
    app.inject({
      method: 'POST',
      url: `/api/v1/documents/EDGE-1/events?tenant=${s.tenantId}`,
      headers: auth,
      payload: event as object,
    });
  const nul = await post({ type: 'fields_updated', fields: { supplier_name: 'AC\u0000ME' } });
  expect(nul.statusCode).toBe(400);
  expect(nul.json().error).toMatch(/fields\.supplier_name: must not contain control characters/);
  const far = await post({ type: 'due_date_set', dueAt: '+010000-01-01T00:00:00Z' });
  expect(far.statusCode).toBe(400);
  expect(far.json().error).toMatch(/dueAt/);
  const many = await post({
    type: 'fields_updated',
    fields: Object.fromEntries(Array.from({ length: 201 }, (_, i) => [`f${i}`, i])),
  });
  expect(many.statusCode).toBe(400);
  expect(many.json().error).toMatch(/fields: at most 200 fields/);
  const url = await app.inject({ method: 'GET', url: `/api/v1/documents/AB%00C?tenant=${s.tenantId}`, headers: auth });
  expect(url.statusCode).toBe(400);
  expect(url.json().error).toMatch(/url: must not contain control characters/);
  const ok = await post({ type: 'fields_updated', fields: { note: 'two\tcolumns\r\nand lines' } });
  expect(ok.statusCode).toBe(202);
});
