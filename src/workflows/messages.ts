import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import { DAILY } from '../domain/digest';
import type {
  DocumentView,
  ResolveTaskInput,
  ResolveTaskResult,
  RulesChangedNotice,
  SnoozeInput,
  SnoozeResult,
} from './types';

/** The pipeline reports every state change of a document through this one signal (raw; validated inside). */
export const documentEventSignal = defineSignal<[unknown]>('documentEvent');
/** A person (action link, API) decides the open task. The validator rejects stale or already-decided tasks. */
export const resolveTaskUpdate = defineUpdate<ResolveTaskResult, [ResolveTaskInput]>('resolveTask');
/** Postpones the next reminders and escalations of the open task. */
export const snoozeUpdate = defineUpdate<SnoozeResult, [SnoozeInput]>('snooze');
/**
 * Admin changed rules or calendars: re-read them now rather than at the next wake-up. Sent by the rules fan-out
 * with the tenant's new rules version; a run that already planned with that version ignores it.
 */
export const rulesChangedSignal = defineSignal<[RulesChangedNotice?]>('rulesChanged');
/** What the workflow knows: status, assignee, fields, planned notifications, emails, task. */
export const documentStateQuery = defineQuery<DocumentView>('documentState');
/** A tenant's rules or calendars changed: the rules fan-out makes one more pass (see fanout.ts). */
export const rulesEditedSignal = defineSignal('rulesEdited');

/**
 * The behaviour version of runs started by this build (`DocumentWorkflowInput.version`). Version 5 (LEAN_SINCE):
 * search attributes upserted only when they change, no second rule read after an email, rules versions on
 * `rulesChanged`, shorter runs, emails sent ahead. Version 6 (BOUNDED_SINCE): events over EVENT_LIMITS are recorded
 * and dropped (earlier runs ask `patched('bounded-events')` for the events they receive from now on). Version 7
 * (SNOOZE_BOUNDED_SINCE): snoozes bounded (one per link, SNOOZE_MAX_TOTAL per status visit, never past the due
 * date; the plan bounds the shift the same way); earlier runs ask `patched('bounded-snooze')` at their next snooze,
 * or at their next plan when they carry one. Version 8 (SHORT_EMAIL_BACKOFF_SINCE): email activities back off at most
 * 1 minute between attempts (was 5 minutes), so a send retried after a lost worker or an SMTP outage waits at most
 * that much more (docs/delivery.md, "Lateness"); earlier runs keep their retry policy. Version 9
 * (PREPARE_WITH_CONTEXT_SINCE): a wake-up that reads the rules and sends does both in one local activity
 * (`loadContextAndPrepare`: one marker and one activation fewer per email). The version
 * rides in the run's input rather than in a `patched()` marker: a marker costs every document two history events
 * (the marker and a TemporalChangeVersion upsert), the input costs none, and a running workflow can never switch —
 * its input is in its history. Runs started without it (before this build) keep their behaviour and ask for each
 * older patch as before; they take the version when they continue as new.
 */
export const WORKFLOW_VERSION = 9;
export const LEAN_SINCE = 5;
export const BOUNDED_SINCE = 6;
export const SNOOZE_BOUNDED_SINCE = 7;
export const SHORT_EMAIL_BACKOFF_SINCE = 8;
export const PREPARE_WITH_CONTEXT_SINCE = 9;

/** An entry was added to the person's digest or summary (the entries themselves are in the database). */
export const digestAddedSignal = defineSignal('digestAdded');
/** Send the digest now (CLI, API), then go on with the daily schedule. */
export const digestSendNowSignal = defineSignal('digestSendNow');

export interface DigestWorkflowInput {
  tenantId: string;
  /** Lower-cased address. */
  recipient: string;
  /** `daily`, or a storm summary's bucket (src/store/digests.ts). */
  bucket: string;
  /** Storm summaries: when the window ends (epoch ms); the summary goes out then. Absent: the daily digest. */
  sendAt?: number;
}

/** The workflow id of a person's digest, or of one storm summary. */
export const digestWorkflowId = (tenantId: string, recipient: string, bucket: string): string =>
  bucket === DAILY
    ? `digest/${tenantId}/${recipient.toLowerCase()}`
    : `summary/${tenantId}/${recipient.toLowerCase()}/${bucket}`;
