/** @jsxRuntime automatic @jsxImportSource preact */
/** The admin page's frame (header, navigation, tenant switch, sign-out) and the small pieces every admin page uses. */
import type { ComponentChildren, VNode } from 'preact';
import type { AdminCtx, Flash } from '../context';
import { renderDocument } from '../../views/render';

export type Section = 'rules' | 'templates' | 'directory' | 'log' | 'documents' | 'audit';

const NAV: { id: Section; href: string; label: string }[] = [
  { id: 'rules', href: '/admin/rules', label: 'Rules' },
  { id: 'templates', href: '/admin/templates', label: 'Templates' },
  { id: 'directory', href: '/admin/directory', label: 'Directory' },
  { id: 'log', href: '/admin/log', label: 'Notification log' },
  { id: 'documents', href: '/admin/documents', label: 'Documents' },
  { id: 'audit', href: '/admin/audit', label: 'Audit' },
];

/** An admin view as the answer's body. */
export const renderAdmin = (view: VNode): string => renderDocument(view);

/** The hidden CSRF field every form carries. */
export const CsrfField = ({ ctx }: { ctx: Pick<AdminCtx, 'csrf'> }) => (
  <input type="hidden" name="_csrf" value={ctx.csrf} />
);

function FlashBox({ flash }: { flash?: Flash }) {
  if (!flash) return null;
  return (
    <div class={`flash flash-${flash.kind}`} role={flash.kind === 'error' ? 'alert' : 'status'}>
      {flash.text}
    </div>
  );
}

function Shell({ title, bodyClass, children }: { title: string; bodyClass?: string; children: ComponentChildren }) {
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="referrer" content="same-origin" />
        <title>{`${title} · docnotify admin`}</title>
        <link rel="stylesheet" href="/assets/admin.css" />
        <script src="/assets/admin.js" defer />
      </head>
      <body class={bodyClass}>{children}</body>
    </html>
  );
}

function TenantSwitch({ ctx }: { ctx: AdminCtx }) {
  if (ctx.session.tenant) {
    return (
      <span class="tenant-form">
        <span class="muted-inv">Tenant</span> <strong id="tenant-name">{ctx.tenant}</strong>
      </span>
    );
  }
  return (
    <form method="post" action="/admin/tenant" class="tenant-form">
      <CsrfField ctx={ctx} />
      <input type="hidden" name="return" value={ctx.url} />
      <label for="tenant-switch">Tenant</label>
      <input id="tenant-switch" name="tenant" value={ctx.tenant} size={10} autocomplete="off" spellcheck={false} />
      <button class="btn btn-small btn-ghost" type="submit">
        Switch
      </button>
    </form>
  );
}

function TopBar({ ctx, section }: { ctx: AdminCtx; section?: Section }) {
  return (
    <header class="topbar">
      <div class="topbar-inner">
        <a class="brand" href="/admin/rules">
          <span class="brand-mark" aria-hidden="true">
            dn
          </span>{' '}
          docnotify <span class="brand-sub">admin</span>
        </a>
        <nav class="mainnav" aria-label="Main">
          <ul>
            {NAV.map((item) => (
              <li>
                <a href={item.href} aria-current={item.id === section ? 'page' : undefined}>
                  {item.label}
                </a>
              </li>
            ))}
          </ul>
        </nav>
        <div class="session">
          <TenantSwitch ctx={ctx} />
          <form method="post" action="/admin/sign-out">
            <CsrfField ctx={ctx} />
            <button class="btn btn-small btn-ghost" type="submit">
              Sign out <span class="muted-inv">({ctx.session.user})</span>
            </button>
          </form>
        </div>
      </div>
    </header>
  );
}

export interface AdminPageProps {
  ctx: AdminCtx;
  title: string;
  section?: Section;
  /** Breadcrumb-like line above the heading. */
  crumbs?: { href: string; label: string }[];
  /** Buttons/links right of the heading. */
  actions?: ComponentChildren;
  /** Use the full width (editors). */
  wide?: boolean;
  children?: ComponentChildren;
}

