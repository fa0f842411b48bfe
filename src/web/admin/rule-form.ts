/**
 * The rule form: every field of `ruleInputSchema`, named by its schema path (`repeat.interval`,
 * `escalation.0.after`), so the schema's issue paths land beside the right field. Pure mapping in
 * `rule → values → rule input`; the schema itself is the only validation.
 */
import { formatDuration, type Duration } from '../../domain/duration';
import { EVENT_TRIGGERS, LINK_ACTIONS, PRIORITIES, ruleInputSchema, type Rule } from '../../domain/rules';
import { STATUS_LABELS, STATUSES } from '../../domain/status';
import {
  checked,
  checkboxField,
  checkboxGroup,
  errorSummary,
  fieldId,
  intOrText,
  mapIssues,
  issueMessage,
  selectField,
  splitList,
  textareaField,
  textField,
  val,
  type FieldErrors,
  type FormValues,
} from './form';
import { attrs, html, type SafeHtml } from './html';

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

const LEVEL_FIELDS = ['after', 'afterReminders', 'manager', 'roles', 'addresses', 'template', 'reassignTo'] as const;

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

const REMINDER_DELIVERY_OPTIONS = [
  { value: 'immediate', label: 'On their own' },
  { value: 'digest', label: 'In the daily digest' },
  { value: 'both', label: 'On their own and in the digest' },
];

const levelLabel = (i: number, f?: string) =>
  `Escalation level ${i + 1}${f ? ` – ${({ after: 'after', afterReminders: 'after reminders', manager: 'manager', roles: 'roles', addresses: 'addresses', template: 'template', reassignTo: 'reassign to' } as Record<string, string>)[f]}` : ''}`;

/** How many escalation level rows the values hold. */
export function levelCount(v: FormValues): number {
  let n = 0;
  for (const k of Object.keys(v)) {
    const m = /^escalation\.(\d+)\./.exec(k);
    if (m) n = Math.max(n, Number(m[1]) + 1);
  }
  return Math.min(n, 10);
}

const levelBlank = (v: FormValues, i: number) =>
  !checked(v, `escalation.${i}.manager`) &&
  ['after', 'afterReminders', 'roles', 'addresses', 'reassignTo'].every((f) => val(v, `escalation.${i}.${f}`) === '') &&
  ['', 'escalation'].includes(val(v, `escalation.${i}.template`));

/** A duration as the form shows it ("0s" rather than "0ms"). */
const fmt = (d: Duration): string => (d.kind === 'elapsed' && d.ms === 0 ? '0s' : formatDuration(d));

