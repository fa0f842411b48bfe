/**
 * What a first email costs in history (issue 10, "Lean histories"): from workflow version 9 the rules read and the
 * preparation of the email due now are one local activity (loadContextAndPrepare), so a first email is one marker,
 * not two. A skip found while preparing is recorded once, by the workflow's own prepareNotification.
 */
import type { temporal } from '@temporalio/proto';
import { eventually, testConfig, uid } from '../helpers/env';
import { waitForMail } from '../helpers/mailpit';
import { address, Scenario } from '../helpers/scenario';
import { startTestWorker } from '../helpers/worker';

const config = testConfig();
let worker: Awaited<ReturnType<typeof startTestWorker>>;
let s: Scenario;

beforeAll(async () => {
  worker = await startTestWorker(config);
  s = await Scenario.create(config, worker.stores);
});

afterAll(async () => {
  await s?.close();
  await worker?.stop();
});

async function history(documentId: string) {
  const handle = s.client.temporal.workflow.getHandle(`document/${s.tenantId}/${documentId}`);
  await handle.result();
  return (await handle.fetchHistory()).events ?? [];
}

type Event = temporal.api.history.v1.IHistoryEvent;
const count = (events: Event[], has: (e: Event) => unknown) => events.filter((e) => has(e)).length;

test('a first email: one local-activity marker, one email activity, no search-attribute upsert', async () => {
  const to = address('first');
  await s.rule({
    name: 'Completed',
    trigger: { status: 'exported' },
    recipients: { assignee: false, addresses: [to] },
  });
  const doc = uid('INV');
  await s.status(doc, 'exported');
  await waitForMail(to, 1);
  const events = await history(doc);
  expect(count(events, (e) => e.markerRecordedEventAttributes)).toBe(1);
  expect(count(events, (e) => e.activityTaskScheduledEventAttributes)).toBe(1);
  expect(count(events, (e) => e.upsertWorkflowSearchAttributesEventAttributes)).toBe(0);
  expect(events.length).toBe(13);
});

test('a rule that resolves to nobody: the skip is logged once, and no email goes out', async () => {
  const rule = await s.rule({
    name: 'Nobody',
    trigger: { status: 'rejected' },
    recipients: { assignee: false, roles: [uid('role')] },
  });
  const doc = uid('INV');
  await s.status(doc, 'rejected');
  await history(doc);
  const rows = await eventually(async () => {
    const log = await worker.stores.notifications.list({ tenantId: s.tenantId, documentId: doc });
    return log.length > 0 ? log : undefined;
  }, 'the skip in the notification log');
  expect(rows.map((r) => [r.ruleId, r.status, r.reason])).toEqual([[rule.id, 'skipped', 'no recipients']]);
  const state = await s.state(doc);
  expect(state.emailCount).toBe(0);
});
