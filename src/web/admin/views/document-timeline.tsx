/** @jsxRuntime automatic @jsxImportSource preact */
/**
 * A document's timeline, read from its workflow (`documentState` query): status, open task, planned
 * reminders/escalations, emails, history, fields — and a link to the run in the Temporal UI.
 */
import type { ComponentChildren } from 'preact';
import { formatDate, formatRelative, readerZone, type Reader } from '../../../email/format';
import type { DocumentView } from '../../../workflows/types';
import type { AdminCtx } from '../context';
import { Emails, Fields, History, Planned } from './document-activity';
import { DOCUMENTS_CRUMB, statusText } from './documents';
import { AdminPage, Badge, query, relative, renderAdmin, Time } from './layout';

export interface TimelineProps {
  ctx: AdminCtx;
  /** The document id as asked. */
  id: string;
  view: DocumentView;
  /** The tenant's language and time zone (what its emails are formatted in). */
  reader: Reader;
  /** The run in the Temporal Web UI. */
  temporalUrl: string;
  /** When the view was read. */
  now: number;
}

type Facts = [string, ComponentChildren][];

function Meta({ facts }: { facts: Facts }) {
  return (
    <dl class="meta">
      {facts.map(([label, value]) => (
        <div>
          <dt>{label}</dt>
          <dd>{value}</dd>
        </div>
      ))}
    </dl>
  );
}

/** The due date as the tenant's emails print it, and as a timestamp. */
function DueDate({ dueAt, reader, now }: { dueAt: string; reader: Reader; now: number }) {
  const printed = `${formatRelative(dueAt, now, reader)}; as the tenant’s emails print it, ${reader.locale}, ${readerZone(reader.timeZone)}`;
  return (
    <>
      {formatDate(dueAt, reader)} <span class="muted">({printed})</span>
      <br />
      <Time at={dueAt} />
    </>
  );
}

/** A timestamp with how long ago (or until) it is. */
const When = ({ at, now }: { at: string; now: number }) => (
  <>
    <Time at={at} /> <span class="muted">({relative(at, now)})</span>
  </>
);

function summary({ view, reader, now }: TimelineProps): Facts {
  const status = (
    <>
      <strong>{statusText(view.status)}</strong>
      {view.statusSince ? (
        <>
          {' '}
          <span class="muted">since</span> <Time at={view.statusSince} />
        </>
      ) : null}
    </>
  );
  return [
    ['Status', status],
    ['Previous status', statusText(view.previousStatus)],
    ['Document type', view.documentType],
    ['Tenant', view.tenantId],
    ['Assignee', view.assignee ?? '—'],
    ['Due date', view.dueAt ? <DueDate dueAt={view.dueAt} reader={reader} now={now} /> : '—'],
    ['Escalation level', String(view.escalationLevel)],
    ['Next notification', view.nextNotificationAt ? <When at={view.nextNotificationAt} now={now} /> : '—'],
    ['Emails sent', String(view.emailCount)],
  ];
}

function Decision({ decision }: { decision: NonNullable<NonNullable<DocumentView['task']>['decision']> }) {
  return (
    <>
      <Badge text={decision.action} tone="ok" /> by {decision.actor} <Time at={decision.at} />
      {decision.reason ? ` — “${decision.reason}”` : null}
    </>
  );
}

function Task({ task, now }: { task: DocumentView['task']; now: number }) {
  if (!task) return <p class="muted">No open task: the document is not waiting for a person.</p>;
  const facts: Facts = [
    [
      'Task',
      <>
        <code>{task.id}</code> <span class="muted">version {task.version}</span>
      </>,
    ],
    ['Waiting in', statusText(task.status)],
    ['Opened', <When at={task.openedAt} now={now} />],
    ['Links sent to', task.recipients.length ? task.recipients.join(', ') : <span class="muted">nobody yet</span>],
    ['Decision', task.decision ? <Decision decision={task.decision} /> : <span class="muted">none yet</span>],
  ];
  return <Meta facts={facts} />;
}

function Head({ view, temporalUrl }: Pick<TimelineProps, 'view' | 'temporalUrl'>) {
  return (
    <div class="doc-head">
      <div class="badges">
        <Badge text={statusText(view.status)} tone={view.awaitingAction ? 'warn' : 'info'} />{' '}
        {view.awaitingAction ? <Badge text="Awaiting action" tone="warn" /> : ''}{' '}
        {view.finished ? (
          <Badge text="Workflow finished" tone="neutral" />
        ) : (
          <Badge text="Workflow running" tone="ok" />
        )}
      </div>
      <a class="btn btn-secondary" href={temporalUrl} target="_blank" rel="noopener noreferrer">
        Open in Temporal UI<span class="visually-hidden"> (opens in a new tab)</span> ↗
      </a>
    </div>
  );
}

function Card({ id, heading, children }: { id: string; heading: ComponentChildren; children: ComponentChildren }) {
  return (
    <section class="card" aria-labelledby={id}>
      <h2 id={id}>{heading}</h2>
      {children}
    </section>
  );
}

/** `/admin/documents/:tenant/:id`: the document's timeline. */
export function TimelinePage(props: TimelineProps) {
  const { ctx, id, view, reader, now } = props;
  return (
    <AdminPage ctx={ctx} title={`Document “${id}”`} section="documents" crumbs={[DOCUMENTS_CRUMB]} wide>
      <Head view={view} temporalUrl={props.temporalUrl} />
      <div class="doc-grid">
        <Card id="h-summary" heading="Summary">
          <Meta facts={summary(props)} />
        </Card>
        <Card id="h-task" heading="Open task">
          <Task task={view.task} now={now} />
        </Card>
      </div>
      <Card id="h-planned" heading="Planned reminders and escalations">
        <Planned view={view} now={now} />
      </Card>
      <Card
        id="h-emails"
        heading={
          <>
            Emails <span class="count">{view.emails.length}</span>
          </>
        }
      >
        <Emails view={view} />
      </Card>
      <Card
        id="h-history"
        heading={
          <>
            History <span class="muted small">(newest first)</span>
          </>
        }
      >
        <History view={view} />
      </Card>
      <Fields view={view} reader={reader} />
      <p class="muted small">
        Read <Time at={now} /> from the workflow’s <code>documentState</code> query.{' '}
        <a href={`/admin/log${query({ document: view.documentId })}`}>Notification log of this document</a>.
      </p>
    </AdminPage>
  );
}

/** The timeline as the answer's body. */
export const renderTimelinePage = (props: TimelineProps): string => renderAdmin(<TimelinePage {...props} />);
