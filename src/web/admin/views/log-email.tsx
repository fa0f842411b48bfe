/** @jsxRuntime automatic @jsxImportSource preact */
/**
 * One email of the notification log as it was sent: its details, the HTML part in a sandboxed `srcdoc` frame (the
 * recorded HTML is the attribute's value, escaped as one) and the plain-text part.
 */
import type { ComponentChildren } from 'preact';
import type { NotificationRow } from '../../../store/notifications';
import type { AdminCtx } from '../context';
import { kindLabel } from '../log-labels';
import { AdminPage, Badge, renderAdmin, statusTone, Time } from './layout';
import { DocLink, ruleLogUrl } from './log';

/** A logged email with the parts recorded for it. */
export type LoggedEmail = NotificationRow & { html?: string; text?: string };

/** The details list: label and value of each. */
function details(row: LoggedEmail): [string, ComponentChildren][] {
  return [
    ['Document', <DocLink row={row} />],
    ['Recipient', row.recipient],
    ['Kind', kindLabel(row.kind, row.seq)],
    ['Rule', row.ruleId ? <a href={ruleLogUrl(row.ruleId)}>{row.ruleName ?? row.ruleId}</a> : '—'],
    [
      'Status',
      <>
        <Badge text={row.status} tone={statusTone(row.status)} />
        {row.reason ? ` ${row.reason}` : ''}
      </>,
    ],
    ['Created', <Time at={row.createdAt} />],
    ['Sent', row.sentAt ? <Time at={row.sentAt} /> : '—'],
    ['Attempts', String(row.attempts)],
    ['SMTP response', row.smtpResponse ? <code>{row.smtpResponse}</code> : '—'],
    ['Message-ID', <code>{row.messageId}</code>],
  ];
}

function Details({ row }: { row: LoggedEmail }) {
  return (
    <section class="card" aria-labelledby="h-meta">
      <h2 id="h-meta" class="visually-hidden">
        Details
      </h2>
      <dl class="meta">
        {details(row).map(([label, value]) => (
          <div>
            <dt>{label}</dt>
            <dd>{value}</dd>
          </div>
        ))}
      </dl>
    </section>
  );
}

/** `/admin/log/email?key=`: one email of the log. */
export function EmailPage({ ctx, row }: { ctx: AdminCtx; row: LoggedEmail }) {
  const crumbs = [
    { href: '/admin/log', label: 'Notification log' },
    ...(row.ruleId ? [{ href: ruleLogUrl(row.ruleId), label: row.ruleName ?? 'Rule log' }] : []),
  ];
  return (
    <AdminPage ctx={ctx} title={row.subject ?? '(no subject recorded)'} section="log" crumbs={crumbs}>
      <div class="email-view">
        <Details row={row} />
        <section class="card" aria-labelledby="h-html">
          <h2 id="h-html">HTML part</h2>
          {row.html ? (
            <iframe class="email-frame" title="The email as sent (HTML)" sandbox="" srcdoc={row.html} />
          ) : (
            <p class="muted">No HTML recorded (the email was skipped before it was rendered).</p>
          )}
        </section>
        <section class="card" aria-labelledby="h-text">
          <h2 id="h-text">Plain-text part</h2>
          {row.text ? <pre class="email-text">{row.text}</pre> : <p class="muted">No text recorded.</p>}
        </section>
      </div>
    </AdminPage>
  );
}

/** The email page as the answer's body. */
export const renderEmailPage = (ctx: AdminCtx, row: LoggedEmail): string =>
  renderAdmin(<EmailPage ctx={ctx} row={row} />);
