/** @jsxRuntime automatic @jsxImportSource preact */
/**
 * The rule form's escalation levels and due-date reminders (views/rule-form.tsx has the rest). Each level is a row of
 * fields named `escalation.<row>.<field>`, with its own "Remove level" button; "Add escalation level" asks the server
 * for one more row.
 */
import { fieldId, type FieldErrors, type FormValues } from '../form';
import { MAX_LEVELS } from '../rule-form';
import { CheckboxField, TextareaField, TextField } from './fields';

/** The values and errors every field of the form gets. */
export interface Common {
  values: FormValues;
  errors: FieldErrors;
}

/** An error about a whole fieldset (`repeat`, `escalation.0`), below its legend. */
export function FieldsetError({ name, errors }: { name: string; errors: FieldErrors }) {
  const messages = errors[name];
  if (!messages?.length) return null;
  return (
    <p class="field-error" id={`${fieldId(name)}-error`}>
      <span class="visually-hidden">Error: </span>
      {messages.join('; ')}
    </p>
  );
}

/** Escalation level row `index`. */
function LevelRow({ common, index, focus }: { common: Common; index: number; focus?: string }) {
  const prefix = `escalation.${index}.`;
  const id = fieldId(`escalation.${index}`);
  const invalid = !!common.errors[`escalation.${index}`]?.length;
  return (
    <fieldset
      class={invalid ? 'level has-error' : 'level'}
      id={id}
      aria-describedby={invalid ? `${id}-error` : undefined}
    >
      <legend>Level {index + 1}</legend>
      <FieldsetError name={`escalation.${index}`} errors={common.errors} />
      <div class="grid grid-3">
        <TextField
          {...common}
          name={`${prefix}after`}
          label="After (time in status)"
          hint="e.g. 2d, PT4H, 3 business days"
          size="short"
          autofocus={focus === `${prefix}after`}
          spellcheck={false}
        />
        <TextField
          {...common}
          name={`${prefix}afterReminders`}
          label="Or after N reminders"
          hint="Needs Repeat; give one of the two"
          inputmode="numeric"
          size="short"
        />
        <TextField
          {...common}
          name={`${prefix}template`}
          label="Template"
          list="template-names"
          size="short"
          spellcheck={false}
        />
      </div>
      <div class="grid grid-3">
        <CheckboxField {...common} name={`${prefix}manager`} label="The assignee’s manager" />
        <TextField {...common} name={`${prefix}roles`} label="Roles" hint="Comma-separated" list="role-names" />
        <TextField
          {...common}
          name={`${prefix}reassignTo`}
          label="Reassign to"
          hint="User, group or address (optional)"
          spellcheck={false}
        />
      </div>
      <TextareaField
        {...common}
        name={`${prefix}addresses`}
        label="Email addresses"
        hint="One per line or comma-separated"
        rows={2}
        spellcheck={false}
      />
      <div class="row-end">
        <button
          class="btn btn-small btn-ghost-danger"
          type="submit"
          name="_op"
          value={`remove-level:${index}`}
          formnovalidate
        >
          Remove level {index + 1}
        </button>
      </div>
    </fieldset>
  );
}

/** The escalation levels, and the button that adds one (up to MAX_LEVELS). */
export function EscalationSection({ common, levels, focus }: { common: Common; levels: number; focus?: string }) {
  return (
    <section class="card" aria-labelledby="sec-escalation">
      <h2 id="sec-escalation">Escalation</h2>
      <p class="muted">
        Notify other people when nobody acts: after a time in the status, or after a number of unanswered reminders.
      </p>
      <FieldsetError name="escalation" errors={common.errors} />
      <div class="levels">
        {Array.from({ length: levels }, (_, index) => (
          <LevelRow common={common} index={index} focus={focus} />
        ))}
      </div>
      {levels < MAX_LEVELS ? (
        <button class="btn btn-secondary btn-small" type="submit" name="_op" value="add-level" formnovalidate>
          + Add escalation level
        </button>
      ) : null}
    </section>
  );
}

/** Reminders before the document's due date, and the overdue notice. */
export function DueRemindersSection({ common }: { common: Common }) {
  return (
    <section class="card" aria-labelledby="sec-due">
      <h2 id="sec-due">Due-date reminders</h2>
      <fieldset class="plain" id={fieldId('dueReminders')}>
        <legend class="visually-hidden">Due-date reminders</legend>
        <FieldsetError name="dueReminders" errors={common.errors} />
        <CheckboxField {...common} name="dueReminders.enabled" label="Remind people before the document’s due date" />
        <div data-show-when="dueReminders.enabled">
          <TextField
            {...common}
            name="dueReminders.before"
            label="Remind before the due date"
            hint="Comma-separated offsets, e.g. 3d, 1d, 2h"
            spellcheck={false}
          />
          <CheckboxField {...common} name="dueReminders.overdue" label="Send an overdue notice at the due date" />
          <div class="grid grid-3" id={fieldId('dueReminders.repeatOverdue')}>
            <TextField
              {...common}
              name="dueReminders.repeatOverdue.interval"
              label="Repeat overdue every"
              hint="Optional, e.g. 1d"
              size="short"
              spellcheck={false}
            />
            <TextField
              {...common}
              name="dueReminders.repeatOverdue.maxCount"
              label="Overdue notices at most"
              inputmode="numeric"
              size="short"
            />
          </div>
        </div>
      </fieldset>
    </section>
  );
}
