/**
 * Issue 5: every email about one document is one conversation. First notice, two reminders, an escalation and
 * the decision confirmation all point at the document's root Message-ID (In-Reply-To and References), each has
 * its own Message-ID, and the subject keeps the stable "[invoice <id>]" prefix.
 */
import { DocnotifyClient } from '../../src/client';
import { workflowIdFor } from '../../src/domain/events';
import { mailDomain, threadIndexFor, threadRootFor } from '../../src/email/transport';
import { eventually, testConfig, uid } from '../helpers/env';
import { headers, waitForMail, type MailSummary } from '../helpers/mailpit';
import { startTestWorker } from '../helpers/worker';

const config = testConfig();
let worker: Awaited<ReturnType<typeof startTestWorker>>;
let client: DocnotifyClient;

beforeAll(async () => {
  worker = await startTestWorker(config);
  client = await DocnotifyClient.connect({ address: config.TEMPORAL_ADDRESS, taskQueue: config.TASK_QUEUE });
});

afterAll(async () => {
  await client?.close();
  await worker?.stop();
});

test('first notice, 2 reminders, escalation and decision confirmation form one thread', async () => {
  const tenantId = uid('thread');
  const documentId = uid('INV');
  const assignee = `${uid('approver')}@example.com`;
  const manager = `${uid('manager')}@example.com`;
  await worker.stores.rules.create({
    name: 'Approval',
    tenantId,
    trigger: { status: 'pending_approval' },
    delay: '0s',
    actions: ['approve', 'reject'],
    recipients: { assignee: true },
    repeat: { interval: '3s', maxCount: 2 },
    escalation: [{ after: '8s', addresses: [manager] }],
  });
  await client.sendEvent({ type: 'assigned', tenantId, documentId, assignee });
  await client.sendEvent({ type: 'status_changed', tenantId, documentId, status: 'pending_approval' });

  // first + reminder 1 (3 s) + reminder 2 (6 s) to the assignee; escalation (8 s) to the manager
  await waitForMail(assignee, 3, 30_000);
  await waitForMail(manager, 1, 30_000);
  const state = await client.getState(documentId, tenantId);
  expect(state.task).toBeDefined();
  const decided = await client.resolveTask(
    documentId,
    { taskId: state.task!.id, taskVersion: state.task!.version, action: 'approve', actor: assignee },
    tenantId,
  );
  expect(decided).toMatchObject({ ok: true });
  const toAssignee = await waitForMail(assignee, 4, 30_000);
  const toManager = await waitForMail(manager, 1);
  expect(toAssignee).toHaveLength(4);
  expect(toManager).toHaveLength(1);

  const prefix = `[invoice ${documentId}]`;
  const root = threadRootFor(tenantId, documentId, mailDomain(config.MAIL_FROM));
  expect(root).toMatch(/^<doc\.[0-9a-f]{32}@test\.example>$/);
  const all: MailSummary[] = [...toAssignee, ...toManager].sort((a, b) => a.Created.localeCompare(b.Created));
  const subjects = all.map((m) => m.Subject);
  expect(subjects).toEqual([
    `${prefix} Approval required`,
    expect.stringMatching(/^\[invoice .+\] Reminder 1\b/),
    expect.stringMatching(/^\[invoice .+\] Reminder 2\b/),
    expect.stringMatching(/^\[invoice .+\] Escalation level 1\b/),
    expect.stringMatching(/^\[invoice .+\] Your decision has been recorded/),
  ]);
  for (const s of subjects) expect(s.startsWith(`${prefix} `)).toBe(true);

  for (const m of all) {
    const h = await headers(m.ID);
    expect({ subject: m.Subject, inReplyTo: h['In-Reply-To'], references: h.References }).toEqual({
      subject: m.Subject,
      inReplyTo: [root],
      references: [root],
    });
    expect(h['Message-Id'] ?? h['Message-ID']).toEqual([`<${m.MessageID}>`]);
    // Outlook threads by Thread-Index/Thread-Topic: one 22-byte index and one topic for the whole document
    expect(Buffer.from(h['Thread-Index'][0], 'base64')).toHaveLength(22);
    expect(h['Thread-Index']).toEqual([threadIndexFor(tenantId, documentId)]);
    expect(h['Thread-Topic']).toEqual([`invoice ${documentId}`]);
  }
  const ids = all.map((m) => m.MessageID);
  expect(new Set(ids).size).toBe(5);
  expect(ids).not.toContain(root.slice(1, -1));

  // the ledger has the same five Message-IDs
  const rows = await eventually(async () => {
    const r = await worker.stores.notifications.list({ tenantId, documentId, status: 'sent' });
    return r.length === 5 ? r : undefined;
  }, 'five sent ledger rows');
  expect(new Set(rows.map((r) => r.messageId))).toEqual(new Set(ids.map((id) => `<${id}>`)));
  expect(rows.map((r) => r.kind).sort()).toEqual(['decision', 'escalation', 'first', 'reminder', 'reminder']);

  await client.temporal.workflow.getHandle(workflowIdFor(tenantId, documentId)).terminate('threading test done');
});
