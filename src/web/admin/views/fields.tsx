/** @jsxRuntime automatic @jsxImportSource preact */
/**
 * Labelled form fields with their hints and errors beside them, and the error summary at the top of a form. Field
 * ids derive from names (`repeat.interval` → `f-repeat-interval`), so a summary entry links to its field.
 */
import type { ComponentChildren } from 'preact';
import { checked, fieldId, val, vals, type FieldErrors, type FormValues } from '../form';

export interface FieldOptions {
  name: string;
  label: string;
  values: FormValues;
  errors?: FieldErrors;
  hint?: ComponentChildren;
  type?: string;
  required?: boolean;
  placeholder?: string;
  /** id of a <datalist>. */
  list?: string;
  autocomplete?: string;
  inputmode?: string;
  readonly?: boolean;
  autofocus?: boolean;
  size?: 'short' | 'medium' | 'long';
  /** Extra attributes on the wrapper (e.g. data-show-when). */
  wrap?: Record<string, string | undefined>;
  className?: string;
  spellcheck?: boolean;
  min?: number;
  max?: number;
}

export interface Option {
  value: string;
  label: string;
}

function describedBy(id: string, hint: unknown, errors: string[] | undefined): string | undefined {
  const ids = [hint ? `${id}-hint` : '', errors?.length ? `${id}-error` : ''].filter(Boolean);
  return ids.length ? ids.join(' ') : undefined;
}

function ErrorText({ id, errors }: { id: string; errors?: string[] }) {
  if (!errors?.length) return null;
  return (
    <p class="field-error" id={`${id}-error`}>
      <span class="visually-hidden">Error: </span>
      {errors.join('; ')}
    </p>
  );
}

const Hint = ({ id, hint }: { id: string; hint?: ComponentChildren }) =>
  hint ? (
    <p class="hint" id={`${id}-hint`}>
      {hint}
    </p>
  ) : null;

const Label = ({ id, label, required }: { id: string; label: string; required?: boolean }) => (
  <label for={id}>
    {label}
    {required ? (
      <span class="req" aria-hidden="true">
        {' *'}
      </span>
    ) : null}
  </label>
);

function Wrapper({ o, extraClass, children }: { o: FieldOptions; extraClass?: string; children: ComponentChildren }) {
  const invalid = o.errors?.[o.name]?.length ? 'has-error' : '';
  const classes = ['field', extraClass, invalid, o.size ? `size-${o.size}` : '', o.className ?? ''];
  return (
    <div class={classes.filter(Boolean).join(' ')} {...(o.wrap ?? {})}>
      {children}
    </div>
  );
}

/** The field's value as one string (a repeated field joined by `separator`). */
function textOf(values: FormValues, name: string, separator: string): string {
  const value = values[name];
  return Array.isArray(value) ? value.join(separator) : (value ?? '');
}

export function TextField(o: FieldOptions) {
  const id = fieldId(o.name);
  const errors = o.errors?.[o.name];
  return (
    <Wrapper o={o}>
      <Label id={id} label={o.label} required={o.required} />
      <Hint id={id} hint={o.hint} />
      <input
        id={id}
        name={o.name}
        type={o.type ?? 'text'}
        value={textOf(o.values, o.name, ', ')}
        required={o.required}
        placeholder={o.placeholder}
        list={o.list}
        autocomplete={o.autocomplete ?? 'off'}
        inputmode={o.inputmode}
        readonly={o.readonly}
        autofocus={o.autofocus}
        aria-invalid={errors?.length ? 'true' : undefined}
        aria-describedby={describedBy(id, o.hint, errors)}
        spellcheck={o.spellcheck === false ? false : undefined}
        min={o.min}
        max={o.max}
      />
      <ErrorText id={id} errors={errors} />
    </Wrapper>
  );
}

