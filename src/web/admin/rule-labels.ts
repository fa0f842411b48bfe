/** The words of the rule pages: trigger, action and field labels (the form, its error summary and the rules list). */
import type { EVENT_TRIGGERS, LINK_ACTIONS, Rule } from '../../domain/rules';
import { STATUS_LABELS, type DocumentStatus } from '../../domain/status';

export const EVENT_LABELS: Record<(typeof EVENT_TRIGGERS)[number], string> = {
  assigned: 'Document assigned',
  comment_added: 'Comment added',
};

export const ACTION_LABELS: Record<(typeof LINK_ACTIONS)[number], string> = {
  approve: 'Approve',
  reject: 'Reject',
  validate: 'Validate',
  snooze: 'Snooze',
  open: 'Open document',
};

/** The fields of an escalation level row (`escalation.<i>.<field>`). */
export const LEVEL_FIELDS = [
  'after',
  'afterReminders',
  'manager',
  'roles',
  'addresses',
  'template',
  'reassignTo',
] as const;

/** How the error summary names a level's field. */
const LEVEL_FIELD_LABELS: Record<(typeof LEVEL_FIELDS)[number], string> = {
  after: 'after',
  afterReminders: 'after reminders',
  manager: 'manager',
  roles: 'roles',
  addresses: 'addresses',
  template: 'template',
  reassignTo: 'reassign to',
};

/** Labels of every field (error summary, and the fields themselves). */
export const RULE_LABELS: Record<string, string> = {
  name: 'Name',
  active: 'Active',
  documentType: 'Document type',
  trigger: 'Trigger',
  priority: 'Priority',
  delay: 'Delay',
  repeat: 'Repeat',
  'repeat.enabled': 'Repeat',
  'repeat.interval': 'Repeat every',
  'repeat.maxCount': 'At most (times)',
  recipients: 'Recipients',
  'recipients.assignee': 'Assigned user or group',
  'recipients.addresses': 'Email addresses',
  'recipients.roles': 'Directory roles',
  'recipients.fields': 'Address fields',
  resendOnReassignment: 'Resend on reassignment',
  template: 'Email template',
  reminderTemplate: 'Reminder template',
  reminderDelivery: 'Reminders go out',
  actions: 'Action links',
  escalation: 'Escalation',
  dueReminders: 'Due-date reminders',
  'dueReminders.enabled': 'Due-date reminders',
  'dueReminders.before': 'Remind before the due date',
  'dueReminders.overdue': 'Overdue notice',
  'dueReminders.repeatOverdue': 'Repeat the overdue notice',
  'dueReminders.repeatOverdue.interval': 'Repeat overdue every',
  'dueReminders.repeatOverdue.maxCount': 'Overdue notices at most',
  calendar: 'Business calendar',
};

/** "Escalation level 2", or with a field "Escalation level 2 – after reminders". */
export function levelLabel(index: number, field?: (typeof LEVEL_FIELDS)[number]): string {
  return `Escalation level ${index + 1}${field ? ` – ${LEVEL_FIELD_LABELS[field]}` : ''}`;
}

/** The labels of a form with `levels` escalation rows (its error summary). */
export function ruleFormLabels(levels: number): Record<string, string> {
  const labels = { ...RULE_LABELS };
  for (let index = 0; index < levels; index++) {
    labels[`escalation.${index}`] = levelLabel(index);
    for (const field of LEVEL_FIELDS) labels[`escalation.${index}.${field}`] = levelLabel(index, field);
  }
  return labels;
}

/** What a rule reacts to, in words: the status's label or the event's. */
export function triggerLabel(rule: Pick<Rule, 'trigger'>): string {
  return 'status' in rule.trigger
    ? (STATUS_LABELS[rule.trigger.status as DocumentStatus] ?? rule.trigger.status)
    : EVENT_LABELS[rule.trigger.event];
}
