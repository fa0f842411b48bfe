import type { AdminCtx, Flash } from './context';
import { attrs, html, type SafeHtml, type Slot } from './html';

export type Section = 'rules' | 'templates' | 'directory' | 'log' | 'documents' | 'audit';

const NAV: { id: Section; href: string; label: string }[] = [
  { id: 'rules', href: '/admin/rules', label: 'Rules' },
  { id: 'templates', href: '/admin/templates', label: 'Templates' },
  { id: 'directory', href: '/admin/directory', label: 'Directory' },
  { id: 'log', href: '/admin/log', label: 'Notification log' },
  { id: 'documents', href: '/admin/documents', label: 'Documents' },
  { id: 'audit', href: '/admin/audit', label: 'Audit' },
];

/** The hidden CSRF field every form carries. */
export const csrfField = (c: Pick<AdminCtx, 'csrf'>): SafeHtml =>
  html`<input type="hidden" name="_csrf" value="${c.csrf}">`;

function flashBox(f: Flash | undefined): Slot {
  if (!f) return '';
  return html`<div class="flash flash-${f.kind}" role="${f.kind === 'error' ? 'alert' : 'status'}">${f.text}</div>`;
}

function shell(title: string, body: Slot, bodyClass = ''): SafeHtml {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="same-origin">
<title>${title} · docnotify admin</title>
<link rel="stylesheet" href="/assets/admin.css">
<script src="/assets/admin.js" defer></script>
</head>
<body${attrs({ class: bodyClass || undefined })}>
${body}
</body>
</html>`;
}

export interface PageOptions {
  title: string;
  section?: Section;
  /** Breadcrumb-like line above the heading. */
  crumbs?: { href: string; label: string }[];
  /** Buttons/links right of the heading. */
  actions?: Slot;
  body: Slot;
  /** Use the full width (editors). */
  wide?: boolean;
}

/** A signed-in page: header with navigation, tenant switch and sign-out, then the content. */
export function page(c: AdminCtx, o: PageOptions): SafeHtml {
  const nav = NAV.map(
    (n) =>
      html`<li><a href="${n.href}"${attrs({ 'aria-current': n.id === o.section ? 'page' : undefined })}>${n.label}</a></li>`,
  );
  const crumbs = o.crumbs?.length
    ? html`<nav class="crumbs" aria-label="Breadcrumb"><ol>${o.crumbs.map((cr) => html`<li><a href="${cr.href}">${cr.label}</a></li>`)}</ol></nav>`
    : '';
  return shell(
    o.title,
    html`<a class="skip" href="#main">Skip to main content</a>
<header class="topbar">
  <div class="topbar-inner">
    <a class="brand" href="/admin/rules"><span class="brand-mark" aria-hidden="true">dn</span> docnotify <span class="brand-sub">admin</span></a>
    <nav class="mainnav" aria-label="Main"><ul>${nav}</ul></nav>
    <div class="session">
      ${
        c.session.tenant
          ? html`<span class="tenant-form"><span class="muted-inv">Tenant</span> <strong id="tenant-name">${c.tenant}</strong></span>`
          : html`<form method="post" action="/admin/tenant" class="tenant-form">
        ${csrfField(c)}
        <input type="hidden" name="return" value="${c.url}">
        <label for="tenant-switch">Tenant</label>
        <input id="tenant-switch" name="tenant" value="${c.tenant}" size="10" autocomplete="off" spellcheck="false">
        <button class="btn btn-small btn-ghost" type="submit">Switch</button>
      </form>`
      }
      <form method="post" action="/admin/sign-out">
        ${csrfField(c)}
        <button class="btn btn-small btn-ghost" type="submit">Sign out <span class="muted-inv">(${c.session.user})</span></button>
      </form>
    </div>
  </div>
</header>
<main id="main" tabindex="-1" class="${o.wide ? 'container wide' : 'container'}">
  ${crumbs}
  <div class="page-head">
    <h1>${o.title}</h1>
    ${o.actions ? html`<div class="page-actions">${o.actions}</div>` : ''}
  </div>
  ${flashBox(c.flash)}
  ${o.body}
</main>`,
  );
}

/** A page without the signed-in header (sign-in, errors before sign-in). */
export function barePage(title: string, body: Slot): SafeHtml {
  return shell(title, html`<main id="main" class="bare">${body}</main>`, 'bare-body');
}

/** `2024-07-12 14:32:05 UTC` in a `<time>` element. */
export function time(iso: string | number | undefined): Slot {
  if (iso === undefined || iso === '') return html`<span class="muted">—</span>`;
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return String(iso);
  const s = d.toISOString();
  return html`<time datetime="${s}">${s.slice(0, 10)} ${s.slice(11, 19)}<span class="muted"> UTC</span></time>`;
}

/** "in 59 min", "3 h ago". */
export function relative(iso: string | number, now = Date.now()): string {
  const ms = new Date(iso).getTime() - now;
  const abs = Math.abs(ms);
  if (abs < 5000) return 'just now';
  const [n, u] =
    abs < 60_000
      ? [Math.round(abs / 1000), 's']
      : abs < 3_600_000
        ? [Math.round(abs / 60_000), 'min']
        : abs < 172_800_000
          ? [Math.round(abs / 3_600_000), 'h']
          : [Math.round(abs / 86_400_000), 'd'];
  return ms >= 0 ? `in ${n} ${u}` : `${n} ${u} ago`;
}

export type Tone = 'ok' | 'warn' | 'bad' | 'info' | 'neutral';

export const badge = (text: string, tone: Tone = 'neutral', title?: string): SafeHtml =>
  html`<span class="badge badge-${tone}"${attrs({ title })}>${text}</span>`;

/** Tone of a notification status. */
export const statusTone = (s: string): Tone =>
  s === 'sent' ? 'ok' : s === 'failed' ? 'bad' : s === 'skipped' ? 'warn' : 'info';

export const emptyState = (title: string, hint?: Slot): SafeHtml =>
  html`<div class="empty"><p class="empty-title">${title}</p>${hint ? html`<p class="muted">${hint}</p>` : ''}</div>`;

/** A table in a horizontally scrollable, labelled region. */
export function table(
  caption: string,
  head: string[],
  rows: Slot[],
  opts: { captionHidden?: boolean; id?: string } = {},
): SafeHtml {
  return html`<div class="table-wrap" role="region" aria-label="${caption}" tabindex="0">
<table${attrs({ id: opts.id })}>
<caption${attrs({ class: opts.captionHidden ? 'visually-hidden' : undefined })}>${caption}</caption>
<thead><tr>${head.map((h) => html`<th scope="col">${h}</th>`)}</tr></thead>
<tbody>${rows}</tbody>
</table>
</div>`;
}
