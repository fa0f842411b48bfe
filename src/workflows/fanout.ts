import {
  allHandlersFinished,
  condition,
  continueAsNew,
  proxyActivities,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import type { FanOutActivities } from '../activities';
import { rulesEditedSignal } from './messages';

const { tellRulesChange } = proxyActivities<FanOutActivities>({
  // One call tells every affected document at the configured rate: long, so it heartbeats its progress and a
  // retry (a worker that died) resumes from the last page it reported.
  startToCloseTimeout: '24 hours',
  heartbeatTimeout: '1 minute',
  retry: { initialInterval: '1s', maximumInterval: '1 minute', backoffCoefficient: 2 },
});

/** Input of the rules fan-out of one tenant (`rules-fanout/<tenantId>`). */
export interface RulesFanOutInput {
  tenantId: string;
}

/** What one fan-out run told. */
export interface RulesFanOutResult {
  /** The newest rules version told. */
  version: number;
  /** Documents signalled. */
  told: number;
  /** Passes over the changes (an edit during a pass makes one more). */
  passes: number;
}

/**
 * Tells a tenant's running document workflows that its rules or calendars changed: one workflow per tenant, started
 * (or signalled, when it runs) by every change with signal-with-start, so the request that changed a rule only
 * starts it. Each pass reads the changes not yet told from PostgreSQL, merged, and signals the affected documents
 * at RULES_FANOUT_RATE; edits made meanwhile are coalesced into one more pass. Durable: a web server or worker that
 * dies loses nothing.
 */
export async function rulesFanOutWorkflow(input: RulesFanOutInput): Promise<RulesFanOutResult> {
  let pending = true;
  setHandler(rulesEditedSignal, () => {
    pending = true;
  });
  const result: RulesFanOutResult = { version: 0, told: 0, passes: 0 };
  while (pending) {
    pending = false;
    const pass = await tellRulesChange({ tenantId: input.tenantId });
    result.version = Math.max(result.version, pass.version);
    result.told += pass.told;
    result.passes += 1;
    if (pending && workflowInfo().continueAsNewSuggested) {
      await condition(allHandlersFinished);
      await continueAsNew<typeof rulesFanOutWorkflow>(input);
    }
  }
  await condition(allHandlersFinished);
  return result;
}
