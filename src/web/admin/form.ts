/**
 * Form helpers: labelled fields with hints and errors beside them, an error summary, and the mapping of
 * validation issues (zod paths) to form fields. Field ids derive from names (`repeat.interval` → `f-repeat-interval`).
 */
import type { z } from 'zod';
import { attrs, html, type SafeHtml, type Slot } from './html';

/** Raw form values as posted (or prepared for editing): strings, repeated fields as arrays. */
export type FormValues = Record<string, string | string[] | undefined>;
/** Messages per field name; '' = about the whole form. */
export type FieldErrors = Record<string, string[]>;

export const fieldId = (name: string): string => `f-${name.replace(/[^A-Za-z0-9_-]/g, '-')}`;

/** The posted body as FormValues (without `_csrf`; line ends of textareas normalized to `\n`). */
export function formValues(body: unknown): FormValues {
  const out: FormValues = {};
  if (!body || typeof body !== 'object') return out;
  const lf = (s: string) => s.replace(/\r\n?/g, '\n');
  for (const [k, v] of Object.entries(body as Record<string, unknown>)) {
    if (k === '_csrf') continue;
    if (typeof v === 'string') out[k] = lf(v);
    else if (Array.isArray(v)) out[k] = v.filter((x): x is string => typeof x === 'string').map(lf);
  }
  return out;
}

/** First value of a field, trimmed. */
export function val(v: FormValues, name: string): string {
  const x = v[name];
  return (Array.isArray(x) ? (x[0] ?? '') : (x ?? '')).trim();
}

/** Every value of a repeated field (checkbox group). */
export function vals(v: FormValues, name: string): string[] {
  const x = v[name];
  return (Array.isArray(x) ? x : x === undefined ? [] : [x]).map((s) => s.trim()).filter(Boolean);
}

/** A checkbox is checked when it is posted (any value). */
export const checked = (v: FormValues, name: string): boolean => v[name] !== undefined && v[name] !== '';

/** "a, b\nc" → ["a", "b", "c"]. */
export function splitList(s: string): string[] {
  return s
    .split(/[\n,;]+/)
    .map((x) => x.trim())
    .filter(Boolean);
}

/** A whole number when the text is one, else the text (so the schema reports it), undefined when empty. */
export function intOrText(s: string): number | string | undefined {
  if (s === '') return undefined;
  return /^\d+$/.test(s) ? Number(s) : s;
}

/** Friendlier wording of zod's generic messages. */
export function issueMessage(i: z.core.$ZodIssue): string {
  if (i.code === 'invalid_type') {
    const expected = (i as { expected?: string }).expected;
    if (/received undefined/.test(i.message)) return 'is required';
    if (expected === 'number') return 'must be a whole number';
  }
  if (i.code === 'too_small' && (i as { origin?: string }).origin === 'number')
    return `must be at least ${String((i as { minimum?: unknown }).minimum)}`;
  if (i.code === 'too_big' && (i as { origin?: string }).origin === 'number')
    return `must be at most ${String((i as { maximum?: unknown }).maximum)}`;
  return i.message;
}

/**
 * Maps issue paths to field names: the longest prefix of the path that is a known field (so
 * `recipients.addresses.2` lands on `recipients.addresses`); '' when none is.
 */
export function mapIssues(
  issues: { path: readonly PropertyKey[]; message: string }[],
  known: Iterable<string>,
  rename: (path: PropertyKey[]) => PropertyKey[] = (p) => p,
): FieldErrors {
  const set = new Set(known);
  const out: FieldErrors = {};
  for (const i of issues) {
    const path = rename([...i.path]);
    let field = '';
    for (let k = path.length; k > 0; k--) {
      const key = path.slice(0, k).map(String).join('.');
      if (set.has(key)) {
        field = key;
        break;
      }
    }
    (out[field] ??= []).push(field === '' && path.length ? `${path.map(String).join('.')}: ${i.message}` : i.message);
  }
  return out;
}

