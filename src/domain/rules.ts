import { z } from 'zod';
import { REMINDER_DELIVERIES } from './digest';
import { durationSchema, type Duration } from './duration';
import { statusSchema } from './events';
import { STATUSES } from './status';

export const PRIORITIES = ['low', 'medium', 'high'] as const;
export const LINK_ACTIONS = ['approve', 'reject', 'validate', 'snooze', 'open'] as const;
export const EVENT_TRIGGERS = ['assigned', 'comment_added'] as const;

const email = z.email({ error: (i) => `"${String(i.input)}" is not an email address` });
const fieldId = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be a document field id (letters, digits, _)');
const templateName = z
  .string()
  .trim()
  .regex(/^[a-z0-9_.-]{1,100}$/, 'must be a template name (a-z, 0-9, _ . -)');

/** Who receives an email. */
export const recipientsSchema = z.strictObject({
  /** The document's assigned user or group (through the directory), or its plain address. @default true */
  assignee: z.boolean().default(true),
  /** Fixed addresses. */
  addresses: z.array(email).max(50).default([]),
  /** Directory roles: every user of the tenant that has the role. */
  roles: z.array(z.string().trim().min(1).max(100)).max(20).default([]),
  /** Document fields that hold an address (e.g. `approver_email`). */
  fields: z.array(fieldId).max(20).default([]),
});

/** Escalation: notify other people when the assignee does not act (issue 4). */
export const escalationLevelSchema = z
  .strictObject({
    /** Fires this long after the document entered the status. */
    after: durationSchema.optional(),
    /** Or: fires one repeat interval after the Nth unanswered reminder. */
    afterReminders: z.number().int().min(1).max(100).optional(),
    /** The assignee's manager (directory). */
    manager: z.boolean().default(false),
    roles: z.array(z.string().trim().min(1)).default([]),
    addresses: z.array(email).default([]),
    /** Template of this level. @default escalation */
    template: templateName.default('escalation'),
    /** Reassign the document to this user/group/address when the level fires. */
    reassignTo: z.string().trim().min(1).optional(),
  })
  .refine((l) => (l.after === undefined) !== (l.afterReminders === undefined), {
    message: 'give exactly one of "after" or "afterReminders"',
  })
  .refine((l) => l.manager || l.roles.length > 0 || l.addresses.length > 0, {
    message: 'an escalation level needs recipients: manager, roles or addresses',
  });

/** Due-date reminders from the document's `dueAt` (issue 4). */
export const dueRemindersSchema = z.strictObject({
  /** Offsets before `dueAt`, e.g. ["3d", "1d", "2h"]. */
  before: z.array(durationSchema).max(10).default([]),
  /** Send an overdue notice at `dueAt`. @default true */
  overdue: z.boolean().default(true),
  /** Repeat the overdue notice every `interval`, at most `maxCount` times. */
  repeatOverdue: z.strictObject({ interval: durationSchema, maxCount: z.number().int().min(1).max(100) }).optional(),
});

const triggerSchema = z.union(
  [
    z.strictObject({ status: statusSchema }),
    z.strictObject({ event: z.enum(EVENT_TRIGGERS, { error: `event must be one of ${EVENT_TRIGGERS.join(', ')}` }) }),
  ],
  {
    // The union hides its branches' issues: name the actual problem when the shape is right but the value is not.
    error: (i) => {
      const o = i.input as Record<string, unknown> | undefined;
      const keys = o && typeof o === 'object' ? Object.keys(o) : [];
      if (keys.length === 1 && keys[0] === 'status')
        return `unknown status "${String(o!.status)}" (expected one of ${STATUSES.join(', ')})`;
      if (keys.length === 1 && keys[0] === 'event') return `event must be one of ${EVENT_TRIGGERS.join(', ')}`;
      return 'trigger must be { "status": "<status>" } or { "event": "assigned" | "comment_added" }';
    },
  },
);

