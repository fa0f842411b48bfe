import {
  ApplicationFailure,
  CancellationScope,
  allHandlersFinished,
  condition,
  continueAsNew,
  patched,
  proxyActivities,
  proxyLocalActivities,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { Activities, ContextAndPrepared, EmailJob, PrepareResult, SendResult } from '../activities';
import { parseDuration } from '../domain/duration';
import {
  applyEscalation,
  applyEvent,
  awaitingAction,
  decide,
  initialState,
  markFired,
  record,
  recordEmail,
  unmarkFired,
  type DocState,
} from '../domain/document';
import { dueNow, plan, stillDue, type PlanContext, type PlannedNotification, type PlanOptions } from '../domain/plan';
import { applySnooze, decideSnooze, describeMs, LINK_ID, type SnoozeDecision } from '../domain/snooze';
import { Failure } from '../domain/failures';
import { IN_DIGEST } from '../domain/digest';
import { isTerminal } from '../domain/status';
import { emailTaskQueue, scheduledEmailTaskQueue } from '../domain/queues';
import {
  BOUNDED_SINCE,
  LEAN_SINCE,
  PREPARE_WITH_CONTEXT_SINCE,
  SHORT_EMAIL_BACKOFF_SINCE,
  SNOOZE_BOUNDED_SINCE,
  WORKFLOW_VERSION,
  documentEventSignal,
  documentStateQuery,
  resolveTaskUpdate,
  rulesChangedSignal,
  snoozeUpdate,
} from './messages';
import { notificationSnapshot, searchAttributeChanges, searchAttributesFor, viewOf } from './view';
import type { DocumentWorkflowInput, ResolveTaskInput, SnoozeInput, SnoozeResult } from './types';

const bookkeeping = {
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1s', maximumInterval: '1 minute', backoffCoefficient: 2 },
} as const;
const remote = proxyActivities<Activities>(bookkeeping);
const { deliverDecision } = remote;
/** Short database reads run as local activities: no server round trip, no extra workflow task. */
const local = proxyLocalActivities<Activities>(bookkeeping);

/**
 * The longest wait between two attempts of a send: a retry after a lost worker (heartbeat timeout) or after an SMTP
 * outage waits the current backoff, so this bounds how late such an email can be (docs/delivery.md, "Lateness").
 * Runs from version 8 on: 1 minute; earlier runs keep the 5 minutes they were scheduled with.
 */
const emailBackoff = (version: number) => (version >= SHORT_EMAIL_BACKOFF_SINCE ? '1 minute' : '5 minutes');

/** Retries are bounded inside the activity (SMTP_RETRY_FOR); permanent failures come back as results. */
const emailActivities = (taskQueue: string, maximumInterval: string) =>
  proxyActivities<Activities>({
    taskQueue,
    startToCloseTimeout: '2 minutes',
    // The send heartbeats: a worker that dies mid-send is noticed in seconds, not after the 2 minutes.
    heartbeatTimeout: '20s',
    retry: {
      initialInterval: '2s',
      maximumInterval,
      backoffCoefficient: 2,
      nonRetryableErrorTypes: [Failure.TemplateError, Failure.ValidationError],
    },
  });

/**
 * An email prepared ahead (PlanContext.sendAheadMs) waits in its activity on a queue of its own until its instant.
 * It heartbeats rarely (most of its time is a wait): a worker lost meanwhile is noticed within a minute.
 */
const scheduledEmailActivities = (taskQueue: string, aheadMs: number, maximumInterval: string) =>
  proxyActivities<Activities>({
    taskQueue,
    startToCloseTimeout: aheadMs + 120_000,
    heartbeatTimeout: '1 minute',
    retry: {
      initialInterval: '2s',
      maximumInterval,
      backoffCoefficient: 2,
      nonRetryableErrorTypes: [Failure.TemplateError, Failure.ValidationError],
    },
  });

/**
 * A long-lived document starts a fresh run (carrying its state) well before Temporal's history limits. Lean runs
 * do so sooner: a wake-up of a workflow evicted from the worker's cache replays its whole run (measured: a run of
 * 2,000 events replays in about 1.6 s of worker CPU), so a short run bounds that cost (about 70 daily reminders).
 */
const DEFAULT_MAX_HISTORY_EVENTS = { lean: 1000, earlier: 5000 };

/**
 * One long-running workflow per document (`document/<tenant>/<documentId>`): applies pipeline events,
 * asks the pure core what to send next, sleeps until then, and sends through activities.
 */
export async function documentWorkflow(input: DocumentWorkflowInput): Promise<{ status?: string; emails: number }> {
  const state: DocState = input.state ?? initialState(input.tenantId, input.documentId, input.documentType);
  state.decisions ??= []; // states carried from before `decisions` existed
  const lean = (input.version ?? 0) >= LEAN_SINCE;
  /** Events over EVENT_LIMITS are dropped; earlier runs from the first event they receive after this build on. */
  const bounded = () => (input.version ?? 0) >= BOUNDED_SINCE || patched('bounded-events');
  /** Runs started before ties were ordered by kind keep ordering them by key (their histories say so). */
  /**
   * Snoozes bounded (snooze.ts): by input version; earlier runs from their next snooze, or from their next plan when
   * they carry a snooze (so a run snoozed without bounds gets its shift bounded). Queries and validators read the
   * flag; only the handler and the loop ask patched().
   */
  let snoozeBounded = (input.version ?? 0) >= SNOOZE_BOUNDED_SINCE;
  const boundSnoozes = (): boolean => {
    if (!snoozeBounded && patched('bounded-snooze')) {
      snoozeBounded = true;
      planOptions.boundedSnooze = true;
    }
    return snoozeBounded;
  };
  const planOptions: PlanOptions = { tiesByKind: lean || patched('plan-ties-by-kind'), boundedSnooze: snoozeBounded };
  /** Runs started before local activities existed keep calling the regular ones (their histories say so). */
  const reads = () => (lean || patched('local-activity-reads') ? local : remote);
  const { sendEmail } = emailActivities(emailTaskQueue(workflowInfo().taskQueue), emailBackoff(input.version ?? 0));
  /** Webhook deliveries retried until the pipeline accepts them; they never block emails or events. */
  const background: Promise<unknown>[] = [];
  let ctx: PlanContext | undefined;
  let contextStale = true;
  let changed = false;
  /** From version 9 the rules read also prepares the first email due (loadContextAndPrepare). */
  const preparesWithContext = (input.version ?? 0) >= PREPARE_WITH_CONTEXT_SINCE;
  let prepared: ContextAndPrepared['prepared'];
  /** Counts the handlers that ran: what was prepared from the state before one ran is not used. */
  let handled = 0;

  setHandler(documentEventSignal, (raw) => {
    handled++;
    const result = applyEvent(state, raw, Date.now(), { bounded: bounded() });
    if (result === 'applied') {
      contextStale = true;
      changed = true;
    }
  });
  setHandler(rulesChangedSignal, (notice) => {
    // A notice of rules this run already planned with wakes nothing (the fan-out may reach it after a wake-up).
    if (lean && notice?.version !== undefined && ctx?.rulesVersion !== undefined && ctx.rulesVersion >= notice.version)
      return;
    contextStale = true;
    changed = true;
  });
  setHandler(documentStateQuery, () =>
    viewOf(state, ctx ? safePlan(state, ctx, planOptions, false) : [], false, {
      version: ctx?.rulesVersion,
      readAt: ctx?.rulesReadAt,
    }),
  ); // queries never change state

  setHandler(
    resolveTaskUpdate,
    (req: ResolveTaskInput) => {
      handled++;
      const task = state.task!;
      const at = Date.now();
      decide(state, { action: req.action, actor: req.actor, at, reason: req.reason, via: req.via ?? 'link' });
      record(state, {
        at,
        kind: 'decision',
        text: `${req.action} by ${req.actor}${req.reason ? `: ${req.reason}` : ''}`,
      });
      changed = true; // the loop sends the confirmation and the webhook (planned as a 'decision' notification)
      return { taskId: task.id, action: req.action, actor: req.actor, at: new Date(at).toISOString() };
    },
    {
      validator: (req: ResolveTaskInput) =>
        validateTask(
          state,
          req.taskId,
          req.taskVersion,
          req.actor,
          req.expiresAt,
          req.action === 'reject' && !req.reason?.trim() ? 'a reason is required to reject' : undefined,
        ),
    },
  );

  /** The snooze asked for, bounded (snooze.ts). */
  const snoozeDecision = (req: SnoozeInput): SnoozeDecision => {
    const d = parseDuration(req.duration);
    return decideSnooze(state, {
      requestedMs: d.kind === 'elapsed' ? d.ms : 0,
      linkId: req.linkId,
      maxTotalMs: req.maxTotalMs,
      now: Date.now(),
    });
  };
  setHandler(
    snoozeUpdate,
    (req: SnoozeInput): SnoozeResult => {
      handled++;
      if (!boundSnoozes()) {
        // Runs started before bounded snoozes replay their recorded snoozes as they ran.
        const d = parseDuration(req.duration);
        const ms = d.kind === 'elapsed' ? d.ms : 0;
        state.snoozeMs += ms;
        record(state, { at: Date.now(), kind: 'snooze', text: `snoozed ${ms / 1000}s by ${req.actor}` });
        changed = true;
        const next = ctx ? safePlan(state, ctx, planOptions)[0] : undefined;
        return {
          taskId: req.taskId,
          snoozedMs: ms,
          nextNotificationAt: next ? new Date(next.at).toISOString() : undefined,
        };
      }
      const decision = snoozeDecision(req);
      // The validator refused this already; asked again in case another snooze was granted in between.
      if (!decision.ok) throw ApplicationFailure.nonRetryable(decision.reason, decision.type);
      applySnooze(state, decision, req.linkId);
      const limited = decision.limitedBy
        ? ` (asked ${describeMs(decision.requestedMs)}; limited by the ${decision.limitedBy === 'cap' ? `total of ${describeMs(decision.maxTotalMs)}` : 'due date'})`
        : '';
      record(state, {
        at: Date.now(),
        kind: 'snooze',
        text: `snoozed ${decision.snoozedMs / 1000}s by ${req.actor}${limited}`,
      });
      changed = true;
      const next = ctx ? safePlan(state, ctx, planOptions)[0] : undefined;
      return {
        taskId: req.taskId,
        snoozedMs: decision.snoozedMs,
        requestedMs: decision.requestedMs,
        ...(decision.limitedBy ? { limitedBy: decision.limitedBy } : {}),
        totalSnoozedMs: decision.totalMs,
        maxTotalMs: decision.maxTotalMs,
        nextNotificationAt: next ? new Date(next.at).toISOString() : undefined,
      };
    },
    {
      validator: (req: SnoozeInput) => {
        validateTask(state, req.taskId, req.taskVersion, req.actor, req.expiresAt);
        const d = parseDuration(req.duration);
        if (d.kind !== 'elapsed' || d.ms <= 0)
          throw new Error('duration: must be a positive elapsed duration such as "1d" or "PT4H"');
        if (req.linkId !== undefined && (typeof req.linkId !== 'string' || !LINK_ID.test(req.linkId)))
          throw ApplicationFailure.nonRetryable('linkId: must be 8-64 characters of [A-Za-z0-9_-]', Failure.BadRequest);
        if (req.maxTotalMs !== undefined && !(Number.isSafeInteger(req.maxTotalMs) && req.maxTotalMs > 0))
          throw ApplicationFailure.nonRetryable(
            'maxTotalMs: must be a positive whole number of milliseconds',
            Failure.BadRequest,
          );
        // Validators are not replayed (a refusal leaves no history): every run refuses what the bounds refuse.
        const decision = snoozeDecision(req);
        if (!decision.ok) throw ApplicationFailure.nonRetryable(decision.reason, decision.type);
      },
    },
  );

  for (;;) {
    if (state.snoozeMs > 0) boundSnoozes(); // a shift carried from before the bounds is bounded from now on
    if (contextStale) {
      contextStale = false;
      const context = { tenantId: state.tenantId, documentType: state.documentType, assignee: state.assignee };
      if (preparesWithContext) {
        const before = handled;
        const read = await local.loadContextAndPrepare({ context, state, options: planOptions, now: Date.now() });
        ctx = read.context;
        prepared = handled === before ? read.prepared : undefined;
      } else {
        ctx = await reads().loadContext(context);
      }
    }
    const planned = safePlan(state, ctx!, planOptions);
    const now = Date.now();
    // Lean runs fire an email ahead of its instant (SEND_AHEAD); it then waits in its activity for the instant.
    const ahead = lean ? (ctx!.sendAheadMs ?? 0) : 0;
    const due = dueNow(planned, now, ahead);
    // What the rules read prepared serves this pass only (the state may change before the next).
    const handed = prepared;
    prepared = undefined;
    if (lean) {
      // NextNotificationAt names the next email still to come, so sending the due ones does not change it.
      const changes = searchAttributeChanges(
        searchAttributesFor(state, planned.find((p) => p.at > now)?.at),
        workflowInfo().typedSearchAttributes,
      );
      if (changes.length > 0) upsertSearchAttributes(changes);
    } else {
      upsertSearchAttributes(searchAttributesFor(state, planned[0]?.at));
    }
    if (due.length > 0) {
      const assignee = state.assignee;
      // Prepared from the state before any of them fired: it serves the first one only.
      for (const [i, p] of due.entries()) await fire(p, i === 0 && handed?.key === p.key ? handed.result : undefined);
      // Re-read rules before the next wake (a rule changed meanwhile takes effect). Lean runs read them at every
      // wake-up and are told of changes, so only a new assignee (whose time zone the plan uses) needs a read now.
      if (!lean || state.assignee !== assignee) contextStale = true;
      continue;
    }
    if (isTerminal(state.status) && planned.length === 0) break;
    const info = workflowInfo();
    if (
      info.continueAsNewSuggested ||
      info.historyLength > (input.maxHistoryEvents ?? DEFAULT_MAX_HISTORY_EVENTS[lean ? 'lean' : 'earlier'])
    ) {
      if (busy()) await settle();
      await continueAsNew<typeof documentWorkflow>({
        tenantId: state.tenantId,
        documentId: state.documentId,
        state,
        maxHistoryEvents: input.maxHistoryEvents,
        version: WORKFLOW_VERSION,
      });
    }
    changed = false;
    const next = planned[0];
    if (next) {
      const to = next.kind !== 'escalation' && state.assignee ? ` to ${state.assignee}` : '';
      const woke = await condition(() => changed, next.at - ahead - now, { summary: `${next.summary}${to}` });
      if (!woke) contextStale = true;
    } else {
      await condition(() => changed);
    }
  }
  if (busy()) await settle();
  return { status: state.status, emails: state.emailCount };

  /**
   * Webhook deliveries and running handlers still running? Then the run waits for them (settle) before it ends. Only
   * then: the SDK captures a stack trace for every promise a workflow creates (for its stack-trace query), a cost on
   * every document's last task.
   */
  function busy(): boolean {
    return background.length > 0 || !allHandlersFinished();
  }

  async function settle(): Promise<void> {
    await Promise.all(background);
    await condition(allHandlersFinished);
  }

  /** Sends `p` (prepared with the rules read when it came, or now). */
  async function fire(p: PlannedNotification, preparedAhead?: PrepareResult): Promise<void> {
    markFired(state, p.key);
    const snapshot = notificationSnapshot(state, p);
    const prepared = preparedAhead ?? (await reads().prepareNotification({ planned: p, snapshot }));
    if (prepared.skipped) {
      record(state, { at: Date.now(), kind: 'info', text: `${p.summary} skipped: ${prepared.skipped}` });
      return;
    }
    const early = p.at > Date.now();
    if (!early) escalate(p, prepared);
    if (p.kind === 'decision') {
      const delivery = deliverDecision({ snapshot, key: p.key });
      if (lean || patched('decision-webhook-in-background')) background.push(delivery);
      else await delivery;
    }
    const results = early
      ? await sendAtInstant(p, prepared.emails)
      : await Promise.all(prepared.emails.map((job) => sendEmail(job)));
    if (!results) return;
    if (early) escalate(p, prepared);
    for (const r of results) {
      recordEmail(state, {
        key: r.ledgerKey,
        kind: p.kind,
        to: r.to,
        status: r.status,
        at: Date.now(),
        messageId: r.messageId,
        detail: r.detail,
      });
      // A digest carries the email's action links too. (Only new runs file into digests, so replays never differ.)
      const reached = r.status === 'sent' || (r.status === 'skipped' && r.detail === IN_DIGEST);
      if (state.task && reached && !state.task.recipients.includes(r.to) && r.linked) state.task.recipients.push(r.to);
    }
  }

  /** An escalation raises the level and may hand the task to someone else. */
  function escalate(p: PlannedNotification, prepared: PrepareResult): void {
    if (p.kind === 'escalation') applyEscalation(state, p.seq, prepared.reassignTo, Date.now());
  }

  /**
   * Emails fired ahead go out at `p.at` from their activities. If the document changes first so that `p` is no
   * longer due by then (a decision, a new status, a snooze), they are withdrawn: cancelled, their ledger rows
   * deleted, and `p` planned again from the new state. @returns undefined when withdrawn.
   */
  async function sendAtInstant(p: PlannedNotification, jobs: EmailJob[]): Promise<SendResult[] | undefined> {
    const { sendEmail: sendAt } = scheduledEmailActivities(
      scheduledEmailTaskQueue(workflowInfo().taskQueue),
      p.at - Date.now(),
      emailBackoff(input.version ?? 0),
    );
    const sending = new CancellationScope();
    const sends = sending.run(() => Promise.all(jobs.map((job) => sendAt({ ...job, notBefore: p.at }))));
    const watching = new CancellationScope();
    const moved = watching.run(() => condition(() => changed && !safeStillDue(state, ctx!, p, planOptions)));
    const first = await Promise.race([sends, moved.then(() => undefined)]);
    watching.cancel();
    moved.catch(() => undefined);
    if (first) return first;
    sending.cancel();
    sends.catch(() => undefined);
    const { withdrawn } = await local.withdrawEmails({ keys: jobs.map((j) => j.ledgerKey) });
    if (withdrawn.length < jobs.length) {
      // Already released at its instant: it went out, and a plan from the new state must not send it again.
      record(state, {
        at: Date.now(),
        kind: 'info',
        text: `${p.summary} went out at its time; the document changed too late to withdraw it`,
      });
      return undefined;
    }
    unmarkFired(state, p.key);
    record(state, {
      at: Date.now(),
      kind: 'info',
      text: `${p.summary} withdrawn before its time: the document changed`,
    });
    return undefined;
  }
}

/** stillDue, never throwing (a plan that fails keeps the email as it was planned). */
function safeStillDue(state: DocState, ctx: PlanContext, p: PlannedNotification, options: PlanOptions): boolean {
  try {
    return stillDue(state, ctx, p, options);
  } catch {
    return true;
  }
}

/**
 * The plan, never throwing: bad data (say, a calendar without a working day in reach) must not fail a workflow
 * task. It is recorded once, and the document is planned around the clock instead.
 */
function safePlan(state: DocState, ctx: PlanContext, options: PlanOptions, recordError = true): PlannedNotification[] {
  try {
    return plan(state, ctx, options);
  } catch (e) {
    const text = `planning with the business calendar failed (${(e as Error).message}); planned around the clock`;
    if (recordError && state.history.at(-1)?.text !== text) record(state, { at: Date.now(), kind: 'rejected', text });
    try {
      return plan(state, { ...ctx, calendar: undefined, calendars: {} }, options);
    } catch {
      return [];
    }
  }
}

/** Shared by the Update validators: throws (rejecting the Update) for a stale, decided or expired task. */
function validateTask(
  state: DocState,
  taskId: string,
  taskVersion: number | undefined,
  actor: string,
  expiresAt?: number,
  extra?: string,
): void {
  const task = state.task;
  if (!task || task.id !== taskId)
    throw ApplicationFailure.nonRetryable('this task is no longer open: the document has moved on', Failure.StaleTask);
  if (task.decision) {
    throw ApplicationFailure.nonRetryable(
      `already ${task.decision.action} by ${task.decision.actor} at ${new Date(task.decision.at).toISOString()}`,
      Failure.AlreadyDecided,
      task.decision,
    );
  }
  if (taskVersion !== undefined && taskVersion !== task.version)
    throw ApplicationFailure.nonRetryable('this task was reassigned: the link is no longer valid', Failure.Reassigned);
  if (expiresAt !== undefined && expiresAt <= Date.now())
    throw ApplicationFailure.nonRetryable('this link has expired', Failure.Expired);
  // Links carry the recipient's address in lower case; the task records it as the directory spells it.
  const who = actor.toLowerCase();
  if (
    task.recipients.length > 0 &&
    !task.recipients.some((r) => r.toLowerCase() === who) &&
    who !== state.assignee?.toLowerCase()
  ) {
    throw ApplicationFailure.nonRetryable(`${actor} is not a recipient of this task`, Failure.WrongRecipient);
  }
  if (!awaitingAction(state)) throw ApplicationFailure.nonRetryable('nothing is awaiting action', Failure.StaleTask);
  if (extra) throw ApplicationFailure.nonRetryable(extra, Failure.BadRequest);
}
