import { eventually, testConfig } from '../helpers/env';
import { waitForMail } from '../helpers/mailpit';
import { address, Scenario } from '../helpers/scenario';
import { startTestWorker } from '../helpers/worker';

const config = testConfig();

test('operators see time: each timer carries a summary, NextNotificationAt and DueAt are set', async () => {
  const worker = await startTestWorker(config);
  const s = await Scenario.create(config, worker.stores);
  try {
    const ana = address('ana');
    await s.rule({
      name: 'Approval',
      trigger: { status: 'pending_approval' },
      repeat: { interval: '1h', maxCount: 2 },
      escalation: [{ after: '30m', manager: true }],
    });
    const due = new Date(Date.now() + 3 * 86_400_000);
    await s.event('OP1', { type: 'assigned', assignee: ana });
    await s.event('OP1', { type: 'due_date_set', dueAt: due.toISOString() });
    await s.status('OP1', 'pending_approval');
    await waitForMail(ana);
    const handle = s.client.temporal.workflow.getHandle(`document/${s.tenantId}/OP1`);
    const summaries = await eventually(async () => {
      const history = await handle.fetchHistory();
      const found = (history.events ?? [])
        .filter((e) => e.timerStartedEventAttributes)
        .map((e) => {
          const data = e.userMetadata?.summary?.data;
          return data ? (JSON.parse(Buffer.from(data).toString('utf8')) as string) : '';
        });
      return found.length ? found : undefined;
    }, 'a timer with a summary');
    expect(summaries).toContain(`escalation level 1 of 'Approval' to manager`);
    const desc = await handle.describe();
    const next = desc.searchAttributes.NextNotificationAt?.[0] as Date | string | undefined;
    expect(new Date(next!).getTime()).toBeGreaterThan(Date.now() + 25 * 60_000);
    expect(new Date(desc.searchAttributes.DueAt?.[0] as string).toISOString()).toBe(due.toISOString());
    const state = await s.state('OP1');
    expect(state.pending.map((p) => p.summary)).toEqual([
      `escalation level 1 of 'Approval' to manager`,
      `reminder 1 of 'Approval'`,
      `reminder 2 of 'Approval'`,
    ]);
  } finally {
    await s.close();
    await worker.stop();
  }
});
