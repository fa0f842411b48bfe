import { Context } from '@temporalio/activity';
import type { Logger } from 'pino';
import { rulesScopeQuery } from '../domain/visibility';
import type { RulesVersionStore } from '../store/rules-versions';
import { rulesChangedSignal } from '../workflows/messages';

export interface FanOutDeps {
  rulesVersions: RulesVersionStore;
  /** Signals per second to running document workflows (RULES_FANOUT_RATE). */
  ratePerSecond: number;
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
        { tenantId: input.tenantId, version: pending.version, told: progress.told, query },
        'rules change told to running documents',
      );
      return { version: pending.version, told: progress.told };
    },
  };
}

export type FanOutActivities = ReturnType<typeof createFanOutActivities>;
