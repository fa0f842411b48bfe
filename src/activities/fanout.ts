import { Context } from '@temporalio/activity';
import type { Client } from '@temporalio/client';
import { tsToMs } from '@temporalio/common/lib/time';
import type { Logger } from 'pino';
import { rulesScopeQuery } from '../domain/visibility';
import type { RulesVersionStore } from '../store/rules-versions';
import { rulesChangedSignal } from '../workflows/messages';

export interface FanOutDeps {
  rulesVersions: RulesVersionStore;
  /** Signals per second to running document workflows (RULES_FANOUT_RATE). */
  ratePerSecond: number;
  /** RULES_FANOUT_MAX_LAG in ms: the fan-out waits while a document it told waits longer for a worker; 0 = never. */
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
/** How often the fan-out checks whether the workers keep up (and, while they do not, checks again). */
const LAG_CHECK_MS = 1000;
/** A probe whose workflow task stays pending this long is left for a newer one (it may wait for another reason). */
const PROBE_GIVE_UP_MS = 60_000;

/**
 * How long a document's workflow task has been waiting for a worker (0: none pending, or one that failed and is
 * retried, which is not the workers being behind). Sticky or not: a waiting document's task goes to the sticky queue
 * of the worker that last ran it even after that worker evicted it from its cache, so no queue statistic shows it.
 */
export async function pendingTaskAgeMs(client: Client, workflowId: string): Promise<number> {
  const d = await client.workflowService.describeWorkflowExecution({
    namespace: client.options.namespace,
    execution: { workflowId },
  });
  const task = d.pendingWorkflowTask;
  if (!task?.scheduledTime || (task.attempt ?? 1) > 1) return 0;
  return Math.max(0, Date.now() - tsToMs(task.scheduledTime));
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
      // every document behind them). So it follows one document it told (the probe) until a worker has run it: while
      // the probe's workflow task has waited longer than maxLagMs, it tells nobody. (A probe's wait can only show
      // once it has been told that long ago, so a probe is kept until it ran, not renewed at every check.)
      let nextCheck = Date.now();
      let waiting: Promise<void> | undefined;
      let waitedMs = 0;
      let lastTold: string | undefined;
      let probe: string | undefined;
      const workersKeepUp = async (next: string): Promise<void> => {
        const since = Date.now();
        for (;;) {
          nextCheck = Date.now() + LAG_CHECK_MS;
          const current = probe ?? lastTold ?? next;
          probe = current;
          const lag = await pendingTaskAgeMs(client, current).catch(() => 0); // gone or unreadable: nothing to wait for
          if (lag === 0) probe = undefined; // it ran: the next check follows the newest one told
          if (lag <= deps.maxLagMs) return;
          if (Date.now() - since > PROBE_GIVE_UP_MS) {
            deps.log.warn({ workflowId: current, lagMs: lag }, 'rules fan-out: probe still waiting; taking another');
            probe = undefined;
            return;
          }
          if (!waitedMs) deps.log.info({ tenantId: input.tenantId, lagMs: lag }, 'rules fan-out waits for the workers');
          ctx.heartbeat(progress);
          await ctx.sleep(LAG_CHECK_MS);
          waitedMs += LAG_CHECK_MS;
          nextStart = Date.now(); // no burst to catch up after the wait
        }
      };
      const pace = (next: string): Promise<void> | undefined => {
        if (!deps.maxLagMs || (!waiting && Date.now() < nextCheck)) return undefined;
        return (waiting ??= workersKeepUp(next).finally(() => (waiting = undefined)));
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
              await pace(workflowId);
              const wait = nextStart - Date.now();
              nextStart = Math.max(nextStart, Date.now()) + spacingMs;
              if (wait > 0) await ctx.sleep(wait);
              // A document that finished meanwhile has nothing to re-plan.
              await client.workflow
                .getHandle(workflowId)
                .signal(rulesChangedSignal, { version: pending.version })
                .then(() => (lastTold = workflowId))
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
