/**
 * The rule form's logic: every field of `ruleInputSchema`, named by its schema path (`repeat.interval`,
 * `escalation.0.after`), so the schema's issue paths land beside the right field. Pure mapping in
 * `rule → values → rule input`; the schema itself is the only validation. Escalation rows are added and removed by
 * the server (the form works without JavaScript). The form itself: views/rule-form.tsx.
 */
import { formatDuration, type Duration } from '../../domain/duration';
import { ruleInputSchema, type EscalationLevel, type Rule } from '../../domain/rules';
import { str } from './context';
import {
  checked,
  formValues,
  intOrText,
  issueMessage,
  mapIssues,
  splitList,
  val,
  type FieldErrors,
  type FormValues,
} from './form';
import { LEVEL_FIELDS, RULE_LABELS } from './rule-labels';

/** At most this many escalation rows. */
export const MAX_LEVELS = 10;

/** The values of a new rule (the schema's defaults). */
const NEW_RULE_VALUES: FormValues = {
  active: 'on',
  trigger: 'status:pending_approval',
  priority: 'medium',
  delay: '0s',
  'repeat.interval': '1d',
  'repeat.maxCount': '3',
  'recipients.assignee': 'on',
  reminderTemplate: 'reminder',
  reminderDelivery: 'immediate',
  'dueReminders.overdue': 'on',
};

/** How many escalation level rows the values hold. */
export function levelCount(values: FormValues): number {
  let count = 0;
  for (const name of Object.keys(values)) {
    const match = /^escalation\.(\d+)\./.exec(name);
    if (match) count = Math.max(count, Number(match[1]) + 1);
  }
  return Math.min(count, MAX_LEVELS);
}

/** Is escalation row `index` left as the "Add level" button made it (nothing filled in)? */
function levelBlank(values: FormValues, index: number): boolean {
  const field = (name: string) => `escalation.${index}.${name}`;
  return (
    !checked(values, field('manager')) &&
    ['after', 'afterReminders', 'roles', 'addresses', 'reassignTo'].every((name) => val(values, field(name)) === '') &&
    ['', 'escalation'].includes(val(values, field('template')))
  );
}

/** A duration as the form shows it ("0s" rather than "0ms"). */
const shown = (duration: Duration): string =>
  duration.kind === 'elapsed' && duration.ms === 0 ? '0s' : formatDuration(duration);

/** A checkbox's value: 'on' when checked. */
const on = (flag: boolean | undefined) => (flag ? 'on' : undefined);

/** The values of a stored rule's escalation level `index`. */
function levelValues(level: EscalationLevel, index: number): FormValues {
  const prefix = `escalation.${index}.`;
  return {
    [`${prefix}after`]: level.after ? shown(level.after) : '',
    [`${prefix}afterReminders`]: level.afterReminders === undefined ? '' : String(level.afterReminders),
    [`${prefix}manager`]: on(level.manager),
    [`${prefix}roles`]: level.roles.join(', '),
    [`${prefix}addresses`]: level.addresses.join('\n'),
    [`${prefix}template`]: level.template,
    [`${prefix}reassignTo`]: level.reassignTo ?? '',
  };
}

/** The values of a stored rule's due-date reminders (a rule without them shows the defaults). */
function dueReminderValues(rule: Rule): FormValues {
  const due = rule.dueReminders;
  return {
    'dueReminders.enabled': on(!!due),
    'dueReminders.before': due?.before.map(shown).join(', ') ?? '',
    'dueReminders.overdue': on(due ? due.overdue : true),
    'dueReminders.repeatOverdue.interval': due?.repeatOverdue ? shown(due.repeatOverdue.interval) : '',
    'dueReminders.repeatOverdue.maxCount': due?.repeatOverdue ? String(due.repeatOverdue.maxCount) : '',
  };
}

