/**
 * The person's page of everything that waits for them (`/preferences/{token}/waiting`, linked from every digest):
 * the documents of their daily digest, in the digest's order, 100 a page, each with its signed action links (the same
 * scanner-safe confirmation pages as an email's). Read-only; reached with the person's preferences link.
 */
import { DIGEST_MAX_LISTED } from '../domain/digest';
import { statusLabel } from '../email/defaults';
import { formatDate } from '../email/format';
import { signedActionLinks } from '../email/values';
import type { DocumentStatus } from '../domain/status';
import type { Keyring } from '../links/token';
import type { StoredEntry } from '../store/digests';
import { fill, html, type Html } from './pages';

export type WaitingLocale = 'en' | 'es' | 'de';

export const WAITING_PAGE_SIZE = DIGEST_MAX_LISTED;

const WORDS: Record<
  WaitingLocale,
  { title: string; lead: string; leadOne: string; none: string; due: string; page: string; next: string; back: string }
> = {
  en: {
    title: 'Waiting for you',
    lead: '{count} documents wait for you, the most overdue first.',
    leadOne: 'One document waits for you.',
    none: 'Nothing waits for you.',
    due: 'Due',
    page: 'Page {page} of {pages}',
    next: 'Next page',
    back: 'Email preferences',
  },
  es: {
    title: 'Pendiente de su acción',
    lead: '{count} documentos esperan su acción, primero los más vencidos.',
    leadOne: 'Un documento espera su acción.',
    none: 'Nada espera su acción.',
    due: 'Vence',
    page: 'Página {page} de {pages}',
    next: 'Página siguiente',
    back: 'Preferencias de correo',
  },
  de: {
    title: 'Wartet auf Sie',
    lead: '{count} Dokumente warten auf Sie, die am längsten überfälligen zuerst.',
    leadOne: 'Ein Dokument wartet auf Sie.',
    none: 'Nichts wartet auf Sie.',
    due: 'Fällig',
    page: 'Seite {page} von {pages}',
    next: 'Nächste Seite',
    back: 'E-Mail-Einstellungen',
  },
};

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

/** The page's title and body. */
export function waitingPage(input: WaitingPageInput): { title: string; body: Html } {
  const t = WORDS[input.lang];
  const pages = Math.max(1, Math.ceil(input.total / WAITING_PAGE_SIZE));
  const reader = { locale: input.lang, timeZone: input.timeZone };
  const item = (e: StoredEntry) => {
    const links = e.task
      ? signedActionLinks({ ...input, documentId: e.documentId, task: e.task, actions: e.actions, locale: input.lang })
      : [];
    const due = e.dueAt === undefined ? undefined : formatDate(new Date(e.dueAt).toISOString(), reader);
    const status = e.status ? statusLabel(e.status as DocumentStatus, input.lang) : '';
    return html`<li id="doc-${e.documentId}"><strong>${e.subject}</strong><br>
<span class="hint">${e.documentId} · ${status}${due ? html` · ${t.due} ${due}` : ''}</span>
${links.length ? html`<p>${links.map((l) => html`<a href="${l.url}">${l.label}</a> `)}</p>` : ''}</li>`;
  };
  const next = input.page < pages ? html`<p><a href="${input.path}?page=${input.page + 1}">${t.next}</a></p>` : '';
  const body = input.total
    ? html`<h1>${t.title}</h1>
<p>${input.total === 1 ? t.leadOne : fill(t.lead, { count: input.total })}</p>
<ol start="${(input.page - 1) * WAITING_PAGE_SIZE + 1}">${input.entries.map(item)}</ol>
<p class="hint">${fill(t.page, { page: input.page, pages })}</p>
${next}`
    : html`<h1>${t.title}</h1><p>${t.none}</p>`;
  return { title: t.title, body };
}
