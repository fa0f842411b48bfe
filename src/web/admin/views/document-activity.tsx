/** @jsxRuntime automatic @jsxImportSource preact */
/**
 * What a document's timeline lists: the planned emails, the emails sent, the history and the document's fields (as
 * the tenant's emails print them).
 */
import { formatAmount, type Reader } from '../../../email/format';
import { formattedFields } from '../../../email/values';
import type { DocumentView } from '../../../workflows/types';
import { kindLabel } from '../log-labels';
import { Badge, EmptyState, query, relative, statusTone, Table, Time, type Tone } from './layout';

const HISTORY_TONE: Record<string, Tone> = {
  event: 'info',
  email: 'ok',
  decision: 'ok',
  escalation: 'warn',
  rejected: 'bad',
  ignored: 'neutral',
  snooze: 'neutral',
  info: 'neutral',
};

/** The reminder / escalation number in an email's key (`…:reminder:2`); 0 for other kinds. */
const seqOfKey = (key: string): number => Number(/:(?:reminder|escalation|due_soon|overdue):(\d+)/.exec(key)?.[1] ?? 0);

/** The reminders, escalations and due-date emails still to come. */
export function Planned({ view, now }: { view: DocumentView; now: number }) {
  if (!view.pending.length)
    return <EmptyState title="Nothing planned" hint="No reminders, escalations or due-date emails are waiting." />;
  return (
    <Table caption="Planned emails" head={['When', 'Kind', 'What', 'Template']} captionHidden id="planned-table">
      {view.pending.map((planned) => (
        <tr>
          <td>
            <Time at={planned.at} />
            <br />
            <span class="muted small">{relative(planned.at, now)}</span>
          </td>
          <td>{kindLabel(planned.kind, planned.seq)}</td>
          <td>{planned.summary}</td>
          <td>
            <code>{planned.template}</code>
          </td>
        </tr>
      ))}
    </Table>
  );
}

/** The emails of the document, newest first, each one opened in the notification log. */
export function Emails({ view }: { view: DocumentView }) {
  if (!view.emails.length) return <EmptyState title="No emails yet" />;
  return (
    <Table caption="Emails" head={['When', 'Kind', 'To', 'Status', 'Detail', 'Email']} captionHidden>
      {[...view.emails].reverse().map((email) => (
        <tr>
          <td>
            <Time at={email.at} />
          </td>
          <td>{kindLabel(email.kind, seqOfKey(email.key))}</td>
          <td>{email.to}</td>
          <td>
            <Badge text={email.status} tone={statusTone(email.status)} />
          </td>
          <td class="smtp">{email.detail ? <code>{email.detail}</code> : ''}</td>
          <td>
            <a
              class="btn btn-small btn-secondary"
              href={`/admin/log/email${query({ key: email.key })}`}
              aria-label={`Open the email to ${email.to}`}
            >
              Open
            </a>
          </td>
        </tr>
      ))}
    </Table>
  );
}

/** What happened to the document, newest first. */
export function History({ view }: { view: DocumentView }) {
  if (!view.history.length) return <EmptyState title="No history recorded" />;
  return (
    <ol class="timeline" reversed>
      {[...view.history].reverse().map((entry) => (
        <li>
          <div class="tl-time">
            <Time at={entry.at} />
          </div>
          <div class="tl-body">
            <Badge text={entry.kind} tone={HISTORY_TONE[entry.kind] ?? 'neutral'} /> {entry.text}
          </div>
        </li>
      ))}
    </ol>
  );
}

/**
 * A document field as the tenant's emails print it (their language and time zone; `formattedFields`): amounts with
 * their currency, dates. Other fields as given.
 */
function fieldText(name: string, value: unknown, view: DocumentView, reader: Reader): string {
  if (value === null || value === undefined) return '';
  if (name === 'total_amount') return formatAmount(value, view.fields.currency, reader) ?? '';
  const formatted = formattedFields({ [name]: value }, reader)[name];
  return typeof formatted === 'string' ? formatted : String(value);
}

/** The document's fields (nothing when it has none). */
export function Fields({ view, reader }: { view: DocumentView; reader: Reader }) {
  const fields = Object.entries(view.fields);
  if (!fields.length) return null;
  return (
    <section class="card" aria-labelledby="h-fields">
      <h2 id="h-fields">Document fields</h2>
      <Table caption="Fields" head={['Field', 'Value']} captionHidden>
        {fields.map(([name, value]) => (
          <tr>
            <th scope="row">
              <code>{name}</code>
            </th>
            <td>{fieldText(name, value, view, reader)}</td>
          </tr>
        ))}
      </Table>
    </section>
  );
}