/** Form values of a stored rule, or of a new one (the schema's defaults). */
export function ruleToValues(rule?: Rule): FormValues {
  if (!rule) return { ...NEW_RULE_VALUES };
  const values: FormValues = {
    name: rule.name,
    active: on(rule.active),
    documentType: rule.documentType ?? '',
    trigger: 'status' in rule.trigger ? `status:${rule.trigger.status}` : `event:${rule.trigger.event}`,
    priority: rule.priority,
    delay: shown(rule.delay),
    'repeat.enabled': on(!!rule.repeat),
    'repeat.interval': rule.repeat ? shown(rule.repeat.interval) : '1d',
    'repeat.maxCount': String(rule.repeat?.maxCount ?? 3),
    'recipients.assignee': on(rule.recipients.assignee),
    'recipients.addresses': rule.recipients.addresses.join('\n'),
    'recipients.roles': rule.recipients.roles.join(', '),
    'recipients.fields': rule.recipients.fields.join(', '),
    resendOnReassignment: on(rule.resendOnReassignment),
    template: rule.template ?? '',
    reminderTemplate: rule.reminderTemplate,
    reminderDelivery: rule.reminderDelivery,
    actions: [...rule.actions],
    ...dueReminderValues(rule),
    calendar: rule.calendar ?? '',
  };
  rule.escalation.forEach((level, index) => Object.assign(values, levelValues(level, index)));
  return values;
}

/** Adds an empty escalation row (the "Add level" button; works without JavaScript). */
export function addLevel(values: FormValues): FormValues {
  const count = levelCount(values);
  if (count >= MAX_LEVELS) return values;
  return { ...values, [`escalation.${count}.template`]: 'escalation', [`escalation.${count}.after`]: '' };
}

/** Removes escalation row `index`, renumbering the rows after it. */
export function removeLevel(values: FormValues, index: number): FormValues {
  const kept: FormValues = {};
  for (const [name, value] of Object.entries(values)) {
    const match = /^escalation\.(\d+)\.(.+)$/.exec(name);
    const row = match ? Number(match[1]) : -1;
    if (!match || row < index) kept[name] = value;
    else if (row > index) kept[`escalation.${row - 1}.${match[2]}`] = value;
  }
  return kept;
}

/** What a posted rule form asks for: the form again with a row added or removed, or saving it. */
export type RuleFormStep =
  { kind: 'redisplay'; values: FormValues; focus?: string } | { kind: 'save'; values: FormValues };

/** Reads a posted rule form: its values and the button that sent it (`_op`: save, add-level, remove-level:<row>). */
export function readRuleForm(body: unknown): RuleFormStep {
  const values = formValues(body);
  const operation = str(body, '_op') || 'save';
  delete values._op;
  if (operation === 'add-level') {
    const added = addLevel(values);
    const rows = Object.keys(added).filter((name) => /^escalation\.\d+\.template$/.test(name)).length;
    return { kind: 'redisplay', values: added, focus: `escalation.${rows - 1}.after` };
  }
  const remove = /^remove-level:(\d+)$/.exec(operation);
  if (remove) return { kind: 'redisplay', values: removeLevel(values, Number(remove[1])) };
  return { kind: 'save', values };
}

/** The escalation levels the rows describe (blank rows left out), and the form row of each. */
function levelsInput(values: FormValues): { escalation: Record<string, unknown>[]; levelIndex: number[] } {
  const optional = (name: string) => val(values, name) || undefined;
  const levelIndex: number[] = [];
  const escalation = [];
  for (let index = 0; index < levelCount(values); index++) {
    if (levelBlank(values, index)) continue;
    levelIndex.push(index);
    const prefix = `escalation.${index}.`;
    escalation.push({
      after: optional(`${prefix}after`),
      afterReminders: intOrText(val(values, `${prefix}afterReminders`)),
      manager: checked(values, `${prefix}manager`),
      roles: splitList(val(values, `${prefix}roles`)),
      addresses: splitList(val(values, `${prefix}addresses`)),
      template: optional(`${prefix}template`),
      reassignTo: optional(`${prefix}reassignTo`),
    });
  }
  return { escalation, levelIndex };
}

