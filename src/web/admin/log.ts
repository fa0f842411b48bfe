/** The notification log, overall and per rule, with filters; one email opened as it was sent. */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Rule } from '../../domain/rules';
import { NotFoundError } from '../../errors';
import { NOTIFICATION_STATUSES, type LogFilter, type NotificationRow } from '../../store/notifications';
import { ctx, q, sendHtml, type AdminCtx, type AdminEnv } from './context';
import { attrs, html, query, type SafeHtml, type Slot } from './html';
import { badge, emptyState, page, relative, statusTone, table, time } from './layout';
import { triggerLabel } from './rules';

const KINDS: { value: string; label: string }[] = [
  { value: 'first', label: 'First email' },
  { value: 'reminder', label: 'Reminder' },
  { value: 'escalation', label: 'Escalation' },
  { value: 'reassignment', label: 'Reassignment' },
  { value: 'event', label: 'Event' },
  { value: 'due_soon', label: 'Due-date reminder' },
  { value: 'overdue', label: 'Overdue' },
  { value: 'decision', label: 'Decision confirmation' },
  { value: 'test', label: 'Test' },
  { value: 'smtp_failure_alert', label: 'Delivery failure alert' },
  { value: 'digest', label: 'Daily digest' },
  { value: 'storm_summary', label: 'Storm summary' },
];
const LIMIT = 200;

/** "Reminder 2", "Escalation level 1", "First email". */
export function kindLabel(kind: string, seq: number): string {
  const base = KINDS.find((k) => k.value === kind)?.label ?? kind;
  if (kind === 'reminder' || kind === 'due_soon' || (kind === 'overdue' && seq > 0)) return `${base} ${seq}`;
  if (kind === 'escalation') return `Escalation level ${seq}`;
  return base;
}

/** A digest or storm summary (document `(digest)` / `(summary)`, docs/digest.md) is about many documents: no link. */
const docLink = (c: AdminCtx, r: { tenantId: string; documentId: string }) =>
  r.documentId.startsWith('(')
    ? html`<span class="nowrap">${r.documentId}</span>`
    : html`<a class="nowrap" href="/admin/documents/${encodeURIComponent(r.tenantId)}/${encodeURIComponent(r.documentId)}">${r.documentId}</a>`;

function logRow(c: AdminCtx, r: NotificationRow, showRule: boolean): SafeHtml {
  const view =
    r.recipient !== '-' || r.subject
      ? html`<a class="btn btn-small btn-secondary" href="/admin/log/email${query({ key: r.key })}" aria-label="Open the email to ${r.recipient} about ${r.documentId}">Open</a>`
      : '';
  return html`<tr>
<td>${time(r.createdAt)}<br><span class="muted small">${relative(r.createdAt)}</span></td>
<td>${docLink(c, r)}${r.documentType ? html`<br><span class="muted small">${r.documentType}</span>` : ''}</td>
${showRule ? html`<td>${r.ruleId ? html`<a href="/admin/rules/${encodeURIComponent(r.ruleId)}/log">${r.ruleName ?? 'rule'}</a>` : html`<span class="muted">—</span>`}</td>` : ''}
<td>${r.recipient === '-' ? html`<span class="muted">nobody</span>` : r.recipient}</td>
<td class="nowrap">${kindLabel(r.kind, r.seq)}</td>
<td>${badge(r.status, statusTone(r.status))}${r.reason ? html`<br><span class="muted small">${r.reason}</span>` : ''}${r.attempts > 1 ? html`<br><span class="muted small">${r.attempts} attempts</span>` : ''}</td>
<td class="smtp">${r.smtpResponse ? html`<code>${r.smtpResponse}</code>` : html`<span class="muted">—</span>`}</td>
<td>${view}</td>
</tr>`;
}

interface LogPageOptions {
  rule?: Rule;
  rules: Rule[];
}

