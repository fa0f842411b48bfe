import { ApplicationFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { docnotifyPlugin } from '../../src/plugin';
import type { DocnotifyPipelineActivities } from '../../src/workflows/pipeline';

const plugin = docnotifyPlugin({ env: { DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none', TASK_QUEUE: 'dn-tq' } });

describe('docnotifyPlugin', () => {
  test('appends reportDocumentEvent to the worker options and leaves the pipeline’s own activities and workflows alone', () => {
    const own = { captureInvoice: async () => 'x' };
    const options = plugin.configureWorker({
      taskQueue: 'pipeline',
      workflowsPath: '/pipeline/workflows.ts',
      activities: own,
    });
    expect(options.workflowsPath).toBe('/pipeline/workflows.ts');
    expect(options.taskQueue).toBe('pipeline');
    expect(Object.keys(options.activities as object).sort()).toEqual(['captureInvoice', 'reportDocumentEvent']);
    expect(plugin.name).toBe('docnotify');
    expect(plugin.config.TASK_QUEUE).toBe('dn-tq');
  });

  test('an invalid event fails the activity as a non-retryable ValidationError naming the field (nothing is written)', async () => {
    const { reportDocumentEvent } = plugin.configureWorker({ taskQueue: 'p' })
      .activities as unknown as DocnotifyPipelineActivities;
    const env = new MockActivityEnvironment();
    const bad = {
      tenantId: 't',
      documentId: 'D-1',
      type: 'status_changed',
      status: 'nonsense',
      eventId: 'e1',
      occurredAt: '2026-12-01T00:00:00Z',
    };
    const failure = await env.run(reportDocumentEvent, bad as never).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(ApplicationFailure);
    expect((failure as ApplicationFailure).nonRetryable).toBe(true);
    expect((failure as ApplicationFailure).type).toBe('ValidationError');
    expect((failure as ApplicationFailure).message).toMatch(/status.*unknown status "nonsense"/);
  });

  test('a configuration error names the variable at construction, before any worker starts', () => {
    expect(() => docnotifyPlugin({ env: { SMTP_POOL_SIZE: 'many' } })).toThrow(/SMTP_POOL_SIZE/);
  });
});
