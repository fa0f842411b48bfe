/** How a preferences page is answered: in the public shell, its footer from the page's catalogue. */
import type { FastifyReply } from 'fastify';
import { localeOf, sendLinkPage, type Page } from '../link-pages';
import type { Locale } from '../locales';
import { preferenceWordsFor } from './catalogue';

export { localeOf, type Page };

/** Sends `page` as a whole document (the security headers are the routes' `onSend` hook's). */
export const sendPage = (reply: FastifyReply, lang: Locale, page: Page): FastifyReply =>
  sendLinkPage(reply, lang, page, preferenceWordsFor(lang).footer);
