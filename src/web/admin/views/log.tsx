/** @jsxRuntime automatic @jsxImportSource preact */
/** The notification log (overall, or of one rule) with its filters. */
import type { Rule } from '../../../domain/rules';
import { NOTIFICATION_STATUSES, type NotificationRow } from '../../../store/notifications';
import type { AdminCtx } from '../context';
import { kindLabel, LOG_KINDS } from '../log-labels';
import { triggerLabel } from '../rules';
import { AdminPage, Badge, EmptyState, query, relative, renderAdmin, statusTone, Table, Time } from './layout';

/** The log's filters as asked (`rule` is the rule's id). */
export interface LogFilters {
  status: string;
  kind: string;
  document: string;
  recipient: string;
  rule: string;
}

export interface LogPageProps {
  ctx: AdminCtx;
  /** The rule whose log this is; none for the overall log. */
  rule?: Rule;
  /** The tenant's rules (the overall log's Rule filter). */
  rules: Rule[];
  filters: LogFilters;
  /** Some filter is set (beyond the page's own rule). */
  filtered: boolean;
  rows: NotificationRow[];
  /** The most rows the log shows. */
  limit: number;
}

const ANY = { value: '', label: 'Any' };
/** The log of one rule. */
export const ruleLogUrl = (ruleId: string): string => `/admin/rules/${encodeURIComponent(ruleId)}/log`;

/** A digest or storm summary (document `(digest)` / `(summary)`, docs/digest.md) is about many documents: no link. */
export function DocLink({ row }: { row: { tenantId: string; documentId: string } }) {
  if (row.documentId.startsWith('(')) return <span class="nowrap">{row.documentId}</span>;
  const href = `/admin/documents/${encodeURIComponent(row.tenantId)}/${encodeURIComponent(row.documentId)}`;
  return (
    <a class="nowrap" href={href}>
      {row.documentId}
    </a>
  );
}

const Small = ({ text }: { text: string }) => (
  <>
    <br />
    <span class="muted small">{text}</span>
  </>
);

function OpenLink({ row }: { row: NotificationRow }) {
  if (row.recipient === '-' && !row.subject) return null;
  return (
    <a
      class="btn btn-small btn-secondary"
      href={`/admin/log/email${query({ key: row.key })}`}
      aria-label={`Open the email to ${row.recipient} about ${row.documentId}`}
    >
      Open
    </a>
  );
}

function LogRow({ row, showRule }: { row: NotificationRow; showRule: boolean }) {
  return (
    <tr>
      <td>
        <Time at={row.createdAt} />
        <Small text={relative(row.createdAt)} />
      </td>
      <td>
        <DocLink row={row} />
        {row.documentType ? <Small text={row.documentType} /> : null}
      </td>
      {showRule ? (
        <td>
          {row.ruleId ? <a href={ruleLogUrl(row.ruleId)}>{row.ruleName ?? 'rule'}</a> : <span class="muted">—</span>}
        </td>
      ) : null}
      <td>{row.recipient === '-' ? <span class="muted">nobody</span> : row.recipient}</td>
      <td class="nowrap">{kindLabel(row.kind, row.seq)}</td>
      <td>
        <Badge text={row.status} tone={statusTone(row.status)} />
        {row.reason ? <Small text={row.reason} /> : null}
        {row.attempts > 1 ? <Small text={`${row.attempts} attempts`} /> : null}
      </td>
      <td class="smtp">{row.smtpResponse ? <code>{row.smtpResponse}</code> : <span class="muted">—</span>}</td>
      <td>
        <OpenLink row={row} />
      </td>
    </tr>
  );
}

interface FilterSelectProps {
  id: string;
  name: string;
  label: string;
  current: string;
  options: { value: string; label: string }[];
}

function FilterSelect({ id, name, label, current, options }: FilterSelectProps) {
  return (
    <div class="filter">
      <label for={id}>{label}</label>
      <select id={id} name={name}>
        {[ANY, ...options].map((option) => (
          <option value={option.value} selected={option.value === current}>
            {option.label}
          </option>
        ))}
      </select>
    </div>
  );
}

