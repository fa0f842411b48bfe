/** @jsxRuntime automatic @jsxImportSource preact */
/**
 * The template editor: every locale of one template (per document type) with its fields beside its preview, the
 * placeholder picker, and "Send test". The form carries `data-live-preview` for the page script, and a Preview
 * button that renders the edited template on the server without it.
 */
import { SHIPPED, type StoredTemplate } from '../../../store/templates';
import type { AdminCtx } from '../context';
import type { FieldErrors, FormValues } from '../form';
import { fieldLabels, localeName } from '../template-form';
import type { Preview } from '../template-preview';
import { ErrorSummary, TextareaField, TextField } from './fields';
import { AdminPage, Badge, CsrfField, query, renderAdmin } from './layout';
import { PlaceholderPicker, PreviewPane } from './template-preview';

/** One locale of the editor. */
export interface LocaleEdit {
  locale: string;
  /** The template the locale uses now (its own, the general or the shipped one); none yet. */
  stored?: StoredTemplate;
  /** The form's values of the locale, rendered. */
  preview: Preview;
}

export interface TemplateEditProps {
  ctx: AdminCtx;
  name: string;
  /** The document type ('' = every type). */
  type: string;
  locales: LocaleEdit[];
  values: FormValues;
  errors: FieldErrors;
}

type Common = { values: FormValues; errors: FieldErrors };

/** Where the template a locale uses comes from. */
function SourceBadge({ stored, type }: { stored?: StoredTemplate; type: string }) {
  if (!stored) return <Badge text="Not created yet" tone="neutral" />;
  if (stored.tenantId === SHIPPED)
    return <Badge text={type && !stored.documentType ? 'Shipped default (every type)' : 'Shipped default'} />;
  if (stored.documentType) return <Badge text={`Customized for ${stored.documentType}`} tone="info" />;
  return <Badge text={type ? 'Tenant version (every type)' : 'Customized for this tenant'} tone="info" />;
}

function LocaleCard({ edit, type, values, errors }: { edit: LocaleEdit; type: string } & Common) {
  const { locale } = edit;
  const common = { values, errors };
  return (
    <section class="card locale-card" id={`locale-${locale}`} aria-labelledby={`h-locale-${locale}`}>
      <div class="card-head">
        <h2 id={`h-locale-${locale}`}>
          {localeName(locale)} <code>{locale}</code>
        </h2>
        <SourceBadge stored={edit.stored} type={type} />
      </div>
      <div class="editor-grid">
        <div class="editor" data-locale={locale}>
          <TextField {...common} name={`${locale}.subject`} label="Subject" spellcheck={false} className="ph-target" />
          <TextareaField {...common} name={`${locale}.html`} label="HTML body" rows={14} code className="ph-target" />
          <TextareaField
            {...common}
            name={`${locale}.text`}
            label="Plain-text body"
            hint="Optional: empty = derived from the HTML body"
            rows={5}
            code
            className="ph-target"
          />
        </div>
        <PreviewPane locale={locale} preview={edit.preview} />
      </div>
    </section>
  );
}

function Scope({ type }: { type: string }) {
  if (!type)
    return (
      <>Saving stores the tenant’s version for every document type (a type-specific version still wins for its type).</>
    );
  return (
    <>
      Saving stores a version for documents of type <strong>{type}</strong>; other types keep their own or the general
      version.
    </>
  );
}

function LocaleNav({ locales }: { locales: string[] }) {
  return (
    <nav class="locale-nav" aria-label="Locales">
      <span class="muted">Jump to:</span>{' '}
      {locales.map((locale) => (
        <a href={`#locale-${locale}`}>{`${localeName(locale)} (${locale})`}</a>
      ))}
    </nav>
  );
}

function EditForm(props: TemplateEditProps & { qs: string }) {
  const { ctx, name, type, locales, values, errors } = props;
  return (
    <form
      method="post"
      action={`/admin/templates/${encodeURIComponent(name)}${props.qs}`}
      id="template-form"
      class="template-form"
      data-live-preview="/admin/preview/template"
      novalidate
    >
      <CsrfField ctx={ctx} />
      <input type="hidden" name="name" value={name} />
      <input type="hidden" name="type" value={type} />
      <button class="visually-hidden" type="submit" name="_op" value="save" tabindex={-1} aria-hidden="true">
        Save
      </button>
      <ErrorSummary errors={errors} labels={fieldLabels(locales.map((edit) => edit.locale))} />
      <PlaceholderPicker />
      {locales.map((edit) => (
        <LocaleCard edit={edit} type={type} values={values} errors={errors} />
      ))}
      <div class="form-actions">
        <button class="btn btn-primary" type="submit" name="_op" value="save">
          Save template
        </button>
        <button class="btn btn-secondary" type="submit" name="_op" value="preview" data-preview-button="">
          Preview
        </button>
        <a class="btn btn-ghost" href="/admin/templates">
          Cancel
        </a>
      </div>
    </form>
  );
}

function SendTest({ ctx, name, qs, locales }: { ctx: AdminCtx; name: string; qs: string; locales: string[] }) {
  return (
    <section class="card" id="send-test" aria-labelledby="h-send-test">
      <h2 id="h-send-test">Send test</h2>
      <p class="muted">
        Sends the <strong>saved</strong> version now, with sample values, to one address (logged like any email).
      </p>
      <form method="post" action={`/admin/templates/${encodeURIComponent(name)}/test${qs}`} class="inline-form">
        <CsrfField ctx={ctx} />
        <TextField name="to" label="Send to" type="email" values={{}} autocomplete="email" required size="medium" />
        <div class="field size-short">
          <label for="test-locale">Locale</label>
          <select id="test-locale" name="locale">
            {locales.map((locale) => (
              <option value={locale}>{`${localeName(locale)} (${locale})`}</option>
            ))}
          </select>
        </div>
        <div class="field field-button">
          <button class="btn btn-secondary" type="submit">
            Send test email
          </button>
        </div>
      </form>
    </section>
  );
}

/** `/admin/templates/:name`: the editor of every locale of a template. */
export function TemplateEditPage(props: TemplateEditProps) {
  const { ctx, name, type } = props;
  const qs = query({ type: type || undefined });
  const locales = props.locales.map((edit) => edit.locale);
  const actions = (
    <>
      <button class="btn btn-primary" type="submit" form="template-form" name="_op" value="save">
        Save template
      </button>
      <a class="btn btn-secondary" href="#send-test">
        Send test
      </a>
    </>
  );
  return (
    <AdminPage
      ctx={ctx}
      title={`Template “${name}”${type ? ` for ${type}` : ''}`}
      section="templates"
      wide
      crumbs={[{ href: '/admin/templates', label: 'Templates' }]}
      actions={actions}
    >
      <p class="lead">
        <Scope type={type} /> Only changed locales are saved.
      </p>
      <LocaleNav locales={locales} />
      <EditForm {...props} qs={qs} />
      <SendTest ctx={ctx} name={name} qs={qs} locales={locales} />
    </AdminPage>
  );
}

/** The editor as the answer's body. */
export const renderTemplateEditPage = (props: TemplateEditProps): string =>
  renderAdmin(<TemplateEditPage {...props} />);
