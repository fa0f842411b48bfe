/** How a preferences page is answered: its language, and the page itself in the public shell. */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ComponentChildren } from 'preact';
import { fill, pickPageLocale, type Locale } from '../locales';
import { renderPublicPage } from '../views/page';
import { preferenceWordsFor } from './catalogue';

/** An answer: its status, title and content; the footer names the link's recipient when known. */
export interface Page {
  status: number;
  title: string;
  body: ComponentChildren;
  recipient?: string;
  headers?: Record<string, string>;
}

/** The page's language: `?lang=` or the form's `lang`, else `Accept-Language`, else English. */
export function localeOf(req: FastifyRequest): Locale {
  const query = req.query as { lang?: unknown } | undefined;
  const body = req.body as { lang?: unknown } | undefined;
  return pickPageLocale(query?.lang ?? body?.lang, req.headers['accept-language']);
}

/** Sends `page` as a whole document (the security headers are the routes' `onSend` hook's). */
export function sendPage(reply: FastifyReply, lang: Locale, page: Page): FastifyReply {
  const footer = page.recipient ? fill(preferenceWordsFor(lang).footer, { recipient: page.recipient }) : undefined;
  return reply
    .code(page.status)
    .headers(page.headers ?? {})
    .send(renderPublicPage({ lang, title: page.title, footer, children: page.body }));
}