function Filters({ rule, rules, filters, filtered, action }: LogPageProps & { action: string }) {
  const statuses = NOTIFICATION_STATUSES.map((status) => ({ value: status, label: status }));
  const ruleOptions = rules.map((each) => ({ value: each.id, label: each.name }));
  return (
    <form method="get" action={action} class="filters" role="search" aria-label="Filter the log">
      {rule ? null : (
        <FilterSelect id="flt-rule" name="rule" label="Rule" current={filters.rule} options={ruleOptions} />
      )}
      <div class="filter">
        <label for="flt-document">Document</label>
        <input id="flt-document" name="document" value={filters.document} spellcheck={false} />
      </div>
      <div class="filter">
        <label for="flt-recipient">Recipient</label>
        <input id="flt-recipient" name="recipient" type="email" value={filters.recipient} spellcheck={false} />
      </div>
      <FilterSelect id="flt-lstatus" name="status" label="Status" current={filters.status} options={statuses} />
      <FilterSelect id="flt-kind" name="kind" label="Kind" current={filters.kind} options={LOG_KINDS} />
      <div class="filter filter-buttons">
        <button class="btn btn-secondary" type="submit">
          Filter
        </button>
        {filtered ? (
          <a class="btn btn-ghost" href={action}>
            Reset
          </a>
        ) : null}
      </div>
    </form>
  );
}

function Rows({ ctx, rule, rows, filtered, limit }: LogPageProps) {
  if (!rows.length)
    return (
      <EmptyState
        title={filtered ? 'No emails match these filters' : 'No emails yet'}
        hint={
          rule
            ? 'Emails this rule sends (or skips) appear here, newest first.'
            : 'Every email docnotify decides to send is recorded here.'
        }
      />
    );
  const head = ['Time', 'Document', ...(rule ? [] : ['Rule']), 'Recipient', 'Kind', 'Status', 'SMTP response', 'Email'];
  return (
    <>
      <Table
        caption={rule ? `Emails of rule ${rule.name}` : `Emails of tenant ${ctx.tenant}`}
        head={head}
        id="log-table"
      >
        {rows.map((row) => (
          <LogRow row={row} showRule={!rule} />
        ))}
      </Table>
      {rows.length >= limit ? (
        <p class="muted">{`Showing the newest ${limit}; narrow the filters to see older ones.`}</p>
      ) : null}
    </>
  );
}

function Lead({ rule }: { rule?: Rule }) {
  if (!rule)
    return (
      <p class="lead">
        Every email docnotify decided to send, newest first: sent, failed (with the mail server’s answer) or skipped and
        why.
      </p>
    );
  return (
    <p class="lead">
      {triggerLabel(rule)}
      {rule.documentType ? ` · ${rule.documentType}` : ' · every document type'}
      {' · '}
      {rule.active ? <Badge text="Active" tone="ok" /> : <Badge text="Inactive" tone="neutral" />}
    </p>
  );
}

/** `/admin/log` and `/admin/rules/:id/log`: the emails docnotify decided to send, newest first. */
export function LogPage(props: LogPageProps) {
  const { ctx, rule } = props;
  const action = rule ? ruleLogUrl(rule.id) : '/admin/log';
  const editRule = rule ? (
    <a class="btn btn-secondary" href={`/admin/rules/${encodeURIComponent(rule.id)}`}>
      Edit rule
    </a>
  ) : null;
  return (
    <AdminPage
      ctx={ctx}
      title={rule ? `Log of rule “${rule.name}”` : 'Notification log'}
      section={rule ? 'rules' : 'log'}
      crumbs={rule ? [{ href: '/admin/rules', label: 'Rules' }] : undefined}
      actions={editRule}
    >
      <Lead rule={rule} />
      <Filters {...props} action={action} />
      <Rows {...props} />
    </AdminPage>
  );
}

/** The log as the answer's body. */
export const renderLogPage = (props: LogPageProps): string => renderAdmin(<LogPage {...props} />);
