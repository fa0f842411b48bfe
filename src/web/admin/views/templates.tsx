/** @jsxRuntime automatic @jsxImportSource preact */
/** The template list: the tenant's templates by name and document type, its filters and "Open or create". */
import { SHIPPED, type StoredTemplate } from '../../../store/templates';
import type { AdminCtx } from '../context';
import { AdminPage, Badge, EmptyState, query, renderAdmin, Table, Time } from './layout';

/** The locales of one template name for one document type ('' = every type). */
export interface TemplateGroup {
  name: string;
  documentType: string;
  templates: StoredTemplate[];
  /** Some locale is the tenant's own. */
  custom: boolean;
  /** The last change of the tenant's own locales. */
  updated?: string;
}

export interface TemplatesPageProps {
  ctx: AdminCtx;
  groups: TemplateGroup[];
  filters: { name: string; type: string };
  /** Document types with templates of their own (filter). */
  types: string[];
  /** Every template name (suggestions of "Open or create"). */
  names: string[];
}

const COLUMNS = ['Template', 'Document type', 'Locales', 'Source', 'Last changed'];

function LocaleBadge({ template }: { template: StoredTemplate }) {
  const shipped = template.tenantId === SHIPPED;
  return (
    <Badge
      text={template.locale}
      tone={shipped ? 'neutral' : 'info'}
      title={shipped ? 'shipped default' : 'customized'}
    />
  );
}

function GroupRow({ group }: { group: TemplateGroup }) {
  const href = `/admin/templates/${encodeURIComponent(group.name)}${query({ type: group.documentType || undefined })}`;
  return (
    <tr>
      <th scope="row">
        <a href={href}>{group.name}</a>
      </th>
      <td>{group.documentType || <span class="muted">Every type</span>}</td>
      <td>
        {group.templates.map((template) => (
          <>
            <LocaleBadge template={template} />{' '}
          </>
        ))}
      </td>
      <td>{group.custom ? <Badge text="Customized" tone="info" /> : <span class="muted">Shipped default</span>}</td>
      <td>{group.updated ? <Time at={group.updated} /> : <span class="muted">—</span>}</td>
    </tr>
  );
}

function Filters({ filters, types }: Pick<TemplatesPageProps, 'filters' | 'types'>) {
  const options = [
    { value: '', label: 'Any' },
    { value: '*', label: 'Every type (general)' },
    ...types.map((type) => ({ value: type, label: type })),
  ];
  return (
    <form method="get" action="/admin/templates" class="filters" role="search" aria-label="Filter templates">
      <div class="filter">
        <label for="flt-name">Name contains</label>
        <input id="flt-name" name="name" value={filters.name} />
      </div>
      <div class="filter">
        <label for="flt-ttype">Document type</label>
        <select id="flt-ttype" name="type">
          {options.map((option) => (
            <option value={option.value} selected={option.value === filters.type}>
              {option.label}
            </option>
          ))}
        </select>
      </div>
      <div class="filter filter-buttons">
        <button class="btn btn-secondary" type="submit">
          Filter
        </button>
      </div>
    </form>
  );
}

function OpenForm({ names }: { names: string[] }) {
  return (
    <form method="get" action="/admin/templates" class="filters open-form" aria-label="Open or create a template">
      <div class="filter">
        <label for="open-name">Template</label>
        <input
          id="open-name"
          name="edit"
          list="all-template-names"
          required
          pattern={'[a-z0-9_.\\-]{1,100}'}
          placeholder="e.g. status_on_hold"
          spellcheck={false}
        />
      </div>
      <div class="filter">
        <label for="open-type">For document type</label>
        <input id="open-type" name="type" placeholder="every type" spellcheck={false} />
      </div>
      <div class="filter filter-buttons">
        <button class="btn btn-primary" type="submit">
          Open or create
        </button>
      </div>
      <datalist id="all-template-names">
        {names.map((name) => (
          <option value={name} />
        ))}
      </datalist>
    </form>
  );
}

/** `/admin/templates`: the tenant's templates. */
export function TemplatesPage({ ctx, groups, filters, types, names }: TemplatesPageProps) {
  return (
    <AdminPage ctx={ctx} title="Email templates" section="templates">
      <p class="lead">
        Subject, HTML and plain text per locale, with <code>{'{{field}}'}</code> placeholders. Shipped defaults apply
        until you customize them, per tenant or per document type.
      </p>
      <div class="split">
        <Filters filters={filters} types={types} />
        <OpenForm names={names} />
      </div>
      {groups.length ? (
        <Table caption={`Templates of tenant ${ctx.tenant}`} head={COLUMNS}>
          {groups.map((group) => (
            <GroupRow group={group} />
          ))}
        </Table>
      ) : (
        <EmptyState title="No templates match these filters" />
      )}
    </AdminPage>
  );
}

/** The list as the answer's body. */
export const renderTemplatesPage = (props: TemplatesPageProps): string => renderAdmin(<TemplatesPage {...props} />);
