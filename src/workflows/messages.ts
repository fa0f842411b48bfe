import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { DocumentView, ResolveTaskInput, ResolveTaskResult, SnoozeInput, SnoozeResult } from './types';

/** The pipeline reports every state change of a document through this one signal (raw; validated inside). */
export const documentEventSignal = defineSignal<[unknown]>('documentEvent');
/** A person (action link, API) decides the open task. The validator rejects stale or already-decided tasks. */
export const resolveTaskUpdate = defineUpdate<ResolveTaskResult, [ResolveTaskInput]>('resolveTask');
/** Postpones the next reminders and escalations of the open task. */
export const snoozeUpdate = defineUpdate<SnoozeResult, [SnoozeInput]>('snooze');
/** Admin changed rules or templates: re-read them now rather than at the next wake-up. */
export const rulesChangedSignal = defineSignal('rulesChanged');
/** What the workflow knows: status, assignee, fields, planned notifications, emails, task. */
export const documentStateQuery = defineQuery<DocumentView>('documentState');
