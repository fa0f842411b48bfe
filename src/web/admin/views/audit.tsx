/** @jsxRuntime automatic @jsxImportSource preact */
/** The audit log page: the tenant's recorded changes, newest first, filtered by what was changed. */
import type { AuditEntry } from '../../../store/access';
import type { AdminCtx } from '../context';
import { AdminPage, EmptyState, renderAdmin, Table, Time } from './layout';

/** The kinds of thing a change is recorded for (the filter's options). */
export const AUDIT_ENTITIES = ['rule', 'template', 'user', 'group', 'tenant', 'api_key', 'admin'];

const COLUMNS = ['When', 'Who', 'Action', 'What', 'Before', 'After'];

export interface AuditPageProps {
  ctx: AdminCtx;
  entries: AuditEntry[];
  /** The entity filtered by, if any. */
  entity?: string;
}

/** A change's before/after as compact JSON (long values cut: the API has them whole). */
function compactJson(value: unknown): string {
  if (value === undefined) return '—';
  const text = JSON.stringify(value);
  return text.length > 600 ? `${text.slice(0, 600)}…` : text;
}

function EntryRow({ entry }: { entry: AuditEntry }) {
  return (
    <tr>
      <td>
        <Time at={entry.at} />
      </td>
      <td>{entry.actor}</td>
      <td>
        <code>{entry.action}</code>
      </td>
      <td>
        {entry.entity} <code>{entry.entityId}</code>
      </td>
      <td>
        <code class="audit-json">{compactJson(entry.before)}</code>
      </td>
      <td>
        <code class="audit-json">{compactJson(entry.after)}</code>
      </td>
    </tr>
  );
}

function EntityFilter({ entity }: { entity?: string }) {
  return (
    <form method="get" action="/admin/audit" class="filters">
      <div class="filter">
        <label for="flt-entity">What</label>
        <select id="flt-entity" name="entity">
          <option value="">Everything</option>
          {AUDIT_ENTITIES.map((name) => (
            <option value={name} selected={name === entity}>
              {name}
            </option>
          ))}
        </select>
      </div>
      <button class="btn btn-secondary" type="submit">
        Filter
      </button>
    </form>
  );
}

/** `/admin/audit`: who changed which rule, template, directory entry, setting or credential, and how. */
export function AuditPage({ ctx, entries, entity }: AuditPageProps) {
  return (
    <AdminPage ctx={ctx} title="Audit log" section="audit" wide>
      <EntityFilter entity={entity} />
      {entries.length ? (
        <Table caption={`Changes in tenant ${ctx.tenant}, newest first`} head={COLUMNS}>
          {entries.map((entry) => (
            <EntryRow entry={entry} />
          ))}
        </Table>
      ) : (
        <EmptyState title="No changes recorded yet." />
      )}
    </AdminPage>
  );
}

/** The audit page as the answer's body. */
export const renderAuditPage = (props: AuditPageProps): string => renderAdmin(<AuditPage {...props} />);
