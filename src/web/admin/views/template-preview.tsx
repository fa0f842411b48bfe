/** @jsxRuntime automatic @jsxImportSource preact */
/**
 * The template editor's preview pane (subject, the HTML part in a sandboxed `srcdoc` frame, the plain-text part) and
 * its placeholder picker. The page script (`public/admin.js`) fills the `data-part` elements of a
 * `data-preview-locale` pane with the live preview, and turns each `code.chip[data-insert]` into an insert button.
 */
import { BUILTIN_PLACEHOLDERS, DOCUMENT_FIELD_PLACEHOLDERS } from '../../../email/render';
import { localeName } from '../template-form';
import type { Preview } from '../template-preview';

/** What the frame shows for a locale without any text yet (the page script shows the same). */
const NOTHING_YET = '<p style="font-family:sans-serif;color:#6b7280">Nothing to preview yet.</p>';

function Problem({ preview }: { preview: Preview }) {
  if (preview.error)
    return (
      <p class="preview-error">
        <strong>Cannot render:</strong> {preview.error}
      </p>
    );
  if (preview.warning)
    return (
      <p class="preview-warning">
        <strong>Will not save:</strong> {preview.warning}
      </p>
    );
  return null;
}

/** The preview of one locale. The rendered email is the frame's `srcdoc` (an attribute value, escaped as one). */
export function PreviewPane({ locale, preview }: { locale: string; preview: Preview }) {
  return (
    <div class="preview" data-preview-locale={locale}>
      <p class="preview-label">Preview with sample values</p>
      <div class="preview-problem" data-part="problem" role="status" aria-live="polite">
        <Problem preview={preview} />
      </div>
      <p class="preview-subject">
        <span class="muted">Subject:</span> <strong data-part="subject">{preview.empty ? '' : preview.subject}</strong>
      </p>
      <iframe
        class="preview-frame"
        title={`HTML preview (${localeName(locale)})`}
        sandbox=""
        srcdoc={preview.empty ? NOTHING_YET : preview.html}
        data-part="html"
      />
      <details class="preview-text">
        <summary>Plain-text part</summary>
        <pre data-part="text">{preview.text}</pre>
      </details>
    </div>
  );
}

function Chip({ name, description }: { name: string; description: string }) {
  return (
    <li>
      <code class="chip" data-insert={`{{${name}}}`} title={description}>
        {`{{${name}}}`}
      </code>
    </li>
  );
}

function Chips({ placeholders }: { placeholders: [string, { description: string }][] }) {
  return (
    <ul class="chips">
      {placeholders.map(([name, info]) => (
        <Chip name={name} description={info.description} />
      ))}
    </ul>
  );
}

/** The placeholders a template can use, each one inserted where the cursor is by the page script. */
export function PlaceholderPicker() {
  const fields = Object.entries(DOCUMENT_FIELD_PLACEHOLDERS).filter(([name]) => !(name in BUILTIN_PLACEHOLDERS));
  return (
    <details class="card picker" open>
      <summary>
        <h2>Placeholders</h2>{' '}
        <span class="muted">
          Click one to insert it where the cursor is (or type it: <code>{'{{name}}'}</code>). Values are HTML-escaped.
        </span>
      </summary>
      <div class="picker-groups">
        <div>
          <h3>Document fields</h3>
          <Chips placeholders={fields} />
        </div>
        <div>
          <h3>Built-in</h3>
          <Chips placeholders={Object.entries(BUILTIN_PLACEHOLDERS)} />
        </div>
      </div>
      <p class="hint">
        Any other field of your documents can be used too; saving checks every name. Use{' '}
        <code>{'{{#actions}}…{{/actions}}'}</code> to list the action links.
      </p>
    </details>
  );
}
