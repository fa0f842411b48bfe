/** @jsxRuntime automatic @jsxImportSource preact */
/** The rule pages: the list with its filters, the create/edit page around the form, the delete confirmation. */
import { formatDuration } from '../../../domain/duration';
import { EVENT_TRIGGERS, type Rule } from '../../../domain/rules';
import { STATUS_LABELS, STATUSES } from '../../../domain/status';
import type { AdminCtx } from '../context';
import { EVENT_LABELS, triggerLabel } from '../rule-labels';
import { AdminPage, Badge, CsrfField, EmptyState, renderAdmin, Table } from './layout';
import { RuleForm, type RuleFormProps } from './rule-form';

/** The list's filters as given in the query ('' = any). */
export interface RuleFilters {
  /** A document type, `*` for the rules of every type, '' for any. */
  type: string;
  /** A status, or `event:<event>`. */
  status: string;
  /** 'true', 'false' or ''. */
  active: string;
}

export interface RulesPageProps {
  ctx: AdminCtx;
  /** Does the tenant have any rule (filtered out or not)? */
  anyRule: boolean;
  /** The rules the filters let through. */
  rules: Rule[];
  filters: RuleFilters;
  /** The document types of the tenant's rules (filter options). */
  types: string[];
}

const PRIORITY_TONE = { low: 'neutral', medium: 'info', high: 'warn' } as const;
const RULE_COLUMNS = ['Name', 'Document type', 'Status', 'Priority', 'Delay', 'Email to', 'Active', 'Actions'];
const STATUS_FILTER_OPTIONS = [
  { value: '', label: 'Any' },
  ...STATUSES.map((status) => ({ value: status, label: STATUS_LABELS[status] })),
  ...EVENT_TRIGGERS.map((event) => ({ value: `event:${event}`, label: `Event: ${EVENT_LABELS[event]}` })),
];
const ACTIVE_FILTER_OPTIONS = [
  { value: '', label: 'Any' },
  { value: 'true', label: 'Active' },
  { value: 'false', label: 'Inactive' },
];

/** Does any filter narrow the list? */
const isFiltered = (filters: RuleFilters): boolean => !!(filters.type || filters.status || filters.active);

/** Who a rule emails: the assignee, addresses, directory roles and address fields. */
function EmailTo({ rule }: { rule: Rule }) {
  const { recipients } = rule;
  return (
    <ul class="plain-list">
      {recipients.assignee ? <li>Assigned user/group</li> : null}
      {recipients.addresses.map((address) => (
        <li>{address}</li>
      ))}
      {recipients.roles.map((role) => (
        <li>
          <span class="muted">role</span> {role}
        </li>
      ))}
      {recipients.fields.map((field) => (
        <li>
          <span class="muted">field</span> {field}
        </li>
      ))}
    </ul>
  );
}

/** When a rule first emails, and how it repeats. */
function Delay({ rule }: { rule: Rule }) {
  const first = rule.delay.kind === 'elapsed' && rule.delay.ms === 0 ? 'Immediately' : formatDuration(rule.delay);
  if (!rule.repeat) return <>{first}</>;
  return (
    <>
      {first}
      <br />
      <span class="muted">{`repeat every ${formatDuration(rule.repeat.interval)}, ≤ ${rule.repeat.maxCount}×`}</span>
    </>
  );
}

function RuleRow({ rule, ctx }: { rule: Rule; ctx: AdminCtx }) {
  const href = `/admin/rules/${encodeURIComponent(rule.id)}`;
  const toggle = rule.active ? 'Deactivate' : 'Activate';
  const priority = rule.priority[0].toUpperCase() + rule.priority.slice(1);
  return (
    <tr class={rule.active ? undefined : 'inactive'}>
      <th scope="row">
        <a href={href}>{rule.name}</a>
      </th>
      <td>{rule.documentType ?? <span class="muted">Every type</span>}</td>
      <td>{triggerLabel(rule)}</td>
      <td>
        <Badge text={priority} tone={PRIORITY_TONE[rule.priority]} />
      </td>
      <td>
        <Delay rule={rule} />
      </td>
      <td>
        <EmailTo rule={rule} />
      </td>
      <td>{rule.active ? <Badge text="Active" tone="ok" /> : <Badge text="Inactive" tone="neutral" />}</td>
      <td class="row-actions">
        <a class="btn btn-small btn-secondary" href={href} aria-label={`Edit ${rule.name}`}>
          Edit
        </a>{' '}
        <form method="post" action={`${href}/active`} class="inline">
          <CsrfField ctx={ctx} />
          <input type="hidden" name="active" value={rule.active ? 'false' : 'true'} />
          <input type="hidden" name="return" value={ctx.url} />
          <button class="btn btn-small btn-secondary" type="submit" aria-label={`${toggle} ${rule.name}`}>
            {toggle}
          </button>
        </form>{' '}
        <a class="btn btn-small btn-secondary" href={`${href}/log`} aria-label={`Logs of ${rule.name}`}>
          Logs
        </a>{' '}
        <a class="btn btn-small btn-ghost-danger" href={`${href}/delete`} aria-label={`Delete ${rule.name}`}>
          Delete
        </a>
      </td>
    </tr>
  );
}

interface FilterSelectProps {
  name: keyof RuleFilters;
  label: string;
  current: string;
  options: { value: string; label: string }[];
}