/** Form values of a stored rule, or of a new one (the schema's defaults). */
export function ruleToValues(rule?: Rule): FormValues {
  if (!rule) {
    return {
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
  }
  const on = (b: boolean | undefined) => (b ? 'on' : undefined);
  const v: FormValues = {
    name: rule.name,
    active: on(rule.active),
    documentType: rule.documentType ?? '',
    trigger: 'status' in rule.trigger ? `status:${rule.trigger.status}` : `event:${rule.trigger.event}`,
    priority: rule.priority,
    delay: fmt(rule.delay),
    'repeat.enabled': on(!!rule.repeat),
    'repeat.interval': rule.repeat ? fmt(rule.repeat.interval) : '1d',
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
    'dueReminders.enabled': on(!!rule.dueReminders),
    'dueReminders.before': rule.dueReminders?.before.map(fmt).join(', ') ?? '',
    'dueReminders.overdue': on(rule.dueReminders ? rule.dueReminders.overdue : true),
    'dueReminders.repeatOverdue.interval': rule.dueReminders?.repeatOverdue
      ? fmt(rule.dueReminders.repeatOverdue.interval)
      : '',
    'dueReminders.repeatOverdue.maxCount': rule.dueReminders?.repeatOverdue
      ? String(rule.dueReminders.repeatOverdue.maxCount)
      : '',
    calendar: rule.calendar ?? '',
  };
  rule.escalation.forEach((l, i) => {
    Object.assign(v, {
      [`escalation.${i}.after`]: l.after ? fmt(l.after) : '',
      [`escalation.${i}.afterReminders`]: l.afterReminders === undefined ? '' : String(l.afterReminders),
      [`escalation.${i}.manager`]: on(l.manager),
      [`escalation.${i}.roles`]: l.roles.join(', '),
      [`escalation.${i}.addresses`]: l.addresses.join('\n'),
      [`escalation.${i}.template`]: l.template,
      [`escalation.${i}.reassignTo`]: l.reassignTo ?? '',
    });
  });
  return v;
}

/** Adds an empty escalation row (the "Add level" button; works without JavaScript). */
export function addLevel(v: FormValues): FormValues {
  const n = levelCount(v);
  return n >= 10 ? v : { ...v, [`escalation.${n}.template`]: 'escalation', [`escalation.${n}.after`]: '' };
}

/** Removes escalation row `i`, renumbering the rows after it. */
export function removeLevel(v: FormValues, i: number): FormValues {
  const out: FormValues = {};
  for (const [k, x] of Object.entries(v)) {
    const m = /^escalation\.(\d+)\.(.+)$/.exec(k);
    if (!m) out[k] = x;
    else if (Number(m[1]) < i) out[k] = x;
    else if (Number(m[1]) > i) out[`escalation.${Number(m[1]) - 1}.${m[2]}`] = x;
  }
  return out;
}

/**
 * The rule input the form values describe, for `ruleInputSchema`. Blank escalation rows are left out;
 * `levelIndex[k]` is the form row of the k-th level given to the schema (to put its errors beside that row).
 */
export function valuesToInput(
  v: FormValues,
  tenantId: string,
): { input: Record<string, unknown>; levelIndex: number[] } {
  const opt = (name: string) => val(v, name) || undefined;
  const trigger = val(v, 'trigger');
  const [kind, what] = [trigger.slice(0, trigger.indexOf(':')), trigger.slice(trigger.indexOf(':') + 1)];
  const levelIndex: number[] = [];
  const escalation = [];
  for (let i = 0; i < levelCount(v); i++) {
    if (levelBlank(v, i)) continue;
    levelIndex.push(i);
    const p = `escalation.${i}.`;
    escalation.push({
      after: opt(`${p}after`),
      afterReminders: intOrText(val(v, `${p}afterReminders`)),
      manager: checked(v, `${p}manager`),
      roles: splitList(val(v, `${p}roles`)),
      addresses: splitList(val(v, `${p}addresses`)),
      template: opt(`${p}template`),
      reassignTo: opt(`${p}reassignTo`),
    });
  }
  const repeatOverdue =
    val(v, 'dueReminders.repeatOverdue.interval') || val(v, 'dueReminders.repeatOverdue.maxCount')
      ? {
          interval: val(v, 'dueReminders.repeatOverdue.interval'),
          maxCount: intOrText(val(v, 'dueReminders.repeatOverdue.maxCount')),
        }
      : undefined;
  const input: Record<string, unknown> = {
    name: val(v, 'name'),
    active: checked(v, 'active'),
    tenantId,
    documentType: val(v, 'documentType') || null,
    trigger: kind === 'status' ? { status: what } : kind === 'event' ? { event: what } : undefined,
    priority: opt('priority'),
    delay: opt('delay'),
    repeat: checked(v, 'repeat.enabled')
      ? { interval: val(v, 'repeat.interval'), maxCount: intOrText(val(v, 'repeat.maxCount')) }
      : null,
    recipients: {
      assignee: checked(v, 'recipients.assignee'),
      addresses: splitList(val(v, 'recipients.addresses')),
      roles: splitList(val(v, 'recipients.roles')),
      fields: splitList(val(v, 'recipients.fields')),
    },
    resendOnReassignment: checked(v, 'resendOnReassignment'),
    template: opt('template'),
    reminderTemplate: opt('reminderTemplate'),
    reminderDelivery: opt('reminderDelivery'),
    actions: (Array.isArray(v.actions) ? v.actions : v.actions ? [v.actions] : []).filter(Boolean),
    escalation,
    dueReminders: checked(v, 'dueReminders.enabled')
      ? { before: splitList(val(v, 'dueReminders.before')), overdue: checked(v, 'dueReminders.overdue'), repeatOverdue }
      : null,
    calendar: opt('calendar') ?? null,
  };
  return { input, levelIndex };
}

/** Every field name of the form with `levels` escalation rows (and the fieldsets errors may point at). */
function knownFields(levels: number): string[] {
  const out = Object.keys(RULE_LABELS);
  for (let i = 0; i < levels; i++) {
    out.push(`escalation.${i}`, ...LEVEL_FIELDS.map((f) => `escalation.${i}.${f}`));
  }
  return out;
}

/** Labels including the escalation rows. */
function labels(levels: number): Record<string, string> {
  const out = { ...RULE_LABELS };
  for (let i = 0; i < levels; i++) {
    out[`escalation.${i}`] = levelLabel(i);
    for (const f of LEVEL_FIELDS) out[`escalation.${i}.${f}`] = levelLabel(i, f);
  }
  return out;
}

/**
 * Validates the form with `ruleInputSchema` (the same schema as the API and CLI).
 * Returns the rule input when valid, else the errors per field.
 */
export function validateRuleForm(
  v: FormValues,
  tenantId: string,
): { ok: true; input: Record<string, unknown> } | { ok: false; errors: FieldErrors } {
  const { input, levelIndex } = valuesToInput(v, tenantId);
  const r = ruleInputSchema.safeParse(input);
  if (r.success) return { ok: true, input };
  const issues = r.error.issues.map((i) => ({ path: i.path, message: issueMessage(i) }));
  const errors = mapIssues(issues, knownFields(levelCount(v)), (path) =>
    path[0] === 'escalation' && typeof path[1] === 'number'
      ? ['escalation', levelIndex[path[1]] ?? path[1], ...path.slice(2)]
      : path,
  );
  return { ok: false, errors };
}

/** Maps a store error message "name: …" (ConflictError) to its field. */
export function storeErrorToFields(message: string): FieldErrors {
  const m = /^(\w+): (.*)$/.exec(message);
  return m && RULE_LABELS[m[1]] ? { [m[1]]: [m[2]] } : { '': [message] };
}

export interface RuleFormOptions {
  action: string;
  csrf: string;
  values: FormValues;
  errors: FieldErrors;
  templateNames: string[];
  documentTypes: string[];
  calendars: string[];
  roles: string[];
  submitLabel: string;
  cancelHref: string;
  /** Focus this field after an add/remove of a level. */
  focus?: string;
}

function fieldsetError(name: string, errors: FieldErrors): SafeHtml | '' {
  const m = errors[name];
  return m?.length
    ? html`<p class="field-error" id="${fieldId(name)}-error"><span class="visually-hidden">Error: </span>${m.join('; ')}</p>`
    : '';
}

function levelRow(i: number, o: RuleFormOptions): SafeHtml {
  const p = `escalation.${i}.`;
  const common = { values: o.values, errors: o.errors };
  const err = o.errors[`escalation.${i}`]?.length;
  return html`<fieldset class="${err ? 'level has-error' : 'level'}" id="${fieldId(`escalation.${i}`)}"${attrs({ 'aria-describedby': err ? `${fieldId(`escalation.${i}`)}-error` : undefined })}>
<legend>Level ${i + 1}</legend>
${fieldsetError(`escalation.${i}`, o.errors)}
<div class="grid grid-3">
  ${textField({ ...common, name: `${p}after`, label: 'After (time in status)', hint: 'e.g. 2d, PT4H, 3 business days', size: 'short', autofocus: o.focus === `${p}after`, spellcheck: false })}
  ${textField({ ...common, name: `${p}afterReminders`, label: 'Or after N reminders', hint: 'Needs Repeat; give one of the two', inputmode: 'numeric', size: 'short' })}
  ${textField({ ...common, name: `${p}template`, label: 'Template', list: 'template-names', size: 'short', spellcheck: false })}
</div>
<div class="grid grid-3">
  ${checkboxField({ ...common, name: `${p}manager`, label: 'The assignee’s manager' })}
  ${textField({ ...common, name: `${p}roles`, label: 'Roles', hint: 'Comma-separated', list: 'role-names' })}
  ${textField({ ...common, name: `${p}reassignTo`, label: 'Reassign to', hint: 'User, group or address (optional)', spellcheck: false })}
</div>
${textareaField({ ...common, name: `${p}addresses`, label: 'Email addresses', hint: 'One per line or comma-separated', rows: 2, spellcheck: false })}
<div class="row-end"><button class="btn btn-small btn-ghost-danger" type="submit" name="_op" value="remove-level:${i}" formnovalidate>Remove level ${i + 1}</button></div>
</fieldset>`;
}

const statusOptions = STATUSES.map((s) => ({ value: `status:${s}`, label: STATUS_LABELS[s] }));

/** The create/edit form. */
export function ruleForm(o: RuleFormOptions): SafeHtml {
  const common = { values: o.values, errors: o.errors };
  const levels = levelCount(o.values);
  const actions = html`<div class="form-actions">
  <button class="btn btn-primary" type="submit" name="_op" value="save">${o.submitLabel}</button>
  <a class="btn btn-secondary" href="${o.cancelHref}">Cancel</a>
</div>`;
  return html`<form method="post" action="${o.action}" class="rule-form" novalidate>
<input type="hidden" name="_csrf" value="${o.csrf}">
<button class="visually-hidden" type="submit" name="_op" value="save" tabindex="-1" aria-hidden="true">${o.submitLabel}</button>
${errorSummary(o.errors, labels(levels))}
<datalist id="template-names">${o.templateNames.map((t) => html`<option value="${t}">`)}</datalist>
<datalist id="doc-types">${o.documentTypes.map((t) => html`<option value="${t}">`)}</datalist>
<datalist id="calendar-names">${o.calendars.map((t) => html`<option value="${t}">`)}</datalist>
<datalist id="role-names">${o.roles.map((t) => html`<option value="${t}">`)}</datalist>

<section class="card" aria-labelledby="sec-general">
  <h2 id="sec-general">General</h2>
  <div class="grid grid-2">
    ${textField({ ...common, name: 'name', label: 'Name', required: true, hint: 'Letters, digits, spaces, _ . -', autofocus: !o.focus && !Object.keys(o.errors).length })}
    ${textField({ ...common, name: 'documentType', label: 'Document type', list: 'doc-types', hint: 'Empty = every document type', spellcheck: false })}
  </div>
  <div class="grid grid-3">
    ${selectField({
      ...common,
      name: 'trigger',
      label: 'Trigger',
      hint: 'The status the document stays in, or an event',
      options: [
        { group: 'Document status', options: statusOptions },
        { group: 'Event', options: EVENT_TRIGGERS.map((e) => ({ value: `event:${e}`, label: EVENT_LABELS[e] })) },
      ],
    })}
    ${selectField({ ...common, name: 'priority', label: 'Priority', hint: 'Sets the email’s importance headers', options: PRIORITIES.map((p) => ({ value: p, label: p[0].toUpperCase() + p.slice(1) })) })}
    ${textField({ ...common, name: 'delay', label: 'Delay', hint: html`Time in the status before the first email: <code>0</code>, <code>90s</code>, <code>30m</code>, <code>2h</code>, <code>3d</code>, <code>3 business days</code>`, size: 'short', spellcheck: false })}
  </div>
  ${checkboxField({ ...common, name: 'active', label: 'Active', hint: 'Inactive rules send nothing; emails not yet sent are cancelled.' })}
</section>

<section class="card" aria-labelledby="sec-repeat">
  <h2 id="sec-repeat">Repeat</h2>
  <fieldset class="plain" id="${fieldId('repeat')}">
    <legend class="visually-hidden">Repeat</legend>
    ${fieldsetError('repeat', o.errors)}
    ${checkboxField({ ...common, name: 'repeat.enabled', label: 'Repeat until the document status changes' })}
    <div class="grid grid-3" data-show-when="repeat.enabled">
      ${textField({ ...common, name: 'repeat.interval', label: 'Repeat every', hint: 'e.g. 1h, 1d, 2 business days', size: 'short', spellcheck: false })}
      ${textField({ ...common, name: 'repeat.maxCount', label: 'At most (times)', inputmode: 'numeric', size: 'short' })}
    </div>
  </fieldset>
</section>

<section class="card" aria-labelledby="sec-recipients">
  <h2 id="sec-recipients">Recipients</h2>
  <fieldset class="plain" id="${fieldId('recipients')}">
    <legend class="visually-hidden">Recipients</legend>
    ${fieldsetError('recipients', o.errors)}
    ${checkboxField({ ...common, name: 'recipients.assignee', label: 'Send email to the assigned user or group' })}
    ${textareaField({ ...common, name: 'recipients.addresses', label: 'Email addresses', hint: 'One per line or comma-separated', rows: 2, spellcheck: false, wrap: { 'data-hide-when': 'recipients.assignee', 'data-reveal-label': 'Also send to fixed email addresses' } })}
    <div class="grid grid-2">
      ${textField({ ...common, name: 'recipients.roles', label: 'Directory roles', hint: 'Every user with one of these roles (comma-separated)', list: 'role-names' })}
      ${textField({ ...common, name: 'recipients.fields', label: 'Address fields', hint: 'Document fields that hold an address, e.g. approver_email', spellcheck: false })}
    </div>
    ${checkboxField({ ...common, name: 'resendOnReassignment', label: 'Resend notification on reassignment', hint: 'The new assignee is told at once.' })}
  </fieldset>
</section>

<section class="card" aria-labelledby="sec-email">
  <h2 id="sec-email">Email</h2>
  <div class="grid grid-2">
    ${textField({ ...common, name: 'template', label: 'Email template', list: 'template-names', hint: 'Empty = status_<status> or the event name', spellcheck: false })}
    ${textField({ ...common, name: 'reminderTemplate', label: 'Reminder template', list: 'template-names', spellcheck: false })}
  </div>
  ${selectField({ ...common, name: 'reminderDelivery', label: 'Reminders go out', hint: "In the digest: one email a working day with everything that waits for the person (DIGEST_TIME, the person's time zone)", options: REMINDER_DELIVERY_OPTIONS })}
  ${checkboxGroup({ ...common, name: 'actions', legend: 'Action links in the email', options: LINK_ACTIONS.map((a) => ({ value: a, label: ACTION_LABELS[a] })) })}
</section>

<section class="card" aria-labelledby="sec-escalation">
  <h2 id="sec-escalation">Escalation</h2>
  <p class="muted">Notify other people when nobody acts: after a time in the status, or after a number of unanswered reminders.</p>
  ${fieldsetError('escalation', o.errors)}
  <div class="levels">${Array.from({ length: levels }, (_, i) => levelRow(i, o))}</div>
  ${levels < 10 ? html`<button class="btn btn-secondary btn-small" type="submit" name="_op" value="add-level" formnovalidate>+ Add escalation level</button>` : ''}
</section>

<section class="card" aria-labelledby="sec-due">
  <h2 id="sec-due">Due-date reminders</h2>
  <fieldset class="plain" id="${fieldId('dueReminders')}">
    <legend class="visually-hidden">Due-date reminders</legend>
    ${fieldsetError('dueReminders', o.errors)}
    ${checkboxField({ ...common, name: 'dueReminders.enabled', label: 'Remind people before the document’s due date' })}
    <div data-show-when="dueReminders.enabled">
      ${textField({ ...common, name: 'dueReminders.before', label: 'Remind before the due date', hint: 'Comma-separated offsets, e.g. 3d, 1d, 2h', spellcheck: false })}
      ${checkboxField({ ...common, name: 'dueReminders.overdue', label: 'Send an overdue notice at the due date' })}
      <div class="grid grid-3" id="${fieldId('dueReminders.repeatOverdue')}">
        ${textField({ ...common, name: 'dueReminders.repeatOverdue.interval', label: 'Repeat overdue every', hint: 'Optional, e.g. 1d', size: 'short', spellcheck: false })}
        ${textField({ ...common, name: 'dueReminders.repeatOverdue.maxCount', label: 'Overdue notices at most', inputmode: 'numeric', size: 'short' })}
      </div>
    </div>
  </fieldset>
</section>

<section class="card" aria-labelledby="sec-calendar">
  <h2 id="sec-calendar">Business calendar</h2>
  ${textField({ ...common, name: 'calendar', label: 'Calendar name', list: 'calendar-names', hint: 'Empty = the tenant’s default calendar (or around the clock)', size: 'medium', spellcheck: false })}
</section>
${actions}
</form>`;
}
