import {
  allHandlersFinished,
  condition,
  continueAsNew,
  proxyActivities,
  proxyLocalActivities,
  setHandler,
  sleep,
  workflowInfo,
} from '@temporalio/workflow';
import type { DigestActivities } from '../activities';
import type { BusinessCalendar } from '../domain/calendar';
import { nextDigestAt } from '../domain/digest';
import { emailTaskQueue } from '../domain/queues';
import { digestAddedSignal, digestSendNowSignal, type DigestWorkflowInput } from './messages';

const { digestSchedule } = proxyLocalActivities<DigestActivities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1s', maximumInterval: '1 minute', backoffCoefficient: 2 },
});

/** A long daily digest starts a fresh run now and then: about a month of days. */
const MAX_HISTORY_EVENTS = 500;

/**
 * One per person (`digest/<tenant>/<address>`) while something waits in their digest, or one per storm window
 * (`summary/…`). Sleeps on a durable timer until the person's next digest time (their time zone, the tenant's working
 * days) or the window's end, sends, and ends once nothing is left. Holds no entries: they are rows (migration 008),
 * so the history stays the same size whatever the person has waiting.
 */
export async function digestWorkflow(input: DigestWorkflowInput): Promise<{ digests: number }> {
  const { sendDigest } = proxyActivities<DigestActivities>({
    taskQueue: emailTaskQueue(workflowInfo().taskQueue),
    startToCloseTimeout: '5 minutes',
    heartbeatTimeout: '30s',
    retry: { initialInterval: '2s', maximumInterval: '1 minute', backoffCoefficient: 2 },
  });
  let added: boolean;
  let sendNow = false;
  let digests = 0;
  setHandler(digestAddedSignal, () => void (added = true));
  setHandler(digestSendNowSignal, () => void (sendNow = true));

  for (let part = 0; ; part++) {
    let slot: number;
    if (input.sendAt !== undefined) {
      if (input.sendAt > Date.now()) await sleep(input.sendAt - Date.now());
      // A summary too long for one email goes out in parts; each part is an email of its own (its ledger key).
      slot = input.sendAt + part;
    } else {
      const schedule = await digestSchedule({ tenantId: input.tenantId, recipient: input.recipient });
      const at = safeNextDigestAt(Date.now(), schedule);
      const early = await condition(() => sendNow, at - Date.now(), { summary: `digest for ${input.recipient}` });
      slot = early ? Date.now() : at;
    }
    sendNow = false;
    added = false;
    const r = await sendDigest({ tenantId: input.tenantId, recipient: input.recipient, bucket: input.bucket, slot });
    if (r.sent) digests += 1;
    // Nothing left and nothing added meanwhile: done (a later entry starts a new run with signal-with-start).
    if (r.remaining === 0 && !added) break;
    if (workflowInfo().continueAsNewSuggested || workflowInfo().historyLength > MAX_HISTORY_EVENTS) {
      await condition(allHandlersFinished);
      await continueAsNew<typeof digestWorkflow>(input);
    }
  }
  await condition(allHandlersFinished);
  return { digests };
}

/**
 * The next digest instant, never throwing: a calendar without a working day in reach (bad data) must not fail a
 * workflow task. The digest then goes out at its time on the next day, every day, until the calendar is mended.
 */
function safeNextDigestAt(
  now: number,
  schedule: { calendar: BusinessCalendar; time: string; timeZone?: string },
): number {
  try {
    return nextDigestAt(now, schedule.calendar, schedule.time, schedule.timeZone);
  } catch {
    const everyDay = { ...schedule.calendar, workingDays: [1, 2, 3, 4, 5, 6, 7], holidays: [] };
    try {
      return nextDigestAt(now, everyDay, schedule.time, schedule.timeZone);
    } catch {
      return now + 86_400_000; // an unknown time zone or time: a day from now
    }
  }
}