export function TextareaField(o: FieldOptions & { rows?: number; code?: boolean }) {
  const id = fieldId(o.name);
  const errors = o.errors?.[o.name];
  const value = textOf(o.values, o.name, '\n');
  return (
    <Wrapper o={o}>
      <Label id={id} label={o.label} required={o.required} />
      <Hint id={id} hint={o.hint} />
      <textarea
        id={id}
        name={o.name}
        rows={o.rows ?? 3}
        required={o.required}
        placeholder={o.placeholder}
        class={o.code ? 'code' : undefined}
        spellcheck={o.code || o.spellcheck === false ? false : undefined}
        aria-invalid={errors?.length ? 'true' : undefined}
        aria-describedby={describedBy(id, o.hint, errors)}
        autofocus={o.autofocus}
      >
        {/* A browser drops one newline right after <textarea>: keep a value's own first line break. */}
        {value.startsWith('\n') ? `\n${value}` : value}
      </textarea>
      <ErrorText id={id} errors={errors} />
    </Wrapper>
  );
}

export function CheckboxField(o: Omit<FieldOptions, 'type'>) {
  const id = fieldId(o.name);
  const errors = o.errors?.[o.name];
  return (
    <Wrapper o={o} extraClass="field-check">
      <div class="check">
        <input
          id={id}
          name={o.name}
          type="checkbox"
          value="on"
          checked={checked(o.values, o.name)}
          aria-describedby={describedBy(id, o.hint, errors)}
          autofocus={o.autofocus}
        />
        <label for={id}>{o.label}</label>
      </div>
      <Hint id={id} hint={o.hint} />
      <ErrorText id={id} errors={errors} />
    </Wrapper>
  );
}

export function SelectField(o: FieldOptions & { options: Option[] | { group: string; options: Option[] }[] }) {
  const id = fieldId(o.name);
  const errors = o.errors?.[o.name];
  const current = val(o.values, o.name);
  const option = (choice: Option) => (
    <option value={choice.value} selected={choice.value === current}>
      {choice.label}
    </option>
  );
  return (
    <Wrapper o={o}>
      <label for={id}>{o.label}</label>
      <Hint id={id} hint={o.hint} />
      <select
        id={id}
        name={o.name}
        aria-invalid={errors?.length ? 'true' : undefined}
        aria-describedby={describedBy(id, o.hint, errors)}
      >
        {o.options.map((entry) =>
          'group' in entry ? <optgroup label={entry.group}>{entry.options.map(option)}</optgroup> : option(entry),
        )}
      </select>
      <ErrorText id={id} errors={errors} />
    </Wrapper>
  );
}

export interface CheckboxGroupProps {
  name: string;
  legend: string;
  options: Option[];
  values: FormValues;
  errors?: FieldErrors;
  hint?: ComponentChildren;
}

/** A group of checkboxes sharing one name (e.g. actions). */
export function CheckboxGroup(o: CheckboxGroupProps) {
  const id = fieldId(o.name);
  const current = new Set(vals(o.values, o.name));
  const errors = o.errors?.[o.name];
  return (
    <fieldset class={errors?.length ? 'group has-error' : 'group'} aria-describedby={describedBy(id, o.hint, errors)}>
      <legend>{o.legend}</legend>
      <Hint id={id} hint={o.hint} />
      <div class="check-row">
        {o.options.map((choice, i) => (
          <div class="check">
            <input
              id={`${id}-${i}`}
              type="checkbox"
              name={o.name}
              value={choice.value}
              checked={current.has(choice.value)}
            />
            <label for={`${id}-${i}`}>{choice.label}</label>
          </div>
        ))}
      </div>
      <ErrorText id={id} errors={errors} />
    </fieldset>
  );
}

/** Errors at the top of a form, each linking to its field (focused by the page script). */
export function ErrorSummary({ errors, labels }: { errors: FieldErrors; labels: Record<string, string> }) {
  const entries = Object.entries(errors).filter(([, messages]) => messages.length);
  if (!entries.length) return null;
  return (
    <div class="error-summary" role="alert" tabindex={-1} data-focus-on-load>
      <h2>Please correct {entries.length === 1 ? 'this problem' : `these ${entries.length} problems`}</h2>
      <ul>
        {entries.map(([name, messages]) =>
          name === '' ? (
            <li>{messages.join('; ')}</li>
          ) : (
            <li>
              <a href={`#${fieldId(name)}`}>
                {labels[name] ?? name}: {messages.join('; ')}
              </a>
            </li>
          ),
        )}
      </ul>
    </div>
  );
}
