import type { DocnotifyClient } from '../../src/client';
import { documentEventSignal } from '../../src/workflows/messages';
import { eventually, testConfig } from '../helpers/env';
import { messagesTo, waitForMail } from '../helpers/mailpit';
import { address, Scenario } from '../helpers/scenario';
import { startTestWorker } from '../helpers/worker';

const config = testConfig();

test('a long-lived document continues as new, carrying its state; nothing is sent twice', async () => {
  const worker = await startTestWorker(config);
  const s = await Scenario.create(config, worker.stores);
  const client: DocnotifyClient = s.client;
  try {
    const to = address('can');
    await s.rule({
      name: 'Chatty',
      trigger: { status: 'on_hold' },
      repeat: { interval: '2s', maxCount: 6 },
      recipients: { assignee: false, addresses: [to] },
    });
    const workflowId = `document/${s.tenantId}/CAN`;
    const first = await client.temporal.workflow.signalWithStart('documentWorkflow', {
      workflowId,
      taskQueue: config.TASK_QUEUE,
      args: [{ tenantId: s.tenantId, documentId: 'CAN', maxHistoryEvents: 40 }],
      signal: documentEventSignal,
      signalArgs: [
        {
          type: 'status_changed',
          status: 'on_hold',
          eventId: 'can-1',
          occurredAt: new Date().toISOString(),
          tenantId: s.tenantId,
          documentId: 'CAN',
        },
      ],
    });
    await waitForMail(to, 7, 60_000);
    const handle = client.temporal.workflow.getHandle(workflowId);
    const desc = await handle.describe();
    expect(desc.runId).not.toBe(first.signaledRunId); // continued as new at least once
    const state = await eventually(async () => {
      const st = await s.state('CAN');
      return st.emailCount === 7 ? st : undefined;
    }, 'the carried state to count 7 emails');
    expect(state.status).toBe('on_hold');
    expect(state.pending.filter((p) => p.kind === 'reminder')).toEqual([]);
    expect(await messagesTo(to)).toHaveLength(7);
    // The duplicate of an event applied in an earlier run is still recognized.
    await handle.signal(documentEventSignal, {
      type: 'status_changed',
      status: 'on_hold',
      eventId: 'can-1',
      occurredAt: new Date().toISOString(),
      tenantId: s.tenantId,
      documentId: 'CAN',
    });
    await s.status('CAN', 'exported');
    await eventually(async () => (await s.state('CAN')).finished, 'the workflow to finish after exported');
    expect(await messagesTo(to)).toHaveLength(7);
  } finally {
    await s.close();
    await worker.stop();
  }
});
