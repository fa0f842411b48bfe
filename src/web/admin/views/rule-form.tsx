/** @jsxRuntime automatic @jsxImportSource preact */
/**
 * The rule form (create and edit): general fields, repeat, recipients, email, escalation levels, due-date reminders
 * and calendar. Field names are the schema paths (rule-form.ts maps them); without JavaScript every field shows and
 * the server adds and removes escalation rows (the buttons named `_op`).
 */
import { EVENT_TRIGGERS, LINK_ACTIONS, PRIORITIES } from '../../../domain/rules';
import { STATUS_LABELS, STATUSES } from '../../../domain/status';
import { fieldId, type FieldErrors, type FormValues } from '../form';
import { levelCount } from '../rule-form';
import { ACTION_LABELS, EVENT_LABELS, ruleFormLabels } from '../rule-labels';
import { CheckboxField, CheckboxGroup, ErrorSummary, SelectField, TextareaField, TextField } from './fields';
import { CsrfField } from './layout';
import { DueRemindersSection, EscalationSection, FieldsetError, type Common } from './rule-escalation';

export interface RuleFormProps {
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

const STATUS_OPTIONS = STATUSES.map((status) => ({ value: `status:${status}`, label: STATUS_LABELS[status] }));
const EVENT_OPTIONS = EVENT_TRIGGERS.map((event) => ({ value: `event:${event}`, label: EVENT_LABELS[event] }));
const PRIORITY_OPTIONS = PRIORITIES.map((priority) => ({
  value: priority,
  label: priority[0].toUpperCase() + priority.slice(1),
}));
const REMINDER_DELIVERY_OPTIONS = [
  { value: 'immediate', label: 'On their own' },
  { value: 'digest', label: 'In the daily digest' },
  { value: 'both', label: 'On their own and in the digest' },
];
const ACTION_OPTIONS = LINK_ACTIONS.map((action) => ({ value: action, label: ACTION_LABELS[action] }));

/** The suggestions of the text fields (template names, document types, calendars, roles). */
function Suggestions({ id, names }: { id: string; names: string[] }) {
  return (
    <datalist id={id}>
      {names.map((name) => (
        <option value={name} />
      ))}
    </datalist>
  );
}

function GeneralSection({ common, focusElsewhere }: { common: Common; focusElsewhere: boolean }) {
  const delayHint = (
    <>
      Time in the status before the first email: <code>0</code>, <code>90s</code>, <code>30m</code>, <code>2h</code>,{' '}
      <code>3d</code>, <code>3 business days</code>
    </>
  );
  return (
    <section class="card" aria-labelledby="sec-general">
      <h2 id="sec-general">General</h2>
      <div class="grid grid-2">
        <TextField
          {...common}
          name="name"
          label="Name"
          required
          hint="Letters, digits, spaces, _ . -"
          autofocus={!focusElsewhere}
        />
        <TextField
          {...common}
          name="documentType"
          label="Document type"
          list="doc-types"
          hint="Empty = every document type"
          spellcheck={false}
        />
      </div>
      <div class="grid grid-3">
        <SelectField
          {...common}
          name="trigger"
          label="Trigger"
          hint="The status the document stays in, or an event"
          options={[
            { group: 'Document status', options: STATUS_OPTIONS },
            { group: 'Event', options: EVENT_OPTIONS },
          ]}
        />
        <SelectField
          {...common}
          name="priority"
          label="Priority"
          hint="Sets the email’s importance headers"
          options={PRIORITY_OPTIONS}
        />
        <TextField {...common} name="delay" label="Delay" hint={delayHint} size="short" spellcheck={false} />
      </div>
      <CheckboxField
        {...common}
        name="active"
        label="Active"
        hint="Inactive rules send nothing; emails not yet sent are cancelled."
      />
    </section>
  );
}

function RepeatSection({ common }: { common: Common }) {
  return (
    <section class="card" aria-labelledby="sec-repeat">
      <h2 id="sec-repeat">Repeat</h2>
      <fieldset class="plain" id={fieldId('repeat')}>
        <legend class="visually-hidden">Repeat</legend>
        <FieldsetError name="repeat" errors={common.errors} />
        <CheckboxField {...common} name="repeat.enabled" label="Repeat until the document status changes" />
        <div class="grid grid-3" data-show-when="repeat.enabled">
          <TextField
            {...common}
            name="repeat.interval"
            label="Repeat every"
            hint="e.g. 1h, 1d, 2 business days"
            size="short"
            spellcheck={false}
          />
          <TextField {...common} name="repeat.maxCount" label="At most (times)" inputmode="numeric" size="short" />
        </div>
      </fieldset>
    </section>
  );
}

function RecipientsSection({ common }: { common: Common }) {
  const revealed = {
    'data-hide-when': 'recipients.assignee',
    'data-reveal-label': 'Also send to fixed email addresses',
  };
  return (
    <section class="card" aria-labelledby="sec-recipients">
      <h2 id="sec-recipients">Recipients</h2>
      <fieldset class="plain" id={fieldId('recipients')}>
        <legend class="visually-hidden">Recipients</legend>
        <FieldsetError name="recipients" errors={common.errors} />
        <CheckboxField {...common} name="recipients.assignee" label="Send email to the assigned user or group" />
        <TextareaField
          {...common}
          name="recipients.addresses"
          label="Email addresses"
          hint="One per line or comma-separated"
          rows={2}
          spellcheck={false}
          wrap={revealed}
        />
        <div class="grid grid-2">
          <TextField
            {...common}
            name="recipients.roles"
            label="Directory roles"
            hint="Every user with one of these roles (comma-separated)"
            list="role-names"
          />
          <TextField
            {...common}
            name="recipients.fields"
            label="Address fields"
            hint="Document fields that hold an address, e.g. approver_email"
            spellcheck={false}
          />
        </div>
        <CheckboxField
          {...common}
          name="resendOnReassignment"
          label="Resend notification on reassignment"
          hint="The new assignee is told at once."
        />
      </fieldset>
    </section>
  );
}

function EmailSection({ common }: { common: Common }) {
  const digestHint =
    "In the digest: one email a working day with everything that waits for the person (DIGEST_TIME, the person's time zone)";
  return (
    <section class="card" aria-labelledby="sec-email">
      <h2 id="sec-email">Email</h2>
      <div class="grid grid-2">
        <TextField
          {...common}
          name="template"
          label="Email template"
          list="template-names"
          hint="Empty = status_<status> or the event name"
          spellcheck={false}
        />
        <TextField
          {...common}
          name="reminderTemplate"
          label="Reminder template"
          list="template-names"
          spellcheck={false}
        />
      </div>
      <SelectField
        {...common}
        name="reminderDelivery"
        label="Reminders go out"
        hint={digestHint}
        options={REMINDER_DELIVERY_OPTIONS}
      />
      <CheckboxGroup {...common} name="actions" legend="Action links in the email" options={ACTION_OPTIONS} />
    </section>
  );
}

function CalendarSection({ common }: { common: Common }) {
  return (
    <section class="card" aria-labelledby="sec-calendar">
      <h2 id="sec-calendar">Business calendar</h2>
      <TextField
        {...common}
        name="calendar"
        label="Calendar name"
        list="calendar-names"
        hint="Empty = the tenant’s default calendar (or around the clock)"
        size="medium"
        spellcheck={false}
      />
    </section>
  );
}

/** The create/edit form. */
export function RuleForm(props: RuleFormProps) {
  const { values, errors, submitLabel } = props;
  const common = { values, errors };
  const levels = levelCount(values);
  return (
    <form method="post" action={props.action} class="rule-form" novalidate>
      <CsrfField ctx={props} />
      {/* Enter in a text field saves (the first submit button), not "Remove level". */}
      <button class="visually-hidden" type="submit" name="_op" value="save" tabindex={-1} aria-hidden="true">
        {submitLabel}
      </button>
      <ErrorSummary errors={errors} labels={ruleFormLabels(levels)} />
      <Suggestions id="template-names" names={props.templateNames} />
      <Suggestions id="doc-types" names={props.documentTypes} />
      <Suggestions id="calendar-names" names={props.calendars} />
      <Suggestions id="role-names" names={props.roles} />
      <GeneralSection common={common} focusElsewhere={!!props.focus || Object.keys(errors).length > 0} />
      <RepeatSection common={common} />
      <RecipientsSection common={common} />
      <EmailSection common={common} />
      <EscalationSection common={common} levels={levels} focus={props.focus} />
      <DueRemindersSection common={common} />
      <CalendarSection common={common} />
      <div class="form-actions">
        <button class="btn btn-primary" type="submit" name="_op" value="save">
          {submitLabel}
        </button>
        <a class="btn btn-secondary" href={props.cancelHref}>
          Cancel
        </a>
      </div>
    </form>
  );
}