/** The due-date reminders the values describe (null when off). */
function dueRemindersInput(values: FormValues): Record<string, unknown> | null {
  if (!checked(values, 'dueReminders.enabled')) return null;
  const interval = val(values, 'dueReminders.repeatOverdue.interval');
  const maxCount = val(values, 'dueReminders.repeatOverdue.maxCount');
  return {
    before: splitList(val(values, 'dueReminders.before')),
    overdue: checked(values, 'dueReminders.overdue'),
    repeatOverdue: interval || maxCount ? { interval, maxCount: intOrText(maxCount) } : undefined,
  };
}

/** `status:<status>` or `event:<event>` as the schema's trigger. */
function triggerInput(trigger: string): Record<string, string> | undefined {
  const [kind, what] = [trigger.slice(0, trigger.indexOf(':')), trigger.slice(trigger.indexOf(':') + 1)];
  return kind === 'status' ? { status: what } : kind === 'event' ? { event: what } : undefined;
}

/**
 * The rule input the form values describe, for `ruleInputSchema`. Blank escalation rows are left out;
 * `levelIndex[k]` is the form row of the k-th level given to the schema (to put its errors beside that row).
 */
export function valuesToInput(
  values: FormValues,
  tenantId: string,
): { input: Record<string, unknown>; levelIndex: number[] } {
  const optional = (name: string) => val(values, name) || undefined;
  const list = (name: string) => splitList(val(values, name));
  const { escalation, levelIndex } = levelsInput(values);
  const actions = values.actions;
  const input: Record<string, unknown> = {
    name: val(values, 'name'),
    active: checked(values, 'active'),
    tenantId,
    documentType: val(values, 'documentType') || null,
    trigger: triggerInput(val(values, 'trigger')),
    priority: optional('priority'),
    delay: optional('delay'),
    repeat: checked(values, 'repeat.enabled')
      ? { interval: val(values, 'repeat.interval'), maxCount: intOrText(val(values, 'repeat.maxCount')) }
      : null,
    recipients: {
      assignee: checked(values, 'recipients.assignee'),
      addresses: list('recipients.addresses'),
      roles: list('recipients.roles'),
      fields: list('recipients.fields'),
    },
    resendOnReassignment: checked(values, 'resendOnReassignment'),
    template: optional('template'),
    reminderTemplate: optional('reminderTemplate'),
    reminderDelivery: optional('reminderDelivery'),
    actions: (Array.isArray(actions) ? actions : actions ? [actions] : []).filter(Boolean),
    escalation,
    dueReminders: dueRemindersInput(values),
    calendar: optional('calendar') ?? null,
  };
  return { input, levelIndex };
}

/** Every field name of the form with `levels` escalation rows (and the fieldsets errors may point at). */
function knownFields(levels: number): string[] {
  const names = Object.keys(RULE_LABELS);
  for (let index = 0; index < levels; index++) {
    names.push(`escalation.${index}`, ...LEVEL_FIELDS.map((field) => `escalation.${index}.${field}`));
  }
  return names;
}

/**
 * Validates the form with `ruleInputSchema` (the same schema as the API and CLI).
 * Returns the rule input when valid, else the errors per field.
 */
export function validateRuleForm(
  values: FormValues,
  tenantId: string,
): { ok: true; input: Record<string, unknown> } | { ok: false; errors: FieldErrors } {
  const { input, levelIndex } = valuesToInput(values, tenantId);
  const parsed = ruleInputSchema.safeParse(input);
  if (parsed.success) return { ok: true, input };
  const issues = parsed.error.issues.map((issue) => ({ path: issue.path, message: issueMessage(issue) }));
  const errors = mapIssues(issues, knownFields(levelCount(values)), (path) =>
    path[0] === 'escalation' && typeof path[1] === 'number'
      ? ['escalation', levelIndex[path[1]] ?? path[1], ...path.slice(2)]
      : path,
  );
  return { ok: false, errors };
}

/** Maps a store error message "name: …" (ConflictError) to its field. */
export function storeErrorToFields(message: string): FieldErrors {
  const match = /^(\w+): (.*)$/.exec(message);
  return match && RULE_LABELS[match[1]] ? { [match[1]]: [match[2]] } : { '': [message] };
}