export interface FieldOptions {
  name: string;
  label: string;
  values: FormValues;
  errors?: FieldErrors;
  hint?: Slot;
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

function describedBy(id: string, hint: unknown, errs: string[] | undefined): string | undefined {
  const ids = [hint ? `${id}-hint` : '', errs?.length ? `${id}-error` : ''].filter(Boolean);
  return ids.length ? ids.join(' ') : undefined;
}

function errorText(id: string, errs: string[] | undefined): Slot {
  if (!errs?.length) return '';
  return html`<p class="field-error" id="${id}-error"><span class="visually-hidden">Error: </span>${errs.join('; ')}</p>`;
}

const hintText = (id: string, hint: Slot): Slot => (hint ? html`<p class="hint" id="${id}-hint">${hint}</p>` : '');

function wrapper(o: FieldOptions, inner: Slot, extraClass = ''): SafeHtml {
  const errs = o.errors?.[o.name];
  return html`<div${attrs({ class: ['field', extraClass, errs?.length ? 'has-error' : '', o.size ? `size-${o.size}` : '', o.className ?? ''].filter(Boolean).join(' '), ...(o.wrap ?? {}) })}>${inner}</div>`;
}

export function textField(o: FieldOptions): SafeHtml {
  const id = fieldId(o.name);
  const errs = o.errors?.[o.name];
  const value = Array.isArray(o.values[o.name])
    ? (o.values[o.name] as string[]).join(', ')
    : ((o.values[o.name] as string | undefined) ?? '');
  return wrapper(
    o,
    html`<label for="${id}">${o.label}${o.required ? html`<span class="req" aria-hidden="true"> *</span>` : ''}</label>
${hintText(id, o.hint)}
<input${attrs({
      id,
      name: o.name,
      type: o.type ?? 'text',
      value,
      required: o.required,
      placeholder: o.placeholder,
      list: o.list,
      autocomplete: o.autocomplete ?? 'off',
      inputmode: o.inputmode,
      readonly: o.readonly,
      autofocus: o.autofocus,
      'aria-invalid': errs?.length ? 'true' : undefined,
      'aria-describedby': describedBy(id, o.hint, errs),
      spellcheck: o.spellcheck === false ? 'false' : undefined,
      min: o.min,
      max: o.max,
    })}>
${errorText(id, errs)}`,
  );
}

export function textareaField(o: FieldOptions & { rows?: number; code?: boolean }): SafeHtml {
  const id = fieldId(o.name);
  const errs = o.errors?.[o.name];
  const value = Array.isArray(o.values[o.name])
    ? (o.values[o.name] as string[]).join('\n')
    : ((o.values[o.name] as string | undefined) ?? '');
  return wrapper(
    o,
    html`<label for="${id}">${o.label}${o.required ? html`<span class="req" aria-hidden="true"> *</span>` : ''}</label>
${hintText(id, o.hint)}
<textarea${attrs({
      id,
      name: o.name,
      rows: o.rows ?? 3,
      required: o.required,
      placeholder: o.placeholder,
      class: o.code ? 'code' : undefined,
      spellcheck: o.code || o.spellcheck === false ? 'false' : undefined,
      'aria-invalid': errs?.length ? 'true' : undefined,
      'aria-describedby': describedBy(id, o.hint, errs),
      autofocus: o.autofocus,
    })}>
${value}</textarea>
${errorText(id, errs)}`,
  );
}

export function checkboxField(o: Omit<FieldOptions, 'type'>): SafeHtml {
  const id = fieldId(o.name);
  const errs = o.errors?.[o.name];
  return wrapper(
    o,
    html`<div class="check">
<input${attrs({ id, name: o.name, type: 'checkbox', value: 'on', checked: checked(o.values, o.name), 'aria-describedby': describedBy(id, o.hint, errs), autofocus: o.autofocus })}>
<label for="${id}">${o.label}</label>
</div>
${hintText(id, o.hint)}
${errorText(id, errs)}`,
    'field-check',
  );
}

export interface Option {
  value: string;
  label: string;
}

export function selectField(
  o: FieldOptions & { options: Option[] | { group: string; options: Option[] }[] },
): SafeHtml {
  const id = fieldId(o.name);
  const errs = o.errors?.[o.name];
  const current = val(o.values, o.name);
  const opt = (x: Option) =>
    html`<option${attrs({ value: x.value, selected: x.value === current })}>${x.label}</option>`;
  const body = o.options.map((x) =>
    'group' in x ? html`<optgroup label="${x.group}">${x.options.map(opt)}</optgroup>` : opt(x),
  );
  return wrapper(
    o,
    html`<label for="${id}">${o.label}</label>
${hintText(id, o.hint)}
<select${attrs({ id, name: o.name, 'aria-invalid': errs?.length ? 'true' : undefined, 'aria-describedby': describedBy(id, o.hint, errs) })}>${body}</select>
${errorText(id, errs)}`,
  );
}

/** A group of checkboxes sharing one name (e.g. actions). */
export function checkboxGroup(o: {
  name: string;
  legend: string;
  options: Option[];
  values: FormValues;
  errors?: FieldErrors;
  hint?: Slot;
}): SafeHtml {
  const id = fieldId(o.name);
  const current = new Set(vals(o.values, o.name));
  const errs = o.errors?.[o.name];
  return html`<fieldset class="${errs?.length ? 'group has-error' : 'group'}"${attrs({ 'aria-describedby': describedBy(id, o.hint, errs) })}>
<legend>${o.legend}</legend>
${hintText(id, o.hint)}
<div class="check-row">${o.options.map((x, i) => html`<div class="check"><input${attrs({ id: `${id}-${i}`, type: 'checkbox', name: o.name, value: x.value, checked: current.has(x.value) })}><label for="${id}-${i}">${x.label}</label></div>`)}</div>
${errorText(id, errs)}
</fieldset>`;
}

/** Errors at the top of a form, each linking to its field (focused by the page script). */
export function errorSummary(errors: FieldErrors, labels: Record<string, string>): Slot {
  const entries = Object.entries(errors).filter(([, m]) => m.length);
  if (!entries.length) return '';
  return html`<div class="error-summary" role="alert" tabindex="-1" data-focus-on-load>
<h2>Please correct ${entries.length === 1 ? 'this problem' : `these ${entries.length} problems`}</h2>
<ul>${entries.map(([k, m]) => (k === '' ? html`<li>${m.join('; ')}</li>` : html`<li><a href="#${fieldId(k)}">${labels[k] ?? k}: ${m.join('; ')}</a></li>`))}</ul>
</div>`;
}
