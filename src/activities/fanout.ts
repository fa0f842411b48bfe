import { Context } from '@temporalio/activity';
import type { Client } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import type { Logger } from 'pino';
import { rulesScopeQuery } from '../domain/visibility';
import type { RulesVersionStore } from '../store/rules-versions';
import { rulesChangedSignal } from '../workflows/messages';

export interface FanOutDeps {
  rulesVersions: RulesVersionStore;
  /** Signals per second to running document workflows (RULES_FANOUT_RATE). */
  ratePerSecond: number;
  /** The documents' task queue (TASK_QUEUE): the fan-out waits while its workflow tasks wait longer than maxLagMs. */
  taskQueue: string;
  /** RULES_FANOUT_MAX_LAG in ms; 0 = never wait. */
  maxLagMs: number;
  log: Logger;
}

/** Progress a retried fan-out resumes from (heartbeat details). */
interface Progress {
  version: number;
  nextPageToken?: string;
  told: number;
}

const PAGE_SIZE = 500;
/** Signals in flight at once; the rate is held by spacing their starts. */
const IN_FLIGHT = 8;
/** How often the fan-out reads the documents' task queue backlog (and, while it waits, reads it again). */
const BACKLOG_CHECK_MS = 1000;

/**
 * How long the oldest workflow task of the queue has waited (0 without a backlog), from the server's task queue
 * statistics; undefined when the server does not report them (the fan-out then keeps to its rate alone).
 */
export async function workflowBacklogMs(client: Client, taskQueue: string): Promise<number | undefined> {
  const { enums } = temporal.api;
  const r = await client.workflowService.describeTaskQueue({
    namespace: client.options.namespace,
    taskQueue: { name: taskQueue, kind: enums.v1.TaskQueueKind.TASK_QUEUE_KIND_NORMAL },
    taskQueueType: enums.v1.TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW,
    reportStats: true,
  });
  if (!r.stats) return undefined;
  if (!Number(r.stats.approximateBacklogCount ?? 0)) return 0;
  const age = r.stats.approximateBacklogAge;
  return Number(age?.seconds ?? 0) * 1000 + Math.round((age?.nanos ?? 0) / 1e6);
}

/** The rules fan-out's activity: I/O only (PostgreSQL outbox, a visibility query, signals). */
export function createFanOutActivities(deps: FanOutDeps) {
  return {
    /**
     * Tells every running document workflow the tenant's pending rules changes affect, at `ratePerSecond`, then
     * marks the changes told. Heartbeats its page token: a retry continues where the last attempt stopped.
     */
    async tellRulesChange(input: { tenantId: string }): Promise<{ version: number; told: number }> {
      const ctx = Context.current();
      const pending = await deps.rulesVersions.pending(input.tenantId);
      if (!pending) return { version: 0, told: 0 };
      const resumed = ctx.info.heartbeatDetails as Progress | undefined;
      const progress: Progress = resumed?.version === pending.version ? resumed : { version: pending.version, told: 0 };
      const { client } = ctx;
      const query = rulesScopeQuery(input.tenantId, pending.scope);
      const spacingMs = 1000 / deps.ratePerSecond;
      let nextStart = Date.now();
      // Backpressure: a fan-out faster than the workers re-plan only queues wake-ups (and the queries and events of
      // every document behind them), so it waits while the documents' workflow tasks wait longer than maxLagMs.
      let checking = deps.maxLagMs > 0;
      let nextCheck = Date.now();
      let waiting: Promise<void> | undefined;
      let waitedMs = 0;
      const workersKeepUp = async (): Promise<void> => {
        for (;;) {
          nextCheck = Date.now() + BACKLOG_CHECK_MS;
          const lag = await workflowBacklogMs(client, deps.taskQueue).catch((e: Error) => {
            deps.log.warn({ err: e.message }, 'rules fan-out: task queue backlog unknown; keeping to the rate alone');
            return undefined;
          });
          if (lag === undefined) checking = false;
          if (lag === undefined || lag <= deps.maxLagMs) return;
          if (!waitedMs) deps.log.info({ tenantId: input.tenantId, lagMs: lag }, 'rules fan-out waits for the workers');
          ctx.heartbeat(progress);
          await ctx.sleep(BACKLOG_CHECK_MS);
          waitedMs += BACKLOG_CHECK_MS;
          nextStart = Date.now(); // no burst to catch up after the wait
        }
      };
      const pace = (): Promise<void> | undefined => {
        if (!checking || (!waiting && Date.now() < nextCheck)) return undefined;
        return (waiting ??= workersKeepUp().finally(() => (waiting = undefined)));
      };
      do {
        const page = await client.workflowService.listWorkflowExecutions({
          namespace: client.options.namespace,
          query,
          pageSize: PAGE_SIZE,
          nextPageToken: progress.nextPageToken ? Buffer.from(progress.nextPageToken, 'base64') : undefined,
        });
        const ids = (page.executions ?? []).map((e) => e.execution?.workflowId).filter((id): id is string => !!id);
        let i = 0;
        await Promise.all(
          Array.from({ length: Math.min(IN_FLIGHT, ids.length) }, async () => {
            while (i < ids.length) {
              const workflowId = ids[i++];
              await pace();
              const wait = nextStart - Date.now();
              nextStart = Math.max(nextStart, Date.now()) + spacingMs;
              if (wait > 0) await ctx.sleep(wait);
              // A document that finished meanwhile has nothing to re-plan.
              await client.workflow
                .getHandle(workflowId)
                .signal(rulesChangedSignal, { version: pending.version })
                .catch(() => undefined);
            }
          }),
        );
        progress.told += ids.length;
        progress.nextPageToken = page.nextPageToken?.length
          ? Buffer.from(page.nextPageToken).toString('base64')
          : undefined;
        ctx.heartbeat(progress);
      } while (progress.nextPageToken);
      await deps.rulesVersions.markTold(input.tenantId, pending.version);
      deps.log.info(
        { tenantId: input.tenantId, version: pending.version, told: progress.told, waitedMs, query },
        'rules change told to running documents',
      );
      return { version: pending.version, told: progress.told };
    },
  };
}

export type FanOutActivities = ReturnType<typeof createFanOutActivities>;
