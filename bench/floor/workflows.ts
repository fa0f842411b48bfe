/**
 * The engine floor: the smallest Temporal workflow of docnotify's first-email shape — started by
 * signal-with-start, one activity on a second task queue that sends through pooled nodemailer, completion.
 * What docnotify's first email is measured against (bench/run.ts).
 */
import { condition, defineSignal, proxyActivities, setHandler, workflowInfo } from '@temporalio/workflow';
import type { FloorActivities } from './activities';

export interface FloorEvent {
  to: string;
  subject: string;
}

export const floorEventSignal = defineSignal<[FloorEvent]>('documentEvent');

export async function floorWorkflow(): Promise<void> {
  let event: FloorEvent | undefined;
  setHandler(floorEventSignal, (e) => {
    event = e;
  });
  await condition(() => event !== undefined);
  const { floorSend } = proxyActivities<FloorActivities>({
    taskQueue: `${workflowInfo().taskQueue}-email`,
    startToCloseTimeout: '1 minute',
  });
  await floorSend(event!);
}
