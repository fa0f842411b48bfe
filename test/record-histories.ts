/**
 * Records workflow histories from real scenarios into test/histories/*.json, for the replay test.
 * Run against a stack (see README, "Tests"):  node --import tsx test/record-histories.ts <suffix>
 * Each set gets its own suffix (e.g. v2): old files are never overwritten, so the histories of every earlier
 * workflow version keep replaying (changes to the workflow go behind patched()).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import { sleep, testConfig } from './helpers/env';
import { waitForMail } from './helpers/mailpit';
import { address, Scenario } from './helpers/scenario';
import { startTestWorker } from './helpers/worker';

async function main(): Promise<void> {
  const config = testConfig({ LOG_LEVEL: 'error' });
  const worker = await startTestWorker(config);
  const s = await Scenario.create(config, worker.stores);
  const suffix = process.argv[2];
  if (!suffix || !/^[a-z0-9-]+$/.test(suffix)) throw new Error('usage: record-histories.ts <suffix>, e.g. v2');
  const out = path.join(__dirname, 'histories');
  mkdirSync(out, { recursive: true });
  const save = async (name: string, documentId: string) => {
    const handle = s.client.temporal.workflow.getHandle(`document/${s.tenantId}/${documentId}`);
    const history = await handle.fetchHistory();
    writeFileSync(path.join(out, `${name}-${suffix}.json`), historyToJSON(history), { flag: 'wx' });
    process.stdout.write(`recorded ${name}: ${history.events?.length} events\n`);
  };

  const a = address('rec');
  const b = address('rec');
  const boss = address('boss');
  await s.rule({
    name: 'Approval',
    trigger: { status: 'pending_approval' },
    delay: '1s',
    repeat: { interval: '2s', maxCount: 2 },
    resendOnReassignment: true,
    actions: ['approve', 'reject', 'snooze'],
    escalation: [{ afterReminders: 1, addresses: [boss] }],
    dueReminders: { before: ['3s'], overdue: true },
  });
  await s.rule({ name: 'Completed', trigger: { status: 'exported' } });
  await s.rule({ name: 'Comments', trigger: { event: 'comment_added' } });

  // 1. delay, reminders, escalation, due-date reminder, reassignment, comment, then the terminal status
  await s.event('H1', { type: 'assigned', assignee: a });
  await s.event('H1', { type: 'due_date_set', dueAt: new Date(Date.now() + 8000).toISOString() });
  await s.status('H1', 'pending_approval');
  await waitForMail(boss, 1, 30_000);
  await s.event('H1', { type: 'assigned', assignee: b });
  await s.event('H1', { type: 'comment_added', author: 'ana', text: 'please check the IBAN' });
  await sleep(4000);
  await s.status('H1', 'exported');
  await sleep(2000);
  await save('reminders-escalation-due', 'H1');

  // 2. a decision through the resolveTask Update, after a snooze
  await s.event('H2', { type: 'assigned', assignee: a });
  await s.status('H2', 'pending_approval');
  await sleep(1500);
  const st = await s.state('H2');
  await s.client.snooze('H2', { taskId: st.task!.id, duration: '1h', actor: a }, s.tenantId);
  const r = await s.client.resolveTask(
    'H2',
    { taskId: st.task!.id, taskVersion: st.task!.version, action: 'approve', actor: a },
    s.tenantId,
  );
  if (!r.ok) throw new Error(`resolveTask refused: ${r.reason}`);
  await sleep(2000);
  await s.status('H2', 'approved');
  await s.status('H2', 'exported');
  await sleep(2000);
  await save('snooze-decision', 'H2');

  // 3. duplicates, stale and bad events
  await s.status('H3', 'on_hold', { eventId: 'h3-1' });
  await s.status('H3', 'on_hold', { eventId: 'h3-1' });
  await s.status('H3', 'error', { eventId: 'h3-0', occurredAt: new Date(Date.now() - 60_000).toISOString() });
  await s.client.temporal.workflow.getHandle(`document/${s.tenantId}/H3`).signal('documentEvent', { nonsense: true });
  await s.status('H3', 'deleted');
  await sleep(2000);
  await save('duplicates-stale-bad', 'H3');

  await s.close();
  await worker.stop();
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    console.error(e);
    process.exit(1);
  },
);
