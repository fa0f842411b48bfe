/** @jsxRuntime automatic @jsxImportSource preact */
/** The documents page (look one up, the recent ones) and the page of a document docnotify does not know. */
import type { DocumentSummary } from '../../../client';
import { STATUS_LABELS, type DocumentStatus } from '../../../domain/status';
import type { AdminCtx } from '../context';
import { AdminPage, Badge, EmptyState, relative, renderAdmin, Table, Time } from './layout';

const COLUMNS = ['Document', 'Type', 'Status', 'Assignee', 'Waiting', 'Next email', 'Workflow', 'Started'];
/** The way back from a document. */
export const DOCUMENTS_CRUMB = { href: '/admin/documents', label: 'Documents' };

/** A status as people read it; "—" when there is none. */
export const statusText = (status?: string): string =>
  status ? (STATUS_LABELS[status as DocumentStatus] ?? status) : '—';

/** The recent documents of the tenant, or why Temporal could not list them. */
export type RecentDocuments = { docs: DocumentSummary[] } | { error: string };

/** Looks a document up by id (its timeline). */
export function LookupForm({ id = '' }: { id?: string }) {
  return (
    <form method="get" action="/admin/documents" class="filters lookup" role="search" aria-label="Look up a document">
      <div class="filter grow">
        <label for="doc-id">Document id</label>
        <input
          id="doc-id"
          name="id"
          value={id}
          required
          spellcheck={false}
          autocomplete="off"
          placeholder="e.g. INV-2024-0042"
        />
      </div>
      <div class="filter filter-buttons">
        <button class="btn btn-primary" type="submit">
          Show timeline
        </button>
      </div>
    </form>
  );
}

const Muted = ({ text }: { text: string }) => <span class="muted">{text}</span>;

function DocumentRow({ doc }: { doc: DocumentSummary }) {
  const href = `/admin/documents/${encodeURIComponent(doc.tenantId)}/${encodeURIComponent(doc.documentId)}`;
  return (
    <tr>
      <th scope="row">
        <a class="nowrap" href={href}>
          {doc.documentId}
        </a>
      </th>
      <td>{doc.documentType ?? ''}</td>
      <td class="nowrap">{statusText(doc.status)}</td>
      <td>{doc.assignee ?? <Muted text="—" />}</td>
      <td>{doc.awaitingAction ? <Badge text="Awaiting action" tone="warn" /> : <Muted text="No" />}</td>
      <td>
        {doc.nextNotificationAt ? (
          <>
            <Time at={doc.nextNotificationAt} />
            <br />
            <span class="muted small">{relative(doc.nextNotificationAt)}</span>
          </>
        ) : (
          <Muted text="—" />
        )}
      </td>
      <td>{doc.running ? <Badge text="Running" tone="info" /> : <Badge text="Finished" tone="neutral" />}</td>
      <td>
        <Time at={doc.startTime} />
      </td>
    </tr>
  );
}

function Recent({ recent }: { recent: RecentDocuments }) {
  if ('error' in recent)
    return (
      <p class="flash flash-error" role="alert">
        Could not list documents from Temporal: {recent.error}
      </p>
    );
  if (!recent.docs.length)
    return (
      <EmptyState title="No documents yet" hint="Documents appear here when the pipeline sends their first event." />
    );
  return (
    <Table caption="Recent documents" head={COLUMNS}>
      {recent.docs.map((doc) => (
        <DocumentRow doc={doc} />
      ))}
    </Table>
  );
}

/** `/admin/documents`: the lookup and the tenant's recent documents. */
export function DocumentsPage({ ctx, recent }: { ctx: AdminCtx; recent: RecentDocuments }) {
  return (
    <AdminPage ctx={ctx} title="Documents" section="documents">
      <p class="lead">
        Look up a document to see what happened to it, what docnotify sent, and what it will send next.
      </p>
      <LookupForm />
      <section aria-labelledby="h-recent">
        <h2 id="h-recent">Recent documents of tenant {ctx.tenant}</h2>
        <Recent recent={recent} />
      </section>
    </AdminPage>
  );
}

/** A document the tenant's workflows do not know (yet). */
export function DocumentMissingPage({ ctx, tenant, id }: { ctx: AdminCtx; tenant: string; id: string }) {
  return (
    <AdminPage ctx={ctx} title={`Document “${id}”`} section="documents" crumbs={[DOCUMENTS_CRUMB]}>
      <LookupForm id={id} />
      <EmptyState
        title={`No document “${id}” in tenant ${tenant}`}
        hint="docnotify knows a document once the pipeline has sent an event for it."
      />
    </AdminPage>
  );
}

/** The documents page as the answer's body. */
export const renderDocumentsPage = (ctx: AdminCtx, recent: RecentDocuments): string =>
  renderAdmin(<DocumentsPage ctx={ctx} recent={recent} />);

/** The unknown document's page as the answer's body. */
export const renderDocumentMissingPage = (ctx: AdminCtx, tenant: string, id: string): string =>
  renderAdmin(<DocumentMissingPage ctx={ctx} tenant={tenant} id={id} />);