async function renderLog(req: FastifyRequest, reply: FastifyReply, env: AdminEnv, o: LogPageOptions) {
  const c = ctx(req);
  const status = q(req, 'status');
  const kind = q(req, 'kind');
  const document = q(req, 'document');
  const recipient = q(req, 'recipient');
  const ruleId = o.rule?.id ?? q(req, 'rule');
  const filter: LogFilter = {
    tenantId: c.tenant,
    ruleId: ruleId || undefined,
    documentId: document || undefined,
    recipient: recipient || undefined,
    status: (NOTIFICATION_STATUSES as readonly string[]).includes(status)
      ? (status as NotificationRow['status'])
      : undefined,
    kind: kind || undefined,
    limit: LIMIT,
  };
  const rows = await env.deps.stores.notifications.list(filter);
  const action = o.rule ? `/admin/rules/${encodeURIComponent(o.rule.id)}/log` : '/admin/log';
  const filtered = !!(status || kind || document || recipient || (!o.rule && ruleId));
  const opt = (value: string, label: string, cur: string) =>
    html`<option${attrs({ value, selected: value === cur })}>${label}</option>`;
  const filters = html`<form method="get" action="${action}" class="filters" role="search" aria-label="Filter the log">
  ${o.rule ? '' : html`<div class="filter"><label for="flt-rule">Rule</label><select id="flt-rule" name="rule">${opt('', 'Any', ruleId)}${o.rules.map((r) => opt(r.id, r.name, ruleId))}</select></div>`}
  <div class="filter"><label for="flt-document">Document</label><input id="flt-document" name="document" value="${document}" spellcheck="false"></div>
  <div class="filter"><label for="flt-recipient">Recipient</label><input id="flt-recipient" name="recipient" type="email" value="${recipient}" spellcheck="false"></div>
  <div class="filter"><label for="flt-lstatus">Status</label><select id="flt-lstatus" name="status">${opt('', 'Any', status)}${NOTIFICATION_STATUSES.map((s) => opt(s, s, status))}</select></div>
  <div class="filter"><label for="flt-kind">Kind</label><select id="flt-kind" name="kind">${opt('', 'Any', kind)}${KINDS.map((k) => opt(k.value, k.label, kind))}</select></div>
  <div class="filter filter-buttons"><button class="btn btn-secondary" type="submit">Filter</button>${filtered ? html`<a class="btn btn-ghost" href="${action}">Reset</a>` : ''}</div>
</form>`;
  const head = [
    'Time',
    'Document',
    ...(o.rule ? [] : ['Rule']),
    'Recipient',
    'Kind',
    'Status',
    'SMTP response',
    'Email',
  ];
  const body = rows.length
    ? html`${table(
        o.rule ? `Emails of rule ${o.rule.name}` : `Emails of tenant ${c.tenant}`,
        head,
        rows.map((r) => logRow(c, r, !o.rule)),
        { id: 'log-table' },
      )}
${rows.length >= LIMIT ? html`<p class="muted">Showing the newest ${LIMIT}; narrow the filters to see older ones.</p>` : ''}`
    : emptyState(
        filtered ? 'No emails match these filters' : 'No emails yet',
        o.rule
          ? 'Emails this rule sends (or skips) appear here, newest first.'
          : 'Every email docnotify decides to send is recorded here.',
      );
  return sendHtml(
    reply,
    page(c, {
      title: o.rule ? `Log of rule “${o.rule.name}”` : 'Notification log',
      section: o.rule ? 'rules' : 'log',
      crumbs: o.rule ? [{ href: '/admin/rules', label: 'Rules' }] : undefined,
      actions: o.rule
        ? html`<a class="btn btn-secondary" href="/admin/rules/${encodeURIComponent(o.rule.id)}">Edit rule</a>`
        : '',
      body: html`${o.rule ? html`<p class="lead">${triggerLabel(o.rule)}${o.rule.documentType ? ` · ${o.rule.documentType}` : ' · every document type'} · ${o.rule.active ? badge('Active', 'ok') : badge('Inactive', 'neutral')}</p>` : html`<p class="lead">Every email docnotify decided to send, newest first: sent, failed (with the mail server’s answer) or skipped and why.</p>`}
${filters}
${body}`,
    }),
  );
}

/** Registers the log pages on the (signed-in) admin scope. */
export function registerLog(app: FastifyInstance, env: AdminEnv): void {
  const { stores } = env.deps;

  app.get('/log', async (req, reply) =>
    renderLog(req, reply, env, { rules: await stores.rules.list(ctx(req).tenant) }),
  );

  app.get<{ Params: { id: string } }>('/rules/:id/log', async (req, reply) => {
    const rule = await stores.rules.get(ctx(req).tenant, req.params.id);
    return renderLog(req, reply, env, { rule, rules: [] });
  });

  app.get('/log/email', async (req, reply) => {
    const c = ctx(req);
    const row = await stores.notifications.get(q(req, 'key'));
    // Another tenant's email is "not found" here: its existence is not disclosed either.
    if (!row || row.tenantId !== c.tenant) throw new NotFoundError('That email is not in the notification log.');
    const meta: [string, Slot][] = [
      ['Document', docLink(c, row)],
      ['Recipient', row.recipient],
      ['Kind', kindLabel(row.kind, row.seq)],
      [
        'Rule',
        row.ruleId
          ? html`<a href="/admin/rules/${encodeURIComponent(row.ruleId)}/log">${row.ruleName ?? row.ruleId}</a>`
          : '—',
      ],
      ['Status', html`${badge(row.status, statusTone(row.status))}${row.reason ? ` ${row.reason}` : ''}`],
      ['Created', time(row.createdAt)],
      ['Sent', row.sentAt ? time(row.sentAt) : '—'],
      ['Attempts', String(row.attempts)],
      ['SMTP response', row.smtpResponse ? html`<code>${row.smtpResponse}</code>` : '—'],
      ['Message-ID', html`<code>${row.messageId}</code>`],
    ];
    return sendHtml(
      reply,
      page(c, {
        title: row.subject ?? '(no subject recorded)',
        section: 'log',
        crumbs: [
          { href: '/admin/log', label: 'Notification log' },
          ...(row.ruleId
            ? [{ href: `/admin/rules/${encodeURIComponent(row.ruleId)}/log`, label: row.ruleName ?? 'Rule log' }]
            : []),
        ],
        body: html`<div class="email-view">
<section class="card" aria-labelledby="h-meta"><h2 id="h-meta" class="visually-hidden">Details</h2>
<dl class="meta">${meta.map(([k, v]) => html`<div><dt>${k}</dt><dd>${v}</dd></div>`)}</dl></section>
<section class="card" aria-labelledby="h-html"><h2 id="h-html">HTML part</h2>
${row.html ? html`<iframe class="email-frame" title="The email as sent (HTML)" sandbox="" srcdoc="${row.html}"></iframe>` : html`<p class="muted">No HTML recorded (the email was skipped before it was rendered).</p>`}
</section>
<section class="card" aria-labelledby="h-text"><h2 id="h-text">Plain-text part</h2>
${row.text ? html`<pre class="email-text">${row.text}</pre>` : html`<p class="muted">No text recorded.</p>`}
</section>
</div>`,
      }),
    );
  });
}
