import { randomUUID } from 'node:crypto';
import { Client, Connection, ServiceError, WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import type { SearchAttributePair } from '@temporalio/common';
import { parseEvent, workflowIdFor, type DocumentEvent, type DocumentEventInput } from './domain/events';
import { NotFoundError, UnavailableError, ValidationError } from './errors';
import { Failure, isRefusalType, type RefusalType } from './domain/failures';
import { quoteVisibility } from './domain/visibility';
import { tenantIdProblem } from './domain/tenant';
import { DAILY } from './domain/digest';
import { describeConnection, type TemporalConnection } from './temporal';
import {
  WORKFLOW_VERSION,
  digestSendNowSignal,
  digestWorkflowId,
  documentEventSignal,
  documentStateQuery,
  resolveTaskUpdate,
  rulesEditedSignal,
  snoozeUpdate,
} from './workflows/messages';
import type { DocumentView, ResolveTaskInput, ResolveTaskResult, SnoozeInput, SnoozeResult } from './workflows/types';
import { applyEvent, initialState } from './domain/document';
import { SA, searchAttributesFor } from './workflows/view';
import { clientInterceptors, tracingActive } from './tracing';

export interface ClientOptions {
  /** @default localhost:7233 */
  address?: string;
  /** @default default */
  namespace?: string;
  /** TLS (true, or a CA / client certificate / server name), as `config.temporal` resolves it from TEMPORAL_TLS_*. */
  tls?: TemporalConnection['tls'];
  /** Temporal Cloud API key (TLS is then on unless `tls: false`). */
  apiKey?: string;
  /** gRPC metadata sent with every call. */
  metadata?: Record<string, string>;
  /** Task queue the docnotify workers poll. @default docnotify */
  taskQueue?: string;
  /**
   * Trace workflow calls with the OpenTelemetry client interceptor (the context travels in the workflow's headers);
   * `true` also serves an OpenTelemetry SDK of your own. @default true when this process started tracing (src/tracing.ts)
   */
  tracing?: boolean;
}

/** An event as the pipeline sends it: eventId and occurredAt are filled in when absent. */
export type EventInput = DocumentEventInput extends infer E
  ? E extends unknown
    ? Omit<E, 'eventId' | 'occurredAt'> & { eventId?: string; occurredAt?: string }
    : never
  : never;

export interface DocumentSummary {
  workflowId: string;
  runId: string;
  documentId: string;
  tenantId: string;
  documentType?: string;
  status?: string;
  assignee?: string;
  awaitingAction?: boolean;
  escalationLevel?: number;
  nextNotificationAt?: string;
  dueAt?: string;
  running: boolean;
  startTime: string;
}

/**
 * The answer of resolveTask/snooze: accepted, or refused with the reason the person should read. `type` names the
 * refusal (src/domain/failures.ts; its page and status are `FAILURES[type]`); it is absent for a refusal of another
 * kind, such as a validator's plain Error.
 */
export type DecisionOutcome<T> =
  { ok: true; result: T } | { ok: false; reason: string; type?: RefusalType; details?: unknown };

/**
 * The search attributes a new document's run would set after its first event, given at its start (a start's
 * attributes are free of upsert events and billed actions): the run then upserts only what its plan adds.
 * Ignored by Temporal when the run exists already.
 */
function startSearchAttributes(event: DocumentEvent, documentType: string): SearchAttributePair[] {
  const state = initialState(event.tenantId, event.documentId, documentType);
  applyEvent(state, event, Date.now());
  return searchAttributesFor(state, undefined).filter((pair): pair is SearchAttributePair => pair.value !== null);
}

/** The pipeline's and operators' door into docnotify (TypeScript). */
export class DocnotifyClient {
  constructor(
    readonly temporal: Client,
    readonly taskQueue = 'docnotify',
  ) {}

  static async connect(opts: ClientOptions = {}): Promise<DocnotifyClient> {
    const address = opts.address ?? 'localhost:7233';
    const tls = opts.tls ?? (opts.apiKey ? true : undefined);
    const connection = await Connection.connect({ address, tls, apiKey: opts.apiKey, metadata: opts.metadata }).catch(
      (e: Error) => {
        throw new Error(
          `could not connect to ${describeConnection({ address, namespace: opts.namespace ?? 'default', tls, apiKey: opts.apiKey })}: ${e.message}`,
        );
      },
    );
    const interceptors = (opts.tracing ?? tracingActive()) ? clientInterceptors() : undefined;
    return new DocnotifyClient(
      new Client({ connection, namespace: opts.namespace ?? 'default', interceptors }),
      opts.taskQueue ?? 'docnotify',
    );
  }

  /**
   * Validates the event (throws ValidationError naming the field) and delivers it with signal-with-start
   * to `document/<tenantId>/<documentId>`.
   */
  async sendEvent(input: EventInput): Promise<{ workflowId: string; runId: string; eventId: string }> {
    if (!input || typeof input !== 'object') throw new ValidationError('invalid event: (input): must be an object');
    const event = parseEvent({
      ...input,
      eventId: input.eventId ?? randomUUID(),
      occurredAt: input.occurredAt ?? new Date().toISOString(),
    });
    const tenantProblem = tenantIdProblem(event.tenantId, 'tenantId');
    if (tenantProblem) throw new ValidationError(`invalid event: ${tenantProblem}`);
    const workflowId = workflowIdFor(event.tenantId, event.documentId);
    const documentType = event.documentType ?? 'invoice';
    const handle = await this.temporal.workflow.signalWithStart('documentWorkflow', {
      workflowId,
      taskQueue: this.taskQueue,
      args: [{ tenantId: event.tenantId, documentId: event.documentId, documentType, version: WORKFLOW_VERSION }],
      signal: documentEventSignal,
      signalArgs: [event],
      typedSearchAttributes: startSearchAttributes(event, documentType),
      staticSummary: `${documentType} ${event.documentId} (${event.tenantId})`,
    });
    return { workflowId, runId: handle.signaledRunId, eventId: event.eventId };
  }

  /** The `documentState` query of the document's latest run (running or finished). */
  async getState(documentId: string, tenantId = 'default'): Promise<DocumentView> {
    const handle = this.temporal.workflow.getHandle(workflowIdFor(tenantId, documentId));
    try {
      const [view, desc] = await Promise.all([handle.query(documentStateQuery), handle.describe()]);
      return { ...view, finished: desc.status.name !== 'RUNNING' };
    } catch (e) {
      if (e instanceof WorkflowNotFoundError) throw new NotFoundError(`document ${tenantId}/${documentId} not found`);
      if (e instanceof ServiceError)
        throw new UnavailableError(
          `document ${tenantId}/${documentId}: its workflow did not answer (is a docnotify worker polling task queue ${this.taskQueue}?): ${e.message}`,
        );
      throw e;
    }
  }

  /** Lists documents through a visibility query on the custom search attributes. */
  async list(
    filter: {
      tenantId?: string;
      status?: string;
      awaiting?: boolean;
      assignee?: string;
      query?: string;
      limit?: number;
    } = {},
  ): Promise<DocumentSummary[]> {
    const q: string[] = ["WorkflowType = 'documentWorkflow'"];
    if (filter.tenantId) q.push(`TenantId = ${quoteVisibility(filter.tenantId)}`);
    if (filter.status) q.push(`DocumentStatus = ${quoteVisibility(filter.status)}`);
    if (filter.assignee) q.push(`Assignee = ${quoteVisibility(filter.assignee)}`);
    if (filter.awaiting !== undefined) q.push(`AwaitingAction = ${filter.awaiting}`);
    if (filter.query) q.push(`(${filter.query})`);
    const out: DocumentSummary[] = [];
    for await (const w of this.temporal.workflow.list({ query: q.join(' AND '), pageSize: 100 })) {
      const sa = w.typedSearchAttributes;
      const date = (d: Date | undefined) => d?.toISOString();
      out.push({
        workflowId: w.workflowId,
        runId: w.runId,
        documentId: sa.get(SA.DocumentId) ?? w.workflowId.split('/').slice(2).join('/'),
        tenantId: sa.get(SA.TenantId) ?? w.workflowId.split('/')[1],
        documentType: sa.get(SA.DocumentType),
        status: sa.get(SA.DocumentStatus),
        assignee: sa.get(SA.Assignee),
        awaitingAction: sa.get(SA.AwaitingAction),
        escalationLevel: sa.get(SA.EscalationLevel),
        nextNotificationAt: date(sa.get(SA.NextNotificationAt)),
        dueAt: date(sa.get(SA.DueAt)),
        running: w.status.name === 'RUNNING',
        startTime: w.startTime.toISOString(),
      });
      if (out.length >= (filter.limit ?? 100)) break;
    }
    return out;
  }

  /** Decides the open task (the `resolveTask` Update). A refused decision comes back with the reason. */
  async resolveTask(
    documentId: string,
    input: ResolveTaskInput,
    tenantId = 'default',
  ): Promise<DecisionOutcome<ResolveTaskResult>> {
    return this.update(documentId, tenantId, () =>
      this.temporal.workflow
        .getHandle(workflowIdFor(tenantId, documentId))
        .executeUpdate(resolveTaskUpdate, { args: [input] }),
    );
  }

  /** Postpones the open task's reminders (the `snooze` Update). */
  async snooze(documentId: string, input: SnoozeInput, tenantId = 'default'): Promise<DecisionOutcome<SnoozeResult>> {
    return this.update(documentId, tenantId, () =>
      this.temporal.workflow
        .getHandle(workflowIdFor(tenantId, documentId))
        .executeUpdate(snoozeUpdate, { args: [input] }),
    );
  }

  /**
   * Tells the tenant's running document workflows that its rules or calendars changed: starts (or signals) the
   * tenant's rules fan-out workflow, which signals the affected documents at RULES_FANOUT_RATE. One RPC, whatever
   * the number of documents. @returns the fan-out's workflow id
   */
  async notifyRulesChanged(tenantId: string): Promise<string> {
    const workflowId = `rules-fanout/${tenantId}`;
    await this.temporal.workflow.signalWithStart('rulesFanOutWorkflow', {
      workflowId,
      taskQueue: this.taskQueue,
      args: [{ tenantId }],
      signal: rulesEditedSignal,
      staticSummary: `rules fan-out of tenant ${tenantId}`,
    });
    return workflowId;
  }

  /**
   * Sends a person's daily digest now (docs/digest.md); the schedule goes on. Throws NotFoundError when no digest runs
   * for them (nothing is filed in it).
   */
  async sendDigestNow(recipient: string, tenantId = 'default'): Promise<string> {
    const workflowId = digestWorkflowId(tenantId, recipient, DAILY);
    try {
      await this.temporal.workflow.getHandle(workflowId).signal(digestSendNowSignal);
    } catch (e) {
      if (e instanceof WorkflowNotFoundError)
        throw new NotFoundError(`no digest runs for ${recipient} in tenant ${tenantId}: nothing is filed in it`);
      throw e;
    }
    return workflowId;
  }

  private async update<T>(documentId: string, tenantId: string, run: () => Promise<T>): Promise<DecisionOutcome<T>> {
    try {
      return { ok: true, result: await run() };
    } catch (e) {
      if (e instanceof WorkflowUpdateFailedError) {
        const cause = e.cause as { message?: string; type?: string; details?: unknown[] } | undefined;
        const type = isRefusalType(cause?.type) ? cause.type : undefined;
        return { ok: false, reason: cause?.message ?? e.message, type, details: cause?.details?.[0] };
      }
      if (e instanceof WorkflowNotFoundError)
        return {
          ok: false,
          reason: `document ${tenantId}/${documentId} has no running workflow`,
          type: Failure.NotFound,
        };
      throw e;
    }
  }

  async close(): Promise<void> {
    await this.temporal.connection.close();
  }
}

export { NotFoundError, ValidationError };
export { Failure, type RefusalType };
