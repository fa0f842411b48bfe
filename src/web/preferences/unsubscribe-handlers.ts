/**
 * The unsubscribe URL of FYI email's `List-Unsubscribe` header, `/preferences/{token}/unsubscribe?kind=<kind>`:
 * `GET|HEAD` show a confirmation page and change nothing (mail scanners fetch every link and every header URL);
 * `POST` with the RFC 8058 one-click body (no cookies, no form token: mail providers post it from their servers)
 * turns that kind off. The confirmation page's button posts the same body.
 */
import type { FastifyReply } from 'fastify';
import { isFyiKind, type FyiKind } from '../../domain/preferences';
import type { PreferenceClaims } from '../../links/token';
import type { Locale } from '../locales';
import { preferenceWordsFor } from './catalogue';
import type { PreferenceContext, PreferenceRequest } from './context';
import { admit } from './guards';
import { isOneClick } from './one-click';
import { problemPage } from './problem';
import { localeOf, sendPage } from './respond';
import { confirmationPage, unknownKindPage, unsubscribedPage, type UnsubscribeProps } from './unsubscribe';

/** The `?kind=` to unsubscribe from, when it is a kind one can turn off. */
function kindOf(req: PreferenceRequest): FyiKind | undefined {
  const kind = req.query?.kind;
  return isFyiKind(kind) ? kind : undefined;
}

/** What both unsubscribe pages are given, for `kind`. */
function unsubscribeProps(
  ctx: PreferenceContext,
  req: PreferenceRequest,
  lang: Locale,
  claims: PreferenceClaims,
  kind: FyiKind,
): UnsubscribeProps {
  const words = preferenceWordsFor(lang);
  const token = req.params.token;
  return { words, lang, claims, token, label: words.kinds[kind].label, publicBaseUrl: ctx.config.PUBLIC_BASE_URL };
}

/** `GET|HEAD` of the unsubscribe URL: the confirmation page (an unknown kind: the way to all preferences). */
export async function showUnsubscribe(
  ctx: PreferenceContext,
  req: PreferenceRequest,
  reply: FastifyReply,
): Promise<FastifyReply> {
  const lang = localeOf(req);
  const link = admit(ctx, req);
  if ('page' in link) return sendPage(reply, lang, link.page);
  const { claims } = link;
  const kind = kindOf(req);
  if (!kind) {
    const words = preferenceWordsFor(lang);
    const where = { words, lang, token: req.params.token, publicBaseUrl: ctx.config.PUBLIC_BASE_URL };
    return sendPage(reply, lang, unknownKindPage({ ...where, claims }));
  }
  return sendPage(reply, lang, confirmationPage(unsubscribeProps(ctx, req, lang, claims, kind)));
}

/** The RFC 8058 one-click POST (and the confirmation page's button): turns the kind off. */
export async function unsubscribe(
  ctx: PreferenceContext,
  req: PreferenceRequest,
  reply: FastifyReply,
): Promise<FastifyReply> {
  const lang = localeOf(req);
  const words = preferenceWordsFor(lang);
  const link = admit(ctx, req);
  if ('page' in link) return sendPage(reply, lang, link.page);
  const { claims } = link;
  const kind = kindOf(req);
  if (!kind) {
    return sendPage(reply, lang, {
      status: 400,
      recipient: claims.recipient,
      ...problemPage(words.problems.badKind, 'error'),
    });
  }
  if (!isOneClick(req.body)) {
    const problem = { title: words.problems.invalid.title, text: words.oneClickMissing };
    return sendPage(reply, lang, { status: 400, recipient: claims.recipient, ...problemPage(problem, 'error') });
  }
  await ctx.stores.preferences.set(claims.tenantId, claims.userKey, { [kind]: 'off' });
  ctx.log.info({ tenantId: claims.tenantId, userKey: claims.userKey, kind }, 'unsubscribed (one-click)');
  return sendPage(reply, lang, unsubscribedPage(unsubscribeProps(ctx, req, lang, claims, kind)));
}
