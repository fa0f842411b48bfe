/**
 * Form values: reading a posted form, and mapping validation issues (zod paths) to form fields. Field ids derive
 * from names (`repeat.interval` → `f-repeat-interval`). The fields themselves are views: views/fields.tsx.
 */
import type { z } from 'zod';

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
