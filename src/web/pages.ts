import type { IncomingHttpHeaders } from 'node:http';
/**
 * The shell of docnotify's own HTML pages (action links today): escaping, one stylesheet, security headers.
 * Pages carry no scripts and work without JavaScript; the only inline element is the stylesheet, allowed
 * by its hash in the Content-Security-Policy.
 */
import { createHash } from 'node:crypto';

const RAW = Symbol('html');

/** Markup that is already safe (built with {@link html}); anything else interpolated is escaped. */
export interface Html {
  readonly [RAW]: string;
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes text for element content and quoted attribute values. */
export function escapeHtml(value: unknown): string {
  return String(value).replace(/[&<>"']/g, (c) => ESCAPES[c]);
}

/** Only for markup written in this file (the stylesheet). */
const trusted = (s: string): Html => ({ [RAW]: s });

const isHtml = (v: unknown): v is Html => typeof v === 'object' && v !== null && RAW in v;

function part(v: unknown): string {
  if (v === undefined || v === null || v === false) return '';
  if (Array.isArray(v)) return v.map(part).join('');
  return isHtml(v) ? v[RAW] : escapeHtml(v);
}

/**
 * Tagged template for markup: interpolated values are escaped unless they are {@link Html} themselves;
 * arrays are joined; `undefined`, `null` and `false` render nothing.
 */
/** `{name}` in a catalogue string, from `values` (a missing one is left out). Escaping is left to `html`. */
export const fill = (text: string, values: Record<string, string | number> = {}): string =>
  text.replace(/\{(\w+)\}/g, (_m, k: string) => (values[k] === undefined ? '' : String(values[k])));

export function html(strings: TemplateStringsArray, ...values: unknown[]): Html {
  let out = strings[0];
  values.forEach((v, i) => {
    out += part(v) + strings[i + 1];
  });
  return { [RAW]: out };
}

const STYLE = `
*{box-sizing:border-box}
body{margin:0;padding:32px 12px;background:#f3f4f6;color:#24292f;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif}
main{max-width:560px;margin:0 auto;background:#fff;border:1px solid #e1e4e8;border-radius:8px;overflow:hidden}
.brand{padding:14px 24px;border-bottom:1px solid #e1e4e8;font-weight:700;font-size:18px}
.content{padding:24px}
h1{margin:0 0 12px;font-size:22px;line-height:1.3}
p{margin:0 0 16px}
.lead{color:#3d444d}
.notice{padding:12px 16px;border-radius:6px;background:#ddf4ff;border:1px solid #b6e3ff}
.notice.ok{background:#dafbe1;border-color:#aceebb}
.notice.warn{background:#fff8c5;border-color:#f2e08a}
.notice.error{background:#ffebe9;border-color:#ffcecb}
dl{display:grid;grid-template-columns:max-content 1fr;gap:6px 16px;margin:0 0 20px;font-size:15px}
dt{color:#57606a}
dd{margin:0;overflow-wrap:anywhere}
form{margin:0}
label{display:block;font-weight:600;margin:0 0 6px}
textarea,select{width:100%;font:inherit;padding:8px 10px;border:1px solid #d0d7de;border-radius:6px;margin:0 0 16px}
textarea{min-height:96px;resize:vertical}
button{font:inherit;font-weight:600;color:#fff;background:#1f883d;border:0;border-radius:6px;padding:10px 22px;cursor:pointer}
button.reject{background:#cf222e}
button.snooze{background:#0969da}
.field-error{color:#cf222e;font-weight:600}
.hint{font-size:14px;color:#57606a;margin:16px 0 0}
a{color:#0969da}
footer{max-width:560px;margin:12px auto 0;font-size:13px;color:#6a737d;text-align:center}
`;

/** Content-Security-Policy of every page: no scripts at all, the one stylesheet by hash, forms only to us. */
export const PAGE_CSP = [
  "default-src 'none'",
  `style-src 'sha256-${createHash('sha256').update(STYLE).digest('base64')}'`,
  "img-src 'self' data:",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
].join('; ');

/**
 * Headers of every page: never cached or indexed, never framed, no referrer (the URL holds a secret token).
 */
export const PAGE_HEADERS: Readonly<Record<string, string>> = {
  'content-type': 'text/html; charset=utf-8',
  'cache-control': 'no-store',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'x-content-type-options': 'nosniff',
  'x-robots-tag': 'noindex, nofollow',
  'content-security-policy': PAGE_CSP,
};

/** A whole page: `<html lang>`, title, the docnotify card around `body`, an optional footer line. */
export function renderPage(page: { lang: string; title: string; body: Html; footer?: string }): string {
  return part(html`<!DOCTYPE html>
<html lang="${page.lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex, nofollow">
<title>${page.title} · docnotify</title>
<style>${trusted(STYLE)}</style>
</head>
<body>
<main>
<div class="brand">docnotify</div>
<div class="content">
${page.body}
</div>
</main>
${page.footer ? html`<footer>${page.footer}</footer>` : ''}
</body>
</html>
`);
}

/**
 * Is a form POST from our own page? A same-origin `Origin`; or, when the browser sends `Origin: null` (it does for a
 * form on a page with `Referrer-Policy: no-referrer`) or none, `Sec-Fetch-Site: same-origin`; or, from browsers that
 * send neither, a same-origin `Referer`. "Same origin" is PUBLIC_BASE_URL's origin or the request's own Host.
 */
export function isSameOrigin(headers: IncomingHttpHeaders, publicOrigin: string): boolean {
  const ours = (value: string): boolean => {
    try {
      const u = new URL(value);
      return u.origin === publicOrigin || (!!headers.host && u.host === headers.host);
    } catch {
      return false;
    }
  };
  const origin = headers.origin;
  if (origin && origin !== 'null') return ours(origin);
  const site = headers['sec-fetch-site'];
  if (typeof site === 'string') return site === 'same-origin';
  const referer = headers.referer;
  return !!referer && ours(referer);
}
