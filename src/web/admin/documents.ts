/**
 * Documents: look one up by id and read its timeline from the workflow (`documentState` query): status,
 * open task, planned reminders/escalations, emails, history — and a link to the run in the Temporal UI.
 */
import {
  calendarTimeZone,
  formatAmount,
  formatDate,
  formatRelative,
  readerZone,
  type Reader,
} from '../../email/format';
import { formattedFields } from '../../email/values';
import type { FastifyInstance } from 'fastify';
import type { DocumentSummary } from '../../client';
import { workflowIdFor } from '../../domain/events';
import { STATUS_LABELS, type DocumentStatus } from '../../domain/status';
import { NotFoundError } from '../../errors';
import type { DocumentView } from '../../workflows/types';
import { ctx, q, redirect, sendHtml, type AdminCtx, type AdminEnv } from './context';
import { html, query, type SafeHtml, type Slot } from './html';
import { badge, emptyState, page, relative, statusTone, table, time, type Tone } from './layout';
import { kindLabel } from './log';

const enc = encodeURIComponent;
const ID = /^[^\s/?#]{1,200}$/;

const statusText = (s?: string) => (s ? (STATUS_LABELS[s as DocumentStatus] ?? s) : '—');

const historyTone: Record<string, Tone> = {
  event: 'info',
  email: 'ok',
  decision: 'ok',
  escalation: 'warn',
  rejected: 'bad',
  ignored: 'neutral',
  snooze: 'neutral',
  info: 'neutral',
};

/** Link to the document's workflow in the Temporal Web UI. */
export function temporalUiUrl(env: AdminEnv, tenantId: string, documentId: string): string {
  const { TEMPORAL_UI_URL, TEMPORAL_NAMESPACE } = env.deps.config;
  return `${TEMPORAL_UI_URL.replace(/\/+$/, '')}/namespaces/${enc(TEMPORAL_NAMESPACE)}/workflows/${enc(workflowIdFor(tenantId, documentId))}`;
}

function lookupForm(id = ''): SafeHtml {
  return html`<form method="get" action="/admin/documents" class="filters lookup" role="search" aria-label="Look up a document">
  <div class="filter grow"><label for="doc-id">Document id</label><input id="doc-id" name="id" value="${id}" required spellcheck="false" autocomplete="off" placeholder="e.g. INV-2024-0042"></div>
  <div class="filter filter-buttons"><button class="btn btn-primary" type="submit">Show timeline</button></div>
</form>`;
}

function recentTable(docs: DocumentSummary[]): SafeHtml {
  const rows = docs.map(
    (d) => html`<tr>
<th scope="row"><a class="nowrap" href="/admin/documents/${enc(d.tenantId)}/${enc(d.documentId)}">${d.documentId}</a></th>
<td>${d.documentType ?? ''}</td><td class="nowrap">${statusText(d.status)}</td><td>${d.assignee ?? html`<span class="muted">—</span>`}</td>
<td>${d.awaitingAction ? badge('Awaiting action', 'warn') : html`<span class="muted">No</span>`}</td>
<td>${d.nextNotificationAt ? html`${time(d.nextNotificationAt)}<br><span class="muted small">${relative(d.nextNotificationAt)}</span>` : html`<span class="muted">—</span>`}</td>
<td>${d.running ? badge('Running', 'info') : badge('Finished', 'neutral')}</td>
<td>${time(d.startTime)}</td>
</tr>`,
  );
  return table(
    'Recent documents',
    ['Document', 'Type', 'Status', 'Assignee', 'Waiting', 'Next email', 'Workflow', 'Started'],
    rows,
  );
}

/**
 * A document field as the tenant's emails print it (their language and time zone; `formattedFields`): amounts with
 * their currency, dates. Other fields as given.
 */
function fieldText(name: string, value: unknown, v: DocumentView, reader: Reader): string {
  if (value === null || value === undefined) return '';
  if (name === 'total_amount') return formatAmount(value, v.fields.currency, reader) ?? '';
  const formatted = formattedFields({ [name]: value }, reader)[name];
  return typeof formatted === 'string' ? formatted : String(value);
}

function timeline(c: AdminCtx, env: AdminEnv, v: DocumentView, reader: Reader): SafeHtml {
  const now = Date.now();
  const summary: [string, Slot][] = [
    [
      'Status',
      html`<strong>${statusText(v.status)}</strong>${v.statusSince ? html` <span class="muted">since</span> ${time(v.statusSince)}` : ''}`,
    ],
    ['Previous status', statusText(v.previousStatus)],
    ['Document type', v.documentType],
    ['Tenant', v.tenantId],
    ['Assignee', v.assignee ?? '—'],
    [
      'Due date',
      v.dueAt
        ? html`${formatDate(v.dueAt, reader)} <span class="muted">(${formatRelative(v.dueAt, now, reader)}; as the tenant’s emails print it, ${reader.locale}, ${readerZone(reader.timeZone)})</span><br>${time(v.dueAt)}`
        : '—',
    ],
    ['Escalation level', String(v.escalationLevel)],
    [
      'Next notification',
      v.nextNotificationAt
        ? html`${time(v.nextNotificationAt)} <span class="muted">(${relative(v.nextNotificationAt, now)})</span>`
        : '—',
    ],
    ['Emails sent', String(v.emailCount)],
  ];
  const task = v.task
    ? html`<dl class="meta">
  <div><dt>Task</dt><dd><code>${v.task.id}</code> <span class="muted">version ${v.task.version}</span></dd></div>
  <div><dt>Waiting in</dt><dd>${statusText(v.task.status)}</dd></div>
  <div><dt>Opened</dt><dd>${time(v.task.openedAt)} <span class="muted">(${relative(v.task.openedAt, now)})</span></dd></div>
  <div><dt>Links sent to</dt><dd>${v.task.recipients.length ? v.task.recipients.join(', ') : html`<span class="muted">nobody yet</span>`}</dd></div>
  <div><dt>Decision</dt><dd>${v.task.decision ? html`${badge(v.task.decision.action, 'ok')} by ${v.task.decision.actor} ${time(v.task.decision.at)}${v.task.decision.reason ? html` — “${v.task.decision.reason}”` : ''}` : html`<span class="muted">none yet</span>`}</dd></div>
</dl>`
    : html`<p class="muted">No open task: the document is not waiting for a person.</p>`;
  const pending = v.pending.length
    ? table(
        'Planned emails',
        ['When', 'Kind', 'What', 'Template'],
        v.pending.map(
          (p) => html`<tr>
<td>${time(p.at)}<br><span class="muted small">${relative(p.at, now)}</span></td><td>${kindLabel(p.kind, p.seq)}</td><td>${p.summary}</td><td><code>${p.template}</code></td></tr>`,
        ),
        { captionHidden: true, id: 'planned-table' },
      )
    : emptyState('Nothing planned', 'No reminders, escalations or due-date emails are waiting.');
  const emails = v.emails.length
    ? table(
        'Emails',
        ['When', 'Kind', 'To', 'Status', 'Detail', 'Email'],
        [...v.emails].reverse().map(
          (e) => html`<tr>
<td>${time(e.at)}</td><td>${kindLabel(e.kind, Number(/:(?:reminder|escalation|due_soon|overdue):(\d+)/.exec(e.key)?.[1] ?? 0))}</td><td>${e.to}</td><td>${badge(e.status, statusTone(e.status))}</td><td class="smtp">${e.detail ? html`<code>${e.detail}</code>` : ''}</td>
<td><a class="btn btn-small btn-secondary" href="/admin/log/email${query({ key: e.key })}" aria-label="Open the email to ${e.to}">Open</a></td></tr>`,
        ),
        { captionHidden: true },
      )
    : emptyState('No emails yet');
  const history = v.history.length
    ? html`<ol class="timeline" reversed>${[...v.history].reverse().map((h) => html`<li><div class="tl-time">${time(h.at)}</div><div class="tl-body">${badge(h.kind, historyTone[h.kind] ?? 'neutral')} ${h.text}</div></li>`)}</ol>`
    : emptyState('No history recorded');
  const fields = Object.entries(v.fields);
  return html`<div class="doc-head">
  <div class="badges">${badge(statusText(v.status), v.awaitingAction ? 'warn' : 'info')} ${v.awaitingAction ? badge('Awaiting action', 'warn') : ''} ${v.finished ? badge('Workflow finished', 'neutral') : badge('Workflow running', 'ok')}</div>
  <a class="btn btn-secondary" href="${temporalUiUrl(env, v.tenantId, v.documentId)}" target="_blank" rel="noopener noreferrer">Open in Temporal UI<span class="visually-hidden"> (opens in a new tab)</span> ↗</a>
</div>
<div class="doc-grid">
  <section class="card" aria-labelledby="h-summary"><h2 id="h-summary">Summary</h2><dl class="meta">${summary.map(([k, x]) => html`<div><dt>${k}</dt><dd>${x}</dd></div>`)}</dl></section>
  <section class="card" aria-labelledby="h-task"><h2 id="h-task">Open task</h2>${task}</section>
</div>
<section class="card" aria-labelledby="h-planned"><h2 id="h-planned">Planned reminders and escalations</h2>${pending}</section>
<section class="card" aria-labelledby="h-emails"><h2 id="h-emails">Emails <span class="count">${v.emails.length}</span></h2>${emails}</section>
<section class="card" aria-labelledby="h-history"><h2 id="h-history">History <span class="muted small">(newest first)</span></h2>${history}</section>
${
  fields.length
    ? html`<section class="card" aria-labelledby="h-fields"><h2 id="h-fields">Document fields</h2>${table(
        'Fields',
        ['Field', 'Value'],
        fields.map(
          ([k, x]) => html`<tr><th scope="row"><code>${k}</code></th><td>${fieldText(k, x, v, reader)}</td></tr>`,
        ),
        { captionHidden: true },
      )}</section>`
    : ''
}
<p class="muted small">Read ${time(now)} from the workflow’s <code>documentState</code> query. <a href="/admin/log${query({ document: v.documentId })}">Notification log of this document</a>.</p>`;
}

/** Registers the document pages on the (signed-in) admin scope. */
export function registerDocuments(app: FastifyInstance, env: AdminEnv): void {
  const { client, log } = env.deps;

  app.get('/documents', async (req, reply) => {
    const c = ctx(req);
    const id = q(req, 'id');
    if (id) {
      if (!ID.test(id))
        return redirect(reply, env, '/admin/documents', {
          kind: 'error',
          text: 'A document id has no spaces, "/", "?" or "#".',
        });
      return redirect(reply, env, `/admin/documents/${enc(c.tenant)}/${enc(id)}`);
    }
    let recent: SafeHtml;
    try {
      const docs = await client.list({ tenantId: c.tenant, limit: 25 });
      recent = docs.length
        ? recentTable(docs)
        : emptyState('No documents yet', 'Documents appear here when the pipeline sends their first event.');
    } catch (e) {
      log.warn({ err: e }, 'could not list documents');
      recent = html`<p class="flash flash-error" role="alert">Could not list documents from Temporal: ${(e as Error).message}</p>`;
    }
    return sendHtml(
      reply,
      page(c, {
        title: 'Documents',
        section: 'documents',
        body: html`<p class="lead">Look up a document to see what happened to it, what docnotify sent, and what it will send next.</p>
${lookupForm()}
<section aria-labelledby="h-recent"><h2 id="h-recent">Recent documents of tenant ${c.tenant}</h2>${recent}</section>`,
      }),
    );
  });

  /** The tenant's language and calendar time zone: what its emails are formatted in, absent a recipient's own. */
  async function tenantReader(tenantId: string): Promise<Reader> {
    const t = await env.deps.stores.tenants.get(tenantId);
    return { locale: t.locale, timeZone: readerZone(calendarTimeZone(t.calendar)) };
  }

  app.get<{ Params: { tenant: string; id: string } }>('/documents/:tenant/:id', async (req, reply) => {
    const c = ctx(req);
    const { tenant, id } = req.params;
    let view: DocumentView;
    try {
      view = await client.getState(id, tenant);
    } catch (e) {
      if (!(e instanceof NotFoundError)) throw e;
      return sendHtml(
        reply,
        page(c, {
          title: `Document “${id}”`,
          section: 'documents',
          crumbs: [{ href: '/admin/documents', label: 'Documents' }],
          body: html`${lookupForm(id)}${emptyState(`No document “${id}” in tenant ${tenant}`, 'docnotify knows a document once the pipeline has sent an event for it.')}`,
        }),
        404,
      );
    }
    return sendHtml(
      reply,
      page(c, {
        title: `Document “${id}”`,
        section: 'documents',
        crumbs: [{ href: '/admin/documents', label: 'Documents' }],
        wide: true,
        body: timeline(c, env, view, await tenantReader(tenant)),
      }),
    );
  });
}
