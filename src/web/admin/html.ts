/**
 * A tiny HTML builder for the server-rendered admin pages: every interpolated value is escaped unless
 * it is already {@link SafeHtml} (built by {@link html} or {@link raw}). No template engine, no build step.
 */

/** HTML that is safe to output as is. */
export class SafeHtml {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

/** Anything a template slot accepts: `false`, `null` and `undefined` render nothing (for `cond && html\`…\``). */
export type Slot = SafeHtml | string | number | boolean | null | undefined | readonly Slot[];

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes text for element content and quoted attribute values. */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => ESCAPES[c]);
}

function slot(v: Slot): string {
  if (v === null || v === undefined || v === false || v === true) return '';
  if (v instanceof SafeHtml) return v.value;
  if (Array.isArray(v)) return (v as readonly Slot[]).map(slot).join('');
  return escapeHtml(String(v));
}

/** Tagged template: `html\`<p>${name}</p>\`` escapes `name`. */
export function html(strings: TemplateStringsArray, ...values: Slot[]): SafeHtml {
  let out = strings[0];
  for (let i = 0; i < values.length; i++) out += slot(values[i]) + strings[i + 1];
  return new SafeHtml(out);
}

/** Trusted markup (our own constants only; never user input). */
export const raw = (value: string): SafeHtml => new SafeHtml(value);

/** Attributes: `true` writes the bare name, `false`/`undefined`/`null` omit it, other values are escaped. */
export function attrs(a: Record<string, string | number | boolean | null | undefined>): SafeHtml {
  const parts: string[] = [];
  for (const [k, v] of Object.entries(a)) {
    if (v === undefined || v === null || v === false) continue;
    parts.push(v === true ? ` ${k}` : ` ${k}="${escapeHtml(String(v))}"`);
  }
  return new SafeHtml(parts.join(''));
}

/** Query string from the non-empty values (for links that keep filters). */
export function query(q: Record<string, string | undefined>): string {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(q)) if (v !== undefined && v !== '') p.set(k, v);
  const s = p.toString();
  return s ? `?${s}` : '';
}
