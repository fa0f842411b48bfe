/** @jsxRuntime automatic @jsxImportSource preact */
/** The suppression pages: the suppressed addresses with the form that adds one, and the confirmation of a lift. */
import type { Suppression } from '../../../store/suppressions';
import type { AdminCtx } from '../context';
import type { FieldErrors, FormValues } from '../form';
import { ErrorSummary, TextField } from './fields';
import { AdminPage, Badge, CsrfField, EmptyState, renderAdmin, Table, Time, type Tone } from './layout';

/** Labels of the add form's fields (its error summary). */
export const SUPPRESSION_LABELS: Record<string, string> = { email: 'Email', reason: 'Reason' };

const SOURCE_LABEL: Record<string, [string, Tone]> = {
  smtp: ['Mail server (5.1.x)', 'bad'],
  bounce: ['Bounce', 'warn'],
  admin: ['Administrator', 'neutral'],
};
const COLUMNS = ['Email', 'Source', 'Reason', 'Since', 'Actions'];
const DIRECTORY_CRUMB = { href: '/admin/directory', label: 'Directory' };

export interface SuppressionsPageProps {
  ctx: AdminCtx;
  suppressions: Suppression[];
  /** The add form's values and errors (a refused add shows them again). */
  form: { values: FormValues; errors: FieldErrors };
}

function SuppressionRow({ suppression }: { suppression: Suppression }) {
  const [source, tone] = SOURCE_LABEL[suppression.source] ?? [suppression.source, 'neutral'];
  return (
    <tr>
      <th scope="row">
        <span class="nowrap">{suppression.email}</span>
      </th>
      <td>
        <Badge text={source} tone={tone} />
      </td>
      <td class="smtp">
        <code>{suppression.reason}</code>
      </td>
      <td>
        <Time at={suppression.createdAt} />
      </td>
      <td class="row-actions">
        <a
          class="btn btn-small btn-ghost-danger"
          href={`/admin/suppressions/lift?email=${encodeURIComponent(suppression.email)}`}
          aria-label={`Lift the suppression of ${suppression.email}`}
        >
          Lift
        </a>
      </td>
    </tr>
  );
}

function Suppressed({ suppressions }: { suppressions: Suppression[] }) {
  return (
    <section aria-labelledby="h-suppressed">
      <h2 id="h-suppressed">
        Suppressed addresses <span class="count">{suppressions.length}</span>
      </h2>
      {suppressions.length ? (
        <Table caption="Suppressed addresses" head={COLUMNS} captionHidden>
          {suppressions.map((suppression) => (
            <SuppressionRow suppression={suppression} />
          ))}
        </Table>
      ) : (
        <EmptyState title="No suppressed addresses" hint="Every address of this tenant gets its emails." />
      )}
    </section>
  );
}

function AddForm({ ctx, form }: Pick<SuppressionsPageProps, 'ctx' | 'form'>) {
  const common = { values: form.values, errors: form.errors };
  return (
    <section aria-labelledby="h-add">
      <h2 id="h-add">Suppress an address</h2>
      <form method="post" action="/admin/suppressions" class="card" novalidate>
        <CsrfField ctx={ctx} />
        <ErrorSummary errors={form.errors} labels={SUPPRESSION_LABELS} />
        <div class="grid grid-2">
          <TextField
            {...common}
            name="email"
            label="Email"
            type="email"
            required
            autocomplete="off"
            spellcheck={false}
          />
          <TextField
            {...common}
            name="reason"
            label="Reason"
            hint="Why no email should go to it, e.g. “left the company”"
          />
        </div>
        <div class="form-actions">
          <button class="btn btn-primary" type="submit">
            Suppress
          </button>
        </div>
      </form>
    </section>
  );
}

/** `/admin/suppressions`: the tenant's suppressed addresses, and the form that adds one. */
export function SuppressionsPage({ ctx, suppressions, form }: SuppressionsPageProps) {
  return (
    <AdminPage ctx={ctx} title="Suppressions" section="directory" crumbs={[DIRECTORY_CRUMB]}>
      <p class="lead">
        Addresses this tenant sends no email to. An address is suppressed when a mail server rejects it permanently (a
        5xx reply with code 5.1.x, e.g. <code>550 5.1.1</code> user unknown) or when it is added here; later emails to
        it are logged <code>skipped: suppressed</code>. Lift a suppression once the address works again.
      </p>
      <Suppressed suppressions={suppressions} />
      <AddForm ctx={ctx} form={form} />
    </AdminPage>
  );
}

/** Asks before lifting a suppression. */
export function LiftPage({ ctx, suppression }: { ctx: AdminCtx; suppression: Suppression }) {
  const crumbs = [DIRECTORY_CRUMB, { href: '/admin/suppressions', label: 'Suppressions' }];
  return (
    <AdminPage ctx={ctx} title={`Lift the suppression of ${suppression.email}?`} section="directory" crumbs={crumbs}>
      <p>
        Emails to <strong>{suppression.email}</strong> will be sent again. It was suppressed because:{' '}
        <code>{suppression.reason}</code>
      </p>
      <form method="post" action="/admin/suppressions/lift" class="form-actions">
        <CsrfField ctx={ctx} />
        <input type="hidden" name="email" value={suppression.email} />
        <button class="btn btn-danger" type="submit" autofocus>
          Lift suppression
        </button>
        <a class="btn btn-secondary" href="/admin/suppressions">
          Cancel
        </a>
      </form>
    </AdminPage>
  );
}

/** The list page as the answer's body. */
export const renderSuppressionsPage = (props: SuppressionsPageProps): string =>
  renderAdmin(<SuppressionsPage {...props} />);

/** The lift confirmation as the answer's body. */
export const renderLiftPage = (ctx: AdminCtx, suppression: Suppression): string =>
  renderAdmin(<LiftPage ctx={ctx} suppression={suppression} />);