/** A notification rule as administrators enter it (product.md, "Notification rules"). */
export const ruleInputSchema = z
  .strictObject({
    name: z
      .string()
      .trim()
      .min(1, 'name must not be empty')
      .max(100)
      .regex(/^[\p{L}\p{N} _.-]+$/u, 'name may contain letters, digits, spaces, _ . -'),
    active: z.boolean().default(true),
    tenantId: z.string().trim().min(1).default('default'),
    /** Empty or absent = every document type. */
    documentType: z
      .string()
      .trim()
      .max(100)
      .nullish()
      .transform((v) => (v ? v : null)),
    trigger: triggerSchema,
    priority: z.enum(PRIORITIES, { error: 'priority must be low, medium or high' }).default('medium'),
    /** How long the document must stay in the status before the first email. @default 0 */
    delay: durationSchema.default({ kind: 'elapsed', ms: 0 }),
    /** Repeat while the document stays in the status. */
    repeat: z
      .strictObject({
        interval: durationSchema,
        maxCount: z
          .number()
          .int()
          .min(1, 'maxCount must be at least 1')
          .max(400, 'maxCount must be at most 400 (a year of daily reminders)'),
      })
      .nullish()
      .transform((v) => v ?? null),
    recipients: recipientsSchema.default({ assignee: true, addresses: [], roles: [], fields: [] }),
    resendOnReassignment: z.boolean().default(false),
    /** Template of the first email. @default status_<status> or the event name */
    template: templateName.optional(),
    /** Template of reminders. @default reminder */
    reminderTemplate: templateName.default('reminder'),
    /** How reminders (repeats, due-date reminders) go out: on their own, in the daily digest, or both (docs/digest.md). */
    reminderDelivery: z
      .enum(REMINDER_DELIVERIES, { error: 'reminderDelivery must be immediate, digest or both' })
      .default('immediate'),
    actions: z.array(z.enum(LINK_ACTIONS)).max(5).default([]),
    escalation: z.array(escalationLevelSchema).max(10).default([]),
    dueReminders: dueRemindersSchema.nullish().transform((v) => v ?? null),
    /** Calendar name (tenant calendars) overriding the tenant default for this rule. */
    calendar: z
      .string()
      .trim()
      .min(1)
      .nullish()
      .transform((v) => v ?? null),
  })
  .superRefine((r, ctx) => {
    if (r.delay.kind === 'elapsed' && r.delay.ms < 0)
      ctx.addIssue({ code: 'custom', path: ['delay'], message: 'must not be negative' });
    // A zero interval would send all repeats at the same moment.
    const tooShort = (d: Duration) => (d.kind === 'elapsed' ? d.ms < 1000 : d.amount <= 0);
    if (r.repeat && tooShort(r.repeat.interval)) {
      ctx.addIssue({ code: 'custom', path: ['repeat', 'interval'], message: 'must be at least 1 second' });
    }
    if (r.dueReminders?.repeatOverdue && tooShort(r.dueReminders.repeatOverdue.interval)) {
      ctx.addIssue({
        code: 'custom',
        path: ['dueReminders', 'repeatOverdue', 'interval'],
        message: 'must be at least 1 second',
      });
    }
    r.dueReminders?.before.forEach((d, i) => {
      // Offsets are counted back from the due date in elapsed time (the planner cannot count business time backwards).
      if (d.kind !== 'elapsed')
        ctx.addIssue({
          code: 'custom',
          path: ['dueReminders', 'before', i],
          message: 'must be an elapsed duration such as "1d" or "2h" (business durations are not supported here)',
        });
    });
    r.escalation.forEach((l, i) => {
      if (l.afterReminders !== undefined && !r.repeat) {
        ctx.addIssue({
          code: 'custom',
          path: ['escalation', i, 'afterReminders'],
          message: 'needs "repeat" on the rule (reminders to count)',
        });
      } else if (l.afterReminders !== undefined && r.repeat && l.afterReminders > r.repeat.maxCount) {
        ctx.addIssue({
          code: 'custom',
          path: ['escalation', i, 'afterReminders'],
          message: `must be at most repeat.maxCount (${r.repeat.maxCount}): only that many reminders are sent`,
        });
      }
    });
    const recipients = r.recipients;
    if (!recipients.assignee && !recipients.addresses.length && !recipients.roles.length && !recipients.fields.length) {
      ctx.addIssue({
        code: 'custom',
        path: ['recipients'],
        message: 'choose at least one recipient: assignee, addresses, roles or fields',
      });
    }
    if ('event' in r.trigger && r.dueReminders) {
      ctx.addIssue({ code: 'custom', path: ['dueReminders'], message: 'due-date reminders need a status trigger' });
    }
  });

export type RuleInput = z.input<typeof ruleInputSchema>;
export type RuleSpec = z.output<typeof ruleInputSchema>;
/** A stored rule: the spec plus its id and version (bumped on every change). */
export type Rule = RuleSpec & { id: string; version: number };
export type EscalationLevel = z.output<typeof escalationLevelSchema>;

export type { Duration };

/**
 * The running documents a change of rules or calendars can affect, for the fan-out that tells them:
 * `statuses` / `documentTypes` absent = all of them.
 */
export interface RulesChangeScope {
  statuses?: string[];
  documentTypes?: string[];
}

/**
 * Who must hear of a rule going from `before` to `after` (either absent for a create or a delete). A status rule
 * plans only documents in its status; an event rule may have a notice pending in any status; a rule without a
 * document type applies to every type.
 */
export function changeScope(before: RuleSpec | undefined, after: RuleSpec | undefined): RulesChangeScope {
  const rules = [before, after].filter((r): r is RuleSpec => r !== undefined);
  const statuses = rules.every((r) => 'status' in r.trigger)
    ? rules.map((r) => ('status' in r.trigger ? r.trigger.status : ''))
    : undefined;
  const documentTypes = rules.every((r) => r.documentType) ? rules.map((r) => r.documentType!) : undefined;
  return normalizeScope({ statuses, documentTypes });
}

/** The union of several changes' scopes (the fan-out tells each document once, with the newest version). */
export function mergeScopes(scopes: RulesChangeScope[]): RulesChangeScope {
  const union = (key: keyof RulesChangeScope) =>
    scopes.every((s) => s[key]) ? scopes.flatMap((s) => s[key]!) : undefined;
  return normalizeScope({ statuses: union('statuses'), documentTypes: union('documentTypes') });
}

function normalizeScope(scope: RulesChangeScope): RulesChangeScope {
  const sorted = (v: string[] | undefined) => (v ? [...new Set(v)].sort() : undefined);
  return {
    ...(scope.statuses && { statuses: sorted(scope.statuses) }),
    ...(scope.documentTypes && { documentTypes: sorted(scope.documentTypes) }),
  };
}
