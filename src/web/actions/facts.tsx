/** @jsxRuntime automatic @jsxImportSource preact */
/** What the action pages show about the document: its facts, the task's decision, the way to the document system. */
import { Fragment } from 'preact';
import { statusLabel } from '../../email/defaults';
import { formatAmount, formatDate } from '../../email/format';
import type { DocumentStatus } from '../../domain/status';
import type { LinkClaims } from '../../links/token';
import type { DocumentView } from '../../workflows/types';
import type { Locale } from '../locales';
import { Say } from '../views/page';
import { due, when } from './format';
import type { Decision } from './state';
import type { ActionWords } from './words';

/** What every fact view is given: the page's words and language, and the recipient's time zone. */
export interface FactsProps {
  words: ActionWords;
  lang: Locale;
  zone: string;
}

const text = (value: unknown): string | undefined =>
  typeof value === 'string' || typeof value === 'number' ? String(value) : undefined;

/** The facts' labels and values, in the order shown; a fact without a value is left out. */
function factRows(
  { words, lang, zone }: FactsProps,
  view: DocumentView | undefined,
  claims: LinkClaims,
): [string, string | undefined][] {
  const fields = view?.fields ?? {};
  const labels = words.facts;
  return [
    [labels.document, claims.documentId],
    [labels.type, view?.documentType],
    [labels.status, view?.status ? statusLabel(view.status as DocumentStatus, lang) : undefined],
    [labels.invoice, text(fields.invoice_id)],
    [labels.supplier, text(fields.supplier_name)],
    [labels.amount, formatAmount(fields.total_amount, fields.currency, { locale: lang })],
    [labels.due, view?.dueAt ? due(view.dueAt, lang, zone) : formatDate(text(fields.due_date), { locale: lang })],
    [labels.assignee, view?.assignee],
    [labels.recipient, claims.recipient],
  ];
}

/** The document's facts as a definition list: number, type, status, invoice fields, assignee, the link's recipient. */
export function Facts(props: FactsProps & { view: DocumentView | undefined; claims: LinkClaims }) {
  return (
    <dl>
      {factRows(props, props.view, props.claims)
        .filter(([, value]) => value)
        .map(([label, value]) => (
          <Fragment key={label}>
            <dt>{label}</dt>
            <dd>{value}</dd>
          </Fragment>
        ))}
    </dl>
  );
}

/** The already-decided notice: who decided how and when, and the rejection's reason. */
export function AlreadyDecided({ words, lang, zone, decision }: FactsProps & { decision: Decision }) {
  const values = {
    decision: words.decided[decision.action] ?? decision.action,
    actor: decision.actor,
    at: when(decision.at, lang, zone),
  };
  return (
    <>
      <p class="notice">
        <Say text={words.already} values={values} />
      </p>
      {decision.reason ? (
        <p>
          {words.facts.reason}: {decision.reason}
        </p>
      ) : null}
    </>
  );
}

/** A link to the document in the document system, when its `document_url` is a web address. */
export function DocumentLink({ words, view }: { words: ActionWords; view: DocumentView | undefined }) {
  const url = view?.fields.document_url;
  if (typeof url !== 'string' || !/^https?:\/\//i.test(url)) return null;
  return (
    <p>
      <a href={url} rel="noopener noreferrer">
        {words.openInSystem}
      </a>
    </p>
  );
}

/** The facts and the link to the document system, as most result and problem pages end. */
export function Summary(props: FactsProps & { view: DocumentView | undefined; claims: LinkClaims }) {
  return (
    <>
      <Facts {...props} />
      <DocumentLink words={props.words} view={props.view} />
    </>
  );
}