/** A signed-in page: header with navigation, tenant switch and sign-out, then the content. */
export function AdminPage({ ctx, title, section, crumbs, actions, wide, children }: AdminPageProps) {
  return (
    <Shell title={title}>
      <a class="skip" href="#main">
        Skip to main content
      </a>
      <TopBar ctx={ctx} section={section} />
      <main id="main" tabindex={-1} class={wide ? 'container wide' : 'container'}>
        {crumbs?.length ? (
          <nav class="crumbs" aria-label="Breadcrumb">
            <ol>
              {crumbs.map((crumb) => (
                <li>
                  <a href={crumb.href}>{crumb.label}</a>
                </li>
              ))}
            </ol>
          </nav>
        ) : null}
        <div class="page-head">
          <h1>{title}</h1>
          {actions ? <div class="page-actions">{actions}</div> : null}
        </div>
        <FlashBox flash={ctx.flash} />
        {children}
      </main>
    </Shell>
  );
}

/** A page without the signed-in header (sign-in, errors before sign-in). */
export function BarePage({ title, children }: { title: string; children?: ComponentChildren }) {
  return (
    <Shell title={title} bodyClass="bare-body">
      <main id="main" class="bare">
        {children}
      </main>
    </Shell>
  );
}

/** `2024-07-12 14:32:05 UTC` in a `<time>` element. */
export function Time({ at }: { at: string | number | undefined }) {
  if (at === undefined || at === '') return <span class="muted">—</span>;
  const date = new Date(at);
  if (Number.isNaN(date.getTime())) return <>{String(at)}</>;
  const iso = date.toISOString();
  return (
    <time datetime={iso}>
      {`${iso.slice(0, 10)} ${iso.slice(11, 19)}`}
      <span class="muted"> UTC</span>
    </time>
  );
}

/** "in 59 min", "3 h ago". */
export function relative(at: string | number, now = Date.now()): string {
  const ms = new Date(at).getTime() - now;
  const abs = Math.abs(ms);
  if (abs < 5000) return 'just now';
  const [count, unit] =
    abs < 60_000
      ? [Math.round(abs / 1000), 's']
      : abs < 3_600_000
        ? [Math.round(abs / 60_000), 'min']
        : abs < 172_800_000
          ? [Math.round(abs / 3_600_000), 'h']
          : [Math.round(abs / 86_400_000), 'd'];
  return ms >= 0 ? `in ${count} ${unit}` : `${count} ${unit} ago`;
}

export type Tone = 'ok' | 'warn' | 'bad' | 'info' | 'neutral';

export const Badge = ({ text, tone = 'neutral', title }: { text: string; tone?: Tone; title?: string }) => (
  <span class={`badge badge-${tone}`} title={title}>
    {text}
  </span>
);

/** Tone of a notification status. */
export const statusTone = (status: string): Tone =>
  status === 'sent' ? 'ok' : status === 'failed' ? 'bad' : status === 'skipped' ? 'warn' : 'info';

export const EmptyState = ({ title, hint }: { title: string; hint?: ComponentChildren }) => (
  <div class="empty">
    <p class="empty-title">{title}</p>
    {hint ? <p class="muted">{hint}</p> : null}
  </div>
);

export interface TableProps {
  caption: string;
  head: string[];
  captionHidden?: boolean;
  id?: string;
  /** The rows (`<tr>` elements). */
  children?: ComponentChildren;
}

/** A table in a horizontally scrollable, labelled region. */
export function Table({ caption, head, captionHidden, id, children }: TableProps) {
  return (
    <div class="table-wrap" role="region" aria-label={caption} tabindex={0}>
      <table id={id}>
        <caption class={captionHidden ? 'visually-hidden' : undefined}>{caption}</caption>
        <thead>
          <tr>
            {head.map((heading) => (
              <th scope="col">{heading}</th>
            ))}
          </tr>
        </thead>
        <tbody>{children}</tbody>
      </table>
    </div>
  );
}

/** Query string from the non-empty values (for links that keep filters). */
export function query(values: Record<string, string | undefined>): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(values)) if (value !== undefined && value !== '') params.set(name, value);
  const text = params.toString();
  return text ? `?${text}` : '';
}
