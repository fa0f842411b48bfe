/** @jsxRuntime automatic @jsxImportSource preact */
/**
 * The person's page of everything that waits for them (`/preferences/{token}/waiting`, linked from every digest):
 * the documents of their daily digest, in the digest's order, 100 a page, each with its signed action links (the same
 * scanner-safe confirmation pages as an email's). Read-only; reached with the person's preferences link.
 */
import type { ComponentChildren } from 'preact';
import { DIGEST_MAX_LISTED } from '../../domain/digest';
import type { DocumentStatus } from '../../domain/status';
import { statusLabel } from '../../email/defaults';
import { formatDate } from '../../email/format';
import { signedActionLinks } from '../../email/values';
import type { Keyring } from '../../links/token';
import type { StoredEntry } from '../../store/digests';
import { fill, type Locale } from '../locales';
import { waitingWordsFor } from './catalogue';
import type { WaitingWords } from './words';

/** The languages of the waiting page: the page locales. */
export type WaitingLocale = Locale;

/** Documents on one page: as many as a digest lists. */
export const WAITING_PAGE_SIZE = DIGEST_MAX_LISTED;

/** What the waiting page shows, and what it needs to sign the action links. */
export interface WaitingPageInput {
  lang: WaitingLocale;
  tenantId: string;
  recipient: string;
  timeZone?: string;
  entries: StoredEntry[];
  total: number;
  /** 1-based. */
  page: number;
  /** The page's own path (`/preferences/{token}/waiting`). */
  path: string;
  publicBaseUrl: string;
  keyring: Keyring;
  now: number;
}

/** One document: its subject, id, status and due date, and its signed action links when it has a task. */
function WaitingItem({ entry, input, words }: { entry: StoredEntry; input: WaitingPageInput; words: WaitingWords }) {
  const links = entry.task
    ? signedActionLinks({
        ...input,
        documentId: entry.documentId,
        task: entry.task,
        actions: entry.actions,
        locale: input.lang,
      })
    : [];
  const reader = { locale: input.lang, timeZone: input.timeZone };
  const due = entry.dueAt === undefined ? undefined : formatDate(new Date(entry.dueAt).toISOString(), reader);
  const status = entry.status ? statusLabel(entry.status as DocumentStatus, input.lang) : '';
  return (
    <li id={`doc-${entry.documentId}`}>
      <strong>{entry.subject}</strong>
      <br />
      <span class="hint">
        {entry.documentId} · {status}
        {due ? ` · ${words.due} ${due}` : ''}
      </span>
      {links.length ? (
        <p>
          {links.map((link) => (
            <>
              <a href={link.url}>{link.label}</a>{' '}
            </>
          ))}
        </p>
      ) : null}
    </li>
  );
}

/** The list of one page of documents, numbered on from the pages before, and the way to the next page. */
function WaitingList({ input, words }: { input: WaitingPageInput; words: WaitingWords }) {
  const pages = Math.max(1, Math.ceil(input.total / WAITING_PAGE_SIZE));
  return (
    <>
      <p>{input.total === 1 ? words.leadOne : fill(words.lead, { count: input.total })}</p>
      <ol start={(input.page - 1) * WAITING_PAGE_SIZE + 1}>
        {input.entries.map((entry) => (
          <WaitingItem entry={entry} input={input} words={words} />
        ))}
      </ol>
      <p class="hint">{fill(words.page, { page: input.page, pages })}</p>
      {input.page < pages ? (
        <p>
          <a href={`${input.path}?page=${input.page + 1}`}>{words.next}</a>
        </p>
      ) : null}
    </>
  );
}

/** The page's title and body. */
export function waitingPage(input: WaitingPageInput): { title: string; body: ComponentChildren } {
  const words = waitingWordsFor(input.lang);
  return {
    title: words.title,
    body: (
      <>
        <h1>{words.title}</h1>
        {input.total ? <WaitingList input={input} words={words} /> : <p>{words.none}</p>}
      </>
    ),
  };
}
