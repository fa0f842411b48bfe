/**
 * docnotify for a pipeline written as Temporal workflows: import this module (`docnotify/workflows`) in the
 * pipeline's workflow code. Events go through the `reportDocumentEvent` activity that `docnotifyPlugin` registers on
 * the pipeline's worker, so they are durable (recorded in the pipeline's history, retried until docnotify has them)
 * and validated the same way as at the other doors; decisions come back as the `documentDecision` signal.
 *
 *   await reportDocumentEvent({ documentId: 'INV-1', type: 'status_changed', status: 'pending_approval' });
 *   const decision = await nextDecision('INV-1');
 */
import {
  condition,
  defineSignal,
  proxyActivities,
  setHandler,
  uuid4,
  type ActivityOptions,
} from '@temporalio/workflow';
import type { DocumentEventInput } from '../domain/events';
import type { DocumentSnapshot } from './types';

/** An event as pipeline workflow code reports it: eventId (deterministic) and occurredAt are filled in when absent. */
export type PipelineEvent = DocumentEventInput extends infer E
  ? E extends unknown
    ? Omit<E, 'eventId' | 'occurredAt'> & { eventId?: string; occurredAt?: string }
    : never
  : never;

/** What docnotify tells the pipeline when a task is decided (the body of the decision webhook, too). */
export interface DocumentDecision {
  type: 'task_resolved';
  /** The same for every delivery of one decision: deliveries are at least once, so keep the ones already seen. */
  deliveryId: string;
  tenantId: string;
  documentId: string;
  documentType: string;
  taskId?: string;
  decision?: NonNullable<DocumentSnapshot['decision']>;
}

/** The activities `docnotifyPlugin` adds to the pipeline's worker. */
export interface DocnotifyPipelineActivities {
  /** Validates the event (a ValidationError naming the field is not retried) and signals the document's workflow. */
  reportDocumentEvent(
    event: PipelineEvent & { eventId: string; occurredAt: string },
  ): Promise<{ workflowId: string; eventId: string }>;
}

/** The signal docnotify sends to the workflows that reported a document's events when its task is decided. */
export const documentDecisionSignal = defineSignal<[DocumentDecision]>('documentDecision');

const DEFAULT_ACTIVITY_OPTIONS: ActivityOptions = {
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute', nonRetryableErrorTypes: ['ValidationError'] },
};

/**
 * Reports a document event to docnotify from workflow code. The event id is generated deterministically when
 * absent, so a retried or replayed report is delivered once.
 */
export async function reportDocumentEvent(
  event: PipelineEvent,
  options: ActivityOptions = DEFAULT_ACTIVITY_OPTIONS,
): Promise<{ workflowId: string; eventId: string }> {
  const { reportDocumentEvent: report } = proxyActivities<DocnotifyPipelineActivities>(options);
  return report({
    ...event,
    eventId: event.eventId ?? uuid4(),
    occurredAt: event.occurredAt ?? new Date().toISOString(),
  } as never);
}

let decisions: DocumentDecision[] | undefined;
const seen = new Set<string>();

/** Collects `documentDecision` signals from the first call on (signals that came earlier were buffered by the SDK). */
function listenForDecisions(): void {
  if (decisions) return;
  decisions = [];
  setHandler(documentDecisionSignal, (d) => {
    if (seen.has(d.deliveryId)) return; // a redelivery
    seen.add(d.deliveryId);
    decisions?.push(d);
  });
}

/**
 * Waits for the next decision on the document (optionally at most `timeout`). A decision that arrived before the call
 * is not lost: the SDK keeps signals until their handler is set, and this module keeps them until they are asked for.
 * @returns the decision, or undefined on timeout
 */
export async function nextDecision(
  documentId: string,
  timeout?: string | number,
): Promise<DocumentDecision | undefined> {
  listenForDecisions();
  const pending = decisions as DocumentDecision[];
  const match = () => pending.findIndex((d) => d.documentId === documentId);
  const arrived =
    timeout === undefined ? (await condition(() => match() >= 0), true) : await condition(() => match() >= 0, timeout);
  if (!arrived) return undefined;
  return pending.splice(match(), 1)[0];
}