function FilterSelect({ name, label, current, options }: FilterSelectProps) {
  return (
    <div class="filter">
      <label for={`flt-${name}`}>{label}</label>
      <select id={`flt-${name}`} name={name}>
        {options.map((option) => (
          <option value={option.value} selected={option.value === current}>
            {option.label}
          </option>
        ))}
      </select>
    </div>
  );
}

function Filters({ filters, types }: { filters: RuleFilters; types: string[] }) {
  const typeOptions = [
    { value: '', label: 'Any' },
    { value: '*', label: 'Every type (no type set)' },
    ...types.map((type) => ({ value: type, label: type })),
  ];
  return (
    <form method="get" action="/admin/rules" class="filters" role="search" aria-label="Filter rules">
      <FilterSelect name="type" label="Document type" current={filters.type} options={typeOptions} />
      <FilterSelect name="status" label="Status / event" current={filters.status} options={STATUS_FILTER_OPTIONS} />
      <FilterSelect name="active" label="State" current={filters.active} options={ACTIVE_FILTER_OPTIONS} />
      <div class="filter filter-buttons">
        <button class="btn btn-secondary" type="submit">
          Filter
        </button>
        {isFiltered(filters) ? (
          <a class="btn btn-ghost" href="/admin/rules">
            Reset
          </a>
        ) : null}
      </div>
    </form>
  );
}

function RuleList({ ctx, rules, filters }: Pick<RulesPageProps, 'ctx' | 'rules' | 'filters'>) {
  if (rules.length === 0) {
    return <EmptyState title="No rules match these filters" hint={<a href="/admin/rules">Show every rule</a>} />;
  }
  const caption = `Notification rules of tenant ${ctx.tenant}${isFiltered(filters) ? ' (filtered)' : ''}`;
  return (
    <Table caption={caption} head={RULE_COLUMNS} id="rules-table">
      {rules.map((rule) => (
        <RuleRow rule={rule} ctx={ctx} />
      ))}
    </Table>
  );
}

function NoRulesYet() {
  const hint = (
    <>
      Rules decide who hears about a document and when. <a href="/admin/rules/new">Create the first rule</a>.
    </>
  );
  return <EmptyState title="No rules yet" hint={hint} />;
}

/** `/admin/rules`: the tenant's rules, filtered. */
export function RulesPage(props: RulesPageProps) {
  const newRule = (
    <a class="btn btn-primary" href="/admin/rules/new">
      New rule
    </a>
  );
  return (
    <AdminPage ctx={props.ctx} title="Notification rules" section="rules" actions={newRule}>
      <p class="lead">
        When a document stays in a status (or an event happens), a rule emails the right people, reminds them and
        escalates.
      </p>
      {props.anyRule ? (
        <>
          <Filters filters={props.filters} types={props.types} />
          <RuleList {...props} />
        </>
      ) : (
        <NoRulesYet />
      )}
    </AdminPage>
  );
}

/** The create page (`rule` undefined) or the edit page of a rule. */
export function RuleFormPage({ ctx, rule, form }: { ctx: AdminCtx; rule?: Rule; form: RuleFormProps }) {
  const logs = rule ? (
    <a class="btn btn-secondary" href={`/admin/rules/${encodeURIComponent(rule.id)}/log`}>
      Logs
    </a>
  ) : undefined;
  return (
    <AdminPage
      ctx={ctx}
      title={rule ? `Edit rule “${rule.name}”` : 'New rule'}
      section="rules"
      crumbs={[{ href: '/admin/rules', label: 'Rules' }]}
      actions={logs}
    >
      <RuleForm {...form} />
    </AdminPage>
  );
}

/** Asks before deleting a rule. */
export function DeleteRulePage({ ctx, rule }: { ctx: AdminCtx; rule: Rule }) {
  const what = `${triggerLabel(rule)}${rule.documentType ? `, ${rule.documentType}` : ''}`;
  return (
    <AdminPage
      ctx={ctx}
      title={`Delete rule “${rule.name}”?`}
      section="rules"
      crumbs={[{ href: '/admin/rules', label: 'Rules' }]}
    >
      <div class="card confirm">
        <p>
          The rule <strong>{rule.name}</strong> ({what}) will be deleted. Emails it has not sent yet, also for documents
          already waiting, will not be sent. Its log entries stay.
        </p>
        <p>
          To stop it for a while instead, <em>deactivate</em> it.
        </p>
        <form method="post" action={`/admin/rules/${encodeURIComponent(rule.id)}/delete`} class="form-actions">
          <CsrfField ctx={ctx} />
          <button class="btn btn-danger" type="submit" autofocus>
            Delete rule
          </button>
          <a class="btn btn-secondary" href="/admin/rules">
            Cancel
          </a>
        </form>
      </div>
    </AdminPage>
  );
}

/** The list page as the answer's body. */
export const renderRulesPage = (props: RulesPageProps): string => renderAdmin(<RulesPage {...props} />);

/** The create/edit page as the answer's body. */
export const renderRuleFormPage = (ctx: AdminCtx, rule: Rule | undefined, form: RuleFormProps): string =>
  renderAdmin(<RuleFormPage ctx={ctx} rule={rule} form={form} />);

/** The delete confirmation as the answer's body. */
export const renderDeleteRulePage = (ctx: AdminCtx, rule: Rule): string =>
  renderAdmin(<DeleteRulePage ctx={ctx} rule={rule} />);
